// Batches a run's metric rows so that per-step logging costs one transaction per batch, not per
// row. Rows reach the store every `maxRows` rows or `maxDelayMs` milliseconds, and on flush() and
// close(); only rows that have reached the store survive a crash.
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { storedMetricRow, type MetricRow } from './metrics.js';
import type { RunStore } from './store.js';

/** How many rows, or how long, MetricsWriter lets rows wait before writing them. */
export interface MetricsWriterOptions {
  /** Write once this many rows wait (default 500). */
  maxRows?: number;
  /** Write rows that have waited this long (default 2000 ms). */
  maxDelayMs?: number;
}

/** Batches a run's metric rows and writes them to the store in one transaction per batch (every maxRows rows or maxDelayMs, and on flush() and close()). */
export class MetricsWriter {
  readonly #store: RunStore;
  readonly #runId: string;
  readonly #maxRows: number;
  readonly #maxDelayMs: number;
  #pending: MetricRow[] = [];
  /** When the oldest waiting row was added. */
  #since = 0;
  #timer: NodeJS.Timeout | undefined;
  /** A write that failed on the timer, thrown to the caller at its next call. */
  #failure: unknown;
  #closed = false;

  constructor(store: RunStore, runId: string, options: MetricsWriterOptions = {}) {
    const { maxRows = 500, maxDelayMs = 2000 } = options;
    if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new ArgumentError(`maxRows must be a positive integer, got ${maxRows}`);
    if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) throw new ArgumentError(`maxDelayMs must be a non-negative number, got ${maxDelayMs}`);
    this.#store = store;
    this.#runId = runId;
    this.#maxRows = maxRows;
    this.#maxDelayMs = maxDelayMs;
  }

  /** Rows added but not yet written. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Queues rows (checked now, stamped with the time now); writes them if a limit is reached. */
  add(rows: MetricRow | readonly MetricRow[]): void {
    this.#throwIfUnusable();
    const now = Date.now();
    const list = Array.isArray(rows) ? rows : [rows as MetricRow];
    // Checked here, so that a bad row fails the call that made it, not a later write.
    for (const row of list) storedMetricRow(row, now);
    if (this.#pending.length === 0) {
      this.#since = now;
      // The timer writes rows when the caller goes quiet; a busy synchronous loop, which never
      // lets a timer run, is covered by the age check below.
      this.#timer = setTimeout(() => this.#flushOnTimer(), this.#maxDelayMs).unref();
    }
    for (const row of list) this.#pending.push({ ...row, time: row.time ?? now });
    if (this.#pending.length >= this.#maxRows || now - this.#since >= this.#maxDelayMs) this.flush();
  }

  /** Writes the waiting rows in one transaction. */
  flush(): void {
    this.#throwIfUnusable();
    this.#write();
  }

  /** Writes the waiting rows and stops; later calls to add() throw. Closing twice is harmless. */
  close(): void {
    if (this.#closed) return;
    this.#throwIfUnusable();
    this.#write();
    this.#closed = true;
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    // Rows leave the queue only once committed, so a failed write can be retried.
    this.#store.logMetrics(this.#runId, this.#pending);
    this.#pending = [];
  }

  #flushOnTimer(): void {
    try {
      this.#write();
    } catch (error) {
      this.#failure = error; // thrown from a timer, it would end the process
    }
  }

  #throwIfUnusable(): void {
    if (this.#closed) throw new LatentlabError(`the metrics writer of run ${this.#runId} is closed`);
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      throw failure;
    }
  }
}
