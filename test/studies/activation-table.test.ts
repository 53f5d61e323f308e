// activation-table's smoke profile through the real StudyContext: the table of final losses, a
// loss chart and a reconstruction grid per activation, the runs with their per-activation
// learning rates under the study id, and a second run that reuses them; and its finding: per-sample
// SGD with the decaying step brings identity and negation to the linear optimum, below 25 units
// too, and the unit-norm variant with them; an untrained model is far from it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { activationTable, activationTableSettings, createActivationTableStudy, learningRate, lrDecay, type ActivationTableSettings } from '../../src/studies/activation-table.js';
import { linearOptimumTestLosses } from '../../src/studies/activation-optimum.js';
import { loadDataset } from '../../src/data/datasets.js';
import { linalg, manualSeed, noGrad, tidy } from '../../src/tensor/index.js';
import { ShallowAutoencoder } from '../../src/models/shallow-ae.js';
import { assertSecondRunReuses, charts, images, pngSize, smokeRunBefore } from './study-harness.js';

const settings = activationTableSettings.smoke;

test('learning rates: 0.01 for tanh, 0.005 for the others, ending each run at a seventh', () => {
  assert.equal(learningRate('tanh'), 0.01);
  for (const activation of ['relu', 'sigmoid', 'identity', 'negative'] as const) assert.equal(learningRate(activation), 0.005);
  // lr / (1 + lrDecay·epochs) at the end of the run.
  for (const epochs of [1, 2, 20, 30]) assert.ok(Math.abs(1 / (1 + lrDecay(epochs) * epochs) - 1 / 7) < 1e-15, `${epochs} epochs`);
});

describe('activation-table study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(activationTable);

  test('trains the bias-free shallow autoencoder by per-sample SGD (batch 1, the step falling as 1 / (1 + t) to a seventh) on ½‖x − x̂‖², one run per activation and hidden size, the few-unit and unit-norm runs', () => {
    assert.deepEqual([settings.activations, settings.hidden, settings.fewUnits.hidden, settings.unitNorm.activations], [['sigmoid', 'tanh'], [25], [5], ['sigmoid']], 'smoke settings changed: update this test');
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), ['identity,hidden=5', 'sigmoid,hidden=25', 'sigmoid,hidden=25,unit-norm', 'tanh,hidden=25']);
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      const { model, reconstruction, optimizer, batch, lr, activation, unitNorm, epochs } = run.config;
      assert.deepEqual({ model, reconstruction, optimizer, batch }, { model: 'shallow-ae', reconstruction: 'half-sse', optimizer: 'sgd', batch: 1 });
      assert.equal(run.config.lrDecay, lrDecay(epochs as number), 'the step ends each run at a seventh of the initial one');
      assert.equal(lr, learningRate(activation as 'tanh' | 'sigmoid'));
      assert.equal(unitNorm, run.name!.endsWith('unit-norm') ? true : undefined);
    }
  });

  test('tables: final losses beside the linear optimum, the few-unit identity model, the unit-norm variant beside the free one', () => {
    const [losses, fewUnits, unitNorm] = first().result.tables;
    assert.deepEqual(first().result.tables.map((t) => t.name), ['losses', 'few-units', 'unit-norm']);
    const columns = ['activation', 'hidden units', 'initial learning rate', 'train loss', 'test loss', 'linear optimum (test)', 'test loss / optimum'];
    assert.deepEqual([losses!.columns, fewUnits!.columns, unitNorm!.columns], [columns, columns, [...columns, 'test loss without the constraint']]);
    assert.deepEqual(losses!.rows.map((row) => row.slice(0, 3)), [['sigmoid', 25, 0.005], ['tanh', 25, 0.01]]);
    assert.deepEqual(fewUnits!.rows.map((row) => row.slice(0, 3)), [['identity', 5, 0.005]]);
    assert.deepEqual(unitNorm!.rows.map((row) => row.slice(0, 3)), [['sigmoid', 25, 0.005]]);
    // What the losses say is the finding test's (below); here, that each row holds its run's finals and the optimum.
    const runs = first().store.listRuns({ studyId: first().studyId });
    const optima = linearOptimumTestLosses('mnist', settings.data, [5, 25]);
    const check = (row: (string | number | null)[], name: string) => {
      const final = first().store.finalMetrics(runs.find((run) => run.name === name)!.id);
      const optimum = optima[row[1] === 5 ? 0 : 1]!;
      assert.deepEqual(row.slice(3, 6), [final.train_loss, final.test_loss, optimum]);
      assert.ok(Math.abs((row[6] as number) - final.test_loss! / optimum) < 1e-12);
    };
    for (const row of losses!.rows) check(row, `${row[0]},hidden=${row[1]}`);
    check(fewUnits!.rows[0]!, 'identity,hidden=5');
    check(unitNorm!.rows[0]!, 'sigmoid,hidden=25,unit-norm');
    assert.equal(unitNorm!.rows[0]![7], losses!.rows[0]![4], 'beside it, the free sigmoid row of the same size');
  });

  test('sections: a loss chart and a reconstruction grid per activation, the few-unit and the unit-norm reconstructions', () => {
    const { sections } = first().result;
    assert.deepEqual(sections.map((s) => s.title), ['Loss curves by activation', 'Reconstructions by activation and hidden size', 'What a few linear units can represent', 'Reconstructions with unit-norm weights']);
    const svgs = charts(sections);
    assert.equal(svgs.length, settings.activations.length);
    assert.ok(svgs.every((svg) => svg.startsWith('<svg')));
    const grids = images(sections);
    assert.deepEqual(grids.map((g) => g.caption!.split(':')[0]), ['sigmoid', 'tanh', 'identity', 'sigmoid, unit norm']);
    // Test digits above one row per hidden size: 10 digits of 28 pixels with 2 of padding.
    for (const grid of grids) assert.deepEqual(pngSize(grid.png), { width: 302, height: 30 * 2 + 2 });
  });

  test('a second run reuses every finished run and gives the same table', () => assertSecondRunReuses(first, harness, { silent: true }));
});

// The linear optimum against an independent route: the best rank-k bias-free reconstruction of the
// training digits X is the projection onto X's top-k right singular vectors (Eckart–Young), the
// same subspace as the top-k eigenvectors of XᵀX/N that the study takes.
test('linearOptimumTestLosses: the test loss of the projection onto the top-k right singular vectors of the (uncentred) training digits', () => {
  const limits = { trainLimit: 400, testLimit: 300 };
  const rows = (split: 'train' | 'test', limit: number) => {
    const set = loadDataset('mnist', { split, limit });
    set.targets.dispose();
    return tidy(() => set.inputs.flatten(1).to('float64')); // [N, 784]
  };
  const [train, test] = [rows('train', limits.trainLimit), rows('test', limits.testLimit)];
  try {
    const ks = [1, 5, 50];
    const expected = tidy(() => {
      const v = linalg.svd(train, { fullMatrices: false }).Vh.T; // [784, 400], by descending singular value
      return ks.map((k) => {
        const vk = v.narrow(1, 0, k);
        return test.sub(test.matmul(vk).matmul(vk.T)).square().sum({ dim: 1 }).mean().item() / 2;
      });
    });
    const found = linearOptimumTestLosses('mnist', limits, ks);
    // float64 throughout: the two routes agree to rounding (1e-9 relative).
    ks.forEach((k, i) => assert.ok(Math.abs(found[i]! - expected[i]!) <= 1e-9 * expected[i]!, `k = ${k}: ${found[i]} against ${expected[i]}`));
    assert.ok(found[0]! > found[1]! && found[1]! > found[2]!, 'more components, less loss');
  } finally {
    [train, test].forEach((t) => t.dispose());
  }
});

// The finding, on settings where it is robust (injected as the smoke profile): identity and
// negation at 10 and 25 hidden units, 2 epochs of 2,000 digits (4,000 per-sample SGD steps, the
// step falling from 0.005 to a seventh of it); the identity model with 5 units for 4 epochs; the
// unit-norm identity model at 10 units. Measured under contention (test loss / linear optimum):
// identity 1.010 and negation 1.013 at 10 units (at the constant step 0.005: 1.047, 1.075), 1.163
// and 1.166 at 25 (more units need more steps: the 25th eigenvalue is small; see the study's
// notes for 6 epochs of 10,000 digits: 1.005); 5 units 1.001; unit norm at 10 units 1.013. The
// minibatch-mean schedule the study had before (batches of 32 at the same step) left identity at
// 2.7 × the optimum, and it diverged below 25 units. An untrained model (weights near 0, x̂ ≈ 0)
// scores about ½‖x‖² = 40.2, 3 to 5 × the optimum (checked below).
const findingSettings: ActivationTableSettings = {
  activations: ['identity', 'negative'],
  hidden: [10, 25],
  epochs: 2,
  data: { trainLimit: 2000, testLimit: 500 },
  fewUnits: { hidden: [5], epochs: 4 },
  unitNorm: { activations: ['identity'], hidden: [10] },
};

describe('activation-table finding: per-sample SGD brings identity and negation near the linear optimum at every size, below 25 units too', () => {
  const { first } = smokeRunBefore(createActivationTableStudy({ ...activationTableSettings, smoke: findingSettings }));
  const table = (name: string) => first().result.tables.find((t) => t.name === name)!;
  const rowOf = (name: string, label: string, hidden: number) => table(name).rows.find((row) => row[0] === label && row[1] === hidden)!;

  test('identity and negation: finite, above 0.98 × the optimum, within 5% of it at 10 units and 25% at 25, within 5% of each other', (t) => {
    for (const hidden of findingSettings.hidden) {
      const [identity, negative] = [rowOf('losses', 'identity', hidden), rowOf('losses', 'negative (−a)', hidden)];
      const seen = `${hidden} units: identity ${(identity[4] as number).toFixed(3)} (${(identity[6] as number).toFixed(3)} × optimum), negation ${(negative[4] as number).toFixed(3)} (${(negative[6] as number).toFixed(3)} ×); optimum ${(identity[5] as number).toFixed(3)}`;
      t.diagnostic(seen);
      for (const row of [identity, negative]) {
        const ratio = row[6] as number;
        assert.ok(Number.isFinite(ratio), `diverged: ${seen}`);
        // The optimum is the best a bias-free rank-k map does on the training digits; on test digits only sampling error lets a model beat it.
        assert.ok(ratio >= 0.98, `a linear model beat the linear optimum: ${seen}`);
        assert.ok(ratio <= (hidden === 10 ? 1.05 : 1.25), `not near the linear optimum: ${seen}`);
      }
      assert.ok(Math.abs((identity[4] as number) - (negative[4] as number)) <= 0.05 * Math.min(identity[4] as number, negative[4] as number), `identity and negation disagree: ${seen}`);
    }
  });

  test('the identity model with 5 units trains (it diverged before) and ends within 3% of its optimum, above the 10-unit model', (t) => {
    const few = rowOf('few-units', 'identity', 5);
    const ten = rowOf('losses', 'identity', 10);
    t.diagnostic(`5 units: ${(few[4] as number).toFixed(3)} (${(few[6] as number).toFixed(3)} × optimum ${(few[5] as number).toFixed(3)}); 10 units: ${(ten[4] as number).toFixed(3)}`);
    assert.ok(Number.isFinite(few[6] as number) && (few[6] as number) >= 0.98 && (few[6] as number) <= 1.03, `5 units: ${few}`);
    assert.ok((few[4] as number) > (ten[4] as number), 'five directions cannot represent what ten do');
  });

  test('unit-norm identity at 10 units: within 5% of the optimum, no worse than the free model + 2%', (t) => {
    const row = rowOf('unit-norm', 'identity', 10);
    const [loss, ratio, free] = [row[4] as number, row[6] as number, row[7] as number];
    t.diagnostic(`unit norm ${loss.toFixed(3)} (${ratio.toFixed(3)} × optimum), free ${free.toFixed(3)}`);
    assert.ok(ratio >= 0.98 && ratio <= 1.05, `unit norm: ${ratio} × the optimum`);
    assert.ok(loss <= 1.02 * free, `unit norm ${loss} against free ${free}`);
  });

  test('baseline: an untrained identity model at 10 units is far from the optimum (at least 1.5 ×), where the trained one is within 5%', (t) => {
    const optimum = rowOf('losses', 'identity', 10)[5] as number;
    const set = loadDataset('mnist', { split: 'test', limit: findingSettings.data.testLimit });
    manualSeed(0);
    const model = new ShallowAutoencoder({ inputShape: [1, 28, 28], latent: 10, activation: 'identity', reconstruction: 'half-sse' });
    try {
      const loss = noGrad(() => tidy(() => set.inputs.sub(model.decode(model.encode(set.inputs))).square().flatten(1).sum({ dim: 1 }).mean().item() / 2));
      t.diagnostic(`untrained: ${loss.toFixed(3)} (${(loss / optimum).toFixed(3)} × optimum ${optimum.toFixed(3)})`);
      assert.ok(loss / optimum >= 1.5, `an untrained model is within ${loss / optimum} × the optimum`);
    } finally {
      model.dispose();
      [set.inputs, set.targets].forEach((x) => x.dispose());
    }
  });
});
