// activation-table's smoke profile through the real StudyContext: the table of final losses, a
// loss chart and a reconstruction grid per activation, the runs with their per-activation
// learning rates under the study id, and a second run that reuses them; and its finding: every
// activation gains from more hidden units, identity and negation agree and head for PCA's optimum.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { activationTable, activationTableSettings, createActivationTableStudy, learningRate, type ActivationTableSettings } from '../../src/studies/activation-table.js';
import { loadDataset } from '../../src/data/datasets.js';
import { PCA } from '../../src/reduce/pca.js';
import { tidy } from '../../src/tensor/scope.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { charts, images, meanImageError, pngSize, smokeRunBefore } from './study-harness.js';

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
    // What the losses say is the finding test's (below); here, that each row holds its run's finals.
    const runs = first().store.listRuns({ studyId: first().studyId });
    for (const row of table!.rows) {
      const final = first().store.finalMetrics(runs.find((run) => run.name === `${row[0]},hidden=${row[1]}`)!.id);
      assert.deepEqual(row.slice(3), [final.train_loss, final.test_loss]);
    }
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

// The finding, on settings where it is robust (injected as the smoke profile): all five
// activations at 25 and 100 hidden units, 4 epochs of 4,000 digits (500 SGD steps of 32). Fewer
// than 25 units diverge at the study's rates (the decoder's initial columns are too large), so 25
// is the smallest size. Measured test losses (½‖x − x̂‖² per digit; mean image 26.0, PCA 8.0 and
// 2.3): 25 → 100 units, ReLU 23.7 → 14.9, sigmoid 24.5 → 20.6, tanh 20.4 → 9.9, identity and
// negation 22.0 / 22.3 → 12.5 (within 1.5% of each other). Plain SGD at 0.005 approaches the linear
// optimum slowly (identity, 50 units: 1.9 × PCA's error after 3,000 steps), so the test asks for
// part of the way there. An untrained model scores ~50, twice the mean image's, whatever its size.
const findingSettings: ActivationTableSettings = { activations: ['relu', 'sigmoid', 'tanh', 'identity', 'negative'], hidden: [25, 100], epochs: 4, data: { trainLimit: 4000, testLimit: 500 } };

/**
 * ½‖x − x̂‖² per digit on the test subset, for PCA with k components fitted on the training subset,
 * for each k: one exact fit with the most components, whose first k are PCA's with k.
 */
function pcaTestErrors(ks: readonly number[]): number[] {
  const rows = (split: 'train' | 'test', limit?: number): Tensor => {
    const set = loadDataset('mnist', { split, limit });
    set.targets.dispose();
    return tidy(() => set.inputs.flatten(1)); // [N, 784]
  };
  const [train, test] = [rows('train', findingSettings.data.trainLimit), rows('test', findingSettings.data.testLimit)];
  const pca = new PCA({ nComponents: Math.max(...ks), svdSolver: 'covariance_eigh' }).fit(train);
  try {
    return ks.map((k) =>
      tidy(() => {
        const axes = pca.components.narrow(0, 0, k); // [k, 784]
        const centred = test.sub(pca.mean);
        return centred.matmul(axes.T).matmul(axes).sub(centred).square().sum({ dim: 1 }).mean().item() / 2;
      }),
    );
  } finally {
    [train, test].forEach((t) => t.dispose());
    pca.dispose();
  }
}

describe('activation-table finding: every activation gains from more hidden units; identity and negation agree, on the way to PCA', () => {
  const { first } = smokeRunBefore(createActivationTableStudy({ ...activationTableSettings, smoke: findingSettings }));
  const [small, large] = findingSettings.hidden as [number, number];
  const testLoss = (label: string, hidden: number) => first().result.tables[0]!.rows.find((row) => row[0] === label && row[1] === hidden)![4] as number;
  const labels = ['ReLU', 'sigmoid', 'tanh', 'identity', 'negative (−a)'];

  test(`every activation: test loss at ${large} units ≤ 0.9 × at ${small}, and below the mean image`, (t) => {
    const baseline = (784 / 2) * meanImageError('mnist', findingSettings.data); // ½‖x − x̄‖² per digit
    for (const label of labels) {
      const [lossSmall, lossLarge] = [testLoss(label, small), testLoss(label, large)];
      const seen = `${label}: ${lossSmall.toFixed(2)} at ${small} units, ${lossLarge.toFixed(2)} at ${large} (ratio ${(lossLarge / lossSmall).toFixed(2)}); mean image ${baseline.toFixed(2)}`;
      t.diagnostic(seen);
      // 0.9: the smallest gain seen is sigmoid's 0.84; the others' are 0.49–0.63.
      assert.ok(lossLarge <= 0.9 * lossSmall, `the loss did not fall with the hidden size: ${seen}`);
      assert.ok(lossSmall < baseline && lossLarge < 0.85 * baseline, `no better than the mean image: ${seen}`);
    }
  });

  test('identity and negation: within 5% of each other, above the PCA optimum, and past 40% of the way from the mean image to it at 100 units', (t) => {
    const baseline = (784 / 2) * meanImageError('mnist', findingSettings.data);
    const optima = pcaTestErrors([small, large]);
    for (const [i, hidden] of [small, large].entries()) {
      const optimum = optima[i]!;
      const [identity, negative] = [testLoss('identity', hidden), testLoss('negative (−a)', hidden)];
      const way = (loss: number) => ((baseline - loss) / (baseline - optimum)).toFixed(2);
      const seen = `${hidden} units: identity ${identity.toFixed(2)}, negative ${negative.toFixed(2)} (${way(identity)}, ${way(negative)} of the way); PCA ${optimum.toFixed(2)}, mean image ${baseline.toFixed(2)}`;
      t.diagnostic(seen);
      // The same linear model up to the sign of W₁, from the same seed: the two runs differ by ≤ 1.5% (measured).
      assert.ok(Math.abs(identity - negative) <= 0.05 * Math.min(identity, negative), `identity and negation disagree: ${seen}`);
      for (const loss of [identity, negative]) {
        // PCA (with the mean) is the best rank-k reconstruction of the training digits; a bias-free
        // linear model cannot beat it on them, and on the test digits only by sampling error (2% bounds it).
        assert.ok(loss >= 0.98 * optimum, `a linear model beat PCA: ${seen}`);
        // The fraction of the way from the mean image to the optimum: 0.57 seen at 100 units, 0.22 at 25.
        if (hidden === large) assert.ok((baseline - loss) / (baseline - optimum) >= 0.4, `not on its way to the linear optimum: ${seen}`);
      }
    }
  });
});
