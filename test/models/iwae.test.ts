// ImportanceWeightedAutoencoder: the log weights against their definitions, the k-sample bound
// against the ELBO (a mathematical ordering: E[IWAE_k] ≥ ELBO, Burda et al. 2016 theorem 1), the
// training loss at k = 1 and k > 1, logsumexp's stability, the flow posterior, bad arguments.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, rand, randn, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import { ConvImportanceWeightedAutoencoder, ImportanceWeightedAutoencoder, type ImportanceWeightedOptions } from '../../src/models/iwae.js';
import { createModel, parseModelConfig } from '../../src/models/registry.js';
import { assertCheckpointRoundTrip, lossBeforeAndAfterOneStep } from '../helpers/model-checks.js';
import { isGenerative } from '../../src/models/autoencoder.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor) => ({ inputs, indices: inputs, dispose: () => inputs.dispose() });
const small = (extra: Partial<ImportanceWeightedOptions> = {}) => new ImportanceWeightedAutoencoder({ inputShape: [1, 28, 28], latent: 4, hidden: [32], ...extra });
const images = (n: number) => rand([n, 1, 28, 28]).gt(0.5).float();
const LOG_2PI = Math.log(2 * Math.PI);
const close = (a: number, b: number, tolerance: number, what: string) => assert.ok(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function meanOf(repeats: number, fn: () => Tensor): { mean: number; se: number } {
  const values = Array.from({ length: repeats }, () => tidy(() => noGrad(fn).item()));
  const mean = values.reduce((a, b) => a + b, 0) / repeats;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (repeats - 1);
  return { mean, se: Math.sqrt(variance / repeats) };
}

describe('ImportanceWeightedAutoencoder', () => {
  test('log weights: −BCE over pixels, and the Gaussian log densities of z = mu + σε under the prior and the posterior', () => {
    const model = small().eval();
    tidy(() => {
      const x = images(3);
      manualSeed(5);
      const { logLikelihood, logPrior, logPosterior } = model.logWeights(x, 2);
      assert.deepEqual([logLikelihood.shape, logPrior.shape, logPosterior.shape], [[2, 3], [2, 3], [2, 3]]);
      const { mu, logvar } = model.posterior(x);
      manualSeed(5); // eval mode: the posterior draws nothing, so ε is the generator's first draw
      const epsilon = randn([2, 3, 4]);
      const z = mu.add(logvar.mul(0.5).exp().mul(epsilon)); // (2, 3, 4)
      for (let s = 0; s < 2; s++) {
        const zs = z.select(0, s);
        const bce = F.binaryCrossEntropy(model.decode(zs), x, { reduction: 'none' }).flatten(1).sum({ dim: 1 }).neg();
        // float32 BCE of probabilities against BCE of logits, summed over 784 pixels: 1e-4 relative
        for (let i = 0; i < 3; i++) close(logLikelihood.select(0, s).select(0, i).item(), bce.select(0, i).item(), 1e-4, 'log p(x|z)');
        const prior = zs.square().add(LOG_2PI).sum({ dim: 1 }).mul(-0.5);
        const posterior = zs.sub(mu).square().div(logvar.exp()).add(logvar).add(LOG_2PI).sum({ dim: 1 }).mul(-0.5);
        for (let i = 0; i < 3; i++) {
          close(logPrior.select(0, s).select(0, i).item(), prior.select(0, i).item(), 1e-5, 'log p(z)');
          close(logPosterior.select(0, s).select(0, i).item(), posterior.select(0, i).item(), 1e-4, 'log q(z|x)');
        }
      }
    });
    model.dispose();
  });

  test('the bound grows with k and the k = 50 bound is above the ELBO on the same model (10 repeats, beyond 3 standard errors)', () => {
    manualSeed(1);
    const model = small().eval();
    tidy(() => {
      const x = images(16);
      const elbo = meanOf(10, () => model.elbo(x));
      const iwae5 = meanOf(10, () => model.importanceWeightedBound(x, 5));
      const iwae50 = meanOf(10, () => model.importanceWeightedBound(x, 50));
      assert.ok(iwae50.mean - elbo.mean > 3 * (iwae50.se + elbo.se), `IWAE(50) ${iwae50.mean} ± ${iwae50.se} vs ELBO ${elbo.mean} ± ${elbo.se}`);
      assert.ok(iwae50.mean > iwae5.mean && iwae5.mean > elbo.mean, `${elbo.mean} < ${iwae5.mean} < ${iwae50.mean}`);
      manualSeed(2);
      const one = model.importanceWeightedBound(x, 1).item();
      manualSeed(2);
      close(one, model.elbo(x).item(), 1e-6, 'k = 1 is the ELBO');
    });
    model.dispose();
  });

  test('loss: k > 1 is minus the k-sample bound; k = 1 is recon + beta·kl with kl = mean(log q − log p)', () => {
    const iwae = small({ samples: 3 }).eval();
    const vae = small({ samples: 1, beta: 2 }).eval();
    tidy(() => {
      const x = images(6);
      manualSeed(7);
      const terms = iwae.loss(batchOf(x));
      assert.deepEqual(Object.keys(terms).sort(), ['kl', 'recon', 'total']);
      manualSeed(7);
      close(terms.total.item(), -iwae.importanceWeightedBound(x, 3).item(), 1e-6, 'total');
      manualSeed(8);
      const vaeTerms = vae.loss(batchOf(x));
      manualSeed(8);
      const { logLikelihood, logPrior, logPosterior } = vae.logWeights(x, 1);
      close(vaeTerms.recon!.item(), -logLikelihood.mean().item(), 1e-6, 'recon');
      close(vaeTerms.kl!.item(), logPosterior.sub(logPrior).mean().item(), 1e-6, 'kl');
      close(vaeTerms.total.item(), vaeTerms.recon!.item() + 2 * vaeTerms.kl!.item(), 1e-6, 'total');
    });
    iwae.dispose();
    vae.dispose();
  });

  test('logsumexp keeps the bound finite where exp of the log weights underflows (weights near −1e4 nats)', () => {
    const model = small().eval();
    // Huge decoder logits against the data: log p(x|z) of thousands of nats below zero.
    noGrad(() => model.decoder.parameters().forEach((p) => tidy(() => p.mul_(300))));
    tidy(() => {
      const x = images(4);
      const { logLikelihood } = model.logWeights(x, 20);
      assert.ok(logLikelihood.max().item() < -1000, `log weights ${logLikelihood.max().item()}: exp underflows to 0 in float32`);
      const bounds = model.importanceWeightedBounds(x, 20);
      assert.ok(bounds.isfinite().all().item());
      assert.ok(bounds.min().item() >= logLikelihood.min().item() - 1e3);
    });
    model.dispose();
  });

  test('a flow posterior: finite bound, the flow gets gradients, encode passes the mean through the flow, sample draws the prior', () => {
    const model = small({ samples: 2, flow: 'planar:3' });
    assert.ok(isGenerative(model));
    tidy(() => {
      const x = images(5);
      model.loss(batchOf(x)).total.backward();
      for (const p of model.flow!.parameters()) assert.ok(p.grad && p.grad.abs().sum().item() > 0, 'a flow parameter without gradient');
      model.eval();
      const { mu } = model.posterior(x);
      assert.ok(model.encode(x).sub(model.flow!.transform(mu).z).abs().max().item() === 0);
      assert.deepEqual(model.sample(3).shape, [3, 1, 28, 28]);
      assert.ok(Number.isFinite(model.elbo(x).item()));
    });
    model.dispose();
  });

  test('bad arguments: samples 0 or fractional, k 0, a bad flow, a wrong batch shape — one clear error each', () => {
    assert.throws(() => small({ samples: 0 }), (e: Error) => e instanceof ArgumentError && /samples .* must be a positive integer, got 0/.test(e.message));
    assert.throws(() => small({ samples: 2.5 }), ArgumentError);
    assert.throws(() => small({ flow: 'planar:x' }), /--flow expects/);
    const model = small();
    tidy(() => {
      assert.throws(() => model.importanceWeightedBound(images(2), 0), /k must be a positive integer/);
      assert.throws(() => model.logWeights(rand([2, 784]), 2), /expects input of shape \[N, 1, 28, 28\]/);
    });
    model.dispose();
  });
});

describe('ConvImportanceWeightedAutoencoder (conv-iwae): the conv VAE trained on the same k-sample bound', () => {
  test('shapes: log weights [k, N], codes [N, latent], reconstructions and samples of 28×28; the bound at k = 50 not below the ELBO (10 repeats, 3 standard errors)', () => {
    manualSeed(3);
    const model = new ConvImportanceWeightedAutoencoder({ latent: 4, samples: 3 }).eval();
    tidy(() => {
      const x = images(6);
      const { logLikelihood, logPrior, logPosterior } = model.logWeights(x, 3);
      assert.deepEqual([logLikelihood.shape, logPrior.shape, logPosterior.shape], [[3, 6], [3, 6], [3, 6]]);
      assert.deepEqual(model.encode(x).shape, [6, 4]);
      assert.deepEqual(model.reconstruct(x).shape, [6, 1, 28, 28]);
      assert.deepEqual(model.sample(2).shape, [2, 1, 28, 28]);
      assert.deepEqual(model.importanceWeightedBounds(x, 5).shape, [6]);
      const elbo = meanOf(10, () => model.elbo(x));
      const bound = meanOf(10, () => model.importanceWeightedBound(x, 50));
      // Untrained, q(z|x) is close to the prior and the gap is small (0.4 nats measured): not below is what can be asserted.
      assert.ok(bound.mean > elbo.mean - 3 * Math.hypot(bound.se, elbo.se), `bound ${bound.mean} ± ${bound.se} vs ELBO ${elbo.mean} ± ${elbo.se}`);
    });
    assert.equal(model.samples, 3);
    assert.ok(isGenerative(model));
    model.dispose();
  });

  test('one Adam step on a batch lowers its loss (the negative 5-sample bound)', () => {
    manualSeed(1);
    const model = new ConvImportanceWeightedAutoencoder({ latent: 4, samples: 5 });
    const x = tidy(() => images(16));
    const { before, after } = lossBeforeAndAfterOneStep(model, x);
    assert.ok(after < before, `${after} ≥ ${before}`);
    x.dispose();
    model.dispose();
  });

  test('checkpoint round trip, with a planar flow: a fresh model restored from it encodes and reconstructs alike', () => {
    manualSeed(2);
    const trained = new ConvImportanceWeightedAutoencoder({ latent: 4, flow: 'planar:2' });
    const fresh = new ConvImportanceWeightedAutoencoder({ latent: 4, flow: 'planar:2' });
    assert.ok(tidy(() => Object.keys(trained.stateDict())).some((name) => name.startsWith('flow.')));
    const x = tidy(() => images(4));
    assertCheckpointRoundTrip(trained, fresh, x);
    [x, trained, fresh].forEach((t) => t.dispose());
  });

  test('registry: conv-iwae builds with k = 5 and the conv VAE defaults; other images, samples 0 and a bad flow are clear errors', () => {
    const config = parseModelConfig({ model: 'conv-iwae' });
    assert.deepEqual([config.latent, config.samples, config.decoder, config.upsample, config.dropout], [20, 5, 'bernoulli', 'deconv', 0.2]);
    const model = createModel(parseModelConfig({ model: 'conv-iwae', latent: 3, samples: 2, flow: 'realnvp:2' }), { inputShape: [1, 28, 28] });
    assert.ok(model instanceof ConvImportanceWeightedAutoencoder && model.samples === 2 && model.flow !== null);
    model.dispose();
    assert.throws(() => createModel(config, { inputShape: [2] }), /conv-iwae expects 28×28 single-channel images.*use iwae/);
    assert.throws(() => parseModelConfig({ model: 'conv-iwae', samples: 0 }), /samples/);
    assert.throws(() => new ConvImportanceWeightedAutoencoder({ latent: 4, samples: 0 }), (e: Error) => e instanceof ArgumentError && /samples .* must be a positive integer, got 0/.test(e.message));
    assert.throws(() => parseModelConfig({ model: 'conv-iwae', flow: 'spline:3' }), ArgumentError);
    assert.throws(() => parseModelConfig({ model: 'conv-iwae', hidden: [8] }), /hidden does not apply to conv-iwae/);
  });
});
