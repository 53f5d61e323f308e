// minimize(fn, space, { budget, ... }): Bayesian optimisation of any function (or random search
// behind the same interface), in rounds of `batchSize` parallel evaluations.
import { ArgumentError } from '../tensor/errors.js';
import type { GaussianProcess } from './gp.js';
import { Optimizer, type OptimizerOptions, type Trial } from './optimizer.js';
import { Space, type Dimension, type Point } from './space.js';

/** Options of minimize: the Optimizer's, the evaluation budget and how many points run at once. */
export interface MinimizeOptions extends OptimizerOptions {
  /** Evaluations of fn in all. */
  budget: number;
  /** Points evaluated concurrently (fn may return a promise). Default 1. */
  batchSize?: number;
}

/** What minimize returns: the best trial, every trial in order, and the final GP. */
export interface MinimizeResult {
  best: Trial;
  history: Trial[];
  /** The GP fitted to the whole history (null for random search); dispose() it when done. */
  gp: GaussianProcess | null;
}

/**
 * Minimises fn over the space. Arguments are checked before anything runs (an ArgumentError is
 * thrown synchronously); a non-finite value from fn rejects the promise with one.
 */
export function minimize(fn: (point: Point) => number | Promise<number>, space: Space | readonly Dimension[], options: MinimizeOptions): Promise<MinimizeResult> {
  if (typeof fn !== 'function') throw new ArgumentError('minimize: fn must be a function of a point returning a number');
  if (!options || typeof options !== 'object') throw new ArgumentError('minimize: options with a budget are required, e.g. { budget: 30 }');
  const { budget } = options;
  if (!Number.isInteger(budget) || budget < 1) throw new ArgumentError(`minimize: budget must be a positive integer, got ${String(budget)}`);
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`minimize: batchSize must be a positive integer, got ${String(batchSize)}`);
  const optimizer = new Optimizer(space, options);
  if (optimizer.initial > budget) {
    throw new ArgumentError(`minimize: budget ${budget} is below initial ${optimizer.initial} (the random points before the GP): raise the budget or lower initial`);
  }
  return run(fn, optimizer, budget, batchSize);
}

async function run(fn: (point: Point) => number | Promise<number>, optimizer: Optimizer, budget: number, batchSize: number): Promise<MinimizeResult> {
  try {
    while (optimizer.history.length < budget) {
      const points = optimizer.ask(Math.min(batchSize, budget - optimizer.history.length));
      const values = await Promise.all(points.map(async (point) => fn(point)));
      points.forEach((point, i) => optimizer.tell(point, values[i]!));
    }
    let gp: GaussianProcess | null = null;
    if (optimizer.sampler === 'gp' && optimizer.history.length >= 2) {
      // One last ask fits the GP to every result; its suggestion is not evaluated.
      if (optimizer.space.size() > optimizer.history.length) optimizer.ask(1);
      gp = optimizer.gp;
    }
    return { best: optimizer.best!, history: [...optimizer.history], gp };
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
}
