// depth-sweep's smoke profile through the real StudyContext (its table, charts, the runs under its
// study id, a second run that reuses them), the variants it trains (equal parameter counts), and
// its finding at a short budget of steps: depth alone costs, size at a fixed depth does not.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDepthSweepStudy, depthSweep, depthSweepSettings, depthVariants, type DepthSweepSettings } from '../../src/studies/depth-sweep.js';
import { mlpAutoencoderParameters } from '../../src/studies/sweep-widths.js';
import { assertSecondRunReuses, charts, meanImageError, smokeRunBefore } from './study-harness.js';

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
      // What the losses say about depth is the finding test's (below); here, that they are the runs' finals.
      const finals = (key: string) => first().store.listRuns({ studyId: first().studyId }).filter((run) => run.name === `hidden=${new Array(depth as number).fill(width).join('-')},seed=0`).map((run) => first().store.finalMetrics(run.id)[key]);
      assert.deepEqual([[train], [testLoss]], [finals('train_loss'), finals('test_loss')]);
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

  test('a second run reuses every finished run and gives the same table', () => assertSecondRunReuses(first, harness, { silent: true }));
});

// The finding, on settings where it is robust (injected as the smoke profile): depths 1 and 2 at
// width 64, two seeds, 10 epochs of 6,000 digits (~470 Adam steps of 128). Measured over seeds
// 0–3: the 1-layer model's mean test MSE 0.034–0.036; the 2-layer ones 0.045–0.047 (constant
// width) and 0.047 (equal parameters), 1.3–1.4 times the 1-layer's; all ≤ 0.72 of the mean
// image's 0.066. At this budget depth alone buys nothing: the deeper, narrower model trains slower.
// An untrained model (sigmoid output ≈ 0.5) scores ~0.2, three times the mean image's.
const findingSettings: DepthSweepSettings = { depths: [1, 2], width: 64, seeds: [0, 1], epochs: 10, data: { trainLimit: 6000, testLimit: 500 } };

describe('depth-sweep finding: at a short budget the 1-layer model is best, every model well below the mean image', () => {
  const { first } = smokeRunBefore(createDepthSweepStudy({ ...depthSweepSettings, smoke: findingSettings }));

  test('mean test loss: every model < 0.85 of the mean image; 2 layers at equal parameters ≥ 1.15 × 1 layer; constant width ≤ 1.05 × equal parameters', (t) => {
    const [table] = first().result.tables;
    const meanTest = (family: string, depth: number) => table!.rows.find((row) => row[0] === family && row[1] === depth)![7] as number;
    const baseline = meanImageError('mnist', findingSettings.data);
    const [one, deepEqual, deepWide] = [meanTest('equal parameters', 1), meanTest('equal parameters', 2), meanTest('constant width', 2)];
    const seen = `1 layer ${one.toFixed(4)}, 2 layers: equal parameters ${deepEqual.toFixed(4)}, constant width ${deepWide.toFixed(4)}; mean image ${baseline.toFixed(4)}`;
    t.diagnostic(seen);
    for (const loss of [one, deepEqual, deepWide]) assert.ok(loss < 0.85 * baseline, `a model did not learn beyond the mean image: ${seen}`);
    // 1.15: the gap seen is 1.3–1.4, the spread of a mean of two seeds ≤ 5%.
    assert.ok(deepEqual >= 1.15 * one, `depth alone no longer costs at this budget: ${seen}`);
    // Size at a fixed depth (8% more parameters) never hurt (seen 1–5% better); 5% is the seeds' spread.
    assert.ok(deepWide <= 1.05 * deepEqual, `the larger 2-layer model is worse than the equal-parameter one: ${seen}`);
  });
});
