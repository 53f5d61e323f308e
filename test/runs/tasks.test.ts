// Task heads in runs (multitask-ae): the tasks each data set offers, RMSE and R² against their
// closed form, and the finding: on a CSV file with a linear target y = 3·x1 − 2·x2 + x3/2 + 10
// (written to a temporary folder), the trained regression head reaches R² > 0.9 on the test rows
// where the same model untrained does not; the recorded metrics come back from the stored weights.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, tidy } from '../../src/tensor/index.js';
import { seededRandom } from '../../src/tensor/random.js';
import { loadDataset } from '../../src/data/datasets.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { prepareRun } from '../../src/runs/setup.js';
import { trainRun } from '../../src/runs/train-run.js';
import { loadRun } from '../../src/runs/load.js';
import { datasetTasks, regressionMetrics, taskKey, taskMetrics } from '../../src/runs/tasks.js';
import { MultiTaskAutoencoder } from '../../src/models/index.js';
import { RunStore } from '../../src/track/store.js';
import { temporaryDir } from '../track/helpers.js';

const quiet = { progress: 'none' as const, log: () => {} };
let csv = '';
before(() => {
  const random = seededRandom(11);
  const lines = ['x1,x2,x3,x4,y,size'];
  for (let i = 0; i < 400; i++) {
    const x = [random(), random(), random(), random()];
    const y = 3 * x[0]! - 2 * x[1]! + 0.5 * x[2]! + 10;
    lines.push([...x.map((v) => v.toFixed(5)), y.toFixed(5), x[3]! > 0.5 ? 1 : 0].join(','));
  }
  csv = join(temporaryDir(), 'linear.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
});

describe('regressionMetrics', () => {
  test('RMSE and R² = 1 − SS_res/SS_tot by hand', () => {
    tidy(() => {
      // y = [1, 2, 3, 4] (mean 2.5, SS_tot 5), ŷ = [1, 2, 3, 6]: SS_res 4
      const { rmse, r2 } = regressionMetrics(tensor([1, 2, 3, 6]), tensor([1, 2, 3, 4]));
      assert.ok(Math.abs(rmse - 1) < 1e-12);
      assert.ok(Math.abs(r2 - (1 - 4 / 5)) < 1e-12);
      // predicting the mean scores 0
      assert.ok(Math.abs(regressionMetrics(tensor([2.5, 2.5, 2.5, 2.5]), tensor([1, 2, 3, 4])).r2) < 1e-12);
    });
  });
});

describe('datasetTasks', () => {
  test('a labelled set has one class task; a point set one value task with its mean and std; csv its columns', () => {
    const mnist = loadDataset('mnist-10k', { split: 'test', limit: 20 });
    assert.deepEqual(datasetTasks(mnist, 10).map((t) => [t.name, t.kind, t.numClasses]), [['class', 'class', 10]]);
    const roll = loadDataset('swiss-roll', { split: 'train', n: 50 });
    const [value] = datasetTasks(roll, undefined);
    const t = Array.from(roll.targets.toTypedArray() as Float32Array);
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    assert.equal(value!.kind, 'value');
    assert.ok(Math.abs(value!.mean! - mean) < 1e-4);
    assert.ok(Math.abs(value!.std! - Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length)) < 1e-4);
    const table = loadDataset('csv', { split: 'train', dataDir: csv, target: 'size:class,y' });
    assert.deepEqual(datasetTasks(table, undefined).map((task) => [task.name, task.kind]), [['size', 'class'], ['y', 'value']]);
    assert.equal(taskKey({ name: 'price (€)', kind: 'value' }), 'price_');
    [mnist, roll, table].forEach((set) => [set.inputs, set.targets].forEach((x) => x.dispose()));
  });
});

describe('multitask-ae runs', () => {
  test('with --labels N it trains on the N labelled samples (as supervised-ae), its class head on their labels', () => {
    const prepared = prepareRun(parseRunConfig({ model: 'multitask-ae', dataset: 'mnist-10k', trainLimit: 200, testLimit: 50, labels: 20, latent: 4, hidden: [16], epochs: 1, batch: 10 }));
    try {
      assert.equal(prepared.trainLoader.sampleCount, 20);
      assert.ok(prepared.model instanceof MultiTaskAutoencoder);
      assert.deepEqual(prepared.model.heads.map((h) => [h.task.name, h.task.kind, h.task.numClasses]), [['class', 'class', 10]]);
    } finally {
      prepared.dispose();
    }
  });

  test('on a point set its one head regresses the position along the manifold, whose batches carry it', () => {
    const prepared = prepareRun(parseRunConfig({ model: 'multitask-ae', dataset: 'swiss-roll', latent: 2, hidden: [8], outputActivation: 'identity', epochs: 1, batch: 100 }));
    try {
      assert.deepEqual((prepared.model as MultiTaskAutoencoder).heads.map((h) => h.task.kind), ['value']);
      const batch = prepared.trainLoader[Symbol.iterator]().next().value!;
      assert.deepEqual(batch.targets?.shape, [100]);
      batch.dispose();
    } finally {
      prepared.dispose();
    }
  });
});

describe('csv runs of the other models', () => {
  test('supervised-ae on a csv column of integer classes trains and loads back (the class count comes from the file)', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    try {
      const config = parseRunConfig({ model: 'supervised-ae', dataset: 'csv', dataDir: csv, target: 'size:class', latent: 2, hidden: [8], outputActivation: 'identity', epochs: 1, batch: 50 });
      const outcome = await trainRun(store, config, quiet);
      assert.ok(outcome.metrics.test_head_accuracy! >= 0);
      const loaded = loadRun(store, outcome.runId);
      loaded.dispose();
    } finally {
      store.close();
    }
  });
});

describe('a regression head on a linear target (finding)', () => {
  const settings = { model: 'multitask-ae', dataset: 'csv', dataDir: '', target: 'y', latent: 4, hidden: [32], outputActivation: 'identity', epochs: 30, batch: 32, lr: 0.01, seed: 0 };

  test('trained: R² > 0.9 on the test rows, where the untrained model is below; the stored weights give the recorded metrics', async () => {
    const config = parseRunConfig({ ...settings, dataDir: csv });
    const untrained = prepareRun(config);
    const before = taskMetrics(untrained.model as MultiTaskAutoencoder, untrained.data.test);
    untrained.dispose();
    const store = RunStore.open(join(temporaryDir(), 'store'));
    try {
      const outcome = await trainRun(store, config, quiet);
      const r2 = outcome.metrics.test_r2_y!;
      console.log(`R² of y on the test rows: untrained ${before.test_r2_y!.toFixed(3)}, trained ${r2.toFixed(4)} (RMSE ${outcome.metrics.test_rmse_y!.toFixed(4)})`);
      assert.ok(before.test_r2_y! < 0.9, `untrained R² ${before.test_r2_y}`);
      assert.ok(r2 > 0.9, `trained R² ${r2}`);
      const loaded = loadRun(store, outcome.runId);
      try {
        const again = taskMetrics(loaded.model, loaded.test);
        assert.ok(Math.abs(again.test_r2_y! - r2) < 1e-6 && Math.abs(again.test_rmse_y! - outcome.metrics.test_rmse_y!) < 1e-6);
      } finally {
        loaded.dispose();
      }
    } finally {
      store.close();
    }
  });

  test('soft sharing over a class and a value target records both heads and the penalty between the towers', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    try {
      const config = parseRunConfig({ ...settings, dataDir: csv, target: 'size:class,y', sharing: 'soft', softWeight: 0.001, epochs: 2 });
      const outcome = await trainRun(store, config, quiet);
      const recorded = store.finalMetrics(outcome.runId);
      for (const key of ['test_accuracy_size', 'test_rmse_y', 'test_r2_y', 'test_ce_size', 'test_mse_y', 'test_penalty', 'train_penalty']) assert.ok(Number.isFinite(recorded[key]), `${key} recorded`);
      assert.ok(recorded.test_accuracy_size! >= 0 && recorded.test_accuracy_size! <= 1);
      assert.ok(recorded.test_penalty! > 0, 'independently initialised towers differ');
    } finally {
      store.close();
    }
  });
});
