// Studies on worker processes (src/studies/workers.ts): `latent-sweep` with 2 workers prints the
// same tables as in one process, each run trained once and by a worker; a run that needs another
// run's result is planned in a second round; a worker killed mid-run leaves its run to be resumed,
// and the study then finds every run finished.
// Run: npx tsc -p . && node --test dist/test/studies/workers.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { setThreads } from '../../src/tensor/runtime.js';
import { checkpointDir, hasCheckpoint } from '../../src/runs/liveness.js';
import { runStudy } from '../../src/studies/index.js';
import { createStudyContext } from '../../src/studies/context.js';
import { createLatentSweepStudy, latentSweepSettings } from '../../src/studies/latent-sweep.js';
import { trainStudyRunsWithWorkers } from '../../src/studies/workers.js';
import type { Study } from '../../src/studies/study.js';
import { temporaryDir } from '../cli/helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-study-workers-');
after(cleanup);

// One thread everywhere, so that the workers compute as the single process does (float sums
// reduced over another number of threads differ in the 7th digit): the workers read the
// environment; this process read it at import, so it is set here as well.
process.env.LATENTLAB_THREADS ??= '1,1';
const [torchThreads, blasThreads] = process.env.LATENTLAB_THREADS.split(',').map(Number);
setThreads({ torch: torchThreads!, blas: blasThreads ?? torchThreads! });

/** Lines of the study's own pass that say it trained or resumed a run itself. */
const trainedByStudy = (lines: string[]) => lines.filter((line) => !line.startsWith('worker ') && /: (run \S+ finished|resuming run)/.test(line));

test('latent-sweep (smoke) with 2 workers: the same tables as in one process; every run trained once, by a worker', async () => {
  const single = RunStore.open(join(dir, 'single'));
  const parallel = RunStore.open(join(dir, 'parallel'));
  try {
    const one = await runStudy(single, 'latent-sweep', { profile: 'smoke', log: () => {} });
    const lines: string[] = [];
    const two = await runStudy(parallel, 'latent-sweep', { profile: 'smoke', workers: 2, log: (line) => lines.push(line) });
    assert.deepEqual(two.result.tables, one.result.tables);
    const runs = parallel.listRuns({ studyId: two.studyId });
    assert.equal(runs.length, single.listRuns({ studyId: one.studyId }).length, 'no run trained twice');
    assert.ok(runs.every((run) => run.status === 'finished'));
    const starts = lines.map((line) => line.match(/^worker (\d): (\S+): training run (\S+)/)).filter((m) => m !== null);
    assert.deepEqual(starts.map((m) => m[3]).sort(), runs.map((run) => run.id).sort(), 'each run started once, by a worker');
    assert.deepEqual(trainedByStudy(lines), [], lines.join('\n'));
    assert.match(lines[0]!, /^latent-sweep:smoke: 3 runs on 2 worker processes, 1 thread each$/);
  } finally {
    single.close();
    parallel.close();
  }
});

test('a run that needs another run is planned in a second round, and trained by a worker too', async () => {
  const store = RunStore.open(join(dir, 'rounds'));
  const tiny = { model: 'mlp-ae', hidden: [16], dataset: 'mnist', trainLimit: 128, testLimit: 64, batch: 32, epochs: 1 };
  const study: Study = {
    name: 'pretrain-then',
    title: 'two dependent runs',
    description: 'the second run reads the first run’s test loss',
    run: async (context) => {
      const first = await context.train('first', { ...tiny, latent: 2 });
      const loss = context.store.finalMetrics(first.id).test_loss!;
      await context.train('second', { ...tiny, latent: loss > 0 ? 3 : 4 });
      return { tables: [], sections: [] };
    },
  };
  try {
    const lines: string[] = [];
    await trainStudyRunsWithWorkers(study, { store, profile: 'smoke', studyId: 'rounds', workers: 2, log: (line) => lines.push(line) });
    assert.deepEqual(lines.filter((line) => line.startsWith('rounds: ')), ['rounds: 1 run on 1 worker process, 1 thread each', 'rounds: 1 run on 1 worker process, 1 thread each'], lines.join('\n'));
    assert.deepEqual(store.listRuns({ studyId: 'rounds' }).map((run) => [run.name, run.status, run.config.latent]), [['second', 'finished', 3], ['first', 'finished', 2]]);
  } finally {
    store.close();
  }
});

test('a worker killed mid-run: its run is resumed from its checkpoint by another worker (or the next round), no run trained twice, the study then trains nothing', async () => {
  const store = RunStore.open(join(dir, 'kill'));
  // Runs of a few seconds each, so that worker 2 is killed while it holds one.
  const study = createLatentSweepStudy({ ...latentSweepSettings, smoke: { sweep: [2, 3, 4, 5], strips: [], epochs: 3, data: { trainLimit: 8192, testLimit: 128 }, codeSamples: 64 } });
  try {
    const lines: string[] = [];
    let killed: Promise<string> | undefined;
    const log = (line: string) => {
      lines.push(line);
      const start = line.match(/^worker 2: \S+: training run (\S+) in process (\d+)/);
      if (start && !killed) killed = killAfterFirstEpoch(store, start[1]!, Number(start[2]));
    };
    await trainStudyRunsWithWorkers(study, { store, profile: 'smoke', studyId: 'kill', workers: 2, log });
    const runId = await killed!;
    assert.ok(lines.includes('worker 2 ended without finishing (killed by SIGKILL): its run is resumed by another worker or the next attempt'), lines.join('\n'));
    assert.ok(lines.some((line) => new RegExp(`^worker \\d: \\S+: resuming run ${runId}`).test(line)), lines.join('\n'));
    const runs = store.listRuns({ studyId: 'kill' });
    assert.equal(runs.length, 4, 'four runs: the killed one resumed, not trained anew');
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      assert.deepEqual(store.metrics(run.id, 'train_loss').map((m) => m.epoch), [1, 2, 3], `run ${run.id}: each epoch once`);
    }
    const studyLines: string[] = [];
    await study.run(createStudyContext({ store, profile: 'smoke', studyId: 'kill', log: (line) => studyLines.push(line) }));
    assert.deepEqual(trainedByStudy(studyLines), []);
    assert.equal(store.listRuns({ studyId: 'kill' }).length, 4);
  } finally {
    store.close();
  }
});

// Waits (polling: the worker reports no epochs) until run `runId` has written its first epoch's
// checkpoint, then kills `pid`, which must still hold it.
async function killAfterFirstEpoch(store: RunStore, runId: string, pid: number): Promise<string> {
  while (!hasCheckpoint(checkpointDir(store, runId))) await new Promise((resolve) => setTimeout(resolve, 20));
  const run = store.getRun(runId);
  assert.equal(run.status, 'running', 'the run ended before its worker was killed: make the runs longer');
  assert.equal(run.pid, pid);
  process.kill(pid, 'SIGKILL');
  return runId;
}
