// How good a set of translations is, per target: accuracy under the target domain's classifier
// (does digit k become an item of class k?), diversity within a class (mean pairwise distance of
// its translations, beside that of real target images: a target that collapses a class to one
// image scores near zero) and the Fréchet distance of its translations to the real target class
// in the classifier's feature space.
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LeNet } from '../models/lenet.js';
import { frechetDistanceOf } from './frechet.js';
import { classifierView } from './sample-metrics.js';

/** Mean Euclidean distance between distinct images of `images` [N, ...] (0 for fewer than two). */
export function meanPairwiseDistance(images: Tensor): number {
  const n = images.shape[0]!;
  if (n < 2) return 0;
  return noGrad(() =>
    tidy(() => {
      const flat = images.flatten(1).double(); // float64: the expansion below cancels badly in float32 for near-equal images
      const norms = flat.pow(2).sum({ dim: 1 });
      const squared = norms.unsqueeze(1).add(norms.unsqueeze(0)).sub(flat.matmul(flat.t()).mul(2)).clampMin(0);
      // The diagonal is 0 up to rounding; sqrt of it is not, so it is left out of the sum explicitly.
      const distances = squared.sqrt().sum().sub(squared.diagonal().sqrt().sum());
      return distances.item() / (n * (n - 1));
    }),
  );
}

/** The translation metrics of one class. */
export interface TranslationClassMetrics {
  label: number;
  translations: number;
  /** Share of the class's translations the classifier assigns to the class. */
  accuracy: number;
  diversity: number;
  realDiversity: number;
  frechet: number;
}

/** How well a translation between domains keeps class and variety: accuracy, diversity against the real target's, Fréchet distance, per class. */
export interface TranslationMetrics {
  accuracy: number;
  /** Means over the classes. */
  diversity: number;
  realDiversity: number;
  frechet: number;
  perClass: TranslationClassMetrics[];
}

/** How many images per class the diversity metric reads. */
export interface TranslationMetricsOptions {
  /** Diversity reads at most this many images per class (the cost is quadratic); 200 by default. */
  diversitySample?: number;
}

/**
 * Metrics of translations [N, 1, 28, 28] in [0, 1] of sources with labels int64 [N], against real
 * target images [M, 1, 28, 28] with labels [M], under the target domain's classifier.
 */
export function translationMetrics(
  classifier: LeNet,
  translations: { images: Tensor; labels: Tensor },
  real: { images: Tensor; labels: Tensor },
  numClasses: number,
  options: TranslationMetricsOptions = {},
): TranslationMetrics {
  const sample = options.diversitySample ?? 200;
  const fake = classifierView(classifier, translations.images);
  const truth = classifierView(classifier, real.images);
  try {
    const perClass: TranslationClassMetrics[] = [];
    let correct = 0;
    for (let k = 0; k < numClasses; k++) {
      const row = noGrad(() =>
        tidy(() => {
          const mine = translations.labels.eq(k).nonzero().flatten();
          const theirs = real.labels.eq(k).nonzero().flatten();
          const n = mine.shape[0]!;
          if (n === 0) return undefined;
          if (theirs.shape[0]! === 0) throw new ArgumentError(`the real target images have no class ${k} to compare its translations with`);
          const hits = fake.assigned.indexSelect(0, mine).eq(k).sum().item();
          const pick = (images: Tensor, index: Tensor) => images.indexSelect(0, index.narrow(0, 0, Math.min(sample, index.shape[0]!)));
          return {
            label: k,
            translations: n,
            hits,
            accuracy: hits / n,
            diversity: meanPairwiseDistance(pick(translations.images, mine)),
            realDiversity: meanPairwiseDistance(pick(real.images, theirs)),
            frechet: n >= 2 ? frechetDistanceOf(fake.features.indexSelect(0, mine), truth.features.indexSelect(0, theirs)) : Number.NaN,
          };
        }),
      );
      if (!row) continue;
      correct += row.hits;
      const { hits: _hits, ...metrics } = row;
      perClass.push(metrics);
    }
    const total = translations.images.shape[0]!;
    const mean = (pick: (row: TranslationClassMetrics) => number, rows = perClass) => rows.reduce((sum, row) => sum + pick(row), 0) / rows.length;
    // A class with a single translation has no Fréchet distance (NaN): the mean is over the others.
    const measured = perClass.filter((row) => Number.isFinite(row.frechet));
    return { accuracy: correct / total, diversity: mean((r) => r.diversity), realDiversity: mean((r) => r.realDiversity), frechet: mean((r) => r.frechet, measured), perClass };
  } finally {
    fake.dispose();
    truth.dispose();
  }
}
