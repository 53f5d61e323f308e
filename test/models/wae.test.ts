// WassersteinAutoencoder: its loss is the reconstruction plus λ·MMD² (the paper's scale 2·L for
// imq) against prior draws, it samples by decoding the prior, and it refuses bad options.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, rand, randn, tidy } from '../../src/tensor/index.js';
import { mmd } from '../../src/nn/losses.js';
import { ConvWassersteinAutoencoder, MmdPenalty, WassersteinAutoencoder, type WassersteinOptions } from '../../src/models/wae.js';
import { createModel, parseModelConfig } from '../../src/models/registry.js';
import { assertCheckpointRoundTrip, lossBeforeAndAfterOneStep } from '../helpers/model-checks.js';
import { isGenerative } from '../../src/models/autoencoder.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const small = (extra: Partial<WassersteinOptions> = {}) => new WassersteinAutoencoder({ inputShape: [1, 28, 28], latent: 5, hidden: [32], ...extra });

describe('WassersteinAutoencoder', () => {
  for (const kernel of ['imq', 'rbf'] as const) {
    test(`${kernel}: total = mse + λ·MMD²(codes, N(0, I) draws) with the scale of Tolstikhin et al. (C = 2·L)`, () => {
      const model = small({ kernel, beta: 3 }).eval();
      tidy(() => {
        const x = rand([16, 1, 28, 28]);
        manualSeed(9);
        const terms = model.loss({ inputs: x, indices: x, dispose() {} });
        assert.deepEqual(Object.keys(terms).sort(), ['mmd', 'recon', 'total']);
        manualSeed(9); // the prior draw is the loss's only random draw in eval mode
        const prior = randn([16, 5]);
        const code = model.encode(x);
        const expected = mmd(code, prior, { kernel, scales: kernel === 'imq' ? 10 : Math.sqrt(10) }).item();
        assert.ok(Math.abs(terms.mmd!.item() - expected) < 1e-6, `${terms.mmd!.item()} vs ${expected}`);
        const recon = model.reconstruct(x).sub(x).square().mean().item();
        assert.ok(Math.abs(terms.total.item() - (recon + 3 * expected)) < 1e-5);
      });
      model.dispose();
    });
  }

  test('deterministic encoder; samples decode prior draws', () => {
    const model = small().eval();
    assert.ok(isGenerative(model));
    tidy(() => {
      const x = rand([4, 1, 28, 28]);
      assert.ok(model.encode(x).equal(model.encode(x)));
      assert.deepEqual(model.sample(3).shape, [3, 1, 28, 28]);
    });
    model.dispose();
  });

  test('bad options and a batch of one are clear errors', () => {
    assert.throws(() => small({ beta: -1 }), (e: Error) => e instanceof ArgumentError && /penalty weight \(--beta\)/.test(e.message));
    assert.throws(() => small({ kernel: 'gauss' as never }), /kernel must be 'imq' or 'rbf'/);
    const model = small();
    tidy(() => {
      const x = rand([1, 1, 28, 28]);
      assert.throws(() => model.loss({ inputs: x, indices: x, dispose() {} }), /at least 2 samples \(--batch\)/);
    });
    model.dispose();
  });
});

describe('ConvWassersteinAutoencoder (conv-wae): the conv autoencoder with the same MMD penalty', () => {
  const images = (n: number) => rand([n, 1, 28, 28]);

  test('shapes: 28×28 images → [N, latent] codes → images; samples decode prior draws; the loss has the mmd term of MmdPenalty', () => {
    const model = new ConvWassersteinAutoencoder({ latent: 6, beta: 2 }).eval();
    tidy(() => {
      const x = images(8);
      assert.deepEqual(model.encode(x).shape, [8, 6]);
      assert.deepEqual(model.reconstruct(x).shape, [8, 1, 28, 28]);
      assert.deepEqual(model.sample(3).shape, [3, 1, 28, 28]);
      manualSeed(4);
      const terms = model.loss({ inputs: x, indices: x, dispose() {} });
      assert.deepEqual(Object.keys(terms).sort(), ['mmd', 'recon', 'total']);
      manualSeed(4);
      const expected = new MmdPenalty(6, 'imq').distance(model.encode(x), randn([8, 6])).item();
      assert.ok(Math.abs(terms.mmd!.item() - expected) < 1e-6, `${terms.mmd!.item()} vs ${expected}`);
      assert.ok(Math.abs(terms.total.item() - (terms.recon!.item() + 2 * expected)) < 1e-5);
    });
    assert.equal(model.kernel, 'imq');
    model.dispose();
  });

  test('one Adam step on a batch lowers its loss', () => {
    manualSeed(1);
    const model = new ConvWassersteinAutoencoder({ latent: 4 });
    const x = images(16);
    const { before, after } = lossBeforeAndAfterOneStep(model, x);
    assert.ok(after < before, `${after} ≥ ${before}`);
    x.dispose();
    model.dispose();
  });

  test('checkpoint round trip: a fresh model restored from it encodes and reconstructs alike', () => {
    manualSeed(2);
    const trained = new ConvWassersteinAutoencoder({ latent: 4 });
    const fresh = new ConvWassersteinAutoencoder({ latent: 4 });
    const x = images(4);
    assertCheckpointRoundTrip(trained, fresh, x);
    [x, trained, fresh].forEach((t) => t.dispose());
  });

  test('registry: conv-wae builds with the WAE defaults; other images and bad options are clear errors', () => {
    const config = parseModelConfig({ model: 'conv-wae' });
    assert.deepEqual([config.latent, config.kernel, config.beta, config.reconstruction], [8, 'imq', 0.25, 'mse']);
    const model = createModel(parseModelConfig({ model: 'conv-wae', latent: 3, kernel: 'rbf', upsample: 'nearest' }), { inputShape: [1, 28, 28] });
    assert.ok(model instanceof ConvWassersteinAutoencoder && model.kernel === 'rbf' && model.latent === 3);
    model.dispose();
    assert.throws(() => createModel(config, { inputShape: [3, 32, 32] }), (e: Error) => e instanceof ArgumentError && /conv-wae expects 28×28 single-channel images.*use wae/.test(e.message));
    assert.throws(() => parseModelConfig({ model: 'conv-wae', hidden: [8] }), /hidden does not apply to conv-wae/);
    assert.throws(() => new ConvWassersteinAutoencoder({ latent: 4, kernel: 'gauss' as never }), /kernel must be 'imq' or 'rbf'/);
    assert.throws(() => new ConvWassersteinAutoencoder({ latent: 4, beta: Number.NaN }), /penalty weight \(--beta\)/);
  });
});
