// Tracked runs and their failure modes: the run lock (a run held by a live process is refused,
// one held by a reused pid is taken over), missing checkpoints, a store deleted while training,
// and the native tensors a run leaves behind (none: counted without relying on the GC).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { liveTensorCount } from '../../src/index.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { checkpointDir, resumeRun, trainRun } from '../../src/runs/train-run.js';
import { currentHolder, processStartTime } from '../../src/runs/liveness.js';
import { RunStore } from '../../src/track/store.js';
import { temporaryDir } from '../track/helpers.js';
import { collectedLiveTensorCount } from '../helpers/gc.js';

const config = (epochs: number) => parseRunConfig({ model: 'mlp-ae', dataset: 'mnist', hidden: [16], latent: 2, trainLimit: 128, testLimit: 64, batch: 64, epochs });
const quiet = { progress: 'none' as const, log: () => {} };

describe('trainRun and resumeRun', () => {
  test('a run frees every tensor it made: the live count after equals the count before', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    const before = collectedLiveTensorCount();
    const outcome = await trainRun(store, config(1), quiet);
    assert.equal(outcome.status, 'finished');
    assert.equal(liveTensorCount(), before, 'no tensor left to the finalizers');
    store.close();
  });

  test('resume refuses a run held by a live process, naming it, and takes over with force or a reused pid', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    const outcome = await trainRun(store, config(1), { ...quiet, signal: AbortSignal.abort() });
    assert.equal(outcome.status, 'interrupted');
    const id = outcome.runId;
    // A record claiming this (live) test process holds it.
    store.claimRun(id, currentHolder(), store.getRun(id));
    await assert.rejects(resumeRun(store, id, quiet), new RegExp(`run ${id} is held by process ${process.pid} on ${hostname()} since \\d{4}-.*--force`));
    // The same pid, but recorded with another start time: the pid was reused, the lock is stale.
    const start = processStartTime(process.pid);
    if (start !== null) {
      store.claimRun(id, { pid: process.pid, host: hostname(), processStart: String(Number(start) + 1) }, store.getRun(id));
      const before = collectedLiveTensorCount();
      assert.equal((await resumeRun(store, id, quiet)).status, 'finished');
      assert.equal(liveTensorCount(), before, 'a resumed run frees its tensors too');
    }
    const forced = await trainRun(store, config(1), { ...quiet, signal: AbortSignal.abort() });
    store.claimRun(forced.runId, currentHolder(), store.getRun(forced.runId));
    assert.equal((await resumeRun(store, forced.runId, { ...quiet, force: true })).status, 'finished');
    assert.equal(store.getRun(forced.runId).lock, null);
    store.close();
  });

  test('lrDecay: the recorded learning rate is lr / (1 + lrDecay·e) after epoch e, and a resumed run continues the schedule', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    const decaying = (epochs: number) => parseRunConfig({ model: 'mlp-ae', dataset: 'mnist', hidden: [16], latent: 2, trainLimit: 128, testLimit: 64, batch: 32, epochs, optimizer: 'sgd', lr: 0.01, lrDecay: 3 });
    const outcome = await trainRun(store, decaying(2), quiet);
    const rates = store.metrics(outcome.runId, 'learning_rate').map((row) => row.value);
    assert.equal(rates.length, 2);
    rates.forEach((rate, e) => assert.ok(Math.abs(rate - 0.01 / (1 + 3 * (e + 1))) <= 1e-15, `epoch ${e + 1}: ${rate}`));
    // Stopped after its first epoch's checkpoint, then resumed: the second epoch's rate as above.
    let stopAfterFirst: AbortController | undefined = new AbortController();
    const stopped = await trainRun(store, decaying(2), { ...quiet, callbacks: [{ onEpochEnd: () => stopAfterFirst?.abort() }], signal: stopAfterFirst.signal });
    stopAfterFirst = undefined;
    assert.equal(stopped.status, 'interrupted');
    assert.equal((await resumeRun(store, stopped.runId, quiet)).status, 'finished');
    assert.deepEqual(store.metrics(stopped.runId, 'learning_rate').map((row) => row.value), rates);
    store.close();
  });

  test('a run whose checkpoints are gone is not silently restarted from epoch 1', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    for (const epochs of [1, 2]) {
      // A run killed after its last epoch: every epoch recorded and checkpointed; then the folder deleted.
      const outcome = await trainRun(store, config(epochs), quiet);
      store.setStatus(outcome.runId, 'failed', { error: 'killed' });
      rmSync(checkpointDir(store, outcome.runId), { recursive: true });
      await assert.rejects(resumeRun(store, outcome.runId, quiet), new RegExp(`run ${outcome.runId} recorded ${epochs} epochs? but has no checkpoint to continue from`));
      assert.equal(store.getRun(outcome.runId).status, 'failed', 'nothing changed');
    }
    store.close();
  });

  test('a run killed between recording its first epoch and checkpointing it starts again and records the same epoch', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    const outcome = await trainRun(store, config(1), quiet);
    const recorded = store.metrics(outcome.runId, 'train_loss');
    // What the kill leaves: the first epoch's losses committed, the checkpoint folder still empty.
    store.setStatus(outcome.runId, 'failed', { error: 'killed' });
    rmSync(checkpointDir(store, outcome.runId), { recursive: true });
    mkdirSync(checkpointDir(store, outcome.runId));
    assert.equal((await resumeRun(store, outcome.runId, quiet)).status, 'finished');
    const again = store.metrics(outcome.runId, 'train_loss');
    assert.deepEqual(again.map((row) => [row.step, row.value]), recorded.map((row) => [row.step, row.value]), 'the redone epoch records the same losses at the same steps, once');
    store.close();
  });

  test('a store deleted while the run trains fails the run instead of reporting success', async () => {
    const store = RunStore.open(join(temporaryDir(), 'store'));
    await assert.rejects(
      trainRun(store, config(2), { ...quiet, log: () => rmSync(store.dir, { recursive: true, force: true }) }),
      new RegExp(`the run store ${store.dir} changed while in use: .*runs.db is gone`),
    );
    store.close();
  });
});
