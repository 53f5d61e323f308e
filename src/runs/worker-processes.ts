// Worker processes on this machine, shared by `tune --workers` and `study run --workers`: the
// parent forks one entry script per worker with its share of the cores as its thread count,
// passes its log lines on whole, stops the workers on abort (Ctrl-C), and collects how each
// ended; the worker side (serveAsWorker) turns Ctrl-C into an abort signal and reports its
// outcome or its error over the IPC channel. The work itself is shared through the run store.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';

/** What a worker process tells its parent when it ends: its outcome, or the error that stopped it. */
export type WorkerReport<T> = { outcome: T } | { error: string; name: string };

/** How one worker process ended: its report (none when it was killed or crashed), exit code and signal. */
export interface WorkerEnd<T> {
  /** What it reported; none when it was killed or crashed before reporting. */
  report?: WorkerReport<T>;
  /** Its exit code (null when a signal ended it). */
  code: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
}

/** Options of runWorkerProcesses: the log for the workers' lines and the signal that stops them. */
export interface WorkerProcessOptions {
  /** Receives every line the workers write to standard error, whole. */
  log: (line: string) => void;
  /** Aborting sends SIGINT to every worker still running. */
  signal?: AbortSignal;
}

/**
 * Threads per worker: the cores shared out, at least one each. LATENTLAB_THREADS, when set,
 * is the user's choice and is passed on unchanged.
 */
export function workerThreads(workers: number, cores = availableParallelism(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.LATENTLAB_THREADS) return env.LATENTLAB_THREADS;
  const share = Math.max(1, Math.floor(cores / workers));
  return `${share},${share}`;
}

/** Throws an ArgumentError unless `workers` is a positive integer (before any process starts). */
export function checkWorkers(workers: number): void {
  if (!Number.isInteger(workers) || workers < 1) throw new ArgumentError(`workers must be a positive integer, got ${String(workers)}`);
}

/**
 * Forks `entry` once per spec (the spec as its JSON argument), each with workerThreads(specs.length)
 * threads, and waits for all of them. A worker's reported error is thrown (as an ArgumentError
 * where it was one) once every worker has ended.
 */
export async function runWorkerProcesses<T>(entry: string, specs: readonly unknown[], options: WorkerProcessOptions): Promise<WorkerEnd<T>[]> {
  const { log, signal } = options;
  const env = { ...process.env, LATENTLAB_THREADS: workerThreads(specs.length) };
  const children = specs.map((spec) => {
    const child = fork(entry, [JSON.stringify(spec)], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    // Lines, not chunks: the workers' logs interleave whole.
    let buffered = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) log(line);
    });
    const ended = new Promise<WorkerEnd<T>>((resolve) => {
      let report: WorkerReport<T> | undefined;
      child.on('message', (message) => (report = message as WorkerReport<T>));
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
    const failure = ends.map((end) => end.report).find((report) => report !== undefined && 'error' in report);
    if (failure && 'error' in failure) throw failure.name === 'ArgumentError' ? new ArgumentError(failure.error) : new LatentlabError(failure.error);
    return ends;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** How a worker that sent no report ended, for the parent's log: "killed by SIGKILL" or "exit code 1". */
export function describeEnd(end: WorkerEnd<unknown>): string {
  return end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`;
}

/** The spec a worker process was started with (its JSON argument). */
export function workerSpec<S>(): S {
  return JSON.parse(process.argv[2] ?? '{}') as S;
}

/**
 * The worker side: runs `work` with a signal aborted by Ctrl-C (which reaches every worker, one
 * process group) or SIGTERM, then reports its outcome or its error to the parent and exits.
 */
export async function serveAsWorker<T>(work: (signal: AbortSignal) => Promise<T>): Promise<void> {
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  process.on('SIGTERM', () => controller.abort());
  let report: WorkerReport<T>;
  try {
    report = { outcome: await work(controller.signal) };
  } catch (error) {
    report = { error: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' };
    process.exitCode = 1;
  }
  process.send?.(report, () => process.disconnect());
}
