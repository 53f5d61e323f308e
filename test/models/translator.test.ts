// The domain translator (src/models/translator.ts): the exercise's layer stack, shapes, and the
// normalisation by a set's own statistics.
// Run: node --test dist/test/models/translator.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, manualSeed, nn, noGrad, randn, tensor, tidy } from '../../src/index.js';
import { Translator, denormalize, normalize, pixelStatistics } from '../../src/models/translator.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

describe('Translator', () => {
  test('maps [N, 1, 28, 28] to [N, 1, 28, 28] through the specified layers, each activation after a batch norm', () => {
    manualSeed(0);
    const model = new Translator({ imageShape: [1, 28, 28] });
    try {
      const layers = [...model.encoder.layers, ...model.decoder.layers].map((layer) => layer.constructor.name);
      assert.deepEqual(layers, [
        'Conv2d', 'BatchNorm2d', 'PReLU', 'Conv2d', 'BatchNorm2d', 'PReLU', 'Flatten', 'Linear', 'BatchNorm1d', 'PReLU', 'Dropout',
        'Linear', 'BatchNorm1d', 'PReLU', 'Unflatten', 'ConvTranspose2d', 'BatchNorm2d', 'PReLU', 'ConvTranspose2d', 'BatchNorm2d', 'PReLU', 'Flatten', 'Linear', 'Unflatten',
      ]);
      const linears = [...model.encoder.layers, ...model.decoder.layers].filter((layer): layer is nn.Linear => layer instanceof nn.Linear);
      assert.deepEqual(linears.map((l) => l.weight.shape), [[512, 3136], [3136, 512], [784, 784]]);
      const convs = [...model.encoder.layers].filter((layer): layer is nn.Conv2d => layer instanceof nn.Conv2d);
      assert.deepEqual(convs.map((c) => c.weight.shape), [[32, 1, 3, 3], [64, 32, 3, 3]]);
      tidy(() => {
        model.train();
        assert.deepEqual(model.forward(randn([4, 1, 28, 28])).shape, [4, 1, 28, 28]);
        model.eval();
        const x = randn([3, 1, 28, 28]);
        const a = noGrad(() => model.forward(x));
        const b = noGrad(() => model.forward(x));
        assert.equal(a.sub(b).abs().max().item(), 0, 'eval mode (no dropout) is deterministic');
      });
    } finally {
      model.dispose();
    }
  });

  test('other sizes divisible by 4 work; others and bad batches are refused', () => {
    manualSeed(0);
    const model = new Translator({ imageShape: [3, 8, 12] });
    try {
      tidy(() => assert.deepEqual(model.forward(randn([2, 3, 8, 12])).shape, [2, 3, 8, 12]));
      assert.throws(() => tidy(() => model.forward(randn([2, 1, 8, 12]))), ArgumentError);
    } finally {
      model.dispose();
    }
    assert.throws(() => new Translator({ imageShape: [1, 30, 30] }), /divisible by 4.*30×30/);
    assert.throws(() => new Translator({ imageShape: [28, 28] }), /\[C, H, W\]/);
  });
});

describe('normalisation', () => {
  test("'both' gives zero mean and unit deviation on the set itself, and denormalize inverts every kind", () => {
    tidy(() => {
      const images = tensor([0, 0.2, 0.4, 1], { shape: [1, 1, 2, 2] });
      const stats = pixelStatistics(images);
      const both = normalize(images, 'both', stats);
      assert.ok(Math.abs(both.mean().item()) < 1e-6);
      assert.ok(Math.abs(both.std().item() - 1) < 1e-6);
      assert.ok(Math.abs(normalize(images, 'mean', stats).mean().item()) < 1e-6);
      assert.ok(Math.abs(normalize(images, 'std', stats).std().item() - 1) < 1e-6);
      assert.equal(normalize(images, 'none', stats).sub(images).abs().max().item(), 0);
      for (const kind of ['none', 'mean', 'std', 'both'] as const) {
        assert.ok(denormalize(normalize(images, kind, stats), kind, stats).sub(images).abs().max().item() < 1e-6, kind);
      }
      assert.throws(() => pixelStatistics(tensor([0.5, 0.5, 0.5, 0.5], { shape: [1, 1, 2, 2] })), /one value/);
    });
  });
});
