// depth-sweep's smoke profile through the real StudyContext (its table, charts, the runs under its
// study id, a second run that reuses them), and the variants it trains: equal parameter counts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { depthSweep, depthSweepSettings, depthVariants } from '../../src/studies/depth-sweep.js';
import { mlpAutoencoderParameters } from '../../src/studies/sweep-widths.js';
import { charts, smokeRunBefore } from './study-harness.js';

const settings = depthSweepSettings.smoke;

test('depthVariants: at every depth of the full profile, one constant-width model and one within 2% of the 1-layer parameter count', () => {
  const variants = depthVariants(depthSweepSettings.full);
  const budget = variants.find((v) => v.depth === 1)!.parameters;
  assert.equal(variants.length, 8);
  for (const v of variants) {
    assert.equal(v.hidden.length, v.depth);
    if (v.family === 'constant width') assert.deepEqual(v.hidden, new Array(v.depth).fill(256));
    else assert.ok(Math.abs(v.parameters - budget) / budget < 0.02, `${v.hidden}: ${v.parameters} against ${budget}`);
  }
  const widths = variants.filter((v) => v.family === 'equal parameters').map((v) => v.hidden[0]!);
  assert.deepEqual([...widths].sort((a, b) => b - a), widths, 'deeper equal-parameter models are narrower');
});

describe('depth-sweep study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(depthSweep);

  test('trains each distinct hidden-width list once per seed (the 1-layer model is shared by both families)', () => {
    const expected = [...new Set(depthVariants(settings).map((v) => `hidden=${v.hidden.join('-')},seed=0`))].sort();
    assert.equal(expected.length, 3, 'smoke settings changed: update this test');
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), expected);
    assert.ok(runs.every((run) => run.status === 'finished' && run.config.latent === 16 && run.config.epochs === 1));
  });

  test('table: one row per family and depth with parameter counts and losses', () => {
    assert.equal(first().result.tables.length, 1);
    const [table] = first().result.tables;
    assert.equal(table!.name, 'depth');
    assert.deepEqual(table!.columns, ['family', 'hidden layers', 'units per layer', 'parameters', 'parameters / 1-layer model', 'seeds', 'mean train loss', 'mean test loss', 'test loss std over seeds']);
    assert.deepEqual(table!.rows.map((row) => [row[0], row[1]]), [['constant width', 1], ['constant width', 2], ['equal parameters', 1], ['equal parameters', 2]]);
    for (const [family, depth, width, parameters, ratio, seeds, train, testLoss, spread] of table!.rows) {
      if (family === 'constant width') assert.equal(width, settings.width);
      assert.equal(parameters, mlpAutoencoderParameters(784, new Array(depth as number).fill(width), 16));
      assert.equal(seeds, 1);
      assert.equal(spread, null, 'one seed has no spread');
      assert.ok(typeof train === 'number' && train > 0 && typeof testLoss === 'number' && testLoss > 0);
      if (family === 'equal parameters') assert.ok(Math.abs((ratio as number) - 1) < 0.02, `ratio ${ratio}`);
      else assert.equal(ratio, (parameters as number) / (table!.rows[0]![3] as number));
    }
    assert.ok((table!.rows[1]![4] as number) > 1.05, 'a second layer of constant width adds parameters');
  });

  test('sections: test loss against depth, and train and test curves', () => {
    assert.deepEqual(first().result.sections.map((s) => s.title), ['Test loss against depth', 'Loss curves']);
    const svgs = charts(first().result.sections);
    assert.equal(svgs.length, 3);
    assert.ok(svgs.every((svg) => svg.startsWith('<svg')));
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
