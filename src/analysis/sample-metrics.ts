// What a generative model's samples are worth, read through a reference classifier (LeNet): the
// Fréchet distance of their penultimate features to the real test images', the class histogram
// and its entropy, precision and recall of the feature manifolds, and, for conditional models,
// how often a sample is classified as the class it was drawn for.
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/combine.js';
import { arange } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { manualSeed } from '../tensor/runtime.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { GenerativeModel } from '../models/generative.js';
import type { LeNet } from '../models/lenet.js';
import { classHistogram } from './class-histogram.js';
import { conditionalAccuracy } from './conditional-accuracy.js';
import { frechetDistanceOf } from './frechet.js';
import { manifoldPrecisionRecall } from './precision-recall.js';

/** What the reference classifier sees of a set of images: its penultimate features and the class it assigns. */
export interface ClassifierView {
  /** Penultimate features [N, 84]. */
  features: Tensor;
  /** The class the classifier assigns, int64 [N]. */
  assigned: Tensor;
  /** Frees the features and assigned classes. */
  dispose(): void;
}

/** The reference classifier's features and assigned classes of images [N, 1, 28, 28], batch by batch, in eval mode. */
export function classifierView(classifier: LeNet, images: Tensor, batchSize = 500): ClassifierView {
  const wasTraining = classifier.training;
  classifier.eval();
  const features: Tensor[] = [];
  const assigned: Tensor[] = [];
  try {
    noGrad(() => {
      for (let start = 0; start < images.shape[0]!; start += batchSize) {
        tidy(() => {
          const f = classifier.embed(images.narrow(0, start, Math.min(batchSize, images.shape[0]! - start))); // [B, 84]
          features.push(keep(f));
          assigned.push(keep(classifier.head.forward(f).argmax(1)));
        });
      }
    });
    const view = tidy(() => [keep(cat(features, 0)), keep(cat(assigned, 0))] as const);
    return { features: view[0], assigned: view[1], dispose: () => view.forEach((t) => t.dispose()) };
  } finally {
    [...features, ...assigned].forEach((t) => t.dispose());
    classifier.train(wasTraining);
  }
}

/** How many samples sampleMetrics draws, the classes of a conditional model and the k of precision and recall. */
export interface SampleMetricsOptions {
  /** Generated samples, and real test images (at most this many, the first ones). */
  samples: number;
  /** Classes of a conditional model: samples are drawn in equal numbers per class (0, 1, ..., 0, 1, ...). */
  numClasses?: number;
  /** Neighbour of the precision/recall radii (3). */
  k?: number;
  batchSize?: number;
  /** Seed of the samples drawn (0). */
  seed?: number;
}

/** The quality of a generative model's samples against real test images: Fréchet distance, class counts and entropy, precision and recall, conditional accuracy. */
export interface SampleMetrics {
  /** Generated samples scored. */
  samples: number;
  /** Real test images they were compared with. */
  realSamples: number;
  frechetDistance: number;
  /** Samples assigned to each class. */
  classCounts: number[];
  /** Of the assigned classes, in nats (ln classes for an even spread). */
  classEntropy: number;
  precision: number;
  recall: number;
  k: number;
  /** Conditional models: the fraction of samples assigned their asked class. */
  conditionalAccuracy?: number;
  /** The same score of the real test images (their labels against the classifier): the ceiling of conditionalAccuracy and the reference of the others. */
  realAccuracy: number;
  /** Class entropy of the real test images. */
  realClassEntropy: number;
}

/**
 * Draws `samples` from `model` (equal numbers per class where numClasses is given) and scores them
 * against `real` test images with their labels, through `classifier`. Samples must be images in
 * the data's range, [N, 1, 28, 28], as the model's sample() returns them.
 */
export function sampleMetrics(model: GenerativeModel, classifier: LeNet, real: { inputs: Tensor; targets: Tensor }, options: SampleMetricsOptions): SampleMetrics {
  const { samples, numClasses, k = 3, batchSize = 500, seed = 0 } = options;
  if (!Number.isInteger(samples) || samples < 2) throw new ArgumentError(`the number of samples must be an integer of at least 2, got ${samples}`);
  if (samples <= k) throw new ArgumentError(`precision and recall with k = ${k} need more than ${k} samples, got ${samples}`);
  const realCount = Math.min(samples, real.inputs.shape[0]!);
  if (realCount <= k) throw new ArgumentError(`precision and recall with k = ${k} need more than ${k} real test images, got ${realCount}`);
  const classes = classifier.numClasses;
  const asked = numClasses !== undefined ? arange(0, samples, 1, { dtype: 'int64' }).remainder(numClasses) : undefined; // [samples]
  let generated: Tensor | undefined;
  let realView: ClassifierView | undefined;
  let fakeView: ClassifierView | undefined;
  try {
    generated = drawSamples(model, samples, asked, batchSize, seed);
    const realImages = real.inputs.narrow(0, 0, realCount);
    try {
      realView = classifierView(classifier, realImages, batchSize);
    } finally {
      realImages.dispose();
    }
    fakeView = classifierView(classifier, generated, batchSize);
    const histogram = classHistogram(fakeView.assigned, classes);
    const realHistogram = classHistogram(realView.assigned, classes);
    const realLabels = real.targets.narrow(0, 0, realCount);
    const realAccuracy = conditionalAccuracy(realView.assigned, realLabels, classes).accuracy;
    realLabels.dispose();
    const { precision, recall } = manifoldPrecisionRecall(realView.features, fakeView.features, { k });
    return {
      samples,
      realSamples: realCount,
      frechetDistance: frechetDistanceOf(realView.features, fakeView.features),
      classCounts: histogram.counts,
      classEntropy: histogram.entropy,
      precision,
      recall,
      k,
      ...(asked ? { conditionalAccuracy: conditionalAccuracy(fakeView.assigned, asked, classes).accuracy } : {}),
      realAccuracy,
      realClassEntropy: realHistogram.entropy,
    };
  } finally {
    [asked, generated].forEach((t) => t?.dispose());
    [realView, fakeView].forEach((v) => v?.dispose());
  }
}

/** n samples of the model, batch by batch, in eval mode, from `seed`. */
function drawSamples(model: GenerativeModel, n: number, labels: Tensor | undefined, batchSize: number, seed: number): Tensor {
  const wasTraining = model.training;
  model.eval();
  manualSeed(seed);
  const parts: Tensor[] = [];
  try {
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const batchLabels = labels?.narrow(0, start, size);
        try {
          parts.push(model.sample(size, batchLabels));
        } finally {
          batchLabels?.dispose();
        }
      }
    });
    return cat(parts, 0);
  } finally {
    parts.forEach((t) => t.dispose());
    model.train(wasTraining);
  }
}
