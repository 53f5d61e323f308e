// Fashion-MNIST from Debian's dataset-fashion-mnist files: the full splits' counts, shapes,
// value range and the balanced label histogram the data set is published with (6,000 per class
// in train, 1,000 in test). Skipped where the package is not installed (test/helpers/data.ts).
// Run: npx tsc -p . && node --test dist/test/data/fashion-mnist.test.js
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, tidy } from '../../src/index.js';
import { fashionMnistClasses, loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { skipWithoutFashionMnist } from '../helpers/data.js';
import { buildIdx } from './builders.js';

const skip = skipWithoutFashionMnist();

function histogram(labels: ArrayLike<bigint>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[Number(labels[i])]!++;
  return counts;
}

describe("Fashion-MNIST from Debian's files", { skip }, () => {
  for (const [split, count] of [['train', 60000], ['test', 10000]] as const) {
    test(`${split}: ${count} images [N, 1, 28, 28] in [0, 1], ${count / 10} of each class`, () => {
      const { images, labels } = loadFashionMnist(split);
      assert.deepEqual(images.shape, [count, 1, 28, 28]);
      assert.equal(images.dtype, 'float32');
      assert.deepEqual(labels.shape, [count]);
      assert.equal(labels.dtype, 'int64');
      const [min, max, mean] = tidy(() => [images.min().item(), images.max().item(), images.mean().item()]);
      assert.equal(min, 0);
      assert.equal(max, 1);
      // The published mean pixel of Fashion-MNIST is 0.286 (train) / 0.287 (test).
      assert.ok(Math.abs(mean - 0.2865) < 0.002, `mean pixel ${mean}`);
      assert.deepEqual(histogram(labels.toTypedArray() as BigInt64Array), new Array(10).fill(count / 10));
      images.dispose();
      labels.dispose();
    });
  }
  test('limit takes the first samples', () => {
    const { images, labels } = loadFashionMnist('test', { limit: 5 });
    assert.deepEqual(images.shape, [5, 1, 28, 28]);
    // The first five test labels of Fashion-MNIST: ankle boot, pullover, trouser, trouser, shirt.
    assert.deepEqual(labels.toArray(), [9, 2, 1, 1, 6]);
    assert.equal(fashionMnistClasses[9], 'Ankle boot');
    images.dispose();
    labels.dispose();
  });
});

describe('loadFashionMnist from another folder', () => {
  test('reads the four files there; a missing one is named with what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-fmnist-'));
    try {
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), buildIdx([2, 28, 28], new Array(2 * 784).fill(255)));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), buildIdx([2], [3, 7]));
      const { images, labels } = loadFashionMnist('train', { dir });
      assert.deepEqual(images.shape, [2, 1, 28, 28]);
      assert.equal(images.min().item(), 1);
      assert.deepEqual(labels.toArray(), [3, 7]);
      images.dispose();
      labels.dispose();
      assert.throws(
        () => loadFashionMnist('test', { dir }),
        (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`Fashion-MNIST file t10k-images-idx3-ubyte(.gz) not found in ${dir}:`),
      );
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), buildIdx([2, 28, 28], new Array(2 * 784).fill(0)));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), buildIdx([3], [1, 2, 3]));
      assert.throws(() => loadFashionMnist('test', { dir }), /do not form a data set/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
