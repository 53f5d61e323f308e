// MlpVariationalAutoencoder and the VAE machinery it shares with the conv VAE: shapes, the loss
// terms against their definitions, the closed-form KL against Monte Carlo, the importance-weighted
// bound against the ELBO, per-dimension KL, conditioning on labels, and argument checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, rand, randn, randnLike, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import { klToStandardNormal } from '../../src/nn/losses.js';
import type * as nn from '../../src/nn/index.js';
import { isGenerative, MlpVariationalAutoencoder, type MlpVariationalAutoencoderOptions } from '../../src/models/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor, targets?: Tensor) => ({ inputs, targets, indices: inputs, dispose: () => inputs.dispose() });
const maxDifference = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).abs().max().item());
const small = (extra: Partial<MlpVariationalAutoencoderOptions> = {}) => new MlpVariationalAutoencoder({ inputShape: [1, 28, 28], latent: 6, hidden: [32], ...extra });
const images = (n: number) => rand([n, 1, 28, 28]).gt(0.5).float(); // binary pixels: what a Bernoulli decoder models

/** Mean and standard error of `repeats` evaluations of a random estimate. */
function estimate(repeats: number, fn: () => Tensor): { mean: number; se: number } {
  const values = Array.from({ length: repeats }, () => tidy(() => noGrad(fn).item()));
  const mean = values.reduce((a, b) => a + b, 0) / repeats;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (repeats - 1);
  return { mean, se: Math.sqrt(variance / repeats) };
}

describe('MlpVariationalAutoencoder', () => {
  test('encode gives the posterior mean, decode probabilities, sample decodes the prior', () => {
    const model = small().eval();
    assert.ok(isGenerative(model));
    assert.equal(model.conditional, false);
    tidy(() => {
      const x = images(5);
      const { mu, logvar } = model.posterior(x);
      assert.deepEqual([mu.shape, logvar.shape], [[5, 6], [5, 6]]);
      assert.ok(model.encode(x).equal(mu));
      const output = model.reconstruct(x);
      assert.deepEqual(output.shape, [5, 1, 28, 28]);
      assert.ok(output.min().item() > 0 && output.max().item() < 1);
      assert.ok(model.reconstruct(x).equal(output), 'reconstruction decodes the mean: deterministic');
      const samples = model.sample(4);
      assert.deepEqual(samples.shape, [4, 1, 28, 28]);
      assert.ok(maxDifference(samples, model.sample(4)) > 1e-4, 'each call draws new codes');
    });
    model.dispose();
  });

  test('Bernoulli loss: total = recon + beta·kl; recon is the BCE summed over pixels at z = mu + σε; kl the closed form', () => {
    const model = small({ beta: 4 }).eval();
    tidy(() => {
      const x = images(8);
      manualSeed(12);
      const terms = model.loss(batchOf(x));
      assert.deepEqual(Object.keys(terms).sort(), ['kl', 'recon', 'total']);
      manualSeed(12); // the same ε: the posterior draws nothing in eval mode
      const { mu, logvar } = model.posterior(x);
      const z = mu.add(logvar.mul(0.5).exp().mul(randnLike(mu)));
      const recon = F.binaryCrossEntropy(model.decode(z), x, { reduction: 'sum' }).item() / 8;
      // BCE of probabilities vs of logits, float32 sums of 6,272 terms: ~1e-6 relative
      assert.ok(Math.abs(terms.recon!.item() - recon) < 1e-4 * recon, `${terms.recon!.item()} vs ${recon}`);
      assert.ok(Math.abs(terms.kl!.item() - klToStandardNormal(mu, logvar).item()) < 1e-6);
      assert.ok(Math.abs(terms.total.item() - (terms.recon!.item() + 4 * terms.kl!.item())) < 1e-3);
    });
    model.dispose();
  });

  test('Gaussian loss: recon = ‖x − mean‖²/(2σ²) + (D/2)·log(2πσ²) per sample', () => {
    const model = small({ decoder: 'gaussian', decoderStd: 0.2, outputActivation: 'identity' }).eval();
    tidy(() => {
      const x = rand([4, 1, 28, 28]);
      manualSeed(13);
      const terms = model.loss(batchOf(x));
      manualSeed(13);
      const { mu, logvar } = model.posterior(x);
      const mean = model.decode(mu.add(logvar.mul(0.5).exp().mul(randnLike(mu))));
      const expected = mean.sub(x).square().sum().item() / (2 * 0.04) / 4 + (784 / 2) * Math.log(2 * Math.PI * 0.04);
      assert.ok(Math.abs(terms.recon!.item() - expected) < 1e-4 * Math.abs(expected), `${terms.recon!.item()} vs ${expected}`);
      assert.ok(model.decode(randn([50, 6])).min().item() < 0, "identity means are not squashed into (0, 1)");
    });
    model.dispose();
  });

  test('the closed-form KL equals a Monte-Carlo estimate from 200,000 draws of q(z|x) within 5 standard errors', () => {
    manualSeed(14);
    const model = small().eval();
    // Widen the posterior's spread of means and variances, so the KL is a few nats, not ~0.
    noGrad(() => (model.encoder.layers.at(-1) as nn.Linear).weight.mul_(4));
    tidy(() => {
      const x = images(4);
      const closedForm = model.loss(batchOf(x)).kl!.item();
      const { mu, logvar } = model.posterior(x);
      const [m, lv] = [mu.double(), logvar.double()];
      const epsilon = randn([200_000, 4, 6], { dtype: 'float64' });
      const z = m.add(lv.mul(0.5).exp().mul(epsilon));
      // log q(z|x) − log p(z) per draw (the 2π terms cancel), summed over dimensions, averaged over the batch
      const logRatio = z.square().sub(epsilon.square()).sub(lv).sum({ dim: 2 }).mul(0.5).mean({ dim: 1 }); // (S)
      const monteCarlo = logRatio.mean().item();
      const se = logRatio.std().item() / Math.sqrt(200_000);
      assert.ok(closedForm > 1, `KL ${closedForm} is large enough to test`);
      assert.ok(se < 0.01 * closedForm, 'the estimate is precise enough to test the closed form');
      // 5 SE: a correct closed form fails with probability < 1e-6; a missing ½ or a sign error misses by far more.
      assert.ok(Math.abs(monteCarlo - closedForm) < 5 * se, `closed form ${closedForm}, Monte Carlo ${monteCarlo} ± ${se}`);
    });
    model.dispose();
  });

  test('the importance-weighted bound: k = 1 matches the ELBO, k = 5 exceeds it and k = 50 exceeds k = 5, by > 3 standard errors', () => {
    manualSeed(15);
    const model = small().eval();
    const x = tidy(() => images(32));
    // Each estimate averaged over 8 independent repeats; the seed makes the run reproducible, the
    // margins (about 8 SE each when written) make it robust to other seeds.
    const elbo = estimate(8, () => model.elbo(x));
    const [k1, k5, k50] = [1, 5, 50].map((k) => estimate(8, () => model.importanceWeightedBound(x, k)));
    const seOfDifference = (a: { se: number }, b: { se: number }) => Math.hypot(a.se, b.se);
    const report = JSON.stringify({ elbo, k1, k5, k50 });
    assert.ok(Math.abs(k1!.mean - elbo.mean) < 5 * seOfDifference(k1!, elbo), report);
    assert.ok(k5!.mean - elbo.mean > 3 * seOfDifference(k5!, elbo), report);
    assert.ok(k50!.mean - k5!.mean > 3 * seOfDifference(k50!, k5!), report);
    x.dispose();
    model.dispose();
  });

  test('klPerDimension gives [latent] non-negative values that sum to the KL term', () => {
    manualSeed(16);
    const model = small().eval();
    tidy(() => {
      const x = images(10);
      const perDimension = model.klPerDimension(x);
      assert.deepEqual(perDimension.shape, [6]);
      assert.ok(perDimension.min().item() >= 0);
      assert.ok(Math.abs(perDimension.sum().item() - model.loss(batchOf(x)).kl!.item()) < 1e-5);
    });
    model.dispose();
  });

  describe('conditional (CVAE)', () => {
    test('the one-hot label joins the encoder input and the code', () => {
      const model = small({ numClasses: 3 });
      assert.equal(model.conditional, true);
      const shapes = model.stateDict();
      assert.deepEqual(shapes['encoder.0.weight']!.shape, [32, 784 + 3]);
      assert.deepEqual(shapes['decoder.0.weight']!.shape, [32, 6 + 3]);
      model.dispose();
    });

    test('decode and encode change with the label', () => {
      manualSeed(17);
      const model = small({ numClasses: 3 }).eval();
      tidy(() => {
        const z = randn([4, 6]);
        const [zeros, ones] = [tensor(new BigInt64Array(4)), tensor(new BigInt64Array(4).fill(1n))];
        assert.ok(maxDifference(model.decode(z, zeros), model.decode(z, ones)) > 1e-3);
        assert.ok(maxDifference(model.decode(z, zeros), model.decode(z, zeros)) === 0);
        const x = images(4);
        assert.ok(maxDifference(model.encode(x, zeros), model.encode(x, ones)) > 1e-3);
        assert.deepEqual(model.sample(4, ones).shape, [4, 1, 28, 28]);
        const terms = model.loss(batchOf(x, ones));
        assert.ok(Number.isFinite(terms.total.item()));
      });
      model.dispose();
    });

    test('missing or bad labels fail with messages that say what to pass', () => {
      const model = small({ numClasses: 3 });
      const fails = (fn: () => unknown, message: string) => assert.throws(() => tidy(fn), (e: Error) => e instanceof ArgumentError && e.message === message);
      const x = tidy(() => images(2));
      fails(() => model.encode(x), 'MlpVariationalAutoencoder is conditional: pass the class labels (int64 [N]) too');
      fails(() => model.loss(batchOf(x)), 'MlpVariationalAutoencoder is conditional: pass the class labels (int64 [N]) too');
      fails(() => model.encode(x, tensor(BigInt64Array.from([0n, 3n]))), 'MlpVariationalAutoencoder has 3 classes, got a label 3');
      fails(() => model.encode(x, tensor([0, 1])), 'MlpVariationalAutoencoder expects labels as int64 [2], got float32 [2]');
      fails(() => model.sample(3, tensor(BigInt64Array.from([0n, 1n]))), 'MlpVariationalAutoencoder expects labels as int64 [3], got int64 [2]');
      x.dispose();
      model.dispose();
    });
  });

  test('bad options and inputs fail with one clear line', () => {
    const fails = (fn: () => unknown, message: string) => assert.throws(fn, (e: Error) => e instanceof ArgumentError && e.message === message);
    fails(() => small({ outputActivation: 'identity' }), "a Bernoulli decoder outputs probabilities: outputActivation 'identity' needs decoder 'gaussian'");
    fails(() => small({ beta: -1 }), 'beta must be a non-negative number, got -1');
    fails(() => small({ decoder: 'gaussian', decoderStd: 0 }), 'decoderStd must be a positive number, got 0');
    fails(() => small({ latent: 2.5 }), 'latent must be a positive integer, got 2.5');
    const model = small();
    fails(() => tidy(() => model.encode(rand([2, 784]))), 'MlpVariationalAutoencoder expects input of shape [N, 1, 28, 28], got [2, 784]');
    fails(() => tidy(() => model.importanceWeightedBound(rand([2, 1, 28, 28]), 0)), 'k must be a positive integer, got 0');
    model.dispose();
  });
});
