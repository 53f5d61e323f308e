// Artifact files: where a run's files go inside the store, and writing them atomically while
// computing the sha256 that the store records.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { ensureDirectory, writeFileAtomic } from '../util/files.js';

/** What an artifact is made from: its bytes, or a file to copy. */
export type ArtifactSource = Uint8Array | { file: string };

export interface WrittenFile {
  sha256: string;
  bytes: number;
}

/** The folder, relative to the store, that holds a run's artifacts. */
export function runFolder(runId: string): string {
  return posix.join('artifacts', runId);
}

/** Checks an artifact kind: a lower-case word such as 'model', 'image' or 'report'. */
export function checkArtifactKind(kind: string): string {
  if (typeof kind !== 'string' || !/^[a-z][a-z0-9_-]{0,63}$/.test(kind)) {
    throw new ArgumentError(`an artifact kind must be a lower-case word like 'model' or 'image', got ${JSON.stringify(kind)}`);
  }
  return kind;
}

/** Checks an artifact name, a relative path such as 'grids/epoch-3.png', and returns it normalized. */
export function checkArtifactName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw invalidName(name, 'must be a non-empty string');
  if (/[\\\0]/.test(name)) throw invalidName(name, 'must use / between folders and hold no NUL');
  if (posix.isAbsolute(name)) throw invalidName(name, 'must be relative to the run folder');
  const normalized = posix.normalize(name);
  if (normalized.split('/').includes('..')) throw invalidName(name, 'must stay inside the run folder (no ..)');
  if (normalized === '.' || normalized.endsWith('/')) throw invalidName(name, 'must name a file');
  return normalized;
}

function invalidName(name: unknown, problem: string): ArgumentError {
  return new ArgumentError(`artifact name ${JSON.stringify(name)} ${problem}`);
}

/** Writes `source` to `target` atomically (temporary file + rename) and hashes what was written. */
export function writeArtifactFile(target: string, source: ArtifactSource): WrittenFile {
  if (source instanceof Uint8Array) {
    writeFileAtomic(target, source, 'the run folder');
    return { sha256: createHash('sha256').update(source).digest('hex'), bytes: source.length };
  }
  if (typeof source !== 'object' || source === null || typeof source.file !== 'string') {
    throw new ArgumentError('an artifact source must be a Uint8Array of bytes or { file: path } to copy');
  }
  return copyFileAtomic(source.file, target);
}

/** Copies in chunks, so that a large checkpoint is hashed without holding it in memory. */
function copyFileAtomic(source: string, target: string): WrittenFile {
  let input: number;
  try {
    input = openSync(source, 'r');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new FileFormatError(`cannot read artifact source ${source}: ${reason}`, { cause: error });
  }
  ensureDirectory(dirname(target), 'the run folder');
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  let output: number | undefined;
  try {
    output = openSync(temporary, 'w');
    for (let read; (read = readSync(input, buffer, 0, buffer.length, null)) > 0; bytes += read) {
      hash.update(buffer.subarray(0, read));
      for (let written = 0; written < read; ) written += writeSync(output, buffer, written, read - written);
    }
    fsyncSync(output);
  } catch (error) {
    if (output !== undefined) closeSync(output);
    closeSync(input);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(output);
  closeSync(input);
  renameSync(temporary, target);
  return { sha256: hash.digest('hex'), bytes };
}
