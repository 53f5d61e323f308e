// Reductions off the request path: t-SNE of 10,000 codes takes minutes, and a server that
// computed it inside a request would answer nothing else meanwhile. Each reduction runs in a child
// process (which loads the native addon itself), one at a time (the cores are what they share);
// the map route answers 202 with the job's state and elapsed time until the map is ready.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LatentlabError } from '../tensor/errors.js';
import type { Reduced, ReductionInput } from './maps.js';

/** What the map route reports of a reduction still computing: its state, waiting and running times, place in the queue and progress. */
export interface JobState {
  key: string;
  /** e.g. "t-SNE of 10000 codes (32-D)". */
  title: string;
  state: 'queued' | 'running' | 'failed';
  /** Milliseconds since the job was asked for, and since it started running (0 while queued). */
  waitedMs: number;
  runningMs: number;
  /** Jobs ahead of this one while queued. */
  ahead: number;
  error: LatentlabError | null;
  /** Steps done of total, where the work counts them (the encoding of a test split). */
  done?: number;
  total?: number;
}

interface Job {
  key: string;
  title: string;
  state: 'queued' | 'running' | 'failed';
  askedAt: number;
  startedAt: number;
  error: LatentlabError | null;
  input: () => ReductionInput;
  done: (reduced: Reduced) => void;
}

/** A map asked for by a decode while its reduction is still computing (409: the page waits for the map first). */
export class MapPendingError extends LatentlabError {}

/** Computes a reduction somewhere (a child process by default; a test may pass its own). */
export type ReductionRunner = (input: ReductionInput) => Promise<Reduced>;

/** The queue of map reductions, each computed in a child process one at a time, off the request path. */
export class ReductionJobs {
  readonly #jobs = new Map<string, Job>();
  readonly #queue: Job[] = [];
  readonly #run: ReductionRunner;
  readonly #children = new Set<ChildProcess>();
  #running: Job | null = null;
  #closed = false;
  #idle: (() => void)[] = [];

  constructor(run?: ReductionRunner) {
    this.#run = run ?? ((input) => this.#inChild(input));
  }

  /** The job of `key`, or null when there is none (never asked for, finished, or its failure already reported). */
  state(key: string): JobState | null {
    const job = this.#jobs.get(key);
    if (!job) return null;
    const now = Date.now();
    return { key, title: job.title, state: job.state, waitedMs: now - job.askedAt, runningMs: job.state === 'running' ? now - job.startedAt : 0, ahead: Math.max(0, this.#queue.indexOf(job) + (this.#running ? 1 : 0)), error: job.error };
  }

  /**
   * Starts the job of `key` unless one exists; `input` is called when it starts running, `done`
   * with the result.
   */
  start(key: string, title: string, input: () => ReductionInput, done: (reduced: Reduced) => void): JobState {
    if (this.#closed) throw new LatentlabError('the explorer is closing: no new maps');
    if (!this.#jobs.has(key)) {
      const job: Job = { key, title, state: 'queued', askedAt: Date.now(), startedAt: 0, error: null, input, done };
      this.#jobs.set(key, job);
      this.#queue.push(job);
      this.#next();
    }
    return this.state(key)!;
  }

  /** Forgets a failed job once its error has been reported, so that asking again retries. */
  forget(key: string): void {
    const job = this.#jobs.get(key);
    if (job?.state === 'failed') this.#jobs.delete(key);
  }

  /** Resolves when no job is queued or running (tests; a graceful close). */
  settled(): Promise<void> {
    if (!this.#running && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops the running child and drops the queue. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    for (const child of this.#children) child.kill();
  }

  #next(): void {
    if (this.#running) return;
    const job = this.#queue.shift();
    if (!job || this.#closed) {
      const waiting = this.#idle;
      this.#idle = [];
      waiting.forEach((resolve) => resolve());
      return;
    }
    this.#running = job;
    job.state = 'running';
    job.startedAt = Date.now();
    let input: ReductionInput;
    const finish = () => {
      this.#running = null;
      this.#next();
    };
    try {
      input = job.input();
    } catch (error) {
      this.#fail(job, error);
      finish();
      return;
    }
    this.#run(input).then(
      (reduced) => {
        this.#jobs.delete(job.key);
        if (!this.#closed) {
          try {
            job.done(reduced);
          } catch (error) {
            this.#jobs.set(job.key, job);
            this.#fail(job, error);
          }
        }
        finish();
      },
      (error: unknown) => {
        this.#fail(job, error);
        finish();
      },
    );
  }

  #fail(job: Job, error: unknown): void {
    job.state = 'failed';
    job.error = error instanceof LatentlabError ? error : new LatentlabError(`${job.title} failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  #inChild(input: ReductionInput): Promise<Reduced> {
    return inChild<Reduced>({ kind: 'reduce', input }, this.#children);
  }
}

/** What the child process is asked for: a reduction, or a run's HTML report (reduce-child.ts). */
export type ChildTask = { kind: 'reduce'; input: ReductionInput } | { kind: 'report'; storeDir: string; runId: string };

/**
 * Runs one task in a child process and resolves with its answer; `children` holds the process
 * while it runs (to be killed on close).
 */
export function inChild<T>(task: ChildTask, children: Set<ChildProcess> = new Set()): Promise<T> {
  return new Promise((resolve, reject) => {
    // 'advanced': a matrix crosses as a Float32Array (structured clone), not as JSON numbers.
    const child = fork(childScript, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(child);
    let answered = false;
    child.on('message', (message: { result?: T; error?: string }) => {
      answered = true;
      if (message.result !== undefined) resolve(message.result);
      else reject(new LatentlabError(message.error ?? `the ${task.kind} failed`));
    });
    child.on('error', (error) => {
      answered = true;
      reject(new LatentlabError(`could not start the ${task.kind} process: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (!answered) reject(new LatentlabError(`the ${task.kind} process stopped (${signal ?? `exit code ${code}`}) before it finished${signal === 'SIGKILL' ? ': out of memory? choose a map of fewer dimensions (PCA) or a smaller --test-limit' : ''}`));
    });
    child.send(task);
  });
}

const childScript = fileURLToPath(new URL('./reduce-child.js', import.meta.url));
