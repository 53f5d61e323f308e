// activation-table's smoke profile through the real StudyContext: the table of final losses, a
// loss chart and a reconstruction grid per activation, the runs with their per-activation
// learning rates under the study id, and a second run that reuses them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { activationTable, activationTableSettings, learningRate } from '../../src/studies/activation-table.js';
import { charts, images, pngSize, smokeRunBefore } from './study-harness.js';

const settings = activationTableSettings.smoke;

test('learning rates: 0.01 for tanh, 0.005 for the others', () => {
  assert.equal(learningRate('tanh'), 0.01);
  for (const activation of ['relu', 'sigmoid', 'identity', 'negative'] as const) assert.equal(learningRate(activation), 0.005);
});

describe('activation-table study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(activationTable);

  test('trains the bias-free shallow autoencoder by plain SGD on ½‖x − x̂‖², one run per activation and hidden size', () => {
    assert.deepEqual([settings.activations, settings.hidden], [['sigmoid', 'tanh'], [25]], 'smoke settings changed: update this test');
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), ['sigmoid,hidden=25', 'tanh,hidden=25']);
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      const { model, reconstruction, optimizer, batch, lr, activation, latent } = run.config;
      assert.deepEqual({ model, reconstruction, optimizer, batch, latent }, { model: 'shallow-ae', reconstruction: 'half-sse', optimizer: 'sgd', batch: 32, latent: 25 });
      assert.equal(lr, learningRate(activation as 'tanh' | 'sigmoid'));
    }
  });

  test('table: one row per activation and hidden size with its final train and test loss', () => {
    assert.equal(first().result.tables.length, 1);
    const [table] = first().result.tables;
    assert.equal(table!.name, 'losses');
    assert.deepEqual(table!.columns, ['activation', 'hidden units', 'learning rate', 'train loss', 'test loss']);
    assert.deepEqual(table!.rows.map((row) => row.slice(0, 3)), [['sigmoid', 25, 0.005], ['tanh', 25, 0.01]]);
    // ½‖x − x̂‖² per digit: tens for a barely trained model, far above a per-pixel mean.
    for (const row of table!.rows) for (const value of row.slice(3)) assert.ok(typeof value === 'number' && value > 1 && value < 1000, `row ${row}`);
    const finals = first().store.listRuns({ studyId: first().studyId }).map((run) => first().store.finalMetrics(run.id).test_loss);
    assert.deepEqual(new Set(table!.rows.map((row) => row[4])), new Set(finals));
  });

  test('sections: a loss chart and a reconstruction grid per activation', () => {
    const { sections } = first().result;
    assert.deepEqual(sections.map((s) => s.title), ['Loss curves by activation', 'Reconstructions by activation and hidden size']);
    const svgs = charts(sections);
    assert.equal(svgs.length, settings.activations.length);
    assert.ok(svgs.every((svg) => svg.startsWith('<svg')));
    const grids = images(sections);
    assert.deepEqual(grids.map((g) => g.caption!.split(':')[0]), ['sigmoid', 'tanh']);
    // Test digits above one row per hidden size: 10 digits of 28 pixels with 2 of padding.
    for (const grid of grids) assert.deepEqual(pngSize(grid.png), { width: 302, height: 30 * (1 + settings.hidden.length) + 2 });
  });

  test('a second run reuses every finished run and gives the same table', async () => {
    const ids = first().store.listRuns({ studyId: first().studyId }).map((run) => run.id).sort();
    const second = await harness.run();
    assert.deepEqual(first().store.listRuns({ studyId: first().studyId }).map((run) => run.id).sort(), ids);
    assert.deepEqual(second.log, []);
    assert.deepEqual(second.result.tables, first().result.tables);
    assert.deepEqual([first().leakedTensors, second.leakedTensors], [0, 0], 'native tensors left alive by the study');
  });
});
