// Sample metrics through a reference classifier (src/analysis/sample-metrics.ts), and the sanity
// of the Fréchet distance on real images (issue 14's acceptance): MNIST test vs train images is
// under 1% of the distance to uniform noise images, and the distance grows monotonically as
// Gaussian blur or noise of growing strength is applied to real images.
// A small LeNet trained here on 2,000 digits for 3 epochs (seconds) stands in for the cached
// reference classifier: the properties checked hold for any classifier whose features separate
// digits from noise, and a weaker one is the harder test.
// Run: npx tsc -p . && node --test dist/test/analysis/sample-metrics.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, keep, manualSeed, rand, randnLike, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import * as F from '../../src/nn/functional.js';
import { loadDataset, type LoadedDataset } from '../../src/data/datasets.js';
import { LeNet } from '../../src/models/lenet.js';
import type { GenerativeAutoencoder } from '../../src/models/autoencoder.js';
import { trainClassifier } from '../../src/train/classifier.js';
import { classifierView, sampleMetrics } from '../../src/analysis/sample-metrics.js';
import { frechetDistanceOf } from '../../src/analysis/frechet.js';

let classifier: LeNet;
let train: LoadedDataset;
let testSet: LoadedDataset;
let accuracy: number;

before(async () => {
  train = loadDataset('mnist', { split: 'train', limit: 2000 });
  // Every fifth test digit: MNIST's test file puts its cleaner half first, so its first rows are not
  // distributed as the training digits are.
  const wholeTest = loadDataset('mnist', { split: 'test' });
  testSet = { ...wholeTest, inputs: keep(wholeTest.inputs.index('::5')), targets: keep(wholeTest.targets.index('::5')) };
  wholeTest.inputs.dispose();
  wholeTest.targets.dispose();
  manualSeed(0);
  classifier = new LeNet({ numClasses: 10 });
  const outcome = await trainClassifier({
    model: classifier,
    parameters: classifier.parameters(),
    optimizer: { name: 'adam', lr: 2e-3 },
    train: { inputs: train.inputs, targets: train.targets },
    test: { inputs: testSet.inputs, targets: testSet.targets },
    batch: 64,
    seed: 0,
    epochs: 3,
  });
  accuracy = outcome.testAccuracy;
  classifier.eval();
});

after(() => {
  classifier.dispose();
  for (const set of [train, testSet]) [set.inputs, set.targets].forEach((t) => t.dispose());
});

/** Fréchet distance between the classifier features of two image sets. */
function distance(a: Tensor, b: Tensor): number {
  const [va, vb] = [classifierView(classifier, a), classifierView(classifier, b)];
  try {
    return frechetDistanceOf(va.features, vb.features);
  } finally {
    va.dispose();
    vb.dispose();
  }
}

/** Gaussian blur of images [N, 1, 28, 28] with standard deviation sigma pixels (zero padding, same size). */
function blur(images: Tensor, sigma: number): Tensor {
  return tidy(() => {
    const radius = Math.ceil(3 * sigma);
    const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const sum = taps.reduce((a, b) => a + b, 0);
    const line = tensor(taps.map((t) => t / sum));
    const kernel = line.unsqueeze(1).matmul(line.unsqueeze(0)).reshape([1, 1, 2 * radius + 1, 2 * radius + 1]);
    return F.conv2d(images, kernel, null, { padding: radius });
  });
}

describe('Fréchet distance on real images (sanity)', () => {
  test('the small classifier learned digits (above 85% on 2,000 test digits)', () => {
    assert.ok(accuracy > 0.85, `test accuracy ${accuracy}`);
  });

  test('MNIST test vs train images is under 1% of the distance to uniform noise images', () =>
    tidy(() => {
      manualSeed(1);
      const real = distance(testSet.inputs, train.inputs);
      const noise = distance(testSet.inputs, rand([2000, 1, 28, 28]));
      assert.ok(real < 0.01 * noise, `test vs train ${real}, test vs noise ${noise}`);
    }));

  test('grows monotonically with the strength of Gaussian blur (σ = 0.5, 1, 1.5, 2, 3 pixels)', () =>
    tidy(() => {
      const reference = train.inputs;
      const distances = [0, 0.5, 1, 1.5, 2, 3].map((sigma) => distance(reference, sigma === 0 ? testSet.inputs : blur(testSet.inputs, sigma)));
      for (let i = 1; i < distances.length; i++) assert.ok(distances[i]! > distances[i - 1]!, `blur distances ${distances.join(', ')}`);
    }));

  test('grows monotonically with the strength of Gaussian noise (σ = 0.05, 0.1, 0.2, 0.4, 0.8)', () =>
    tidy(() => {
      manualSeed(2);
      const reference = train.inputs;
      const unit = randnLike(testSet.inputs);
      const distances = [0, 0.05, 0.1, 0.2, 0.4, 0.8].map((sigma) => distance(reference, testSet.inputs.add(unit.mul(sigma)).clamp(0, 1)));
      for (let i = 1; i < distances.length; i++) assert.ok(distances[i]! > distances[i - 1]!, `noise distances ${distances.join(', ')}`);
    }));
});

/** A stand-in generative model that "samples" given images: of the asked class where labels are given. */
function replayModel(images: Tensor, labels: Tensor, options: { conditional: boolean; collapseTo?: number }): GenerativeAutoencoder {
  let next = 0;
  const byClass = Array.from({ length: 10 }, (_, c) => (labels.toArray() as number[]).flatMap((label, i) => (label === c ? [i] : [])));
  return {
    conditional: options.conditional,
    training: false,
    eval() {
      return this;
    },
    train() {
      return this;
    },
    sample(n: number, asked?: Tensor): Tensor {
      const wanted = asked ? (asked.toArray() as number[]) : Array.from({ length: n }, () => options.collapseTo);
      // unconditional: the images in their (shuffled) order; conditional or collapsed: those of the class
      const rows = wanted.map((c) => (c === undefined ? next++ % images.shape[0]! : byClass[c]![next++ % byClass[c]!.length]!));
      return tidy(() => images.indexSelect(0, tensor(rows, { dtype: 'int64' })));
    },
  } as unknown as GenerativeAutoencoder;
}

describe('sampleMetrics', () => {
  test('samples replayed from the training images: small distance, high precision and recall, even classes; conditional accuracy as the real accuracy', () =>
    tidy(() => {
      const pool = train.inputs.narrow(0, 1000, 1000);
      const poolLabels = train.targets.narrow(0, 1000, 1000);
      const unconditional = sampleMetrics(replayModel(pool, poolLabels, { conditional: false }), classifier, testSet, { samples: 600 });
      assert.equal(unconditional.samples, 600);
      assert.equal(unconditional.realSamples, 600);
      assert.equal(unconditional.conditionalAccuracy, undefined);
      assert.equal(unconditional.classCounts.reduce((a, b) => a + b, 0), 600);
      assert.ok(unconditional.classEntropy > 0.9 * Math.log(10), `entropy ${unconditional.classEntropy}`);
      assert.ok(unconditional.precision > 0.6 && unconditional.recall > 0.6, `precision ${unconditional.precision}, recall ${unconditional.recall}`);

      const conditional = sampleMetrics(replayModel(pool, poolLabels, { conditional: true }), classifier, testSet, { samples: 600, numClasses: 10 });
      assert.ok(Math.abs(conditional.conditionalAccuracy! - conditional.realAccuracy) < 0.1, `conditional ${conditional.conditionalAccuracy}, real ${conditional.realAccuracy}`);
      assert.ok(conditional.classCounts.every((count) => count > 30), `classes ${conditional.classCounts.join(', ')}`);

      // a model that draws one class only: mode collapse shows as low entropy, low recall and a larger distance
      const collapsed = sampleMetrics(replayModel(pool, poolLabels, { conditional: false, collapseTo: 3 }), classifier, testSet, { samples: 600 });
      assert.ok(collapsed.classEntropy < unconditional.classEntropy / 3, `collapsed entropy ${collapsed.classEntropy}, spread ${unconditional.classEntropy}`);
      assert.ok(collapsed.recall < unconditional.recall / 2, `collapsed recall ${collapsed.recall}`);
      assert.ok(collapsed.frechetDistance > 3 * unconditional.frechetDistance, `collapsed ${collapsed.frechetDistance}, spread ${unconditional.frechetDistance}`);
    }));

  test('the same seed draws the same samples (same metrics); refuses fewer samples than k + 1', () =>
    tidy(() => {
      const noiseModel = {
        conditional: false,
        training: false,
        eval() {
          return this;
        },
        train() {
          return this;
        },
        sample: (n: number) => rand([n, 1, 28, 28]),
      } as unknown as GenerativeAutoencoder;
      const a = sampleMetrics(noiseModel, classifier, testSet, { samples: 50, seed: 4 });
      const b = sampleMetrics(noiseModel, classifier, testSet, { samples: 50, seed: 4 });
      assert.equal(a.frechetDistance, b.frechetDistance);
      assert.throws(() => sampleMetrics(noiseModel, classifier, testSet, { samples: 3 }), /more than 3 samples/);
      assert.throws(() => sampleMetrics(noiseModel, classifier, testSet, { samples: 0 }), ArgumentError);
    }));
});

