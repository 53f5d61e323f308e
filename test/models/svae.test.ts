// The hyperspherical VAE: codes on the sphere, the loss terms against their definitions (the
// rejection correction changes the gradient, not the value), training moves every parameter, the
// importance-weighted bound against the ELBO, the conv variant's shapes, and the latent-size check.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, rand, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import { klToUniformValue, rsampleVonMisesFisher } from '../../src/distributions/index.js';
import { ConvHypersphericalVae, isGenerative, MlpHypersphericalVae, parseModelConfig, createModel, type MlpHypersphericalOptions } from '../../src/models/index.js';
import { Adam } from '../../src/optim/index.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const batchOf = (inputs: Tensor) => ({ inputs, targets: inputs, indices: inputs, dispose: () => inputs.dispose() });
const small = (extra: Partial<MlpHypersphericalOptions> = {}) => new MlpHypersphericalVae({ inputShape: [1, 28, 28], latent: 5, hidden: [32], ...extra });
const images = (n: number) => rand([n, 1, 28, 28]).gt(0.5).float();

function estimate(repeats: number, fn: () => Tensor): { mean: number; se: number } {
  const values = Array.from({ length: repeats }, () => tidy(() => noGrad(fn).item()));
  const mean = values.reduce((a, b) => a + b, 0) / repeats;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (repeats - 1);
  return { mean, se: Math.sqrt(variance / repeats) };
}

describe('MlpHypersphericalVae', () => {
  test('codes are unit vectors, κ ≥ 1, decode gives probabilities, sample decodes the uniform prior', () => {
    const model = small().eval();
    assert.ok(isGenerative(model));
    tidy(() => {
      const x = images(6);
      const { mu, kappa } = model.posterior(x);
      assert.deepEqual([mu.shape, kappa.shape], [[6, 5], [6]]);
      assert.ok(mu.norm(2, { dim: 1 }).sub(1).abs().max().item() < 1e-6);
      assert.ok(kappa.min().item() >= 1);
      assert.ok(model.encode(x).equal(mu));
      const output = model.reconstruct(x);
      assert.deepEqual(output.shape, [6, 1, 28, 28]);
      assert.ok(output.min().item() > 0 && output.max().item() < 1);
      assert.deepEqual(model.sample(3).shape, [3, 1, 28, 28]);
    });
    model.dispose();
  });

  test('loss: recon is the BCE at one vMF draw (same seed), kl the closed form, total = recon + beta·kl', () => {
    const model = small({ beta: 3 }).eval();
    tidy(() => {
      const x = images(8);
      manualSeed(21);
      const terms = model.loss(batchOf(x));
      assert.deepEqual(Object.keys(terms).sort(), ['kl', 'recon', 'total']);
      manualSeed(21);
      const { mu, kappa } = model.posterior(x);
      const { z } = rsampleVonMisesFisher(mu, kappa);
      const recon = F.binaryCrossEntropy(model.decode(z), x, { reduction: 'sum' }).item() / 8;
      assert.ok(Math.abs(terms.recon!.item() - recon) < 1e-4 * recon, `${terms.recon!.item()} vs ${recon}`);
      const kl = (kappa.toTypedArray() as Float32Array).reduce((sum, k) => sum + klToUniformValue(5, k), 0) / 8;
      assert.ok(Math.abs(terms.kl!.item() - kl) < 1e-5 * Math.max(1, kl), `${terms.kl!.item()} vs ${kl}`);
      assert.ok(Math.abs(terms.total.item() - (terms.recon!.item() + 3 * terms.kl!.item())) < 1e-3);
    });
    model.dispose();
  });

  test('every parameter gets a finite gradient, and 30 Adam steps lower the loss on a batch of two repeated images', () => {
    manualSeed(22);
    const model = small({ latent: 3 });
    const x = tidy(() => images(2).repeat(8, 1, 1, 1));
    const lossAt = () => estimate(6, () => model.loss(batchOf(x)).total);
    const before = lossAt();
    const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
    for (let step = 0; step < 30; step++) {
      tidy(() => {
        const { total } = model.loss(batchOf(x));
        total.backward();
      });
      for (const parameter of model.parameters()) assert.ok(tidy(() => parameter.grad!.isfinite().all().item()), 'finite gradient');
      optimizer.step();
      optimizer.zeroGrad();
    }
    const after = lossAt();
    assert.ok(after.mean < before.mean - 100, `loss ${before.mean} → ${after.mean}`);
    optimizer.dispose();
    x.dispose();
    model.dispose();
  });

  test('the importance-weighted bound: k = 1 matches the ELBO, k = 20 exceeds it by > 3 standard errors', () => {
    manualSeed(23);
    const model = small().eval();
    const x = tidy(() => images(32));
    const elbo = estimate(8, () => model.elbo(x));
    const [k1, k20] = [1, 20].map((k) => estimate(8, () => model.importanceWeightedBound(x, k)));
    const report = JSON.stringify({ elbo, k1, k20 });
    assert.ok(Math.abs(k1!.mean - elbo.mean) < 5 * Math.hypot(k1!.se, elbo.se), report);
    assert.ok(k20!.mean - elbo.mean > 3 * Math.hypot(k20!.se, elbo.se), report);
    x.dispose();
    model.dispose();
  });

  test('the conv variant maps 28×28 images to codes on S^(latent−1) and back', () => {
    const model = new ConvHypersphericalVae({ latent: 3 }).eval();
    tidy(() => {
      const x = images(4);
      assert.deepEqual(model.encode(x).shape, [4, 3]);
      assert.deepEqual(model.reconstruct(x).shape, [4, 1, 28, 28]);
      assert.ok(Number.isFinite(model.loss(batchOf(x)).total.item()));
    });
    model.dispose();
  });

  test('registry: svae and conv-svae build; a latent size of 1 is one clear error', () => {
    const model = createModel(parseModelConfig({ model: 'svae', latent: 2, hidden: [8] }), { inputShape: [10] });
    assert.ok(model instanceof MlpHypersphericalVae);
    model.dispose();
    for (const name of ['svae', 'conv-svae']) {
      assert.throws(() => parseModelConfig({ model: name, latent: 1 }), (error: unknown) => error instanceof ArgumentError && /needs latent ≥ 2 \(2 is a circle\), got latent 1/.test(error.message));
    }
    assert.throws(() => small({ latent: 1 }), ArgumentError);
    assert.throws(() => parseModelConfig({ model: 'svae', latent: 4, conditional: true }), /does not apply to svae/);
  });
});
