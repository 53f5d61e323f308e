// The IDX reader: element types and big-endian data from files built here from the format's
// description, gzip, and a FileFormatError naming the file for every kind of damage.
// Run: npx tsc -p . && node --test dist/test/data/idx.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileFormatError } from '../../src/index.js';
import { decodeIdx, readIdx, readIdxFile } from '../../src/data/idx.js';
import { buildIdx } from './builders.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-idx-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readIdx', () => {
  test('uint8 images, plain and gzipped, keep their shape and bytes', () => {
    const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 11) % 256);
    const bytes = buildIdx([2, 3, 4], pixels);
    writeFileSync(join(dir, 'images'), bytes);
    writeFileSync(join(dir, 'images.gz'), gzipSync(bytes));
    for (const name of ['images', 'images.gz']) {
      const images = readIdx(join(dir, name));
      assert.equal(images.dtype, 'uint8');
      assert.deepEqual(images.shape, [2, 3, 4]);
      assert.deepEqual(Array.from(images.toTypedArray() as Uint8Array), pixels);
      images.dispose();
    }
  });
  test('big-endian int16, int32 and float32 are byte-swapped', () => {
    const cases = [
      [0x0b, 'int16', [-32768, -2, 515, 32767]],
      [0x0c, 'int32', [-(2 ** 31), -1, 66051, 2 ** 31 - 1]],
      [0x0d, 'float32', [1.5, -0.25, 3e10, 0]],
    ] as const;
    for (const [type, dtype, values] of cases) {
      const t = decodeIdx(buildIdx([4], values, type));
      assert.equal(t.dtype, dtype);
      assert.deepEqual(Array.from(t.toTypedArray() as ArrayLike<number>), dtype === 'float32' ? values.map(Math.fround) : values);
      t.dispose();
    }
  });
});

describe('corrupt and truncated IDX files', () => {
  const good = () => buildIdx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  const fails = (bytes: Buffer, pattern: RegExp) => {
    const path = join(dir, 'case.idx');
    writeFileSync(path, bytes);
    assert.throws(() => readIdx(path), (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`${path} is not a valid IDX file`) && pattern.test(e.message));
  };
  test('a wrong magic number', () => fails(Buffer.concat([Buffer.from([1, 0]), good().subarray(2)]), /IDX magic number/));
  test('an unknown element type', () => {
    const bytes = good();
    bytes[2] = 0x0a;
    fails(bytes, /unknown element type 0xa/);
  });
  test('a header cut short', () => fails(good().subarray(0, 9), /ends inside its header/));
  test('data cut short, and extra data', () => {
    fails(good().subarray(0, good().length - 1), /promises 24 bytes for shape \[2, 2, 2\] but it has 23/);
    fails(Buffer.concat([good(), Buffer.from([0])]), /but it has 25/);
  });
  test('a truncated gzip file', () => {
    const path = join(dir, 'cut.gz');
    const zipped = gzipSync(good());
    writeFileSync(path, zipped.subarray(0, zipped.length - 10));
    assert.throws(() => readIdx(path), (e: unknown) => e instanceof FileFormatError && /looks gzipped but does not decompress/.test(e.message));
  });
  test('a missing file', () => {
    assert.throws(() => readIdx(join(dir, 'absent')), (e: unknown) => e instanceof FileFormatError && /IDX file not found/.test(e.message));
  });
});

describe('readIdxFile with a limit', () => {
  const rows = 5;
  const pixels = Array.from({ length: rows * 2 * 3 }, (_, i) => i);
  test('gives the first rows and the whole shape, from plain and gzipped files, int32 swapped too', () => {
    writeFileSync(join(dir, 'rows'), buildIdx([rows, 2, 3], pixels));
    writeFileSync(join(dir, 'rows.gz'), gzipSync(buildIdx([rows, 2, 3], pixels)));
    writeFileSync(join(dir, 'rows32'), buildIdx([rows, 2, 3], pixels.map((p) => p * 1000 - 7), 0x0c));
    for (const name of ['rows', 'rows.gz', 'rows32']) {
      const { data, shape } = readIdxFile(join(dir, name), { limit: 2 });
      assert.deepEqual(shape, [rows, 2, 3], name);
      assert.deepEqual(data.shape, [2, 2, 3], name);
      const expected = pixels.slice(0, 12).map((p) => (name === 'rows32' ? p * 1000 - 7 : p));
      assert.deepEqual(Array.from(data.toTypedArray() as ArrayLike<number>), expected, name);
      data.dispose();
    }
    const all = readIdx(join(dir, 'rows'), { limit: 99 });
    assert.deepEqual(all.shape, [rows, 2, 3]);
    all.dispose();
  });
  test('a file cut short is refused even when the rows asked for are all there', () => {
    const path = join(dir, 'cut');
    const bytes = buildIdx([rows, 2, 3], pixels);
    writeFileSync(path, bytes.subarray(0, bytes.length - 6));
    assert.throws(() => readIdx(path, { limit: 1 }), (e: unknown) => e instanceof FileFormatError && /promises 46 bytes for shape \[5, 2, 3\] but it has 40/.test(e.message));
  });
});
