// Summaries of a classifier's accuracy over seeds, as the studies' tables show them.
import { mean, standardDeviation } from '../analysis/statistics.js';

/** Mean and sample standard deviation (n − 1; null below two values) of `values`. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number | null } {
  return { mean: mean(values), std: standardDeviation(values) };
}

/** An accuracy as a table shows it among others: 4 decimals. */
export function formatAccuracy(accuracy: number): string {
  return accuracy.toFixed(4);
}
