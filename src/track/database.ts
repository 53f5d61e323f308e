// Opening the store's SQLite file with the settings every connection needs, and turning SQLite's
// errors into one line that names the file and says what to do.
import Database from 'better-sqlite3';
import { RunStoreError } from './errors.js';
import { migrate } from './migrations.js';

/** How long a statement waits for another process's write lock before giving up. */
export const busyTimeoutMs = 30_000;

/** Opens (creating if needed) and migrates the database at `file`. */
export function openDatabase(file: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    // A busy timeout makes concurrent writers (two trainings, a study's workers) wait their
    // turn instead of failing with SQLITE_BUSY.
    db = new Database(file, { timeout: busyTimeoutMs });
    useWriteAheadLog(db, file);
    // In WAL mode, synchronous=NORMAL writes each commit to the WAL without an fsync: a commit
    // survives the process being killed (the bytes are in the OS's cache), though the last
    // commits may roll back if the machine loses power. Training metrics can afford that.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (error) {
    db?.close();
    throw storeError(error, file);
  }
}

/**
 * Puts the database in WAL mode (it stays so), where readers never wait for writers. This is
 * also the first read of the file, where a file that is not a database fails.
 */
function useWriteAheadLog(db: Database.Database, file: string): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new RunStoreError(`cannot use write-ahead logging on ${file} (journal mode stays '${mode}'): keep the store on a local disk`);
      return;
    } catch (error) {
      // Unlike other statements, the switch fails at once, without the busy timeout, while
      // another process opening the same new store is switching it: wait and look again.
      if (!(error instanceof Database.SqliteError && error.code === 'SQLITE_BUSY') || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 5); // a synchronous 5 ms pause
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** SQLite's errors as RunStoreErrors naming `file`; any other error unchanged. */
export function storeError(error: unknown, file: string): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  const options = { cause: error };
  if (code === 'SQLITE_NOTADB') return new RunStoreError(`${file} is not a SQLite database: move it aside, or choose another store with --store or LATENTLAB_STORE`, options);
  if (code.startsWith('SQLITE_CORRUPT')) return new RunStoreError(`${file} is damaged (${error.message}): restore it from a backup, or save what is left with: sqlite3 ${file} .recover`, options);
  if (code.startsWith('SQLITE_BUSY')) return new RunStoreError(`${file} stayed locked by another process for ${busyTimeoutMs / 1000} s: try again once it is done`, options);
  if (code === 'SQLITE_FULL') return new RunStoreError(`cannot write ${file}: the disk is full`, options);
  if (code.startsWith('SQLITE_READONLY')) return new RunStoreError(`cannot write ${file}: it is read-only (${error.message})`, options);
  if (code.startsWith('SQLITE_CANTOPEN')) return new RunStoreError(`cannot open ${file}: ${error.message}`, options);
  return new RunStoreError(`${file}: ${error.message}`, options);
}
