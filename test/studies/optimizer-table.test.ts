// The optimizer-table study on its smoke profile against a temporary run store: the table's shape,
// the runs recorded under the study's id, their reuse on a second run, and a diverged run in the table;
// then its finding, on settings long enough to show it: which optimizer learns at which step size.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizerTableStudy, optimizerTable, optimizerTableProfiles, type OptimizerTableSettings } from '../../src/studies/optimizer-table.js';
import { smokeRunBefore } from './study-harness.js';

describe('optimizer-table study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(optimizerTable);

  test('the table has a row per optimizer and step size, with an accuracy or "diverged"', () => {
    const { tables } = first().result;
    const [table] = tables;
    assert.equal(tables.length, 1);
    assert.deepEqual(table!.columns, ['optimizer', 'step size', 'mean accuracy', 'std', 'diverged', 'per seed', 'seeds diverged']);
    assert.equal(table!.rows.length, 15);
    assert.deepEqual(new Set(table!.rows.map((row) => row[0])), new Set(['SGD', 'SGD + momentum 0.9', 'RMSProp', 'Adam', 'AdaGrad']));
    assert.deepEqual(new Set(table!.rows.map((row) => row[1])), new Set([0.5, 1e-2, 1e-5]));
    for (const [, , mean, std, mark, perSeed, diverged] of table!.rows) {
      assert.ok(typeof mean === 'number' && mean >= 0 && mean <= 1, `mean ${mean}`);
      assert.equal(mark, diverged === 0 ? null : `diverged (${diverged} of ${optimizerTableProfiles.smoke.seeds})`);
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
      assert.ok(Number.isFinite(final.test_accuracy));
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

  test('a run recorded as diverged is marked "diverged" beside the mean, which includes it (as published)', async () => {
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
    assert.deepEqual(rows.find((row) => row[0] === 'Adam' && row[1] === 0.5), ['Adam', 0.5, 0.1, null, 'diverged (1 of 1)', '0.1000 (diverged)', 1]);
    assert.deepEqual(rows.filter((row) => row[6] !== 0).length, 1);
  });
});

describe('optimizer-table: the mean over seeds includes the diverged ones', () => {
  // Two seeds, one of them recorded as diverged at accuracy 0.1: the mean is the mean of both.
  const { first, harness } = smokeRunBefore(createOptimizerTableStudy({ ...optimizerTableProfiles, smoke: { ...optimizerTableProfiles.smoke, seeds: 2 } }));

  test('mean and std over both seeds, the mark and the per-seed values beside', async () => {
    const { store, studyId } = first();
    const runs = store.listRuns({ studyId });
    const [diverging, other] = ['sgd-lr0.01-seed1', 'sgd-lr0.01-seed0'].map((name) => runs.find((r) => r.name === name)!);
    const step = Math.max(...store.metrics(diverging!.id).map((row) => row.step)) + 1;
    store.logMetrics(diverging!.id, [
      { key: 'test_accuracy', value: 0.1, epoch: 1, step },
      { key: 'diverged', value: 1, step },
    ]);
    const kept = store.finalMetrics(other!.id).test_accuracy!;
    const row = (await harness.run()).result.tables[0]!.rows.find((r) => r[0] === 'SGD' && r[1] === 0.01)!;
    assert.ok(Math.abs((row[2] as number) - (kept + 0.1) / 2) < 1e-12, `mean ${row[2]}, expected the mean of ${kept} and 0.1`);
    assert.ok(Math.abs((row[3] as number) - Math.abs(kept - 0.1) / Math.SQRT2) < 1e-12, `std ${row[3]}`);
    assert.deepEqual(row.slice(4), ['diverged (1 of 2)', `${kept.toFixed(4)}, 0.1000 (diverged)`, 1]);
  });
});

// 1,000 training digits for 2 epochs (20 steps of 100), two seeds, accuracy on 500 test digits: the
// whole table in about 4 s on one thread. Measured: Adam at 1e-2 0.85 (0.81, 0.88), SGD at 1e-5
// 0.09 (chance), SGD at 0.5 0.72 against Adam at 0.5 0.21.
const finding: OptimizerTableSettings = { epochs: 2, seeds: 2, batch: 100, trainLimit: 1000, testLimit: 500 };
const chance = 0.1;

describe('optimizer-table study finding: the step size each optimizer needs', () => {
  const { first } = smokeRunBefore(createOptimizerTableStudy({ ...optimizerTableProfiles, smoke: finding }));
  /** The cell's mean accuracy over every seed, or 'diverged' when every seed did. */
  const cell = (optimizer: string, lr: number): number | 'diverged' => {
    const row = first().result.tables[0]!.rows.find((r) => r[0] === optimizer && r[1] === lr)!;
    return row[6] === finding.seeds ? 'diverged' : (row[2] as number);
  };
  const learned = (optimizer: string, lr: number): number => {
    const row = first().result.tables[0]!.rows.find((r) => r[0] === optimizer && r[1] === lr)!;
    assert.equal(row[6], 0, `${optimizer} at ${lr} diverged`);
    return row[2] as number;
  };

  test('Adam at 1e-2 is far above chance and far above SGD at 1e-5', (t) => {
    const [adam, sgd] = [learned('Adam', 1e-2), learned('SGD', 1e-5)];
    t.diagnostic(`mean test accuracy over ${finding.seeds} seeds: Adam at 1e-2 ${adam.toFixed(3)}, SGD at 1e-5 ${sgd.toFixed(3)}`);
    // Twenty steps of Adam reach about 85%; an untrained network scores about chance.
    assert.ok(adam >= 6 * chance, `Adam at 1e-2: accuracy ${adam} is not far above chance (${chance})`);
    // SGD's steps of 1e-5 barely move the weights in 20 steps: it stays near chance.
    assert.ok(adam >= sgd + 0.4, `Adam at 1e-2 (${adam}) is not 0.4 above SGD at 1e-5 (${sgd})`);
  });

  test('at 0.5, SGD learns while Adam does not', (t) => {
    const [sgd, adam] = [learned('SGD', 0.5), cell('Adam', 0.5)];
    t.diagnostic(`mean test accuracy over ${finding.seeds} seeds: SGD at 0.5 ${sgd.toFixed(3)}, Adam at 0.5 ${adam === 'diverged' ? adam : adam.toFixed(3)}`);
    assert.ok(sgd >= 5 * chance, `SGD at 0.5: accuracy ${sgd} is not well above chance (${chance})`);
    // Adam's first steps move every weight by about 0.5, which wrecks the network: it diverges or stays poor.
    assert.ok(adam === 'diverged' || sgd >= adam + 0.3, `SGD at 0.5 (${sgd}) is not 0.3 above Adam at 0.5 (${adam})`);
  });
});
