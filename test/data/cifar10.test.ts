// CIFAR-10's binary batches, on small files written here in that format: the record layout
// (label byte, then R, G, B planes), the split's file order, limit, the archive's subfolder,
// and errors for files of the wrong size or with labels beyond 10 classes.
// Run: npx tsc -p . && node --test dist/test/data/cifar10.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FileFormatError, liveTensorCount, tidy } from '../../src/index.js';
import { cifar10Classes, loadCifar10, readCifar10Batch } from '../../src/data/cifar10.js';
import { buildCifarBatch, cifarPixel } from './builders.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

let root = '';
// Train: five batches of 2, 3, 1, 2, 2 records; test: 3 records. Sample numbers run on across batches.
const trainLabels = [[0, 9], [1, 2, 3], [4], [5, 6], [7, 8]];
const testLabels = [3, 3, 1];

before(() => {
  root = mkdtempSync(join(tmpdir(), 'latentlab-cifar-'));
  const folder = join(root, 'cifar-10-batches-bin');
  mkdirSync(folder);
  let sample = 0;
  trainLabels.forEach((labels, i) => {
    writeFileSync(join(folder, `data_batch_${i + 1}.bin`), buildCifarBatch(labels, sample));
    sample += labels.length;
  });
  writeFileSync(join(folder, 'test_batch.bin'), buildCifarBatch(testLabels, 100));
});
after(() => rmSync(root, { recursive: true, force: true }));

expectNoLeaksPerTest();

describe('readCifar10Batch', () => {
  test('uint8 [N, 3, 32, 32] with the R, G, B planes in place, and int64 labels', () => {
    const { images, labels } = readCifar10Batch(join(root, 'cifar-10-batches-bin', 'test_batch.bin'));
    assert.deepEqual(images.shape, [3, 3, 32, 32]);
    assert.equal(images.dtype, 'uint8');
    assert.deepEqual(labels.toArray(), testLabels);
    assert.equal(labels.dtype, 'int64');
    const pixels = images.toArray() as number[][][][];
    for (const [n, c, y, x] of [[0, 0, 0, 0], [1, 1, 5, 31], [2, 2, 31, 0], [2, 0, 17, 9]] as const) {
      assert.equal(pixels[n]![c]![y]![x], cifarPixel(100 + n, c, y, x), `sample ${n} channel ${c} at row ${y}, column ${x}`);
    }
    images.dispose();
    labels.dispose();
  });
});

describe('loadCifar10', () => {
  test('train joins data_batch_1..5 in order; float32 in [0, 1]', () => {
    const { images, labels } = loadCifar10('train', { dir: join(root, 'cifar-10-batches-bin') });
    assert.deepEqual(images.shape, [10, 3, 32, 32]);
    assert.equal(images.dtype, 'float32');
    assert.deepEqual(labels.toArray(), trainLabels.flat());
    tidy(() => {
      const expected = Array.from({ length: 32 }, (_, x) => Math.fround(cifarPixel(6, 1, 4, x) / 255));
      assert.deepEqual(images.index(6, 1, 4).toArray(), expected);
    });
    images.dispose();
    labels.dispose();
  });
  test('the folder above cifar-10-batches-bin works too; test split', () => {
    const { images, labels } = loadCifar10('test', { dir: root });
    assert.deepEqual(images.shape, [3, 3, 32, 32]);
    assert.deepEqual(labels.toArray(), testLabels);
    assert.equal(cifar10Classes[3], 'cat');
    images.dispose();
    labels.dispose();
  });
  test('limit stops reading batches once it has enough, across a batch boundary', () => {
    const { images, labels } = loadCifar10('train', { dir: root, limit: 4 });
    assert.deepEqual(images.shape, [4, 3, 32, 32]);
    assert.deepEqual(labels.toArray(), [0, 9, 1, 2]);
    images.dispose();
    labels.dispose();
  });
});

describe('CIFAR-10 errors', () => {
  test('a file that is not whole records names the file', () => {
    const path = join(root, 'short.bin');
    writeFileSync(path, buildCifarBatch([1, 2]).subarray(0, 5000));
    assert.throws(() => readCifar10Batch(path), (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`${path} is not a CIFAR-10 binary batch: its 5000 bytes`));
  });
  test('a label beyond 9 (as in CIFAR-100 files) is refused', () => {
    const path = join(root, 'hundred.bin');
    writeFileSync(path, buildCifarBatch([1, 57]));
    assert.throws(() => readCifar10Batch(path), /a record has label 57/);
  });
  test('a folder without batches, a missing batch, a bad split', () => {
    const empty = mkdtempSync(join(tmpdir(), 'latentlab-cifar-empty-'));
    try {
      assert.throws(() => loadCifar10('train', { dir: empty }), (e: unknown) => e instanceof FileFormatError && /no CIFAR-10 batch files/.test(e.message) && e.message.includes(empty));
      writeFileSync(join(empty, 'test_batch.bin'), buildCifarBatch([1]));
      assert.throws(() => loadCifar10('train', { dir: empty }), /CIFAR-10 file data_batch_1\.bin not found/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    assert.throws(() => loadCifar10('val' as 'test', { dir: root }), ArgumentError);
  });
});
