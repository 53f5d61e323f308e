// A hyper-parameter search over run options (the library side of `latentlab tune`): each trial
// is a run in the store, tagged with the search's id (the run's study id), and the search's id
// is a hash of what defines it (base options, space, sampler, seed, objective), so running the
// same search again continues it: its finished trials are told to the optimiser, not repeated,
// and an interrupted one (or one whose process was killed) is resumed.
// The store is the only shared state: several processes (tune-workers.ts) may run one search,
// each claiming its next trial in one store transaction that reads every trial of the search,
// asks the optimiser for a point conditioned on the trials still running elsewhere (constant
// liar), and records the new run as held by itself; so no two processes take one trial.
import { createHash } from 'node:crypto';
import { ArgumentError } from '../tensor/errors.js';
import { Optimizer, samplerNames, type Sampler } from '../bo/optimizer.js';
import { Space, type Dimension, type Point } from '../bo/space.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { flattenRunConfig, parseRunConfig } from './config.js';
import { resumeRun, type RunOptions } from './train-run.js';
import { currentHolder, isRunProcessAlive } from './liveness.js';
import { runVersions } from './versions.js';
import { medianPruner, isPrunedRun, pruneRules, type PruneRule } from './tune-prune.js';

export { isPrunedRun, pruneRules, type PruneRule };
/** The samplers a search can use (the bo Optimizer's: gp, random, tpe). */
export const samplers: readonly Sampler[] = samplerNames;

/** Options of tuneRuns: trials, objective, sampler, seed, initial random trials, pruning, worker, progress and abort signal. */
export interface TuneOptions {
  /** Trials in all, those of an earlier session of the same search included (pruned ones count). */
  trials: number;
  /** The final metric to minimise (test_mse, test_loss, ...). */
  objective: string;
  sampler?: Sampler;
  seed?: number;
  /** Random trials before the model (GP, TPE) takes over. */
  initial?: number;
  /** 'median': a trial worse than the median of the others at the same epoch stops there. */
  prune?: PruneRule;
  /** Trials with a value at an epoch before the median rule prunes there. Default 3. */
  pruneStartup?: number;
  /** Which worker process this is (0 for a search in one process): varies its random stream. */
  worker?: number;
  progress?: RunOptions['progress'];
  /** Receives the search's progress lines (trials started, pruned, ended); default: standard error. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** A finished trial: its run, the point it tried and the objective's value. */
export interface TuneTrial {
  runId: string;
  point: Point;
  value: number;
}

/** A pruned trial: its run, the point it tried and the epoch after which it stopped. */
export interface PrunedTrial {
  runId: string;
  point: Point;
  /** The epoch after which it stopped. */
  epoch: number;
}

/** What tuneRuns returns: the search id, finished and pruned trials, the best, how many trials were resumed, and whether it finished, was interrupted or left trials to other workers. */
export interface TuneOutcome {
  /** The search's id: the study id of its runs. */
  search: string;
  /** Finished trials, oldest first. */
  trials: TuneTrial[];
  pruned: PrunedTrial[];
  best: TuneTrial | null;
  /** Trials finished or pruned by an earlier session (or another process) when this one started. */
  resumed: number;
  /**
   * finished: every trial done; interrupted: stopped by the signal; incomplete: the trials left
   * are held by other processes (or failed), so this one stopped.
   */
  status: 'finished' | 'interrupted' | 'incomplete';
}

/** The id of a search: what defines it, hashed. */
export function searchId(base: Record<string, unknown>, dimensions: readonly Dimension[], options: Pick<TuneOptions, 'sampler' | 'seed' | 'objective'>): string {
  const text = JSON.stringify({ base, dimensions, sampler: options.sampler ?? 'gp', seed: options.seed ?? 0, objective: options.objective });
  return `tune-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/** Checks what a search is given, before any trial runs; returns its space. */
export function checkTuneOptions(base: Record<string, unknown>, dimensions: readonly Dimension[], options: TuneOptions): Space {
  const space = new Space(dimensions);
  if (!Number.isInteger(options.trials) || options.trials < 1) throw new ArgumentError(`trials must be a positive integer, got ${String(options.trials)}`);
  if (typeof options.objective !== 'string' || options.objective === '') throw new ArgumentError('objective must name a final metric, e.g. test_mse');
  // Every final metric of a run is train_* or test_*: other names are refused before any trial
  // trains; a test_* name the model does not record is found when the first trial ends.
  if (!/^(train|test)_[a-z0-9_]+$/.test(options.objective)) {
    throw new ArgumentError(`unknown objective metric '${options.objective}': a run records train_loss, test_loss, test_mse, test_bce, test_psnr, test_ssim (images), test_elbo (VAEs) and its loss terms as test_<term>`);
  }
  if (options.sampler !== undefined && !samplers.includes(options.sampler)) throw new ArgumentError(`unknown sampler '${String(options.sampler)}': expected ${samplers.join(', ')}`);
  if (options.prune !== undefined && !pruneRules.includes(options.prune)) throw new ArgumentError(`unknown pruning rule '${String(options.prune)}': expected ${pruneRules.join(' or ')}`);
  if (options.pruneStartup !== undefined && (!Number.isInteger(options.pruneStartup) || options.pruneStartup < 1)) {
    throw new ArgumentError(`pruneStartup must be a positive integer, got ${String(options.pruneStartup)}`);
  }
  for (const dimension of space.dimensions) {
    if (dimension.name in base) throw new ArgumentError(`'${dimension.name}' is both searched and fixed: drop it from the fixed options`);
  }
  // Every parameter name must be a run option: parse one point of the space before training.
  parseRunConfig({ ...base, ...space.decode(new Float64Array(space.width).fill(0.5)) }, { label: (key) => (key in base ? key : `${key} (searched)`) });
  return space;
}

/** Runs (or continues, or joins as one more worker) a search over `dimensions` of the run options `base`. */
export async function tuneRuns(store: RunStore, base: Record<string, unknown>, dimensions: readonly Dimension[], options: TuneOptions): Promise<TuneOutcome> {
  const space = checkTuneOptions(base, dimensions, options);
  const search = searchId(base, dimensions, options);
  const seed = (options.seed ?? 0) + 7919 * (options.worker ?? 0);
  const optimizer = new Optimizer(space, { sampler: options.sampler, seed, initial: Math.min(options.initial ?? Math.max(2, space.width + 1), options.trials) });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const told = new Set<string>();
  let resumed = -1;
  let announced = false;
  try {
    for (;;) {
      if (options.signal?.aborted) return outcome('interrupted');
      const claim = store.transaction(() => {
        const state = readSearch(store, search, space, options.objective);
        // Pruned trials are told as the worst value so far: the rule judged them worse than most.
        const worst = Math.max(...state.finished.map((t) => t.value));
        for (const t of [...state.finished, ...(Number.isFinite(worst) ? state.pruned.map((p) => ({ ...p, value: worst })) : [])]) {
          if (told.has(t.runId)) continue;
          optimizer.tell(t.point, t.value);
          told.add(t.runId);
        }
        if (resumed < 0) resumed = state.done;
        if (state.done >= options.trials) return { kind: 'done' as const };
        const stale = state.resumable[0];
        if (stale) {
          store.claimRun(stale.id, currentHolder(), stale);
          return { kind: 'resume' as const, run: stale };
        }
        if (state.done + state.pending.length >= options.trials) return { kind: 'others' as const };
        const [point] = optimizer.ask(1, state.pending.map((r) => pointOf(space, r)));
        const config = parseRunConfig({ ...base, ...point! });
        const run = store.createRun({
          name: config.training.name ?? null, model: config.model.model, dataset: config.training.dataset, config: flattenRunConfig(config),
          seed: config.training.seed, versions: runVersions(), studyId: search,
        });
        store.claimRun(run.id, currentHolder(), run);
        return { kind: 'new' as const, run, number: state.done + state.pending.length + 1 };
      });
      if (!announced && resumed > 0 && (claim.kind === 'new' || claim.kind === 'resume')) log(`search ${search}: continuing after ${resumed} trials`);
      announced = true;
      if (claim.kind === 'done') return outcome('finished');
      if (claim.kind === 'others') return outcome('incomplete');
      const { run } = claim;
      const what = claim.kind === 'new' ? `trial ${claim.number}/${options.trials}` : 'resumed trial';
      log(`${what} run ${run.id} started in process ${process.pid} at ${JSON.stringify(pointOf(space, run))}`);
      const pruner = options.prune === 'median' ? medianPruner(store, search, run.id, options.objective, options.pruneStartup ?? 3) : null;
      // The run is held by this process (claimed above): resumeRun takes it over from itself.
      const result = await resumeRun(store, run.id, {
        force: true, progress: options.progress ?? 'none', log: () => {}, signal: options.signal, callbacks: pruner ? [pruner.callback] : [],
      });
      const point = pointOf(space, run);
      if (result.status === 'interrupted') {
        if (!pruner?.pruned) return outcome('interrupted');
        store.updateRun(run.id, { status: 'interrupted', error: pruner.pruned.reason });
        log(`${what} run ${run.id} pruned: ${pruner.pruned.reason}`);
        continue;
      }
      const value = result.metrics[options.objective];
      if (value === undefined) throw unknownObjective(options.objective, result.metrics);
      log(`${what} run ${run.id}: ${options.objective} ${value.toPrecision(5)} at ${JSON.stringify(point)}`);
    }
  } finally {
    optimizer.dispose();
  }

  function outcome(status: TuneOutcome['status']): TuneOutcome {
    return searchOutcome(store, search, space, options.objective, status, Math.max(resumed, 0));
  }
}

/** The trials of search `search` as recorded in the store (what every worker did). */
export function searchOutcome(store: RunStore, search: string, space: Space, objective: string, status: TuneOutcome['status'], resumed = 0): TuneOutcome {
  const state = readSearch(store, search, space, objective);
  const trials = state.finished;
  const best = trials.reduce<TuneTrial | null>((b, t) => (b === null || t.value < b.value ? t : b), null);
  return { search, trials, pruned: state.pruned, best, resumed, status };
}

interface SearchState {
  finished: TuneTrial[];
  pruned: PrunedTrial[];
  /** Held by a live process (this one or another). */
  pending: RunRecord[];
  /** Interrupted, or left running by a process that is gone: to be continued. */
  resumable: RunRecord[];
  /** Finished, pruned and failed trials: they count against the budget. */
  done: number;
}

function readSearch(store: RunStore, search: string, space: Space, objective: string): SearchState {
  const state: SearchState = { finished: [], pruned: [], pending: [], resumable: [], done: 0 };
  for (const run of store.listRuns({ studyId: search }).reverse()) {
    if (run.status === 'finished') {
      const metrics = store.finalMetrics(run.id);
      const value = metrics[objective];
      if (value === undefined) throw unknownObjective(objective, metrics);
      if (Number.isFinite(value)) state.finished.push({ runId: run.id, point: pointOf(space, run), value });
      state.done++;
    } else if (run.status === 'failed') {
      state.done++; // not retried: its error would most likely come again (latentlab resume tries)
    } else if (isPrunedRun(store, run)) {
      state.pruned.push({ runId: run.id, point: pointOf(space, run), epoch: store.metrics(run.id, 'train_loss').length });
      state.done++;
    } else if (run.status === 'running' && isRunProcessAlive(run)) {
      state.pending.push(run);
    } else {
      state.resumable.push(run);
    }
  }
  return state;
}

function pointOf(space: Space, run: RunRecord): Point {
  return Object.fromEntries(space.dimensions.map((d) => [d.name, run.config[d.name]])) as Point;
}

function unknownObjective(objective: string, metrics: Record<string, number>): ArgumentError {
  return new ArgumentError(`unknown objective metric '${objective}': a run records ${Object.keys(metrics).filter((k) => k !== 'pruned').sort().join(', ')}`);
}
