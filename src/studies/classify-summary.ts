// Summaries of a classifier's accuracy over seeds, as the studies' tables show them.

/** Mean and sample standard deviation (n − 1; null below two values) of `values`. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number | null } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: null };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** An accuracy as a table shows it among others: 4 decimals. */
export function formatAccuracy(accuracy: number): string {
  return accuracy.toFixed(4);
}
