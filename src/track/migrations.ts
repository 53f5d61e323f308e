// The run store's schema as an ordered list of migrations. PRAGMA user_version records how many
// have been applied; opening a store applies the rest in one transaction.
import type Database from 'better-sqlite3';
import { RunStoreError } from './errors.js';

export interface Migration {
  /** 1, 2, 3, ...: the user_version the database has once this migration is applied. */
  version: number;
  description: string;
  sql: string;
}

// Never edit a migration that has shipped: add a new one that changes the schema further.
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, metrics and artifacts',
    // Times are ISO 8601 UTC text (readable in the sqlite3 shell, sortable), except metric times:
    // milliseconds since 1970, because there are millions of metric rows.
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        name TEXT,
        model TEXT NOT NULL,
        dataset TEXT NOT NULL,
        config TEXT NOT NULL CHECK (json_valid(config)),
        seed INTEGER,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        git_commit TEXT,
        host TEXT NOT NULL,
        pid INTEGER,
        versions TEXT NOT NULL CHECK (json_valid(versions)),
        study_id TEXT,
        error TEXT,
        checkpoint_dir TEXT
      ) STRICT;
      CREATE INDEX runs_by_created ON runs (created_at);
      CREATE INDEX runs_by_study ON runs (study_id) WHERE study_id IS NOT NULL;

      -- One value per run, key and step: the primary key is the (run, key, step) index, and
      -- without a rowid the rows are stored in that order, which is how they are read.
      CREATE TABLE metrics (
        run TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        step INTEGER NOT NULL,
        epoch INTEGER,
        value REAL,
        time INTEGER NOT NULL,
        PRIMARY KEY (run, key, step)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE artifacts (
        run TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX artifacts_by_run ON artifacts (run, kind);
    `,
  },
  {
    version: 2,
    description: 'the lock of a running run',
    // Who holds a running run: a random token per claim (compared on every claim and release, so
    // that a process whose lock was taken over notices), the holder's process start time (a pid
    // reused by another process is then told apart) and when the claim was made.
    sql: `
      ALTER TABLE runs ADD COLUMN lock_token TEXT;
      ALTER TABLE runs ADD COLUMN lock_process_start TEXT;
      ALTER TABLE runs ADD COLUMN locked_at TEXT;
    `,
  },
];

/**
 * Brings the database at `file` up to the last of `list` (consecutive versions from 1), or
 * refuses one whose schema is newer than this code knows.
 */
export function migrate(db: Database.Database, file: string, list: readonly Migration[] = migrations): void {
  const latest = list.at(-1)?.version ?? 0;
  const current = userVersion(db);
  if (current > latest) {
    throw new RunStoreError(`${file} has schema version ${current}, newer than this latentlab knows (${latest}): upgrade latentlab to open it`);
  }
  if (current === latest) return;
  // IMMEDIATE takes the write lock first, so two processes opening a new store at once migrate
  // it one after the other; the second finds the work done when it reads the version again.
  db.transaction(() => {
    const version = userVersion(db);
    for (const migration of list) {
      if (migration.version <= version) continue;
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new RunStoreError(`cannot migrate ${file} to schema version ${migration.version} (${migration.description}): ${(error as Error).message}`, { cause: error });
      }
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
