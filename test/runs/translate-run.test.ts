// Translation runs (src/runs/translate-run.ts) between two class folders: recorded like a
// training run (config, per-epoch losses, weights, final metrics), reloadable, drawn as a grid;
// the classifier target learns to make each class the classifier's class. Tiny data (seconds).
// Run: node --test dist/test/runs/translate-run.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { loadRun } from '../../src/runs/load.js';
import { RunStore } from '../../src/track/store.js';
import { loadTranslator, resumeTranslation, translateDefaults, translateRun, translationGrid, type TranslateConfig } from '../../src/runs/translate-run.js';
import { resumeAnyRun } from '../../src/runs/resume.js';
import { currentHolder, processStartTime } from '../../src/runs/liveness.js';
import { hostname } from 'node:os';

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
    assert.ok(outcome.metrics!.diversity < 0.5 * outcome.metrics!.realDiversity, `diversity ${outcome.metrics!.diversity} vs real ${outcome.metrics!.realDiversity}`);
    assert.ok(outcome.metrics!.accuracy > 0.9, `accuracy ${outcome.metrics!.accuracy}`);

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

  test('a translation stopped by its signal is kept interrupted, unlocked, with a checkpoint; resume finishes it from there', async () => {
    const controller = new AbortController();
    const stopped = await translateRun(store, { ...base(), targetLoss: 'class-mean' }, { signal: controller.signal, log: (line) => line.includes('epoch 1/4') && controller.abort() });
    assert.equal(stopped.status, 'interrupted');
    assert.equal(stopped.metrics, null);
    const run = store.getRun(stopped.run.id);
    assert.equal(run.status, 'interrupted');
    assert.equal(run.lock, null);
    assert.equal(run.pid, null);
    assert.equal(store.artifacts(run.id, 'model').length, 0, 'no final weights for an unfinished run');
    assert.deepEqual(store.metrics(run.id, 'train_loss').map((row) => row.epoch), [1]);
    assert.match(run.versions[`data:${base().target}`] ?? '', /^48 \[1, 28, 28\] sha256:[0-9a-f]{16}$/, 'the folder stamp: 3 classes × 16 images');

    const lines: string[] = [];
    const resumed = await resumeTranslation(store, run.id, { log: (line) => lines.push(line) });
    assert.equal(resumed.status, 'finished');
    assert.ok(lines.some((line) => /resuming translation run .* at epoch 2 of 4/.test(line)), lines.join('\n'));
    assert.deepEqual(store.metrics(run.id, 'train_loss').map((row) => row.epoch), [1, 2, 3, 4], 'each epoch recorded once');
    assert.ok(resumed.metrics!.diversity < 0.5 * resumed.metrics!.realDiversity);
    assert.equal(store.getRun(run.id).lock, null);
    await assert.rejects(resumeTranslation(store, run.id), /has finished already/);
  });

  test('a killed translation is taken over as stale by latentlab resume; one held by a live process is refused unless forced', async () => {
    const stopped = await translateRun(store, { ...base(), epochs: 2 }, { signal: AbortSignal.abort() });
    const id = stopped.run.id;
    // Held by this (live) process: refused, naming the holder.
    store.claimRun(id, currentHolder(), store.getRun(id));
    await assert.rejects(resumeTranslation(store, id), new RegExp(`run ${id} is held by process ${process.pid} on ${hostname()}`));
    // The same pid started at another time: the holder is gone (killed, pid reused), so the lock is stale.
    const start = processStartTime(process.pid);
    if (start !== null) {
      store.claimRun(id, { pid: process.pid, host: hostname(), processStart: String(Number(start) + 1) }, store.getRun(id));
      const outcome = await resumeAnyRun(store, id, { log: () => {} });
      assert.equal(outcome.status, 'finished');
      assert.ok(Number.isFinite(outcome.metrics.target_accuracy));
    } else {
      assert.equal((await resumeTranslation(store, id, { force: true })).status, 'finished');
    }
    assert.equal(store.getRun(id).status, 'finished');
  });

  test('resume warns where a domain changed since the run was recorded (its data stamp differs)', async () => {
    const source = join(dir, 'squares-copy');
    cpSync(join(dir, 'squares'), source, { recursive: true });
    const stopped = await translateRun(store, { ...base(), source, epochs: 1 }, { signal: AbortSignal.abort() });
    cpSync(join(source, 'c0', '0.png'), join(source, 'c0', 'extra.png'));
    const lines: string[] = [];
    await resumeTranslation(store, stopped.run.id, { log: (line) => lines.push(line) });
    assert.ok(lines.some((line) => /^warning: run .* was trained on .*squares-copy as 48 .*, and .*squares-copy is now 49 .*not comparable/.test(line)), lines.join('\n'));
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
