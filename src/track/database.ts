// Opening the store's SQLite file with the settings every connection needs, and turning SQLite's
// errors into one line that names the file and says what to do.
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { RunStoreError } from './errors.js';
import { migrate, migrations, userVersion } from './migrations.js';

// better-sqlite3 reads this once, when its addon first loads (on the first open): URI file names
// let a store in a folder we cannot write be opened with immutable=1 (see openDatabase).
process.env.SQLITE_USE_URI ??= '1';

/** How long a statement waits for another process's write lock before giving up. */
export const busyTimeoutMs = 30_000;

/**
 * How a store is opened: 'write' creates and migrates it; 'read' opens it read-only, and
 * 'immutable' also promises SQLite that nobody changes the file, for a store in a folder we
 * cannot write (a read-only mount), where SQLite could not create the WAL's -shm file otherwise.
 */
export type DatabaseAccess = 'write' | 'read' | 'immutable';

/** Opens the database at `file`: for writing (creating and migrating it if needed) or read-only. */
export function openDatabase(file: string, access: DatabaseAccess = 'write'): Database.Database {
  if (access !== 'write') return openForReading(file, access);
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

function openForReading(file: string, access: 'read' | 'immutable'): Database.Database {
  let db: Database.Database | undefined;
  try {
    const name = access === 'immutable' ? `file:${encodeURI(file).replace(/[?#]/g, encodeURIComponent)}?immutable=1` : file;
    db = new Database(name, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    db.pragma('foreign_keys = ON');
    // Not migrated (that writes): an older schema is read as it is, a newer one refused.
    const version = userVersion(db);
    const latest = migrations.at(-1)!.version;
    if (version > latest) throw new RunStoreError(`${file} has schema version ${version}, newer than this latentlab knows (${latest}): upgrade latentlab to open it`);
    if (version === 0) throw new RunStoreError(`${file} holds no runs yet: train a model into this store first`);
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
  if (code.startsWith('SQLITE_READONLY')) return new RunStoreError(`the run store ${dirname(file)} is read-only: ${error.message}; reading commands work on it, training needs a writable store`, options);
  if (code.startsWith('SQLITE_CANTOPEN')) return new RunStoreError(`cannot open ${file}: ${error.message}`, options);
  return new RunStoreError(`${file}: ${error.message}`, options);
}
