// The optimizer-table study on its smoke profile against a temporary run store: the table's shape,
// the runs recorded under the study's id, their reuse on a second run, and a diverged run in the table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { optimizerTable, optimizerTableProfiles } from '../../src/studies/optimizer-table.js';
import { smokeRunBefore } from './study-harness.js';

describe('optimizer-table study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(optimizerTable);

  test('the table has a row per optimizer and step size, with an accuracy in [0, 1] or "diverged"', () => {
    const { tables } = first().result;
    const [table] = tables;
    assert.equal(tables.length, 1);
    assert.deepEqual(table!.columns, ['optimizer', 'step size', 'mean accuracy', 'std', 'per seed', 'seeds diverged']);
    assert.equal(table!.rows.length, 15);
    assert.deepEqual(new Set(table!.rows.map((row) => row[0])), new Set(['SGD', 'SGD + momentum 0.9', 'RMSProp', 'Adam', 'AdaGrad']));
    assert.deepEqual(new Set(table!.rows.map((row) => row[1])), new Set([0.5, 1e-2, 1e-5]));
    for (const [, , mean, std, perSeed, diverged] of table!.rows) {
      assert.ok(mean === 'diverged' || (typeof mean === 'number' && mean >= 0 && mean <= 1), `mean ${mean}`);
      assert.equal(std, null, 'one seed in the smoke profile: no standard deviation');
      assert.equal(String(perSeed).split(', ').length, optimizerTableProfiles.smoke.seeds);
      assert.ok(typeof diverged === 'number' && diverged >= 0 && diverged <= optimizerTableProfiles.smoke.seeds);
    }
  });

  test('frees every tensor it made (data, models, optimizer state)', () => {
    assert.equal(first().leakedTensors, 0);
  });

  test('a loss chart per step size', () => {
    const [section] = first().result.sections;
    const grid = section!.blocks[0]!;
    assert.equal(grid.kind, 'grid');
    assert.equal(grid.kind === 'grid' && grid.blocks.length, 3);
    if (grid.kind === 'grid') for (const block of grid.blocks) assert.ok(block.kind === 'text' || (block.kind === 'chart' && block.svg.startsWith('<svg')));
  });

  test('records one finished mlp-classifier run per (optimizer, step size, seed) with per-epoch metrics', () => {
    const { store, studyId } = first();
    const runs = store.listRuns({ studyId });
    assert.equal(runs.length, 15 * optimizerTableProfiles.smoke.seeds);
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      assert.equal(run.model, 'mlp-classifier');
      assert.equal(run.dataset, 'mnist');
      const final = store.finalMetrics(run.id);
      assert.ok(final.test_accuracy! >= 0 && final.test_accuracy! <= 1);
      assert.ok(final.diverged === 0 || final.diverged === 1);
      if (final.diverged === 0) assert.equal(store.metrics(run.id, 'train_loss').length, optimizerTableProfiles.smoke.epochs);
    }
  });

  test('a second run reuses every finished run and gives the same table', async () => {
    const { store, studyId, result } = first();
    const ids = store.listRuns({ studyId }).map((run) => run.id).sort();
    const again = (await harness.run()).result;
    assert.deepEqual(store.listRuns({ studyId }).map((run) => run.id).sort(), ids);
    assert.deepEqual(again.tables, result.tables);
  });

  test('a run recorded as diverged shows as "diverged" in the table and is left out of the mean', async () => {
    // The smoke profile is too short to diverge, so one finished run's record is made to say it did.
    const { store, studyId } = first();
    const run = store.listRuns({ studyId }).find((r) => r.name === 'adam-lr0.5-seed0')!;
    const step = Math.max(...store.metrics(run.id).map((row) => row.step)) + 1;
    store.logMetrics(run.id, [
      { key: 'train_loss', value: Number.NaN, epoch: 1, step },
      { key: 'test_accuracy', value: 0.1, epoch: 1, step },
      { key: 'diverged', value: 1, step },
    ]);
    const again = (await harness.run()).result;
    const rows = again.tables[0]!.rows;
    assert.deepEqual(rows.find((row) => row[0] === 'Adam' && row[1] === 0.5), ['Adam', 0.5, 'diverged', null, 'diverged', 1]);
    assert.deepEqual(rows.filter((row) => row[5] !== 0).length, 1);
  });
});
