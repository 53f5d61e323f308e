// How well a clustering agrees with class labels, without assuming which cluster is which class:
// the adjusted Rand index (Hubert & Arabie 1985; sklearn's adjusted_rand_score) and the accuracy
// after the best one-to-one matching of clusters to classes (the Hungarian algorithm, Kuhn 1955).
import { ArgumentError } from '../tensor/errors.js';

function checkPair(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length || a.length === 0) throw new ArgumentError(`cluster agreement needs two labelings of the same non-empty set, got ${a.length} and ${b.length} labels`);
  if (![...a, ...b].every((v) => Number.isInteger(v) && v >= 0)) throw new ArgumentError('cluster agreement needs non-negative integer labels');
}

// The contingency table counts[i][j] = #{n : a[n] = i, b[n] = j}.
function contingency(a: readonly number[], b: readonly number[]): number[][] {
  const rows = Math.max(...a) + 1;
  const columns = Math.max(...b) + 1;
  const counts = Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
  a.forEach((i, n) => counts[i]![b[n]!]!++);
  return counts;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** The adjusted Rand index: 1 for identical partitions, ≈ 0 (in expectation) for independent ones. */
export function adjustedRandIndex(a: readonly number[], b: readonly number[]): number {
  checkPair(a, b);
  const counts = contingency(a, b);
  const rowSums = counts.map((row) => row.reduce((s, v) => s + v, 0));
  const columnSums = counts[0]!.map((_, j) => counts.reduce((s, row) => s + row[j]!, 0));
  const index = counts.flat().reduce((s, v) => s + pairs(v), 0);
  const rowPairs = rowSums.reduce((s, v) => s + pairs(v), 0);
  const columnPairs = columnSums.reduce((s, v) => s + pairs(v), 0);
  const expected = (rowPairs * columnPairs) / pairs(a.length);
  const maximum = (rowPairs + columnPairs) / 2;
  // Both partitions trivial (one cluster each, or all singletons): sklearn's convention is 1.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

/**
 * The fraction of samples whose cluster is matched to their class, under the one-to-one matching
 * of clusters to classes that maximises it; with more clusters than classes, the extra clusters
 * count as wrong.
 */
export function matchedAccuracy(assigned: readonly number[], labels: readonly number[]): number {
  checkPair(assigned, labels);
  const counts = contingency(assigned, labels);
  const size = Math.max(counts.length, counts[0]!.length);
  const cost = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => -(counts[i]?.[j] ?? 0)));
  const match = minimumCostAssignment(cost);
  return -match.reduce((s, j, i) => s + cost[i]![j]!, 0) / assigned.length;
}

/**
 * The column of each row in a minimum-cost perfect matching of a square cost matrix: the O(n³)
 * Hungarian algorithm with potentials (the e-maxx formulation of Kuhn–Munkres).
 */
export function minimumCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(n + 1).fill(0);
  const rowOf = new Array<number>(n + 1).fill(0); // rowOf[j]: the row (1-based) matched to column j
  const way = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let column = 0;
    const minimum = new Array<number>(n + 1).fill(Infinity);
    const used = new Array<boolean>(n + 1).fill(false);
    do {
      used[column] = true;
      const row = rowOf[column]!;
      let delta = Infinity;
      let next = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const reduced = cost[row - 1]![j - 1]! - u[row]! - v[j]!;
        if (reduced < minimum[j]!) {
          minimum[j] = reduced;
          way[j] = column;
        }
        if (minimum[j]! < delta) {
          delta = minimum[j]!;
          next = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOf[j]!] = u[rowOf[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minimum[j] = minimum[j]! - delta;
      }
      column = next;
    } while (rowOf[column] !== 0);
    do {
      const previous = way[column]!;
      rowOf[column] = rowOf[previous]!;
      column = previous;
    } while (column !== 0);
  }
  const result = new Array<number>(n).fill(0);
  for (let j = 1; j <= n; j++) result[rowOf[j]! - 1] = j - 1;
  return result;
}
