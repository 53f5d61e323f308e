// The study context over a real run store: runs carry the study id, a study run again reuses its
// finished runs, continues an interrupted one, reruns a failed task, and trains anew when a
// configuration changed.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { createStudyContext, studyIdOf } from '../../src/studies/context.js';
import { temporaryDir } from '../cli/helpers.js';

const tiny = { model: 'mlp-ae', hidden: [16], latent: 2, dataset: 'mnist', trainLimit: 128, testLimit: 64, batch: 32, epochs: 2 };

describe('study context', () => {
  const { dir, cleanup } = temporaryDir('latentlab-study-');
  const store = RunStore.open(join(dir, 'store'));
  after(() => {
    store.close();
    cleanup();
  });
  const context = (signal?: AbortSignal) => createStudyContext({ store, profile: 'smoke', studyId: studyIdOf('demo', 'smoke'), log: () => {}, ...(signal ? { signal } : {}) });

  test('study ids name the profile unless it is the full one', () => {
    assert.equal(studyIdOf('latent-sweep', 'full'), 'latent-sweep');
    assert.equal(studyIdOf('latent-sweep', 'quick'), 'latent-sweep:quick');
  });

  test('train records the run under the study and reuses it when asked again', async () => {
    const first = await context().train('d=2', tiny);
    assert.equal(first.studyId, 'demo:smoke');
    assert.equal(first.name, 'd=2');
    assert.equal(first.status, 'finished');
    const again = await context().train('d=2', { ...tiny });
    assert.equal(again.id, first.id);
    const changed = await context().train('d=2', { ...tiny, latent: 3 });
    assert.notEqual(changed.id, first.id, 'a changed configuration is a new run');
    assert.equal(store.listRuns({ studyId: 'demo:smoke' }).length, 2);
  });

  test('a label-aware run (whose parsed configuration holds undefined options) is reused too', async () => {
    const semi = { ...tiny, model: 'semi-ae', labels: 20, epochs: 1 };
    const first = await context().train('semi', semi);
    assert.equal((await context().train('semi', { ...semi })).id, first.id);
  });

  test('an interrupted training run stops the study, and the next attempt resumes that run', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(context(controller.signal).train('interrupted', { ...tiny, epochs: 3 }), /was interrupted: run the study again/);
    const [stopped] = store.listRuns({ studyId: 'demo:smoke' }).filter((run) => run.name === 'interrupted');
    assert.equal(stopped?.status, 'interrupted');
    const resumed = await context().train('interrupted', { ...tiny, epochs: 3 });
    assert.equal(resumed.id, stopped!.id);
    assert.equal(store.metrics(resumed.id, 'train_loss').length, 3);
  });

  test('a task stores its metrics and is reused; a failed one runs again from scratch', async () => {
    let calls = 0;
    const spec = { model: 'closed-form', dataset: 'mnist', config: { k: 2 } };
    const body = () => {
      calls++;
      return { error: 0.5 };
    };
    const first = await context().task('k=2', spec, body);
    assert.deepEqual(first.metrics, { error: 0.5 });
    const second = await context().task('k=2', spec, body);
    assert.equal(second.run.id, first.run.id);
    assert.equal(calls, 1);

    await assert.rejects(context().task('broken', spec, () => { throw new Error('boom'); }), /boom/);
    const failed = store.listRuns({ studyId: 'demo:smoke' }).find((run) => run.name === 'broken');
    assert.equal(failed?.status, 'failed');
    const rerun = await context().task('broken', spec, (task) => {
      task.log([{ key: 'loss', value: 1, epoch: 1 }, { key: 'loss', value: 0.5, epoch: 2 }]);
      return { loss: 0.5 };
    });
    assert.notEqual(rerun.run.id, failed!.id);
    assert.ok(!store.listRuns({ studyId: 'demo:smoke' }).some((run) => run.id === failed!.id), 'the stale failed run is gone');
    assert.deepEqual(store.metrics(rerun.run.id, 'loss').map((row) => row.value), [1, 0.5]);
  });
});
