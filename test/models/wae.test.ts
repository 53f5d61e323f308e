// WassersteinAutoencoder: its loss is the reconstruction plus λ·MMD² (the paper's scale 2·L for
// imq) against prior draws, it samples by decoding the prior, and it refuses bad options.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, rand, randn, tidy } from '../../src/tensor/index.js';
import { mmd } from '../../src/nn/losses.js';
import { WassersteinAutoencoder, type WassersteinOptions } from '../../src/models/wae.js';
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
