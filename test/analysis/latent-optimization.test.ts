// Latent optimisation through a frozen decoder (src/analysis/latent-optimization.ts): it recovers
// a known code's decoding, leaves the decoder untouched, and its class prototypes are scored
// against the mean-code decoding and the pixel mean.
// Run: npx tsc -p . && node --test dist/test/analysis/latent-optimization.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, noGrad, randn, tensor, tidy, models, type Tensor } from '../../src/index.js';
import { classImages, classPrototypes, optimizeLatent } from '../../src/analysis/latent-optimization.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const sumOfSquares = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).pow(2).sum().item());

describe('optimizeLatent', () => {
  test('from a random start, reaches ‖D(z) − x*‖² < 1e-4 for x* = D(z*) of a random code z*', () => {
    manualSeed(3);
    const model = new models.ConvAutoencoder({ latent: 4 });
    try {
      model.eval();
      const before = tidy(() => model.parameters().map((p) => p.sum().item()));
      const target = noGrad(() => tidy(() => model.decode(randn([1, 4]))));
      const found = optimizeLatent(model, target, { steps: 600, lr: 0.05, seed: 11 });
      try {
        const start = found.history[0]!;
        // The acceptance bound: the sum over the 784 pixels, not the mean.
        const error = sumOfSquares(found.image, target);
        assert.ok(start * 784 > 1e-2, `the random start was already close (${start * 784}): the test proves nothing`);
        assert.ok(error < 1e-4, `‖D(z) − x*‖² = ${error} after ${found.steps} steps (start ${start * 784})`);
        assert.ok(Math.abs(found.loss - error / 784) < 1e-9, 'the reported loss is the per-pixel MSE');
        const after = tidy(() => model.parameters().map((p) => p.sum().item()));
        assert.deepEqual(after, before, 'the decoder changed');
        assert.ok(model.parameters().every((p) => p.grad === null), 'the decoder collected gradients');
      } finally {
        [found.code, found.image, target].forEach((t) => t.dispose());
      }
    } finally {
      model.dispose();
    }
  });

  test('rejects targets of another image size and a bad start, naming the size', () => {
    manualSeed(0);
    const model = new models.ConvAutoencoder({ latent: 2 });
    try {
      tidy(() => {
        assert.throws(() => optimizeLatent(model, randn([1, 1, 32, 32]), { steps: 1 }), (e: unknown) => e instanceof ArgumentError && /\[1, 32, 32\].*\[1, 28, 28\]/.test(e.message));
        assert.throws(() => optimizeLatent(model, randn([1, 1, 28, 28]), { steps: 1, start: randn([1, 3]) }), /\[1, 2\]/);
      });
    } finally {
      model.dispose();
    }
  });
});

describe('classPrototypes', () => {
  test('each prototype is at least as close to its class as the mean-code decoding, and no closer than the pixel mean', () => {
    manualSeed(5);
    const model = new models.MlpAutoencoder({ inputShape: [1, 4, 4], latent: 3, hidden: [8] });
    try {
      model.eval();
      const images = tidy(() => randn([12, 1, 4, 4]).sigmoid());
      const labels = tensor(BigInt64Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], BigInt));
      const result = classPrototypes(model, images, labels, 2, { steps: 300, lr: 0.05 });
      try {
        assert.deepEqual(result.prototypes.shape, [2, 1, 4, 4]);
        assert.deepEqual(result.codes.shape, [2, 3]);
        for (const loss of result.losses) {
          assert.ok(loss.prototype <= loss.meanCode + 1e-6, `prototype ${loss.prototype} worse than mean code ${loss.meanCode}`);
          assert.ok(loss.pixelMean <= loss.prototype + 1e-7, `prototype ${loss.prototype} beat the pixel mean ${loss.pixelMean}, the floor`);
        }
        // The reported loss is the mean MSE to the class's images, computed here directly.
        const direct = tidy(() => classImages(images, labels, 1).sub(result.prototypes.narrow(0, 1, 1)).pow(2).mean().item());
        assert.ok(Math.abs(direct - result.losses[1]!.prototype) < 1e-6);
      } finally {
        [result.codes, result.prototypes, result.meanCodeDecodings, result.pixelMeans, images, labels].forEach((t) => t.dispose());
      }
    } finally {
      model.dispose();
    }
  });

  test('a class with no images is one clear error naming the classes present', () => {
    tidy(() => {
      const labels = tensor(BigInt64Array.from([0, 1, 2], BigInt));
      assert.throws(() => classImages(randn([3, 1, 2, 2]), labels, 12), (e: unknown) => e instanceof ArgumentError && e.message === 'no images of class 12: the classes present are 0, 1, 2');
    });
  });
});
