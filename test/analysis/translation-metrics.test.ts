// Translation metrics (src/analysis/translation-metrics.ts): pairwise distance against a direct
// computation; real images scored as their own translations; a collapsed class has no diversity.
// Run: node --test dist/test/analysis/translation-metrics.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, rand, tensor, tidy } from '../../src/index.js';
import { LeNet } from '../../src/models/lenet.js';
import { meanPairwiseDistance, translationMetrics } from '../../src/analysis/translation-metrics.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

describe('meanPairwiseDistance', () => {
  test('equals the mean Euclidean distance over distinct pairs, computed directly; 0 for copies of one image', () => {
    tidy(() => {
      manualSeed(2);
      const images = rand([5, 1, 3, 3]);
      const rows = images.flatten(1).toArray() as number[][];
      let sum = 0;
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j) sum += Math.hypot(...rows[i]!.map((v, d) => v - rows[j]![d]!));
      assert.ok(Math.abs(meanPairwiseDistance(images) - sum / 20) < 1e-6);
      assert.ok(meanPairwiseDistance(images.narrow(0, 0, 1).expand(4, 1, 3, 3)) < 1e-6);
      assert.equal(meanPairwiseDistance(images.narrow(0, 0, 1)), 0);
    });
  });
});

describe('translationMetrics', () => {
  test('real images as translations: accuracy is the classifier’s own, diversity the real one, Fréchet distance ~0; collapsed classes score no diversity', () => {
    manualSeed(0);
    const classifier = new LeNet({ numClasses: 2 });
    try {
      tidy(() => {
        classifier.eval();
        const images = rand([40, 1, 28, 28]);
        const labels = tensor(BigInt64Array.from(Array.from({ length: 40 }, (_, i) => BigInt(i % 2))));
        const assigned = noGrad(() => classifier.forward(images).argmax(1));
        const ownAccuracy = assigned.eq(labels).float().mean().item();
        const same = translationMetrics(classifier, { images, labels }, { images, labels }, 2);
        assert.ok(Math.abs(same.accuracy - ownAccuracy) < 1e-9);
        assert.ok(Math.abs(same.diversity - same.realDiversity) < 1e-9);
        assert.ok(same.frechet < 1e-3, `Fréchet distance of a set to itself: ${same.frechet}`);
        assert.equal(same.perClass.length, 2);
        assert.equal(same.perClass[0]!.translations, 20);
        // Every translation of a class the same image: no diversity, and a Fréchet distance > 0.
        const collapsed = images.narrow(0, 0, 2).repeat(20, 1, 1, 1);
        const uniform = translationMetrics(classifier, { images: collapsed, labels }, { images, labels }, 2);
        assert.ok(uniform.diversity < 1e-6, `diversity ${uniform.diversity}`);
        assert.ok(same.realDiversity > 1);
        assert.ok(uniform.frechet > same.frechet + 1e-3);
      });
    } finally {
      classifier.dispose();
    }
  });

  test('a class with a single translation has no Fréchet distance (NaN), and the mean is over the classes that have one', () => {
    manualSeed(1);
    const classifier = new LeNet({ numClasses: 2 });
    try {
      tidy(() => {
        classifier.eval();
        const real = rand([20, 1, 28, 28]);
        const realLabels = tensor(BigInt64Array.from(Array.from({ length: 20 }, (_, i) => BigInt(i % 2))));
        // Class 0 has five translations, class 1 a single one.
        const labels = tensor(BigInt64Array.from([0n, 0n, 0n, 0n, 0n, 1n]));
        const metrics = translationMetrics(classifier, { images: real.narrow(0, 0, 6), labels }, { images: real, labels: realLabels }, 2);
        assert.ok(Number.isNaN(metrics.perClass[1]!.frechet));
        assert.ok(Number.isFinite(metrics.frechet));
        assert.equal(metrics.frechet, metrics.perClass[0]!.frechet);
      });
    } finally {
      classifier.dispose();
    }
  });
});
