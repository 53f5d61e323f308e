// Searches shared by worker processes (src/runs/tune-workers.ts, tune-worker.ts): every trial
// claimed by exactly one worker, distinct configurations, the best one found by `runs`; a worker
// killed mid-trial leaves its trial to be resumed, and `tune` again completes the search without
// repeating the finished trials. Thread shares.
// Run: npx tsc -p . && node --test dist/test/runs/tune-workers.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { tuneWithWorkers, workerThreads } from '../../src/runs/tune-workers.js';
import type { Dimension } from '../../src/bo/space.js';
import { ArgumentError } from '../../src/tensor/errors.js';
import { cliJson, startCli, temporaryDir } from '../cli/helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-tune-workers-');
after(cleanup);

const base = { model: 'mlp-ae', hidden: [16], dataset: 'mnist', trainLimit: 128, testLimit: 64, batch: 64, epochs: 1 };
const space: Dimension[] = [{ name: 'lr', type: 'real', low: 1e-4, high: 1e-1, log: true }, { name: 'latent', type: 'integer', low: 2, high: 8 }];

test('12 trials with 2 workers: 12 finished runs of distinct configurations, each run by one worker, both workers used, the best found by runs', async () => {
  const storeDir = join(dir, 'twelve');
  const store = RunStore.open(storeDir);
  const lines: string[] = [];
  try {
    const outcome = await tuneWithWorkers(store, base, space, { trials: 12, objective: 'test_mse', seed: 3, initial: 3, workers: 2, log: (line) => lines.push(line) });
    assert.equal(outcome.status, 'finished', lines.join('\n'));
    assert.equal(outcome.trials.length, 12);
    const runs = store.listRuns({ studyId: outcome.search });
    assert.equal(runs.length, 12, 'no run beyond the 12 trials');
    assert.ok(runs.every((r) => r.status === 'finished'));
    assert.equal(new Set(runs.map((r) => JSON.stringify([r.config.lr, r.config.latent]))).size, 12, '12 distinct configurations');
    // Who ran what: each run started once, by one worker.
    const starts = lines.map((line) => line.match(/^worker (\d): trial \d+\/12 run (\S+) started/)).filter((m) => m !== null);
    assert.equal(starts.length, 12, lines.join('\n'));
    assert.deepEqual(new Set(starts.map((m) => m[2])), new Set(runs.map((r) => r.id)), 'every run started exactly once');
    assert.deepEqual(new Set(starts.map((m) => m[1])), new Set(['1', '2']), 'both workers took trials');
    for (const run of runs) assert.equal(store.metrics(run.id, 'train_loss').length, 1, `run ${run.id} trained its one epoch once`);
    const listed = cliJson<{ id: string; studyId: string; metrics: Record<string, number> }[]>(storeDir, ['runs']).filter((r) => r.studyId === outcome.search);
    const best = listed.reduce((b, r) => (r.metrics.test_mse! < b.metrics.test_mse! ? r : b));
    assert.equal(best.id, outcome.best!.runId);
    assert.equal(best.metrics.test_mse, outcome.best!.value);
  } finally {
    store.close();
  }
});

test('a worker killed mid-trial: its trial is resumed (by the other worker or the next tune), tune again completes the search, no finished trial repeated', async () => {
  const storeDir = join(dir, 'kill');
  const args = ['tune', '--model', 'mlp-ae', '--hidden', '16', '--dataset', 'mnist', '--train-limit', '1024', '--test-limit', '64', '--batch', '32', '--epochs', '4',
    '--param', 'lr=log:1e-4..1e-1', '--param', 'latent=int:2..8', '--trials', '6', '--workers', '2', '--initial', '2', '--search-seed', '5'];
  const first = startCli(storeDir, args);
  // Once a trial has finished, kill worker 2 while the store shows it holding a running trial.
  await first.waitFor(/run \S+: test_mse/);
  const pid = Number(first.stderr().match(/worker 2: .* started in process (\d+)/)![1]);
  let runId: string | undefined;
  for (let started = 1; runId === undefined; started++) {
    const watcher = RunStore.open(storeDir, { mode: 'read' });
    try {
      runId = watcher.listRuns({ status: 'running' }).find((r) => r.pid === pid)?.id;
    } finally {
      watcher.close();
    }
    // Between two trials: wait for its next one to start.
    if (runId === undefined) await first.waitFor(new RegExp(`(worker 2: .*started in process ${pid}[^]*){${started + 1}}`));
  }
  process.kill(pid, 'SIGKILL');
  await first.exited;
  assert.match(first.stderr(), /worker 2 ended without finishing \(killed by SIGKILL\)/);

  const store = RunStore.open(storeDir, { mode: 'read' });
  try {
    const search = store.getRun(runId!).studyId!;
    const before = new Map(store.listRuns({ studyId: search, status: 'finished' }).map((r) => [r.id, r.endedAt]));
    const second = cliJson<{ status: string; trials: { run_id: string }[] }>(storeDir, args);
    assert.equal(second.status, 'finished');
    const runs = store.listRuns({ studyId: search });
    assert.equal(runs.length, 6, 'six trials in all: none repeated, none added beyond the budget');
    assert.ok(runs.every((r) => r.status === 'finished'));
    assert.equal(new Set(runs.map((r) => JSON.stringify([r.config.lr, r.config.latent]))).size, 6);
    assert.equal(store.getRun(runId!).status, 'finished', 'the killed trial was resumed to its end');
    assert.equal(store.metrics(runId!, 'train_loss').length, 4);
    for (const [id, endedAt] of before) assert.equal(store.getRun(id).endedAt, endedAt, `finished trial ${id} was not run again`);
  } finally {
    store.close();
  }
});

test('threads: the cores shared out among the workers, at least one each; LATENTLAB_THREADS wins', () => {
  assert.equal(workerThreads(2, 16, {}), '8,8');
  assert.equal(workerThreads(3, 2, {}), '1,1');
  assert.equal(workerThreads(2, 16, { LATENTLAB_THREADS: '3,1' }), '3,1');
});

test('bad --workers is one clear error, before any process starts', async () => {
  const store = RunStore.open(join(dir, 'bad'));
  try {
    for (const workers of [0, 1.5, -2]) {
      await assert.rejects(tuneWithWorkers(store, base, space, { trials: 2, objective: 'test_mse', workers }), (e: Error) => e instanceof ArgumentError && /workers must be a positive integer/.test(e.message));
    }
    assert.equal(store.listRuns().length, 0);
  } finally {
    store.close();
  }
});
