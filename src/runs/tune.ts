// A hyper-parameter search over run options (the library side of `latentlab tune`): each trial
// is a run in the store, tagged with the search's id (the run's study id), and the search's id
// is a hash of what defines it (base options, space, sampler, seed, objective), so running the
// same search again continues it: its finished trials are told to the optimiser, not repeated.
// Sequential (one trial at a time) in this version; no pruning yet.
import { createHash } from 'node:crypto';
import { ArgumentError } from '../tensor/errors.js';
import { Optimizer, type Sampler } from '../bo/optimizer.js';
import { Space, type Dimension, type Point } from '../bo/space.js';
import type { RunStore } from '../track/store.js';
import { parseRunConfig } from './config.js';
import { trainRun, type RunOptions } from './train-run.js';

export interface TuneOptions {
  /** Trials in all, those of an earlier session of the same search included. */
  trials: number;
  /** The final metric to minimise (test_mse, test_loss, ...). */
  objective: string;
  sampler?: Sampler;
  seed?: number;
  /** Random trials before the GP takes over. */
  initial?: number;
  progress?: RunOptions['progress'];
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface TuneTrial {
  runId: string;
  point: Point;
  value: number;
}

export interface TuneOutcome {
  /** The search's id: the study id of its runs. */
  search: string;
  trials: TuneTrial[];
  best: TuneTrial | null;
  /** Trials taken over from an earlier session of the same search. */
  resumed: number;
  status: 'finished' | 'interrupted';
}

/** The id of a search: what defines it, hashed. */
export function searchId(base: Record<string, unknown>, dimensions: readonly Dimension[], options: Pick<TuneOptions, 'sampler' | 'seed' | 'objective'>): string {
  const text = JSON.stringify({ base, dimensions, sampler: options.sampler ?? 'gp', seed: options.seed ?? 0, objective: options.objective });
  return `tune-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/** Runs (or continues) a search over `dimensions` of the run options `base`. */
export async function tuneRuns(store: RunStore, base: Record<string, unknown>, dimensions: readonly Dimension[], options: TuneOptions): Promise<TuneOutcome> {
  const space = new Space(dimensions);
  if (!Number.isInteger(options.trials) || options.trials < 1) throw new ArgumentError(`trials must be a positive integer, got ${String(options.trials)}`);
  if (typeof options.objective !== 'string' || options.objective === '') throw new ArgumentError('objective must name a final metric, e.g. test_mse');
  for (const dimension of space.dimensions) {
    if (dimension.name in base) throw new ArgumentError(`'${dimension.name}' is both searched and fixed: drop it from the fixed options`);
  }
  // Every parameter name must be a run option: parse one point of the space before training.
  parseRunConfig({ ...base, ...space.decode(new Float64Array(space.width).fill(0.5)) }, { label: (key) => (key in base ? key : `${key} (searched)`) });
  const search = searchId(base, dimensions, options);
  const optimizer = new Optimizer(space, { sampler: options.sampler, seed: options.seed, initial: Math.min(options.initial ?? Math.max(2, space.width + 1), options.trials) });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const trials: TuneTrial[] = [];
  try {
    for (const run of store.listRuns({ studyId: search, status: 'finished' }).reverse()) {
      const value = store.finalMetrics(run.id)[options.objective];
      if (value === undefined || !Number.isFinite(value)) continue;
      const point = Object.fromEntries(space.dimensions.map((d) => [d.name, run.config[d.name]])) as Point;
      optimizer.tell(point, value);
      trials.push({ runId: run.id, point, value });
    }
    const resumed = trials.length;
    if (resumed > 0) log(`search ${search}: continuing after ${resumed} finished trials`);
    while (trials.length < options.trials) {
      const [point] = optimizer.ask(1);
      const outcome = await trainRun(store, parseRunConfig({ ...base, ...point! }), { studyId: search, progress: options.progress ?? 'none', log: () => {}, signal: options.signal });
      if (outcome.status !== 'finished') return finish('interrupted');
      const value = outcome.metrics[options.objective];
      if (value === undefined) {
        throw new ArgumentError(`unknown objective metric '${options.objective}': a run records ${Object.keys(outcome.metrics).sort().join(', ')}`);
      }
      optimizer.tell(point!, value);
      trials.push({ runId: outcome.runId, point: point!, value });
      log(`trial ${trials.length}/${options.trials} run ${outcome.runId}: ${options.objective} ${value.toPrecision(5)} at ${JSON.stringify(point)}`);
    }
    return finish('finished');

    function finish(status: TuneOutcome['status']): TuneOutcome {
      const best = trials.reduce<TuneTrial | null>((b, t) => (b === null || t.value < b.value ? t : b), null);
      return { search, trials, best, resumed, status };
    }
  } finally {
    optimizer.dispose();
  }
}
