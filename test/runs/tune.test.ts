// Hyper-parameter search over run options (src/runs/tune.ts): every trial a finished run tagged
// with the search, distinct configurations, the best one findable in the store, and the same
// search run again continues without repeating finished trials; a trial held by a live process
// is left to it, one left by a dead process resumed; the TPE sampler.
// Run: npx tsc -p . && node --test dist/test/runs/tune.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { searchId, tuneRuns } from '../../src/runs/tune.js';
import { flattenRunConfig, parseRunConfig } from '../../src/runs/config.js';
import type { Dimension } from '../../src/bo/space.js';
import { ArgumentError } from '../../src/tensor/errors.js';
import { temporaryDir } from '../cli/helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-tune-');
const store = RunStore.open(join(dir, 'store'));
after(() => {
  store.close();
  cleanup();
});

const base = { model: 'mlp-ae', hidden: [16], dataset: 'mnist', trainLimit: 128, testLimit: 64, batch: 64, epochs: 1 };
const space: Dimension[] = [{ name: 'lr', type: 'real', low: 1e-4, high: 1e-1, log: true }, { name: 'latent', type: 'integer', low: 2, high: 8 }];
const quiet = { log: () => {} };

test('3 trials become 3 finished runs of distinct configurations tagged with the search; running it again to 4 adds one', async () => {
  const first = await tuneRuns(store, base, space, { trials: 3, objective: 'test_mse', seed: 1, initial: 2, ...quiet });
  assert.equal(first.status, 'finished');
  assert.equal(first.trials.length, 3);
  const runs = store.listRuns({ studyId: first.search });
  assert.equal(runs.length, 3);
  assert.ok(runs.every((r) => r.status === 'finished'));
  assert.equal(new Set(runs.map((r) => JSON.stringify([r.config.lr, r.config.latent]))).size, 3);
  assert.equal(first.best!.value, Math.min(...first.trials.map((t) => t.value)));
  assert.equal(store.finalMetrics(first.best!.runId).test_mse, first.best!.value);

  const second = await tuneRuns(store, base, space, { trials: 4, objective: 'test_mse', seed: 1, initial: 2, ...quiet });
  assert.equal(second.search, first.search);
  assert.equal(second.resumed, 3);
  assert.equal(second.trials.length, 4);
  assert.equal(store.listRuns({ studyId: first.search }).length, 4, 'one new run, the three finished ones not repeated');
});

test('an unknown parameter name, a parameter also fixed, and an unknown objective each give one clear error', async () => {
  await assert.rejects(tuneRuns(store, base, [{ name: 'learning_rate', type: 'real', low: 0.1, high: 1 }], { trials: 1, objective: 'test_mse', ...quiet }), (e: Error) => e instanceof ArgumentError && /learning_rate/.test(e.message));
  await assert.rejects(tuneRuns(store, base, [{ name: 'epochs', type: 'integer', low: 1, high: 3 }], { trials: 1, objective: 'test_mse', ...quiet }), (e: Error) => e instanceof ArgumentError && /'epochs' is both searched and fixed/.test(e.message));
  await assert.rejects(tuneRuns(store, base, space, { trials: 1, objective: 'accuracy', ...quiet }), (e: Error) => e instanceof ArgumentError && /unknown objective metric 'accuracy': a run records .*test_mse/.test(e.message));
  assert.equal(store.listRuns({ studyId: searchId(base, space, { objective: 'accuracy' }) }).length, 0, 'refused before any trial');
  // A test_ name the model does not record is known only once the first trial ends.
  await assert.rejects(tuneRuns(store, base, space, { trials: 1, objective: 'test_accuracy', ...quiet }), (e: Error) => e instanceof ArgumentError && /unknown objective metric 'test_accuracy': a run records .*test_mse/.test(e.message));
});

test('the TPE sampler behind the same interface: 4 trials, 4 distinct finished runs', async () => {
  const outcome = await tuneRuns(store, base, space, { trials: 4, objective: 'test_mse', seed: 4, initial: 2, sampler: 'tpe', ...quiet });
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.trials.length, 4);
  assert.equal(new Set(outcome.trials.map((t) => JSON.stringify(t.point))).size, 4);
  assert.notEqual(outcome.search, searchId(base, space, { objective: 'test_mse', seed: 4, sampler: 'gp' }), 'the sampler is part of the search');
});

test('a trial held by a live process is left to it (status incomplete); once its process is gone, tune resumes it rather than adding one', async () => {
  const options = { trials: 1, objective: 'test_mse', seed: 9, ...quiet };
  const search = searchId(base, space, options);
  const held = store.createRun({ model: 'mlp-ae', dataset: 'mnist', config: flattenRunConfig(parseRunConfig({ ...base, lr: 0.01, latent: 3 })), versions: { latentlab: 'test' }, studyId: search });
  assert.equal(held.pid, process.pid, 'held by this process, which lives');
  const waiting = await tuneRuns(store, base, space, options);
  assert.equal(waiting.status, 'incomplete');
  assert.equal(store.listRuns({ studyId: search }).length, 1, 'no trial beyond the one held');

  const gone = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has exited
  store.updateRun(held.id, { pid: gone });
  const resumed = await tuneRuns(store, base, space, options);
  assert.equal(resumed.status, 'finished');
  assert.deepEqual(store.listRuns({ studyId: search }).map((r) => [r.id, r.status]), [[held.id, 'finished']]);
  assert.deepEqual(resumed.trials[0]!.point, { lr: 0.01, latent: 3 });
});
