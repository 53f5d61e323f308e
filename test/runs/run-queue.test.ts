// A queue of runs shared by worker processes (src/runs/run-queue.ts): a queued run is the run a
// study's context.train makes; the queue trains what is missing, resumes an interrupted run,
// leaves finished and failed ones alone, and with workers trains each run once in one of them.
// (A worker killed mid-run: test/studies/workers.test.ts.)
// Run: npx tsc -p . && node --test dist/test/runs/run-queue.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { queuedRun, sameRuns, trainQueuedRuns, trainQueueWithWorkers } from '../../src/runs/run-queue.js';
import { recordRun } from '../../src/runs/train-run.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { createStudyContext } from '../../src/studies/context.js';
import { ArgumentError } from '../../src/tensor/errors.js';
import { temporaryDir } from '../cli/helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-run-queue-');
after(cleanup);

const tiny = { model: 'mlp-ae', hidden: [16], latent: 2, dataset: 'mnist', trainLimit: 128, testLimit: 64, batch: 32, epochs: 2 };
const studyId = 'demo:smoke';

test('one process: the missing run trained, the interrupted one resumed, the finished and the failed left alone; context.train then finds each', async () => {
  const store = RunStore.open(join(dir, 'one'));
  try {
    const context = (signal?: AbortSignal) => createStudyContext({ store, profile: 'smoke', studyId, log: () => {}, ...(signal ? { signal } : {}) });
    const done = await context().train('done', tiny);
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(context(stopped.signal).train('stopped', { ...tiny, latent: 3 }), /was interrupted/);
    const failed = store.updateRun(recordRun(store, parseRunConfig({ ...tiny, latent: 4, name: 'failed' }), studyId).id, { status: 'failed', error: 'out of memory' });
    const queue = [queuedRun('done', tiny), queuedRun('stopped', { ...tiny, latent: 3 }), queuedRun('failed', { ...tiny, latent: 4 }), queuedRun('new', { ...tiny, latent: 5 })];
    assert.deepEqual(sameRuns(store, studyId, queue[0]!.key, queue[0]!.config).map((r) => r.id), [done.id], 'a queued run is the run context.train made');

    const lines: string[] = [];
    assert.equal(await trainQueuedRuns(store, studyId, queue, { log: (line) => lines.push(line) }), 'finished');
    const started = lines.map((line) => line.match(/^(\S+): (training|resuming) run/)).filter((m) => m !== null);
    assert.deepEqual(started.map((m) => `${m[1]}: ${m[2]}`), ['stopped: resuming', 'new: training']);
    assert.equal(store.getRun(done.id).endedAt, done.endedAt, 'the finished run was not trained again');
    assert.equal(store.getRun(failed.id).status, 'failed', 'a failed run is left to the study, which reports its error');
    const runs = store.listRuns({ studyId });
    assert.equal(runs.length, 4, 'no run recorded twice');
    for (const entry of queue.filter((e) => e.key !== 'failed')) {
      const [run, ...others] = sameRuns(store, studyId, entry.key, entry.config);
      assert.equal(others.length, 0);
      assert.equal(run!.status, 'finished', entry.key);
      assert.equal(store.metrics(run!.id, 'train_loss').length, 2, `${entry.key} trained its two epochs`);
      // What the study finds: the same run, without training.
      assert.equal((await context().train(entry.key, { ...tiny, latent: { done: 2, stopped: 3, new: 5 }[entry.key]! })).id, run!.id);
    }
    assert.equal(await trainQueuedRuns(store, studyId, queue, { signal: stopped.signal }), 'interrupted');
  } finally {
    store.close();
  }
});

// Which worker claims which run depends on when each process gets going: on a loaded machine one
// worker can claim all four tiny runs before the other has loaded the engine (seen in a CI run), so
// the test asserts that both workers ran to their end ('finished' needs both reports), not that both
// trained something.
test('two workers: every run trained once, by one worker, both workers ran to their end; more workers than runs start one per run', async () => {
  const store = RunStore.open(join(dir, 'workers'));
  try {
    const queue = [2, 3, 4, 5].map((latent) => queuedRun(`latent=${latent}`, { ...tiny, latent }));
    const lines: string[] = [];
    const outcome = await trainQueueWithWorkers(store, studyId, queue, { workers: 2, log: (line) => lines.push(line) });
    assert.deepEqual(outcome, { workers: 2, status: 'finished' }, lines.join('\n'));
    const starts = lines.map((line) => line.match(/^worker (\d): (\S+): training run (\S+) in process/)).filter((m) => m !== null);
    assert.equal(starts.length, 4, lines.join('\n'));
    assert.deepEqual(new Set(starts.map((m) => m[2])), new Set(queue.map((e) => e.key)), 'every run started exactly once');
    assert.ok(starts.every((m) => m[1] === '1' || m[1] === '2'), lines.join('\n'));
    const runs = store.listRuns({ studyId });
    assert.equal(runs.length, 4);
    assert.ok(runs.every((r) => r.status === 'finished' && store.metrics(r.id, 'train_loss').length === 2));

    const more = await trainQueueWithWorkers(store, studyId, [queuedRun('latent=6', { ...tiny, latent: 6 })], { workers: 3, log: () => {} });
    assert.deepEqual(more, { workers: 1, status: 'finished' });
    assert.deepEqual(await trainQueueWithWorkers(store, studyId, [], { workers: 2, log: () => {} }), { workers: 0, status: 'finished' });
  } finally {
    store.close();
  }
});

test('bad worker counts are refused before any process starts', async () => {
  const store = RunStore.open(join(dir, 'bad'));
  try {
    for (const workers of [0, -1, 1.5]) {
      await assert.rejects(trainQueueWithWorkers(store, studyId, [queuedRun('a', tiny)], { workers }), (e: Error) => e instanceof ArgumentError && /workers must be a positive integer/.test(e.message));
    }
    assert.equal(store.listRuns().length, 0);
  } finally {
    store.close();
  }
});
