// How generated samples spread over the classes, as the reference classifier assigns them: the
// histogram and its entropy. A model that covers every class evenly scores ln(classes) nats; mode
// collapse (a GAN that draws few classes) shows as a low entropy.
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** How a set of samples spreads over the classes a classifier assigns: counts, frequencies and entropy. */
export interface ClassHistogram {
  /** Samples assigned to each class. */
  counts: number[];
  /** counts / total */
  frequencies: number[];
  /** Shannon entropy of the frequencies, in nats (0 ≤ entropy ≤ ln classes). */
  entropy: number;
  /** entropy / ln(classes): 1 for an even spread. */
  normalizedEntropy: number;
}

/** The histogram of class indices [N] (int64, in [0, numClasses)) and its entropy. */
export function classHistogram(assigned: Tensor, numClasses: number): ClassHistogram {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new ArgumentError(`numClasses must be an integer of at least 2, got ${numClasses}`);
  if (assigned.ndim !== 1 || assigned.shape[0] === 0) throw new ArgumentError(`classHistogram expects class indices [N] with N ≥ 1, got shape [${assigned.shape.join(', ')}]`);
  const values = tidy(() => assigned.long().toArray() as number[]);
  const counts = new Array<number>(numClasses).fill(0);
  for (const value of values) {
    if (!Number.isInteger(value) || value < 0 || value >= numClasses) throw new ArgumentError(`class index ${value} is outside [0, ${numClasses})`);
    counts[value]!++;
  }
  const frequencies = counts.map((count) => count / values.length);
  const entropy = frequencies.reduce((sum, p) => (p > 0 ? sum - p * Math.log(p) : sum), 0);
  return { counts, frequencies, entropy, normalizedEntropy: entropy / Math.log(numClasses) };
}
