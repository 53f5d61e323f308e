// Few-label runs (--labels N): the class-balanced seeded choice of labelled samples, the
// semi-supervised training set, the head on the code (its test accuracy recorded with the run, for
// plain AEs, VAEs from μ, z or (μ, log σ²), and the label-aware AEs). Issue 17's finding (at 100
// labels the label-aware models beat the labels alone) is tested through the study, in
// test/studies/few-labels.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { liveTensorCount, tensor, tidy } from '../../src/index.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { trainRun } from '../../src/runs/train-run.js';
import { prepareRun } from '../../src/runs/setup.js';
import { labelledPositions, recordedHeadMetrics, semiSupervisedSet } from '../../src/runs/labels.js';
import { loadRun } from '../../src/runs/load.js';
import { RunStore } from '../../src/track/store.js';
import { temporaryDir } from '../track/helpers.js';
import { collectedLiveTensorCount } from '../helpers/gc.js';

const quiet = { progress: 'none' as const, log: () => {} };
const int64 = (values: number[]) => tensor(BigInt64Array.from(values, BigInt));
const classesOf = (targets: number[], positions: number[]) => positions.map((i) => targets[i]!);
const histogram = (values: number[]) => values.reduce<Record<number, number>>((counts, v) => ({ ...counts, [v]: (counts[v] ?? 0) + 1 }), {});

describe('labelledPositions', () => {
  const targets = Array.from({ length: 300 }, (_, i) => (i * 7) % 3); // 100 of each of 3 classes
  test('N labels, class-balanced (the remainder one more in some classes), sorted, the same for a seed, other for another', () => {
    const t = int64(targets);
    const a = labelledPositions(t, 10, 3, 0);
    assert.equal(a.length, 10);
    assert.deepEqual(a, [...a].sort((x, y) => x - y));
    assert.deepEqual(Object.values(histogram(classesOf(targets, a))).sort(), [3, 3, 4]);
    assert.deepEqual(labelledPositions(t, 10, 3, 0), a);
    assert.notDeepEqual(labelledPositions(t, 10, 3, 1), a);
    assert.deepEqual(histogram(classesOf(targets, labelledPositions(t, 300, 3, 0))), { 0: 100, 1: 100, 2: 100 });
    t.dispose();
  });

  test('more labels than samples, fewer than classes, or more than a class holds: one line each', () => {
    const t = int64(targets);
    assert.throws(() => labelledPositions(t, 301, 3, 0), /--labels 301 is more than the 300 training samples/);
    assert.throws(() => labelledPositions(t, 2, 3, 0), /--labels 2 is fewer than the 3 classes/);
    t.dispose();
    const skewed = int64([0, 0, 0, 0, 1]);
    assert.throws(() => labelledPositions(skewed, 4, 2, 0), /class 1 has only 1 training samples, fewer than the 2/);
    skewed.dispose();
  });
});

describe('semiSupervisedSet', () => {
  test('every sample once, unlabelled ones with target −1, the labelled ones repeated to about a tenth of the set', () => {
    const train = { inputs: tensor(Array.from({ length: 100 }, (_, i) => [i])), targets: int64(Array.from({ length: 100 }, (_, i) => i % 2)) };
    const set = semiSupervisedSet(train, [3, 4]);
    const inputs = tidy(() => Array.from(set.inputs.flatten().toTypedArray() as Float32Array));
    const targets = Array.from(set.targets!.toTypedArray() as BigInt64Array, Number);
    // 98 unlabelled: round(0.1·98 / (0.9·2)) = 5 copies of each labelled sample in all
    assert.equal(inputs.length, 100 + 2 * 4);
    assert.deepEqual(inputs.slice(0, 100), Array.from({ length: 100 }, (_, i) => i));
    assert.equal(targets.filter((t) => t === -1).length, 98);
    assert.deepEqual(histogram(inputs.filter((_, k) => targets[k] !== -1)), { 3: 5, 4: 5 });
    assert.ok(inputs.every((x, k) => targets[k] === -1 || targets[k] === x % 2), 'every kept label is the sample’s own');
    [train.inputs, train.targets, set.inputs, set.targets!].forEach((t) => t.dispose());
  });
});

describe('runs with --labels', () => {
  const base = { dataset: 'mnist', trainLimit: 600, testLimit: 300, batch: 64, epochs: 2, labels: 50 } as const;

  test('supervised-ae trains on the labelled samples alone, semi-ae on all of them plus labelled copies', () => {
    const supervised = prepareRun(parseRunConfig({ ...base, model: 'supervised-ae', hidden: [16], latent: 4 }));
    assert.equal(supervised.trainLoader.dataset.inputs.shape[0], 50);
    assert.equal(supervised.labelled!.inputs.shape[0], 50);
    supervised.dispose();
    const semi = prepareRun(parseRunConfig({ ...base, labels: 20, model: 'semi-ae', hidden: [16], latent: 4 }));
    assert.equal(semi.trainLoader.dataset.inputs.shape[0], 600 + 2 * 20); // round(0.1·580 / (0.9·20)) = 3 copies in all
    const plain = prepareRun(parseRunConfig({ ...base, model: 'mlp-ae', hidden: [16], latent: 4 }));
    assert.equal(plain.trainLoader.dataset.inputs.shape[0], 600, 'a plain AE sees every sample');
    semi.dispose();
    plain.dispose();
  });

  test('every autoencoder run with --labels records test_head_accuracy (a VAE from μ, z or (μ, log σ²)), and frees its tensors', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    const before = collectedLiveTensorCount();
    const cases = [
      { model: 'mlp-ae', hidden: [32], latent: 8 },
      { model: 'semi-ae', hidden: [32], latent: 8, epochs: 15 },
      { model: 'supervised-ae', hidden: [32], latent: 8, epochs: 20 },
      { model: 'm2', hidden: [32], latent: 8, epochs: 5 },
      { model: 'm1m2', hidden: [64], latent: 8, trainLimit: 2000, epochs: 10 },
      { model: 'vae', hidden: [32], latent: 8, trainLimit: 2000, epochs: 10, headInput: 'mean' },
      { model: 'vae', hidden: [32], latent: 8, trainLimit: 2000, epochs: 10, headInput: 'sample' },
      { model: 'vae', hidden: [32], latent: 8, trainLimit: 2000, epochs: 10, headInput: 'moments' },
    ];
    for (const settings of cases) {
      const outcome = await trainRun(store, parseRunConfig({ ...base, ...settings }), quiet);
      const accuracy = outcome.metrics.test_head_accuracy;
      // 10 classes: chance is 0.1; 50 labels of a briefly trained code give at least twice that
      assert.ok(accuracy !== undefined && accuracy > 0.2 && accuracy <= 1, `${JSON.stringify(settings)}: ${accuracy}`);
      assert.equal(store.metrics(outcome.runId, 'test_head_accuracy').length, 1, 'recorded in the store');
    }
    // latentlab eval gives the same number: the same seed picks the same labels and trains the same head
    for (const run of store.listRuns()) {
      const loaded = loadRun(store, run.id);
      const again = await recordedHeadMetrics(loaded.model, loaded.config.training, loaded.test);
      assert.equal(again.test_head_accuracy, store.metrics(run.id, 'test_head_accuracy')[0]!.value, `${run.model}`);
      loaded.dispose();
    }
    const unlabelled = await trainRun(store, parseRunConfig({ ...base, labels: undefined, model: 'mlp-ae', hidden: [16], latent: 4, epochs: 1 }), quiet);
    assert.equal(unlabelled.metrics.test_head_accuracy, undefined, 'no labels, no head');
    assert.equal(liveTensorCount(), before);
    store.close();
  });
});
