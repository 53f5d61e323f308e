// The median stopping rule of tune (src/runs/tune-prune.ts): a trial worse than the median of the
// other trials at the same epoch stops there, marked as pruned; never at the last epoch, never
// before enough trials reached that epoch. And a search with --prune median prunes trials.
// Run: npx tsc -p . && node --test dist/test/runs/tune-prune.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { intermediateValue, isPrunedRun, medianOf, medianPruner, prunedMetric } from '../../src/runs/tune-prune.js';
import { tuneRuns } from '../../src/runs/tune.js';
import type { Dimension } from '../../src/bo/space.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { RunningTrainer } from '../../src/train/callbacks.js';
import { cli, temporaryDir } from '../cli/helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-tune-prune-');
after(cleanup);

const versions = { latentlab: 'test' };
function epochMetrics(epoch: number, validationLoss: number): EpochMetrics {
  return { epoch, step: epoch * 10, trainLoss: 1, trainTerms: {}, validationLoss, validationTerms: {}, gradientNorm: 1, learningRate: 0.01, samples: 100, batches: 10, seconds: 1, complete: true };
}

test('median rule: above the median of the others at that epoch stops and is recorded; at or below, at the last epoch, or with too few others, it goes on', () => {
  const store = RunStore.open(join(dir, 'unit'));
  try {
    const search = 'tune-unit';
    // Three earlier trials with test_loss 1, 2, 3 after epoch 1 (median 2), two of them at epoch 2.
    [[1, 0.5], [2, 1], [3]].forEach((losses) => {
      const run = store.createRun({ model: 'mlp-ae', dataset: 'mnist', config: { epochs: 3 }, versions, studyId: search });
      store.logMetrics(run.id, losses.map((value, i) => ({ key: 'test_loss', value, step: (i + 1) * 10, epoch: i + 1 })));
    });
    const trial = store.createRun({ model: 'mlp-ae', dataset: 'mnist', config: { epochs: 3 }, versions, studyId: search });
    let stops = 0;
    const trainer = { requestStop: () => stops++ } as unknown as RunningTrainer;

    const going = medianPruner(store, search, trial.id, 'test_mse', 3);
    going.callback.onEpochEnd!(epochMetrics(1, 2), trainer); // at the median: not worse
    assert.equal(going.pruned, null);
    going.callback.onEpochEnd!(epochMetrics(2, 5), trainer); // only two others at epoch 2
    assert.equal(going.pruned, null);
    going.callback.onEpochEnd!(epochMetrics(3, 9), trainer); // the last epoch
    assert.equal(going.pruned, null);
    assert.equal(stops, 0);

    const stopped = medianPruner(store, search, trial.id, 'test_mse', 3);
    stopped.callback.onEpochEnd!(epochMetrics(1, 2.5), trainer);
    assert.equal(stops, 1);
    assert.equal(stopped.pruned?.epoch, 1);
    assert.match(stopped.pruned!.reason, /pruned after epoch 1: test_loss 2\.500 above the median 2\.000 of 3 other trials/);
    assert.equal(store.metrics(trial.id, prunedMetric)[0]?.value, 1);

    assert.equal(medianPruner(store, search, trial.id, 'test_mse', 2).pruned, null);
    const lenient = medianPruner(store, search, trial.id, 'test_mse', 2);
    lenient.callback.onEpochEnd!(epochMetrics(2, 0.8), trainer); // others at epoch 2: 0.5, 1 → median 0.75
    assert.equal(lenient.pruned?.epoch, 2);

    // Marked in the store: an interrupted run with the metric is pruned; without it, merely interrupted.
    assert.equal(isPrunedRun(store, store.setStatus(trial.id, 'interrupted')), true);
    const other = store.listRuns({ studyId: search }).at(-1)!;
    assert.equal(isPrunedRun(store, store.setStatus(other.id, 'interrupted')), false);
  } finally {
    store.close();
  }
});

test('the epoch-wise stand-in of an objective, and the median', () => {
  const epoch = { ...epochMetrics(1, 0.5), trainTerms: { kl: 0.1 }, validationTerms: { kl: 0.2 } };
  assert.deepEqual(intermediateValue('test_mse', epoch), { key: 'test_loss', value: 0.5 }, 'test_mse exists only at the end');
  assert.deepEqual(intermediateValue('test_loss', epoch), { key: 'test_loss', value: 0.5 });
  assert.deepEqual(intermediateValue('train_loss', epoch), { key: 'train_loss', value: 1 });
  assert.deepEqual(intermediateValue('test_kl', epoch), { key: 'test_kl', value: 0.2 });
  assert.deepEqual(intermediateValue('train_kl', epoch), { key: 'train_kl', value: 0.1 });
  assert.equal(medianOf([3, 1, 2]), 2);
  assert.equal(medianOf([4, 1, 3, 2]), 2.5);
});

test('a search with prune median: some trials pruned (interrupted with the pruned metric and its reason), counted in the budget, shown as pruned by runs', async () => {
  const storeDir = join(dir, 'search');
  const store = RunStore.open(storeDir);
  try {
    const base = { model: 'mlp-ae', hidden: [16], dataset: 'mnist', trainLimit: 256, testLimit: 64, batch: 64, epochs: 3 };
    const space: Dimension[] = [{ name: 'lr', type: 'real', low: 1e-5, high: 1e-1, log: true }];
    const outcome = await tuneRuns(store, base, space, { trials: 8, objective: 'test_mse', seed: 2, initial: 4, prune: 'median', pruneStartup: 2, sampler: 'random', log: () => {} });
    assert.equal(outcome.status, 'finished');
    assert.ok(outcome.pruned.length >= 1, `expected a pruned trial among 8, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.trials.length + outcome.pruned.length, 8);
    const runs = store.listRuns({ studyId: outcome.search });
    assert.equal(runs.length, 8);
    for (const pruned of outcome.pruned) {
      const run = store.getRun(pruned.runId);
      assert.equal(run.status, 'interrupted');
      assert.match(run.error!, /^pruned after epoch \d: test_loss .* above the median/);
      assert.ok(pruned.epoch < 3, 'stopped before its last epoch');
      assert.equal(store.metrics(run.id, 'train_loss').length, pruned.epoch);
    }
    const listing = cli(storeDir, ['runs']);
    assert.equal(listing.status, 0, listing.stderr);
    for (const pruned of outcome.pruned) assert.match(listing.stdout, new RegExp(`${pruned.runId}.* pruned `));
  } finally {
    store.close();
  }
});
