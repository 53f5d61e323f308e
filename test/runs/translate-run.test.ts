// Translation runs (src/runs/translate-run.ts) between two class folders: recorded like a
// training run (config, per-epoch losses, weights, final metrics), reloadable, drawn as a grid;
// the classifier target learns to make each class the classifier's class. Tiny data (seconds).
// Run: node --test dist/test/runs/translate-run.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { loadRun } from '../../src/runs/load.js';
import { RunStore } from '../../src/track/store.js';
import { loadTranslator, translateDefaults, translateRun, translationGrid, type TranslateConfig } from '../../src/runs/translate-run.js';

// Class k of the source: a bright square at a place of its own on noise; class k of the target: a
// horizontal bar at row band k. Easy to tell apart, so a working objective shows clearly.
function writeDomain(root: string, kind: 'square' | 'bar', perClass: number): void {
  let seed = kind === 'square' ? 1 : 2;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let k = 0; k < 3; k++) {
    mkdirSync(join(root, `c${k}`), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const image = new PNG({ width: 28, height: 28 });
      for (let y = 0; y < 28; y++)
        for (let x = 0; x < 28; x++) {
          const inside = kind === 'square' ? x >= 2 + 8 * k && x < 8 + 8 * k && y >= 10 && y < 16 : y >= 3 + 8 * k && y < 9 + 8 * k;
          const v = Math.round(inside ? 200 + 55 * random() : 40 * random());
          image.data.set([v, v, v, 255], (y * 28 + x) * 4);
        }
      writeFileSync(join(root, `c${k}`, `${i}.png`), PNG.sync.write(image));
    }
  }
}

describe('translateRun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-translate-'));
  let store: RunStore;
  const base = (): TranslateConfig => ({ ...translateDefaults, source: join(dir, 'squares'), target: join(dir, 'bars'), epochs: 4, batch: 16 });

  before(() => {
    writeDomain(join(dir, 'squares'), 'square', 16);
    writeDomain(join(dir, 'bars'), 'bar', 16);
    store = RunStore.open(join(dir, 'store'));
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('class-mean: recorded with its losses, weights and metrics; every class collapses to one image; reloads and draws', async () => {
    const outcome = await translateRun(store, { ...base(), targetLoss: 'class-mean' });
    const run = store.getRun(outcome.run.id);
    assert.equal(run.status, 'finished');
    assert.equal(run.model, 'translator');
    assert.equal(store.metrics(run.id, 'train_loss').length, 4);
    assert.equal(store.metrics(run.id, 'train_class_mean').length, 4);
    const final = store.finalMetrics(run.id);
    for (const key of ['target_accuracy', 'diversity', 'real_diversity', 'frechet', 'classifier_accuracy']) assert.ok(Number.isFinite(final[key]), key);
    assert.equal(outcome.classifierAccuracy, 1, 'the folder classifier tells the bars apart');
    // The class-mean target's optimum is one image per class, whatever the source.
    assert.ok(outcome.metrics.diversity < 0.5 * outcome.metrics.realDiversity, `diversity ${outcome.metrics.diversity} vs real ${outcome.metrics.realDiversity}`);
    assert.ok(outcome.metrics.accuracy > 0.9, `accuracy ${outcome.metrics.accuracy}`);

    const loaded = loadTranslator(store, run.id);
    try {
      const { sources, translations } = translationGrid(loaded, 2);
      try {
        assert.deepEqual(sources.shape, [6, 1, 28, 28]);
        assert.deepEqual(translations.shape, [6, 1, 28, 28]);
        assert.ok(translations.min().item() >= 0 && translations.max().item() <= 1);
      } finally {
        sources.dispose();
        translations.dispose();
      }
    } finally {
      loaded.dispose();
    }
  });

  test('classifier+random-example records both terms; loadRun refuses a translation and loadTranslator an autoencoder run', async () => {
    const outcome = await translateRun(store, { ...base(), targetLoss: 'classifier+random-example', epochs: 2 });
    assert.equal(store.metrics(outcome.run.id, 'train_classifier').length, 2);
    assert.equal(store.metrics(outcome.run.id, 'train_random_example').length, 2);
    assert.throws(() => loadRun(store, outcome.run.id), /is a translation .*, not an autoencoder: latentlab translate .* --out grid\.png/);
    const other = store.createRun({ model: 'mlp-ae', dataset: 'mnist' });
    assert.throws(() => loadTranslator(store, other.id), /not a translation/);
  });

  test('source and target with different class counts fail before any run is recorded', async () => {
    mkdirSync(join(dir, 'bars4', 'c3'), { recursive: true });
    writeDomain(join(dir, 'bars4'), 'bar', 2);
    writeFileSync(join(dir, 'bars4', 'c3', '0.png'), PNG.sync.write(new PNG({ width: 28, height: 28 })));
    const before = store.listRuns().length;
    await assert.rejects(translateRun(store, { ...base(), target: join(dir, 'bars4') }), /has 3 classes and the target .* has 4/);
    assert.equal(store.listRuns().length, before);
  });
});
