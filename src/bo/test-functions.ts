// Standard test functions of global optimisation (Surjanovic & Bingham's library), each with
// its space and known minimum, and a benchmark that runs minimize() on them against random
// search over several seeds (the protocol: median over seeds of the best value found).
import { minimize, type MinimizeOptions } from './minimize.js';
import type { Dimension, Point } from './space.js';

/** A benchmark function for the optimisers: its search space, the function and its known minimum. */
export interface TestFunction {
  name: string;
  space: Dimension[];
  /** The function to minimise, at a point of `space`. */
  fn: (point: Point) => number;
  minimum: number;
}

const coordinates = (point: Point, count: number) => Array.from({ length: count }, (_, i) => point[`x${i + 1}`] as number);

/** Branin–Hoo on [−5, 10] × [0, 15]: three global minima of 0.397887. */
export const branin: TestFunction = {
  name: 'branin',
  space: [{ name: 'x1', type: 'real', low: -5, high: 10 }, { name: 'x2', type: 'real', low: 0, high: 15 }],
  fn: (point) => {
    const [a, b] = coordinates(point, 2) as [number, number];
    return (b - (5.1 / (4 * Math.PI ** 2)) * a * a + (5 / Math.PI) * a - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(a) + 10;
  },
  minimum: 0.397887,
};

const hartmannAlpha = [1, 1.2, 3, 3.2];
const hartmannA = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const hartmannP = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]];

/** Hartmann-6 on [0, 1]⁶: minimum −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
export const hartmann6: TestFunction = {
  name: 'hartmann6',
  space: Array.from({ length: 6 }, (_, i) => ({ name: `x${i + 1}`, type: 'real' as const, low: 0, high: 1 })),
  fn: (point) => {
    const x = coordinates(point, 6);
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += hartmannA[i]![j]! * (x[j]! - hartmannP[i]![j]! * 1e-4) ** 2;
      total -= hartmannAlpha[i]! * Math.exp(-inner);
    }
    return total;
  },
  minimum: -3.32237,
};

/** Forrester et al. (2008) on [0, 1]: a local minimum near 0.14, the global −6.02074 at 0.7572. */
export const forrester: TestFunction = {
  name: 'forrester',
  space: [{ name: 'x1', type: 'real', low: 0, high: 1 }],
  fn: (point) => {
    const x = point.x1 as number;
    return (6 * x - 2) ** 2 * Math.sin(12 * x - 4);
  },
  minimum: -6.020740055767083,
};

/** One row of benchmark(): a test function and sampler, the budget, and the best values found per seed. */
export interface BenchmarkRow {
  function: string;
  sampler: string;
  budget: number;
  /** Best value found, one per seed. */
  best: number[];
  median: number;
}

/** The best value minimize() finds on `test` for each seed, with the median over seeds. */
export async function benchmark(test: TestFunction, options: Omit<MinimizeOptions, 'seed'> & { seeds: number[] }): Promise<BenchmarkRow> {
  const best: number[] = [];
  for (const seed of options.seeds) {
    const result = await minimize(test.fn, test.space, { ...options, seed });
    result.gp?.dispose();
    best.push(result.best.value);
  }
  const sorted = [...best].sort((a, b) => a - b);
  const median = (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
  return { function: test.name, sampler: options.sampler ?? 'gp', budget: options.budget, best, median };
}
