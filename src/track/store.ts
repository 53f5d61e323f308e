// The run store: every run's record, metrics and artifacts in one workspace folder, the source of
// truth for reports and comparisons. Layout: <dir>/runs.db (SQLite) and <dir>/artifacts/<run id>/.
// Several processes may use one store at once: SQLite's locks order their writes.
import { randomUUID } from 'node:crypto';
import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { ArgumentError } from '../tensor/errors.js';
import { checkArtifactKind, checkArtifactName, runFolder, writeArtifactFile, type ArtifactSource } from './artifacts.js';
import { ensureDirectory, writeProblem } from '../util/files.js';
import { openDatabase, storeError, type DatabaseAccess } from './database.js';
import { AmbiguousRunIdError, RunLockedError, RunNotFoundError, RunStoreError } from './errors.js';
import { newRunId } from './ids.js';
import { metricRecord, storedMetricRow, type MetricRecord, type MetricRow, type StoredMetricRow } from './metrics.js';
import { artifactRecord, runRecord, runStatuses, type ArtifactRecord, type ArtifactRow, type RunLock, type RunRecord, type RunRow, type RunStatus } from './records.js';
import { newRunColumns, parseRunFilter, runUpdateColumns, type NewRun, type RunFilter, type RunUpdate } from './run-input.js';

export type { ArtifactRecord, ArtifactSource, MetricRecord, MetricRow, NewRun, RunFilter, RunLock, RunRecord, RunStatus, RunUpdate };
export { runStatuses, RunLockedError };

/** The store's folder when neither a path nor LATENTLAB_STORE is given, relative to the working directory. */
export const defaultStoreDir = 'latentlab-runs';

/** How RunStore.open opens a store: for writing (created and migrated as needed) or read-only. */
export interface OpenOptions {
  /**
   * 'write' (default) creates and migrates the store as needed; 'read' opens an existing store
   * read-only, which also works on a read-only mount (commands that only read ask for this).
   */
  mode?: 'read' | 'write';
  /** Create the folder and database when missing (default in 'write' mode); false makes a missing store an error. */
  create?: boolean;
}

/** The process that claims a run (see claimRun). */
export interface RunHolder {
  pid: number;
  host: string;
  /** The process's start time as the OS tells it (see runs/liveness.ts), or null where unknown. */
  processStart: string | null;
}

/** The run store: runs, their metrics and artifacts in one folder (a SQLite database and the artifact files); open it with RunStore.open. */
export class RunStore {
  /** The store's folder, absolute. */
  readonly dir: string;
  /** Its SQLite database. */
  readonly file: string;
  /** 'read' where opened read-only. */
  readonly mode: 'read' | 'write';
  readonly #db: Database.Database;
  /** The database file's identity when opened, to notice it being deleted or replaced. */
  readonly #identity: string;
  #insertMetric: Database.Statement<[string, StoredMetricRow]> | undefined;

  /** Opens the store in `dir`, else $LATENTLAB_STORE, else ./latentlab-runs; migrates an older schema. */
  /** The folder a store opened with `dir` lives in: `dir`, else $LATENTLAB_STORE, else ./latentlab-runs. */
  static resolveDir(dir?: string): string {
    return resolve(dir ?? (process.env.LATENTLAB_STORE || defaultStoreDir));
  }

  /** Whether a run store (its runs.db) exists there; opens nothing. */
  static exists(dir?: string): boolean {
    return existsSync(join(RunStore.resolveDir(dir), 'runs.db'));
  }

  /** Opens (by default creating and migrating) the store in `dir`, else $LATENTLAB_STORE, else ./latentlab-runs. */
  static open(dir?: string, options: OpenOptions = {}): RunStore {
    if (dir !== undefined && (typeof dir !== 'string' || dir.length === 0)) throw new ArgumentError('a run store path must be a non-empty string');
    const folder = RunStore.resolveDir(dir);
    const file = join(folder, 'runs.db');
    const mode = options.mode ?? 'write';
    if (mode !== 'read' && mode !== 'write') throw new ArgumentError(`a run store opens in mode 'read' or 'write', got ${JSON.stringify(mode)}`);
    prepareFolder(folder, file, mode === 'write' && (options.create ?? true));
    const access = mode === 'write' ? (checkWritable(folder, file), 'write') : readAccess(folder, file);
    return new RunStore(folder, file, mode, openDatabase(file, access));
  }

  private constructor(dir: string, file: string, mode: 'read' | 'write', db: Database.Database) {
    this.dir = dir;
    this.file = file;
    this.mode = mode;
    this.#db = db;
    this.#identity = fileIdentity(file) ?? '';
  }

  /**
   * Throws unless the store's database is still the file this store opened: a store folder
   * deleted (or replaced) while a run trains would otherwise swallow its results unnoticed,
   * since SQLite keeps writing into the unlinked file.
   */
  assertPresent(): void {
    const identity = fileIdentity(this.file);
    if (identity === this.#identity) return;
    const what = identity === undefined ? `${this.file} is gone (the store folder was deleted or moved)` : `${this.file} was replaced by another file`;
    throw new RunStoreError(`the run store ${this.dir} changed while in use: ${what}; what was recorded since is lost`);
  }

  /**
   * Makes `holder` the one process that runs `id`, atomically: the run is marked running with a
   * new lock token only if it is still as the caller saw it (`seen`: its status and lock token),
   * so of two processes claiming it at once exactly one succeeds; the other gets a
   * RunLockedError naming the holder. Deciding whether a running holder is gone (a stale lock)
   * is the caller's part. Returns the new token, which releaseRun and checkLock take.
   */
  claimRun(id: string, holder: RunHolder, seen: Pick<RunRecord, 'status' | 'lock'>): string {
    const token = randomUUID();
    const now = new Date().toISOString();
    return this.#use((db) =>
      db
        .transaction(() => {
          this.#requireRun(db, id);
          const claimed = db
            .prepare(
              `UPDATE runs SET status = 'running', pid = @pid, host = @host, lock_token = @token, lock_process_start = @processStart, locked_at = @now,
                 ended_at = NULL, error = NULL
               WHERE id = @id AND status = @status AND lock_token IS @seenToken`,
            )
            .run({ id, pid: holder.pid, host: holder.host, token, processStart: holder.processStart, now, status: seen.status, seenToken: seen.lock?.token ?? null });
          if (claimed.changes === 1) return token;
          const current = this.#runById(db, id)!;
          if (current.status === 'running') throw new RunLockedError(`run ${id} ${describeHolder(current)}`);
          throw new RunLockedError(`run ${id} changed while it was being claimed (now ${current.status}): try again`);
        })
        .immediate(),
    );
  }

  /** Throws a RunLockedError if this process (holding `token`) no longer holds run `id`; checks the store is still there. */
  checkLock(id: string, token: string): void {
    this.assertPresent();
    const current = this.#use((db) => this.#runById(db, id));
    if (!current) throw this.#notFound(id);
    if (current.lock?.token !== token) throw lockLost(current);
  }

  /**
   * Ends this process's hold on run `id` with its final status (an error message for failed and
   * interrupted), unless another process took the run over meanwhile: then nothing changes and
   * a RunLockedError says so.
   */
  releaseRun(id: string, token: string, status: Exclude<RunStatus, 'running'>, options: { error?: string } = {}): RunRecord {
    const columns = runUpdateColumns({ status, error: options.error ?? null }, new Date().toISOString());
    return this.#use((db) =>
      db
        .transaction(() => {
          this.#requireRun(db, id);
          const names = Object.keys(columns);
          const released = db
            .prepare(`UPDATE runs SET ${names.map((name) => `${name} = @${name}`).join(', ')}, pid = NULL, lock_token = NULL, lock_process_start = NULL, locked_at = NULL WHERE id = @id AND lock_token IS @token`)
            .run({ ...columns, id, token });
          const current = this.#runById(db, id)!;
          if (released.changes === 0) throw lockLost(current);
          return current;
        })
        .immediate(),
    );
  }

  /**
   * Runs `action` (synchronous; it may call this store's methods) in one IMMEDIATE transaction:
   * what it reads cannot change before what it writes is committed, so of several processes
   * deciding on the same runs at once (tune's workers claiming trials) each sees the others'
   * decisions. An exception rolls every write back. Keep `action` short: it holds the write lock.
   */
  transaction<T>(action: () => T): T {
    return this.#use((db) => db.transaction(action).immediate());
  }

  /** Records a new run with status 'running' and returns it. */
  createRun(input: NewRun): RunRecord {
    const now = new Date();
    const columns = newRunColumns(input, now.toISOString());
    const names = Object.keys(columns);
    return this.#use((db) => {
      const insert = db.prepare(`INSERT INTO runs (id, ${names.join(', ')}) VALUES (@id, ${names.map((name) => `@${name}`).join(', ')})`);
      const exists = db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck();
      const id = db
        .transaction(() => {
          // Two runs created in the same second share the id's time part; the write lock held
          // from here to the insert makes the check for a free random part race-free.
          let candidate = newRunId(now);
          for (let attempt = 0; exists.get(candidate) !== undefined; attempt++) {
            if (attempt === 100) throw new RunStoreError(`no free run id for ${now.toISOString()} in ${this.file}`);
            candidate = newRunId(now);
          }
          insert.run({ id: candidate, ...columns });
          return candidate;
        })
        .immediate();
      return this.#runById(db, id)!;
    });
  }

  /** The run with this id, or with the only id that starts with it (like git's short hashes). */
  getRun(idOrPrefix: string): RunRecord {
    if (typeof idOrPrefix !== 'string' || idOrPrefix.length === 0) throw new ArgumentError('a run id must be a non-empty string');
    return this.#use((db) => {
      const exact = this.#runById(db, idOrPrefix);
      if (exact) return exact;
      const ids = db.prepare('SELECT id FROM runs WHERE substr(id, 1, length(@prefix)) = @prefix ORDER BY id').pluck().all({ prefix: idOrPrefix }) as string[];
      if (ids.length === 0) throw this.#notFound(idOrPrefix);
      if (ids.length > 1) {
        const shown = ids.length > 4 ? `${ids.slice(0, 3).join(', ')}, ...` : ids.join(', ');
        throw new AmbiguousRunIdError(`run id '${idOrPrefix}' matches ${ids.length} runs in ${this.dir} (${shown}): give more of the id`);
      }
      return this.#runById(db, ids[0]!)!;
    });
  }

  /** Runs, newest first (the later insert first where two share a millisecond). */
  listRuns(filter: RunFilter = {}): RunRecord[] {
    const { status, model, studyId, limit } = parseRunFilter(filter);
    const conditions = [status && 'status = @status', model && 'model = @model', studyId && 'study_id = @studyId'].filter(Boolean);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const parameters = Object.fromEntries(Object.entries({ status, model, studyId, limit }).filter(([, value]) => value !== undefined));
    const sql = `SELECT * FROM runs ${where} ORDER BY created_at DESC, rowid DESC ${limit ? 'LIMIT @limit' : ''}`;
    return this.#use((db) => (db.prepare(sql).all(parameters) as RunRow[]).map(runRecord));
  }

  /** Marks a run running, finished, failed or interrupted (an error message for the last two). */
  setStatus(id: string, status: RunStatus, options: { error?: string } = {}): RunRecord {
    return this.updateRun(id, { status, error: options.error ?? null });
  }

  /** Changes some of a run's fields and returns the run as it is now. */
  updateRun(id: string, update: RunUpdate): RunRecord {
    const columns = runUpdateColumns(update, new Date().toISOString());
    const names = Object.keys(columns);
    return this.#use((db) =>
      db
        .transaction(() => {
          this.#requireRun(db, id);
          if (names.length > 0) db.prepare(`UPDATE runs SET ${names.map((name) => `${name} = @${name}`).join(', ')} WHERE id = @id`).run({ ...columns, id });
          return this.#runById(db, id)!;
        })
        .immediate(),
    );
  }

  /** Removes a run: its record, metrics, artifact records and its folder of files. */
  deleteRun(id: string): void {
    this.#use((db) =>
      db
        .transaction(() => {
          this.#requireRun(db, id);
          db.prepare('DELETE FROM runs WHERE id = ?').run(id); // metrics and artifacts follow by ON DELETE CASCADE
        })
        .immediate(),
    );
    // After the commit: should this fail, files are left over, but no record points at a missing file.
    rmSync(join(this.dir, runFolder(id)), { recursive: true, force: true });
  }

  /**
   * Records metric rows in one transaction: all of them or, on an error, none. Each commit is
   * durable once this returns, even if the process is killed right after (see database.ts).
   */
  logMetrics(id: string, rows: readonly MetricRow[]): void {
    if (!Array.isArray(rows)) throw new ArgumentError('logMetrics takes an array of metric rows');
    const now = Date.now();
    const stored = rows.map((row) => storedMetricRow(row, now));
    this.#use((db) => {
      // Prepared once: the trainer logs through it every few steps.
      const insert = (this.#insertMetric ??= db.prepare(
        `INSERT INTO metrics (run, key, step, epoch, value, time) VALUES (?, @key, @step, @epoch, @value, @time)
         ON CONFLICT (run, key, step) DO UPDATE SET epoch = excluded.epoch, value = excluded.value, time = excluded.time`,
      ));
      db.transaction(() => {
        this.#requireRun(db, id);
        for (const row of stored) insert.run(id, row);
      }).immediate();
    });
  }

  /** A run's metric rows, by key then step; only those of `key` if given. */
  metrics(id: string, key?: string): MetricRecord[] {
    return this.#use((db) => {
      this.#requireRun(db, id);
      const rows = (
        key === undefined
          ? db.prepare('SELECT key, step, epoch, value, time FROM metrics WHERE run = ? ORDER BY key, step').all(id)
          : db.prepare('SELECT key, step, epoch, value, time FROM metrics WHERE run = ? AND key = ? ORDER BY step').all(id, key)
      ) as StoredMetricRow[];
      return rows.map(metricRecord);
    });
  }

  /** The value at the last step of each of a run's metric keys (NaN where that value was not finite). */
  finalMetrics(id: string): Record<string, number> {
    return this.#use((db) => {
      this.#requireRun(db, id);
      // With max(), SQLite takes the other bare columns from the row holding the maximum.
      const rows = db.prepare('SELECT key, value, max(step) FROM metrics WHERE run = ? GROUP BY key ORDER BY key').all(id) as { key: string; value: number | null }[];
      return Object.fromEntries(rows.map(({ key, value }) => [key, value ?? Number.NaN]));
    });
  }

  /**
   * Writes a file into the run's folder (atomically: a reader never sees half a file) and records
   * it with its sha256. `name` is a path inside the folder; adding a name again replaces the file.
   */
  addArtifact(id: string, kind: string, name: string, source: ArtifactSource): ArtifactRecord {
    checkArtifactKind(kind);
    const path = posix.join(runFolder(id), checkArtifactName(name));
    this.#use((db) => this.#requireRun(db, id));
    const written = writeArtifactFile(join(this.dir, path), source);
    return this.#use((db) =>
      db
        .transaction(() => {
          this.#requireRun(db, id);
          db.prepare(
            `INSERT INTO artifacts (run, kind, path, sha256, bytes, created_at) VALUES (@run, @kind, @path, @sha256, @bytes, @created_at)
             ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at`,
          ).run({ run: id, kind, path, ...written, created_at: new Date().toISOString() });
          return artifactRecord(db.prepare('SELECT * FROM artifacts WHERE path = ?').get(path) as ArtifactRow);
        })
        .immediate(),
    );
  }

  /** A run's artifacts in the order they were first added; only those of `kind` if given. */
  artifacts(id: string, kind?: string): ArtifactRecord[] {
    return this.#use((db) => {
      this.#requireRun(db, id);
      const rows = (
        kind === undefined
          ? db.prepare('SELECT * FROM artifacts WHERE run = ? ORDER BY rowid').all(id)
          : db.prepare('SELECT * FROM artifacts WHERE run = ? AND kind = ? ORDER BY rowid').all(id, kind)
      ) as ArtifactRow[];
      return rows.map(artifactRecord);
    });
  }

  /** The absolute path of an artifact's file. */
  artifactPath(artifact: ArtifactRecord): string {
    return join(this.dir, artifact.path);
  }

  /** The absolute path of a run's folder (which exists once something is written into it). */
  runDir(id: string): string {
    this.#use((db) => this.#requireRun(db, id));
    return join(this.dir, runFolder(id));
  }

  /** Closes the database; further calls throw. Closing twice is harmless. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** Runs `action` on the open database, with SQLite's errors turned into RunStoreErrors. */
  #use<T>(action: (db: Database.Database) => T): T {
    if (!this.#db.open) throw new RunStoreError(`the run store ${this.dir} is closed`);
    try {
      return action(this.#db);
    } catch (error) {
      throw storeError(error, this.file);
    }
  }

  #runById(db: Database.Database, id: string): RunRecord | undefined {
    const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && runRecord(row);
  }

  #requireRun(db: Database.Database, id: string): void {
    if (typeof id !== 'string' || db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) === undefined) throw this.#notFound(id);
  }

  #notFound(id: string): RunNotFoundError {
    return new RunNotFoundError(`no run '${id}' in ${this.dir}: \`latentlab runs\` lists them`);
  }
}

/** Makes sure `folder` is a folder (creating it if allowed) before SQLite gets to see it. */
function prepareFolder(folder: string, file: string, create: boolean): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new RunStoreError(`cannot open the run store ${folder}: ${(error as Error).message}`, { cause: error });
    if (!create) throw missingStore(folder);
    ensureDirectory(folder, 'the run store');
    return;
  }
  if (!isFolder) throw new RunStoreError(`${folder} is not a folder: a run store is a folder holding runs.db; choose another with --store or LATENTLAB_STORE`);
  if (!create && !existsSync(file)) throw missingStore(folder);
}

function missingStore(folder: string): RunStoreError {
  return new RunStoreError(`no run store in ${folder}: train a model first, or choose the store with --store or LATENTLAB_STORE`);
}

/** A store opened for writing must be writable: say so plainly instead of SQLite's "unable to open". */
function checkWritable(folder: string, file: string): void {
  // SQLite creates runs.db, its -wal and -shm beside it, so the folder must take new files.
  let problem = writeProblem(folder);
  if (problem === undefined && existsSync(file)) {
    try {
      accessSync(file, constants.W_OK);
    } catch (error) {
      problem = `${file}: ${(error as NodeJS.ErrnoException).code === 'EROFS' ? 'read-only file system' : 'permission denied'}`;
    }
  }
  if (problem !== undefined) throw new RunStoreError(`the run store ${folder} is read-only: ${problem}; reading commands (runs, eval, report) work on it; to train, choose a writable store with --store or LATENTLAB_STORE`);
}

/**
 * How to read a store: read-only where SQLite can still create the WAL's -shm beside the
 * database; immutable where the folder takes no new files (a read-only mount, or no permission).
 */
export function readAccess(folder: string, file: string): Exclude<DatabaseAccess, 'write'> {
  if (writeProblem(folder) === undefined) return 'read';
  // The -shm exists and is writable (a store in use on a writable file system we may not write into): read normally.
  try {
    accessSync(`${file}-shm`, constants.R_OK | constants.W_OK);
    return 'read';
  } catch {
    return 'immutable';
  }
}

function fileIdentity(file: string): string | undefined {
  try {
    const stats = statSync(file);
    return `${stats.dev}:${stats.ino}`;
  } catch {
    return undefined;
  }
}

function describeHolder(run: RunRecord): string {
  const since = run.lock?.since ?? run.startedAt;
  return `is held by process ${run.pid ?? '?'} on ${run.host}${since ? ` since ${since}` : ''}`;
}

function lockLost(current: RunRecord): RunLockedError {
  const now = current.status === 'running' ? `${describeHolder(current)} now (taken over, e.g. by resume --force)` : `is ${current.status} now`;
  return new RunLockedError(`this process no longer holds run ${current.id}: it ${now}; stopping without recording more`);
}
