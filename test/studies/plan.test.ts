// Planning a study's runs (src/studies/plan.ts) with small made-up studies: the runs it asks for
// are planned in order, once each, without writing anything; finished runs are answered as they
// are; the plan ends where the study needs what a planned run gives (a model, its metrics, a run
// naming it), at a task not done yet, at a write to the store, and at an error of the study.
// Run: npx tsc -p . && node --test dist/test/studies/plan.test.js
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { queuedRun } from '../../src/runs/run-queue.js';
import { createStudyContext } from '../../src/studies/context.js';
import { planStudyRuns } from '../../src/studies/plan.js';
import type { Study, StudyContext } from '../../src/studies/study.js';
import { temporaryDir } from '../cli/helpers.js';

const { dir, cleanup } = temporaryDir('latentlab-plan-');
const store = RunStore.open(join(dir, 'store'));
after(() => {
  store.close();
  cleanup();
});

const tiny = { model: 'mlp-ae', hidden: [16], latent: 2, dataset: 'mnist', trainLimit: 128, testLimit: 64, batch: 32, epochs: 1 };
const studyId = 'demo:smoke';
const plan = (body: (context: StudyContext) => Promise<unknown>) => {
  const study: Study = { name: 'demo', title: 'demo', description: 'a made-up study', run: async (context) => (await body(context), { tables: [], sections: [] }) };
  return planStudyRuns(study, { store, profile: 'smoke', studyId });
};
const keys = async (body: (context: StudyContext) => Promise<unknown>) => (await plan(body)).map((run) => run.key);

test('the runs a study asks for, in order, each once, as context.train records them; nothing is trained or written', async () => {
  const planned = await plan(async (context) => {
    const runs = [];
    for (const latent of [2, 3, 2, 4]) runs.push(await context.train(`latent=${latent}`, { ...tiny, latent }));
    for (const run of runs) context.load(run);
  });
  assert.deepEqual(planned, [2, 3, 4].map((latent) => queuedRun(`latent=${latent}`, { ...tiny, latent })));
  assert.equal(store.listRuns().length, 0);
});

test('a finished run is answered as it is, and not planned', async () => {
  const finished = await createStudyContext({ store, profile: 'smoke', studyId, log: () => {} }).train('latent=2', tiny);
  let seen: string | undefined;
  const planned = await keys(async (context) => {
    seen = (await context.train('latent=2', tiny)).id;
    await context.train('latent=3', { ...tiny, latent: 3 });
  });
  assert.equal(seen, finished.id);
  assert.deepEqual(planned, ['latent=3']);
});

test('the plan ends where the study needs a planned run: its model, its metrics, a configuration naming it', async () => {
  assert.deepEqual(await keys(async (c) => (c.load(await c.train('a', { ...tiny, latent: 5 })), c.train('b', { ...tiny, latent: 6 }))), ['a']);
  assert.deepEqual(
    await keys(async (c) => {
      const a = await c.train('a', { ...tiny, latent: 5 });
      const loss = c.store.finalMetrics(a.id).test_loss!;
      await c.train('b', { ...tiny, latent: loss > 0.1 ? 6 : 7 });
    }),
    ['a'],
  );
  assert.deepEqual(await keys(async (c) => c.train('b', { ...tiny, latent: 6, dataDir: (await c.train('a', { ...tiny, latent: 5 })).id })), ['a']);
});

test('the plan ends at a task not done and at a write to the store; a finished task passes; an error of the study ends it', async () => {
  const spec = { model: 'closed-form', dataset: 'mnist', config: { k: 2 } };
  assert.deepEqual(await keys(async (c) => (await c.train('a', { ...tiny, latent: 5 }), await c.task('pca', spec, () => ({ error: 1 })), c.train('b', { ...tiny, latent: 6 }))), ['a']);
  const context = createStudyContext({ store, profile: 'smoke', studyId, log: () => {} });
  await context.task('pca', spec, () => ({ error: 0.5 }));
  let metrics: Record<string, number> | undefined;
  assert.deepEqual(await keys(async (c) => ((metrics = (await c.task('pca', spec, () => ({ error: 1 }))).metrics), c.train('b', { ...tiny, latent: 6 }))), ['b']);
  assert.deepEqual(metrics, { error: 0.5 }, 'the finished task, not run again');

  const before = store.listRuns().length;
  assert.deepEqual(await keys(async (c) => (await c.train('a', { ...tiny, latent: 5 }), c.store.createRun({ model: 'x', dataset: 'y', config: {} }), c.train('b', { ...tiny, latent: 6 }))), ['a']);
  assert.equal(store.listRuns().length, before, 'nothing written while planning');
  assert.deepEqual(await keys(async (c) => (await c.train('a', { ...tiny, latent: 5 }), await c.train('bad', { ...tiny, latent: -1 }), c.train('b', { ...tiny, latent: 6 }))), ['a']);
});
