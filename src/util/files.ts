// Creating output folders and writing output files, below every other layer. A folder is made
// only after walking up to its first existing ancestor and checking that one is a folder we may
// write into: Node's mkdirSync({ recursive }) spins forever under /proc, and on a read-only file
// system names ENOENT instead of the cause. Files are written atomically (temporary + rename).
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LatentlabError } from './errors.js';

/** An output folder or file cannot be created: the message names it and says why. */
export class OutputPathError extends LatentlabError {
  /** The why alone ("read-only file system"), for a caller that names the path its own way. */
  constructor(message: string, readonly reason: string, options?: ErrorOptions) {
    super(message, options);
  }
}

// Pseudo file systems whose folders accept no new entries (statfs f_type, see statfs(2)).
const pseudoFileSystems = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
]);

/**
 * Makes sure `path` is a folder we can write into, creating it and its parents if needed.
 * `what` names it in errors: "the report folder", "the run store".
 */
export function ensureDirectory(path: string, what = 'the folder'): string {
  const target = resolve(path);
  const fail = (reason: string, cause?: unknown): never => {
    throw new OutputPathError(`cannot create ${what} ${target}: ${reason}`, reason, cause === undefined ? undefined : { cause });
  };
  // The first ancestor (or the target itself) that exists, and the folders to make below it.
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    const kind = entryKind(existing);
    if (kind === 'folder') break;
    if (kind === 'other') fail(existing === target ? 'a file is in the way' : `${existing} is a file, not a folder (a file is in the way)`);
    const parent = dirname(existing);
    if (parent === existing) fail('no existing folder above it');
    missing.unshift(existing);
    existing = parent;
  }
  const access = writeProblem(existing);
  if (access) fail(existing === target || access.startsWith('/') ? access : `${existing}: ${access}`);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && entryKind(folder) === 'folder') continue; // made by another process meanwhile
      fail(describeCode(code) ?? (error as Error).message, error);
    }
  }
  return target;
}

/** Writes `data` to `path` so that no reader ever sees half a file; creates the folder if needed. */
export function writeFileAtomic(path: string, data: Uint8Array | string, what = 'the folder'): void {
  const target = resolve(path);
  const fail = (error: unknown): never => {
    // The file is what the user named: the message names it, whatever step failed.
    const reason = error instanceof OutputPathError ? error.reason : (describeCode((error as NodeJS.ErrnoException).code) ?? (error as Error).message);
    throw new OutputPathError(`cannot write ${target}: ${reason}`, reason, { cause: error });
  };
  const folder = dirname(target);
  try {
    ensureDirectory(folder, what);
  } catch (error) {
    if (!(error instanceof OutputPathError)) throw error;
    // A folder to create that cannot be made is the thing to name; a file that cannot go into an existing one is.
    if (entryKind(folder) !== 'folder') throw error;
    fail(error);
  }
  if (entryKind(target) === 'folder') fail(Object.assign(new Error('a folder is in the way'), { code: 'EISDIR' }));
  const temporary = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  let fd = -1;
  try {
    fd = openSync(temporary, 'w');
  } catch (error) {
    fail(error);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    fail(error);
  }
}

/** Why a process cannot create entries in the existing folder `folder`, or undefined if it can. */
export function writeProblem(folder: string): string | undefined {
  // Root passes the access check on /proc and /sys, where no file can be made all the same.
  const pseudo = pseudoFileSystem(folder);
  if (pseudo) return `${pseudoRoot(folder, pseudo)} is not a writable folder (a ${pseudo} file system)`;
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return describeCode(code) ?? (error as Error).message;
  }
}

/** One phrase for the error codes a user can act on. */
export function describeCode(code: string | undefined): string | undefined {
  switch (code) {
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EISDIR':
      return 'a folder is in the way';
    default:
      return undefined;
  }
}

function entryKind(path: string): 'folder' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a file above it; walking up finds and names that file.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    const reason = describeCode(code) ?? (error as Error).message;
    throw new OutputPathError(`cannot look at ${path}: ${reason}`, reason, { cause: error });
  }
}

function pseudoFileSystem(folder: string): string | undefined {
  try {
    return pseudoFileSystems.get(Number(statfsSync(folder).type));
  } catch {
    return undefined;
  }
}

/** The top of the pseudo file system holding `folder` (e.g. /proc for /proc/self). */
function pseudoRoot(folder: string, name: string): string {
  let top = folder;
  while (dirname(top) !== top && pseudoFileSystem(dirname(top)) === name) top = dirname(top);
  return top;
}
