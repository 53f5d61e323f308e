// Latent optimisation on a recorded run (src/runs/optimize-latent.ts): a class's prototype beside
// its mean-code decoding and pixel mean, an image file's projection, and the refusals (a class the
// data set lacks, an image of another size). A tiny MLP autoencoder trained for seconds.
// Run: node --test dist/test/runs/optimize-latent.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { loadDataset } from '../../src/data/datasets.js';
import { loadRun } from '../../src/runs/load.js';
import { tidy } from '../../src/index.js';
import { RunStore } from '../../src/track/store.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { trainRun } from '../../src/runs/train-run.js';
import { optimizeRunLatent } from '../../src/runs/optimize-latent.js';

function writeGreyPng(path: string, size: number, value: (x: number, y: number) => number): void {
  const image = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) image.data.set([value(x, y), value(x, y), value(x, y), 255], (y * size + x) * 4);
  writeFileSync(path, PNG.sync.write(image));
}

describe('optimizeRunLatent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-optimize-'));
  let store: RunStore;
  let run: string;
  before(async () => {
    store = RunStore.open(join(dir, 'store'));
    run = (await trainRun(store, parseRunConfig({ model: 'mlp-ae', latent: 4, hidden: [32], dataset: 'mnist', epochs: 2, trainLimit: 300, testLimit: 50, batch: 32 }), { progress: 'none', log: () => {} })).runId;
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--class 3: prototype, mean-code decoding and pixel mean; the prototype beats the mean code and not the pixel mean', () => {
    const result = optimizeRunLatent(store, run, { kind: 'class', label: 3 }, { steps: 200 });
    try {
      assert.equal(result.rows.length, 3);
      result.rows.forEach((row) => assert.deepEqual(row.shape, [1, 1, 28, 28]));
      assert.equal(result.code.length, 4);
      assert.ok(result.images > 10 && result.images < 60, `${result.images} threes among 300 digits`);
      assert.ok(result.losses.prototype! <= result.losses.mean_code! + 1e-6, JSON.stringify(result.losses));
      assert.ok(result.losses.prototype! < result.startLoss, 'the steps did not improve on the start');
      assert.ok(result.losses.pixel_mean! <= result.losses.prototype! + 1e-7, JSON.stringify(result.losses));
    } finally {
      result.dispose();
    }
  });

  test('--image: an image of the run’s size is projected (closer than the start); another size and --class 12 are clear errors', () => {
    // A training digit: something the decoder has learnt to draw.
    const path = join(dir, 'digit.png');
    const digits = loadDataset('mnist', { split: 'train', limit: 1 });
    const pixels = digits.inputs.toTypedArray() as Float32Array;
    // What the run’s encoder makes of it (MNIST pixels are k/255: the PNG holds them exactly): a
    // projection by descent should do at least as well.
    const loaded = loadRun(store, run);
    const encoderLoss = tidy(() => loaded.model.reconstruct(digits.inputs).sub(digits.inputs).pow(2).mean().item());
    loaded.dispose();
    [digits.inputs, digits.targets].forEach((t) => t.dispose());
    writeGreyPng(path, 28, (x, y) => Math.round(255 * pixels[y * 28 + x]!));
    const result = optimizeRunLatent(store, run, { kind: 'image', path }, { steps: 100 });
    try {
      assert.deepEqual(result.rows.map((r) => r.shape), [[1, 1, 28, 28], [1, 1, 28, 28]]);
      assert.ok(result.losses.projection! < result.startLoss, `${result.losses.projection} from ${result.startLoss}`);
      assert.ok(result.losses.projection! <= encoderLoss * 1.01, `projection ${result.losses.projection}, the encoder's code ${encoderLoss}`);
    } finally {
      result.dispose();
    }
    writeGreyPng(join(dir, 'small.png'), 16, () => 128);
    assert.throws(() => optimizeRunLatent(store, run, { kind: 'image', path: join(dir, 'small.png') }), /\[1, 16, 16\] but the decoder .* draws \[1, 28, 28\]/);
    assert.throws(() => optimizeRunLatent(store, run, { kind: 'class', label: 12 }), /^ArgumentError: --class 12 is not a class of mnist: its classes are 0 to 9/);
  });
});
