// Checking that a data file is the one a data set publishes: its length and sha256, both of the
// decompressed content when the file is gzipped. Hashing MNIST's 55 MB takes about 0.1 s, so a
// file is hashed once per process (keyed by its inode, size and times) however often it is loaded.
import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { FileFormatError } from '../tensor/errors.js';

/** The published length and sha256 of a file's (decompressed) content. */
export interface ExpectedContent {
  bytes: number;
  sha256: string;
}

const hashed = new Map<string, { bytes: number; sha256: string }>();

/**
 * Why the file at `path` is not the expected content, as a phrase to follow its name ("has 1000
 * bytes where ..."), or null when it is. A file that cannot be read is a FileFormatError naming it.
 */
export function contentMismatch(path: string, expected: ExpectedContent): string | null {
  try {
    return check(path, expected);
  } catch (error) {
    throw new FileFormatError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function check(path: string, expected: ExpectedContent): string | null {
  const stats = statSync(path);
  const key = [path, stats.dev, stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs].join('\0');
  let actual = hashed.get(key);
  if (!actual) {
    const measured = measure(path, stats, expected);
    if (typeof measured === 'string') return measured;
    actual = measured;
    hashed.set(key, actual);
  }
  if (actual.bytes !== expected.bytes) return lengthMismatch(actual.bytes, expected);
  if (actual.sha256 !== expected.sha256) return `has sha256 ${actual.sha256} where the original has ${expected.sha256} (damaged, or another file)`;
  return null;
}

function lengthMismatch(bytes: number, expected: ExpectedContent): string {
  return `has ${bytes} bytes where the original has ${expected.bytes} (${bytes < expected.bytes ? 'truncated' : 'extra data'}, or another file)`;
}

// A plain file of the wrong length is refused without reading it; a gzipped one must be inflated first.
function measure(path: string, stats: Stats, expected: ExpectedContent): { bytes: number; sha256: string } | string {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    readSync(fd, magic, 0, 2, 0);
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      let content: Buffer;
      try {
        content = gunzipSync(readFileSync(fd));
      } catch (error) {
        return `looks gzipped but does not decompress (${(error as Error).message})`;
      }
      return { bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
    }
    if (stats.size !== expected.bytes) return lengthMismatch(stats.size, expected);
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n: number; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
    return { bytes: stats.size, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}
