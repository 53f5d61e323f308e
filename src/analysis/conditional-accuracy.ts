// Accuracy of conditional samples: how often the reference classifier assigns a sample drawn for
// class c to class c, overall and per asked class (a conditional model that ignores its label
// scores about 1/classes).
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** How often a conditional model's samples are classified as the class they were asked for, overall and per class. */
export interface ConditionalAccuracy {
  /** Fraction of samples assigned their asked class. */
  accuracy: number;
  /** Per asked class (NaN for a class that was never asked). */
  perClass: number[];
}

/** Compares assigned classes [N] with asked classes [N] (both int64 indices in [0, numClasses)). */
export function conditionalAccuracy(assigned: Tensor, asked: Tensor, numClasses: number): ConditionalAccuracy {
  if (assigned.ndim !== 1 || asked.ndim !== 1 || assigned.shape[0] !== asked.shape[0] || assigned.shape[0] === 0) {
    throw new ArgumentError(`conditionalAccuracy expects assigned and asked classes of one length N ≥ 1, got [${assigned.shape.join(', ')}] and [${asked.shape.join(', ')}]`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new ArgumentError(`numClasses must be a positive integer, got ${numClasses}`);
  const [got, wanted] = tidy(() => [assigned.long().toArray() as number[], asked.long().toArray() as number[]]);
  const hits = new Array<number>(numClasses).fill(0);
  const totals = new Array<number>(numClasses).fill(0);
  wanted.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new ArgumentError(`asked class ${c} is outside [0, ${numClasses})`);
    totals[c]!++;
    if (got[i] === c) hits[c]!++;
  });
  const correct = hits.reduce((a, b) => a + b, 0);
  return { accuracy: correct / wanted.length, perClass: hits.map((hit, c) => (totals[c] === 0 ? Number.NaN : hit / totals[c]!)) };
}
