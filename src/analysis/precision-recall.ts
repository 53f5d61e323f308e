// Precision and recall of generated samples in feature space (Kynkäänniemi et al. 2019, "Improved
// precision and recall metric for assessing generative models"): each set's manifold is the union
// of balls around its points, each of radius the distance to its k-th nearest neighbour in the
// same set. Precision: the fraction of generated points inside the real manifold (quality);
// recall: the fraction of real points inside the generated manifold (coverage).
import { ArgumentError } from '../tensor/errors.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { cdist } from '../tensor/combine.js';
import { nearestNeighbors } from '../reduce/neighbors.js';

/** Improved precision and recall of generated samples (Kynkäänniemi et al. 2019) and the k of the neighbourhood radii. */
export interface PrecisionRecall {
  precision: number;
  recall: number;
  k: number;
}

/** Neighbour k and block size of manifoldPrecisionRecall. */
export interface PrecisionRecallOptions {
  /** Neighbour whose distance is a point's radius (3 by default, as in the paper). */
  k?: number;
  /** Query rows compared at once: bounds the [block, N] distance matrix (default 1024). */
  blockSize?: number;
}

/** Precision and recall of `generated` [M, D] against `real` [N, D] (features of one classifier). */
export function manifoldPrecisionRecall(real: Tensor, generated: Tensor, options: PrecisionRecallOptions = {}): PrecisionRecall {
  const { k = 3, blockSize = 1024 } = options;
  for (const [set, name] of [[real, 'real'], [generated, 'generated']] as const) {
    if (set.ndim !== 2) throw new ArgumentError(`${name} features must be [N, D], got shape [${set.shape.join(', ')}]`);
    if (!Number.isInteger(k) || k < 1 || k >= set.shape[0]!) throw new ArgumentError(`k must be an integer in [1, ${set.shape[0]! - 1}] for ${set.shape[0]} ${name} samples, got ${k}`);
  }
  if (real.shape[1] !== generated.shape[1]) throw new ArgumentError(`real features have ${real.shape[1]} dimensions and generated ones ${generated.shape[1]}`);
  const realRadii = kthNeighborDistance(real, k, blockSize);
  try {
    const generatedRadii = kthNeighborDistance(generated, k, blockSize);
    try {
      return { precision: fractionInside(generated, real, realRadii, blockSize), recall: fractionInside(real, generated, generatedRadii, blockSize), k };
    } finally {
      generatedRadii.dispose();
    }
  } finally {
    realRadii.dispose();
  }
}

/** Each point's distance to its k-th nearest other point of the same set, [N]. */
function kthNeighborDistance(points: Tensor, k: number, blockSize: number): Tensor {
  return tidy(() => keep(nearestNeighbors(points, k, { blockSize }).distances.select(1, k - 1)));
}

/** The fraction of `queries` within radius[i] of some point i of `centres` (a ball's edge counts as inside). */
function fractionInside(queries: Tensor, centres: Tensor, radii: Tensor, blockSize: number): number {
  const m = queries.shape[0]!;
  let inside = 0;
  for (let start = 0; start < m; start += blockSize) {
    inside += tidy(() => {
      const block = queries.narrow(0, start, Math.min(blockSize, m - start));
      const distances = cdist(block, centres); // [block, N]
      return distances.le(radii.unsqueeze(0)).any(1).sum().item();
    });
  }
  return inside / m;
}
