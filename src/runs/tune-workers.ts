// A search run by several worker processes on one machine (`latentlab tune --workers N`): each
// is a tune-worker.js process that claims trials from the shared store (see tune.ts), with its
// share of the cores as its thread count. The outcome is read back from the store, so a worker
// that was killed only leaves its trial to be resumed by the next `tune`.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import type { Dimension } from '../bo/space.js';
import type { RunStore } from '../track/store.js';
import { checkTuneOptions, searchId, searchOutcome, type TuneOptions, type TuneOutcome } from './tune.js';

/** What a worker process is given (JSON): the search as tuneRuns takes it. */
export interface WorkerSpec {
  store: string;
  base: Record<string, unknown>;
  dimensions: Dimension[];
  options: Omit<TuneOptions, 'log' | 'signal' | 'progress' | 'worker'>;
  worker: number;
}

/** What a worker process tells its parent when it ends. */
export type WorkerReport = { status: TuneOutcome['status'] } | { error: string; name: string };

const workerEntry = fileURLToPath(new URL('./tune-worker.js', import.meta.url));

/**
 * Threads per worker: the cores shared out, at least one each. LATENTLAB_THREADS, when set,
 * is the user's choice and is passed on unchanged.
 */
export function workerThreads(workers: number, cores = availableParallelism(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.LATENTLAB_THREADS) return env.LATENTLAB_THREADS;
  const share = Math.max(1, Math.floor(cores / workers));
  return `${share},${share}`;
}

/** Runs (or continues) a search with `workers` processes sharing it through `store`. */
export async function tuneWithWorkers(store: RunStore, base: Record<string, unknown>, dimensions: readonly Dimension[], options: TuneOptions & { workers: number }): Promise<TuneOutcome> {
  const { workers, log: logOption, signal, progress: _progress, worker: _worker, ...rest } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new ArgumentError(`workers must be a positive integer, got ${String(workers)}`);
  const space = checkTuneOptions(base, dimensions, options);
  const search = searchId(base, dimensions, options);
  const log = logOption ?? ((line: string) => process.stderr.write(`${line}\n`));
  const before = searchOutcome(store, search, space, options.objective, 'finished');
  const env = { ...process.env, LATENTLAB_THREADS: workerThreads(workers) };
  log(`search ${search}: ${workers} workers, ${env.LATENTLAB_THREADS.split(',')[0]} threads each`);
  const children = Array.from({ length: workers }, (_, worker) => {
    const spec: WorkerSpec = { store: store.dir, base, dimensions: [...dimensions], options: rest, worker };
    const child = fork(workerEntry, [JSON.stringify(spec)], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    // Lines, not chunks: the workers' logs interleave whole.
    let buffered = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) log(line);
    });
    const ended = new Promise<{ report?: WorkerReport; code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      let report: WorkerReport | undefined;
      child.on('message', (message) => (report = message as WorkerReport));
      child.on('exit', (code, killedBy) => {
        if (buffered) log(buffered);
        resolve({ report, code, signal: killedBy });
      });
    });
    return { child, ended };
  });
  const stop = () => children.forEach(({ child }) => child.exitCode === null && child.kill('SIGINT'));
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const ends = await Promise.all(children.map((c) => c.ended));
    const failure = ends.find((end) => end.report && 'error' in end.report);
    if (failure && failure.report && 'error' in failure.report) {
      throw failure.report.name === 'ArgumentError' ? new ArgumentError(failure.report.error) : new LatentlabError(failure.report.error);
    }
    ends.forEach((end, i) => {
      if (!end.report) log(`worker ${i + 1} ended without finishing (${end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`}): its trial is resumed by the next tune`);
    });
    const interrupted = signal?.aborted || ends.some((end) => end.report && 'status' in end.report && end.report.status === 'interrupted');
    const outcome = searchOutcome(store, search, space, options.objective, 'finished', before.trials.length + before.pruned.length);
    const done = outcome.trials.length + outcome.pruned.length + store.listRuns({ studyId: search, status: 'failed' }).length;
    return { ...outcome, status: done >= options.trials ? 'finished' : interrupted ? 'interrupted' : 'incomplete' };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
