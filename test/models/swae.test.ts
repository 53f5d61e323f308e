// SlicedWassersteinAutoencoder: each prior's draws have the shape the prior promises, the loss is
// the reconstruction plus λ·SW₂², and latent sizes a prior cannot live in are refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, rand, tidy, zeros } from '../../src/tensor/index.js';
import { ConvSlicedWassersteinAutoencoder, ringStd, SlicedPenalty, SlicedWassersteinAutoencoder, type SlicedWassersteinOptions } from '../../src/models/swae.js';
import { createModel, parseModelConfig } from '../../src/models/registry.js';
import { assertCheckpointRoundTrip, lossBeforeAndAfterOneStep } from '../helpers/model-checks.js';
import { isGenerative } from '../../src/models/autoencoder.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const small = (extra: Partial<SlicedWassersteinOptions> = {}) => new SlicedWassersteinAutoencoder({ inputShape: [1, 28, 28], latent: 3, hidden: [32], ...extra });

describe('SlicedWassersteinAutoencoder', () => {
  test('prior draws: gaussian (unit variance), sphere (unit norm), ball (norm ≤ 1, P(r ≤ ½) = 2^−L), mixture (near the unit circle)', () => {
    manualSeed(0);
    const n = 20000;
    const like = zeros([1]);
    tidy(() => {
      const draw = (prior: SlicedWassersteinOptions['prior'], latent = 3) => {
        const model = small({ prior, latent });
        const z = model.samplePrior(n, like);
        model.dispose();
        return z;
      };
      // Tolerances: 4 standard errors of n = 20,000 draws.
      assert.ok(Math.abs(draw('gaussian').square().mean().item() - 1) < 4 * Math.sqrt(2 / (3 * n)));
      assert.ok(draw('sphere').norm(2, { dim: 1 }).sub(1).abs().max().item() < 1e-5);
      const radii = draw('ball').norm(2, { dim: 1 });
      assert.ok(radii.max().item() <= 1 + 1e-6);
      const inner = radii.le(0.5).float().mean().item();
      assert.ok(Math.abs(inner - 1 / 8) < 4 * Math.sqrt((1 / 8) * (7 / 8) / n), `P(r ≤ ½) = ${inner}`);
      const ring = draw('mixture', 4);
      const planar = ring.narrow(1, 0, 2).norm(2, { dim: 1 });
      assert.ok(Math.abs(planar.mean().item() - 1) < 0.01, 'centred on the unit circle');
      assert.ok(Math.abs(ring.narrow(1, 2, 2).std().item() - ringStd) < 0.005, 'σ off the plane');
    });
    like.dispose();
  });

  test('loss: total = recon + λ·sw; samples decode prior draws', () => {
    const model = small({ beta: 2, prior: 'ball' }).eval();
    assert.ok(isGenerative(model));
    tidy(() => {
      const x = rand([16, 1, 28, 28]);
      const terms = model.loss({ inputs: x, indices: x, dispose() {} });
      assert.deepEqual(Object.keys(terms).sort(), ['recon', 'sw', 'total']);
      assert.ok(Math.abs(terms.total.item() - (terms.recon!.item() + 2 * terms.sw!.item())) < 1e-6);
      assert.ok(terms.sw!.item() > 0);
      assert.deepEqual(model.sample(2).shape, [2, 1, 28, 28]);
    });
    model.dispose();
  });

  test('sphere and mixture priors at latent 1, zero projections, an unknown prior: one clear error each', () => {
    assert.throws(() => small({ prior: 'sphere', latent: 1 }), (e: Error) => e instanceof ArgumentError && /sphere prior needs a latent size of at least 2/.test(e.message));
    assert.throws(() => small({ prior: 'mixture', latent: 1 }), /mixture prior needs a latent size of at least 2/);
    assert.throws(() => small({ projections: 0 }), /projections must be a positive integer/);
    assert.throws(() => small({ prior: 'cube' as never }), /prior must be one of gaussian, ball, sphere, mixture/);
  });
});

describe('ConvSlicedWassersteinAutoencoder (conv-swae): the conv autoencoder with the same sliced-Wasserstein penalty', () => {
  const images = (n: number) => rand([n, 1, 28, 28]);

  test('shapes; the loss is mse + λ·SW₂² against the chosen prior, as SlicedPenalty computes it', () => {
    const model = new ConvSlicedWassersteinAutoencoder({ latent: 3, prior: 'sphere', projections: 20, beta: 0.5 }).eval();
    tidy(() => {
      const x = images(8);
      assert.deepEqual(model.encode(x).shape, [8, 3]);
      assert.deepEqual(model.reconstruct(x).shape, [8, 1, 28, 28]);
      const samples = model.sample(2);
      assert.deepEqual(samples.shape, [2, 1, 28, 28]);
      assert.ok(model.samplePrior(50, samples).norm(2, { dim: 1 }).sub(1).abs().max().item() < 1e-5, 'sphere draws');
      manualSeed(6);
      const terms = model.loss({ inputs: x, indices: x, dispose() {} });
      assert.deepEqual(Object.keys(terms).sort(), ['recon', 'sw', 'total']);
      manualSeed(6);
      const penalty = new SlicedPenalty(3, { prior: 'sphere', projections: 20 });
      const expected = penalty.distance(model.encode(x), penalty.samplePrior(8, x)).item();
      assert.ok(Math.abs(terms.sw!.item() - expected) < 1e-6, `${terms.sw!.item()} vs ${expected}`);
      assert.ok(Math.abs(terms.total.item() - (terms.recon!.item() + 0.5 * expected)) < 1e-5);
    });
    assert.deepEqual([model.prior, model.projections], ['sphere', 20]);
    model.dispose();
  });

  test('one Adam step on a batch lowers its loss', () => {
    manualSeed(1);
    const model = new ConvSlicedWassersteinAutoencoder({ latent: 4 });
    const x = images(16);
    const { before, after } = lossBeforeAndAfterOneStep(model, x);
    assert.ok(after < before, `${after} ≥ ${before}`);
    x.dispose();
    model.dispose();
  });

  test('checkpoint round trip: a fresh model restored from it encodes and reconstructs alike', () => {
    manualSeed(2);
    const trained = new ConvSlicedWassersteinAutoencoder({ latent: 4, prior: 'mixture' });
    const fresh = new ConvSlicedWassersteinAutoencoder({ latent: 4, prior: 'mixture' });
    const x = images(4);
    assertCheckpointRoundTrip(trained, fresh, x);
    [x, trained, fresh].forEach((t) => t.dispose());
  });

  test('registry: conv-swae builds with the SWAE defaults; other images, a sphere of latent 1 and 0 projections are clear errors', () => {
    const config = parseModelConfig({ model: 'conv-swae' });
    assert.deepEqual([config.latent, config.projections, config.prior, config.beta], [8, 50, 'gaussian', 1]);
    const model = createModel(parseModelConfig({ model: 'conv-swae', latent: 2, prior: 'ball' }), { inputShape: [1, 28, 28] });
    assert.ok(model instanceof ConvSlicedWassersteinAutoencoder && model.prior === 'ball');
    model.dispose();
    assert.throws(() => createModel(config, { inputShape: [784] }), /conv-swae expects 28×28 single-channel images.*use swae/);
    assert.throws(() => new ConvSlicedWassersteinAutoencoder({ latent: 1, prior: 'sphere' }), (e: Error) => e instanceof ArgumentError && /sphere prior needs a latent size of at least 2/.test(e.message));
    assert.throws(() => parseModelConfig({ model: 'conv-swae', projections: 0 }), /projections/);
  });
});
