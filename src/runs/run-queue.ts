// A list of runs to train under one study id, shared by worker processes (`study run --workers N`):
// a run is named by its key and identified by its configuration, as a study's context.train
// identifies it (sameRuns), so that what the workers train is what the study finds finished. Each
// worker claims its next run in one store transaction that reads the runs of the list (a new one
// is recorded as held by itself, one left by a killed process is taken over), so no two workers
// train one run and a killed worker's run is resumed by another worker or the next attempt.
import { fileURLToPath } from 'node:url';
import type { RunRecord, RunStore } from '../track/store.js';
import { flattenRunConfig, parseRunConfig } from './config.js';
import { currentHolder, isRunProcessAlive } from './liveness.js';
import { recordRun, resumeRun } from './train-run.js';
import { checkWorkers, describeEnd, runWorkerProcesses } from './worker-processes.js';

/** A run to train: its key (the run's name) and its flat configuration as the store records it. */
export interface QueuedRun {
  /** The run's name in the study: what the study calls it (e.g. 'd=5'). */
  key: string;
  /** Its flat configuration, as parsed and stored. */
  config: Record<string, unknown>;
}

/** The queued run of a study's `train(key, config)`: the configuration parsed (defaults filled in) and flattened, as stored. */
export function queuedRun(key: string, config: Record<string, unknown>): QueuedRun {
  return { key, config: flattenRunConfig(parseRunConfig({ ...config, name: key })) };
}

/** The runs of study `studyId` named `key` with flat configuration `config` (any status), newest first. */
export function sameRuns(store: RunStore, studyId: string, key: string, config: Record<string, unknown>): RunRecord[] {
  return store.listRuns({ studyId }).filter((run) => run.name === key && sameConfig(run.config, config));
}

/**
 * Configurations compared as JSON with sorted keys: order of keys does not matter, nor does a key
 * whose value is undefined (the store keeps JSON, which drops it: supervised-ae's parsed
 * configuration carries classWeight: undefined, its stored one no classWeight).
 */
export function sameConfig(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Options of trainQueuedRuns: the log of runs started and finished, and the signal that stops the run in progress. */
export interface QueueOptions {
  /** Receives a line as each run starts and ends; standard error by default. */
  log?: (line: string) => void;
  /** Aborting stops the run in progress after its current batch (it is left interrupted, to resume). */
  signal?: AbortSignal;
}

/**
 * Trains the runs of `queue` not yet finished, one at a time, each claimed in a store transaction,
 * until none is left to claim: 'finished', or 'interrupted' by the signal. Runs held by another
 * live process are theirs; failed runs are left to the study, which retries them and reports their error.
 */
export async function trainQueuedRuns(store: RunStore, studyId: string, queue: readonly QueuedRun[], options: QueueOptions = {}): Promise<'finished' | 'interrupted'> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (;;) {
    if (options.signal?.aborted) return 'interrupted';
    const claim = store.transaction(() => claimNext(store, studyId, queue));
    if (!claim) return 'finished';
    const { entry, run, resumed } = claim;
    log(`${entry.key}: ${resumed ? 'resuming' : 'training'} run ${run.id} in process ${process.pid}`);
    // The run is held by this process (claimed above): resumeRun takes it over from itself.
    const outcome = await resumeRun(store, run.id, { force: true, progress: 'none', log: () => {}, signal: options.signal });
    if (outcome.status === 'interrupted') return 'interrupted';
    const test = outcome.metrics.test_loss;
    log(`${entry.key}: run ${run.id} finished${test === undefined ? '' : `, test loss ${test.toPrecision(5)}`}`);
  }
}

// Inside the claiming transaction: the first run of the queue that no process holds and that has not finished or failed.
function claimNext(store: RunStore, studyId: string, queue: readonly QueuedRun[]): { entry: QueuedRun; run: RunRecord; resumed: boolean } | null {
  for (const entry of queue) {
    const same = sameRuns(store, studyId, entry.key, entry.config);
    if (same.some((run) => run.status === 'finished')) continue;
    const stale = same.find((run) => run.status === 'interrupted' || (run.status === 'running' && !isRunProcessAlive(run)));
    if (stale) {
      store.claimRun(stale.id, currentHolder(), stale);
      return { entry, run: stale, resumed: true };
    }
    if (same.length > 0) continue; // held by a live process, or failed
    const run = recordRun(store, parseRunConfig(entry.config), studyId);
    store.claimRun(run.id, currentHolder(), run);
    return { entry, run, resumed: false };
  }
  return null;
}

/** What a run-queue worker process is given (JSON). */
export interface QueueWorkerSpec {
  /** The run store's folder. */
  store: string;
  /** The study id the runs carry. */
  studyId: string;
  /** The runs to train. */
  queue: QueuedRun[];
  /** Which worker this is, from 0 (its log lines say worker + 1). */
  worker: number;
}

/** What trainQueueWithWorkers returns: how many workers it started, and whether each ended normally. */
export interface QueueWorkersOutcome {
  /** Workers started: at most one per queued run. */
  workers: number;
  /** 'interrupted' when stopped by the signal; 'incomplete' when a worker was killed or crashed. */
  status: 'finished' | 'interrupted' | 'incomplete';
}

const workerEntry = fileURLToPath(new URL('./run-queue-worker.js', import.meta.url));

/**
 * Trains the runs of `queue` with `workers` processes (no more than there are runs), each with its
 * share of the cores, claiming runs from the store as trainQueuedRuns does.
 */
export async function trainQueueWithWorkers(store: RunStore, studyId: string, queue: readonly QueuedRun[], options: QueueOptions & { workers: number }): Promise<QueueWorkersOutcome> {
  checkWorkers(options.workers);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const workers = Math.min(options.workers, queue.length);
  if (workers === 0) return { workers, status: 'finished' };
  const specs = Array.from({ length: workers }, (_, worker): QueueWorkerSpec => ({ store: store.dir, studyId, queue: [...queue], worker }));
  const ends = await runWorkerProcesses<'finished' | 'interrupted'>(workerEntry, specs, { log, signal: options.signal });
  ends.forEach((end, i) => {
    if (!end.report) log(`worker ${i + 1} ended without finishing (${describeEnd(end)}): its run is resumed by another worker or the next attempt`);
  });
  const interrupted = options.signal?.aborted || ends.some((end) => end.report && 'outcome' in end.report && end.report.outcome === 'interrupted');
  return { workers, status: interrupted ? 'interrupted' : ends.every((end) => end.report) ? 'finished' : 'incomplete' };
}
