// A search run by several worker processes on one machine (`latentlab tune --workers N`): each
// is a tune-worker.js process (started by worker-processes.ts) that claims trials from the shared
// store (see tune.ts), with its share of the cores as its thread count. The outcome is read back
// from the store, so a worker that was killed only leaves its trial to be resumed by the next `tune`.
import { fileURLToPath } from 'node:url';
import type { Dimension } from '../bo/space.js';
import type { RunStore } from '../track/store.js';
import { checkTuneOptions, searchId, searchOutcome, type TuneOptions, type TuneOutcome } from './tune.js';
import { checkWorkers, describeEnd, runWorkerProcesses, workerThreads } from './worker-processes.js';

export { workerThreads };

/** What a worker process is given (JSON): the search as tuneRuns takes it. */
export interface WorkerSpec {
  store: string;
  base: Record<string, unknown>;
  dimensions: Dimension[];
  options: Omit<TuneOptions, 'log' | 'signal' | 'progress' | 'worker'>;
  worker: number;
}

const workerEntry = fileURLToPath(new URL('./tune-worker.js', import.meta.url));

/** Runs (or continues) a search with `workers` processes sharing it through `store`. */
export async function tuneWithWorkers(store: RunStore, base: Record<string, unknown>, dimensions: readonly Dimension[], options: TuneOptions & { workers: number }): Promise<TuneOutcome> {
  const { workers, log: logOption, signal, progress: _progress, worker: _worker, ...rest } = options;
  checkWorkers(workers);
  const space = checkTuneOptions(base, dimensions, options);
  const search = searchId(base, dimensions, options);
  const log = logOption ?? ((line: string) => process.stderr.write(`${line}\n`));
  const before = searchOutcome(store, search, space, options.objective, 'finished');
  const specs = Array.from({ length: workers }, (_, worker): WorkerSpec => ({ store: store.dir, base, dimensions: [...dimensions], options: rest, worker }));
  log(`search ${search}: ${workers} workers, ${workerThreads(workers).split(',')[0]} threads each`);
  const ends = await runWorkerProcesses<TuneOutcome['status']>(workerEntry, specs, { log, signal });
  ends.forEach((end, i) => {
    if (!end.report) log(`worker ${i + 1} ended without finishing (${describeEnd(end)}): its trial is resumed by the next tune`);
  });
  const interrupted = signal?.aborted || ends.some((end) => end.report && 'outcome' in end.report && end.report.outcome === 'interrupted');
  const outcome = searchOutcome(store, search, space, options.objective, 'finished', before.trials.length + before.pruned.length);
  const done = outcome.trials.length + outcome.pruned.length + store.listRuns({ studyId: search, status: 'failed' }).length;
  return { ...outcome, status: done >= options.trials ? 'finished' : interrupted ? 'interrupted' : 'incomplete' };
}
