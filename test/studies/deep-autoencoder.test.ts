// deep-autoencoder: the study's smoke profile through the real StudyContext (runs, table, grid,
// reuse), and its finding at a small budget, injected as the smoke profile: the RBM-pretrained
// autoencoder below PCA with as many components (a baseline computed here, by an eigendecomposition
// of the training covariance) and below the same autoencoder from random initialisation, where an
// untrained autoencoder fails. The published finding (at most half of PCA-30's error) needs the
// quick profile's budget or more: README.
// Run: npx tsc -p . && node --test dist/test/studies/deep-autoencoder.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { linalg, manualSeed, noGrad, tidy } from '../../src/tensor/index.js';
import { loadDataset } from '../../src/data/datasets.js';
import { MlpAutoencoder } from '../../src/models/mlp-ae.js';
import { createDeepAutoencoderStudy, deepAutoencoder, deepAutoencoderSettings, squaredErrorPerImage, type DeepAutoencoderSettings } from '../../src/studies/deep-autoencoder.js';
import { assertSecondRunReuses, images, pngSize, smokeRunBefore } from './study-harness.js';

const settings = deepAutoencoderSettings.smoke;
const errorOf = (table: (string | number | null)[][], method: string) => table.find((row) => row[0] === method)![2] as number;

describe('deep-autoencoder study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(deepAutoencoder);

  test('records PCA, the random-init and the pretrained autoencoder as runs of the study', () => {
    const runs = first().store.listRuns({ studyId: first().studyId });
    const code = settings.layers.at(-1);
    assert.deepEqual(runs.map((run) => run.name).sort(), [`pca code=${code}`, `pretrained code=${code}`, `random-init code=${code}`]);
    assert.ok(runs.every((run) => run.status === 'finished'));
    const pretrained = runs.find((run) => run.name!.startsWith('pretrained'))!;
    assert.equal(first().store.metrics(pretrained.id, 'rbm1_reconstruction').length, settings.pretrain.epochs, 'the pretraining curve of each RBM is logged');
  });

  test('table: train and test error per image of each method, and its ratio to PCA', () => {
    const [table] = first().result.tables;
    assert.deepEqual(table!.columns, ['method', 'train_error', 'test_error', 'ratio_to_pca']);
    assert.deepEqual(table!.rows.map((row) => row[0]), ['PCA', 'autoencoder, random init', 'autoencoder, RBM-pretrained']);
    for (const row of table!.rows) {
      assert.ok((row[2] as number) > 0 && (row[2] as number) < 784, `${row[0]}: ${row[2]}`);
      assert.equal(row[3], (row[2] as number) / errorOf(table!.rows, 'PCA'));
    }
  });

  test('the reconstruction grid: test digits, then one row per method', () => {
    const [grid] = images(first().result.sections);
    assert.ok(grid, 'a grid is drawn');
    const { width, height } = pngSize(grid.png);
    assert.ok(height > 3.5 * (width / 10), `4 rows of 10 digits, got ${width}×${height}`);
  });

  test('a second run reuses every run and gives the same table', () => assertSecondRunReuses(first, harness));
});

// Small enough for a test (2,000 digits, 784-256-64-16), large enough for the order to be robust:
// measured 17.1 (pretrained), 21.7 (PCA-16), 31 (random init) per test image.
const findingSettings: DeepAutoencoderSettings = {
  layers: [256, 64, 16],
  data: { trainLimit: 2000, testLimit: 500 },
  pretrain: { epochs: 20, batch: 100, lr: 0.1, topLr: 1e-2, momentum: 0.9, weightCost: 2e-4 },
  finetune: { epochs: 30, batch: 100, lr: 3e-3 },
};

// PCA's test error from the eigenvectors of the training covariance: the baseline, computed apart from the study's PCA.
function pcaBaseline(): number {
  const [train, test] = (['train', 'test'] as const).map((split) => loadDataset('mnist', { split, limit: findingSettings.data[split === 'train' ? 'trainLimit' : 'testLimit'] }));
  try {
    return tidy(() => {
      const x = train!.inputs.flatten(1).to('float64');
      const mean = x.mean({ dim: 0 });
      const centred = x.sub(mean);
      const axes = linalg.eigh(centred.T.matmul(centred)).eigenvectors.flip([1]).narrow(1, 0, findingSettings.layers.at(-1)!); // [784, k]
      const t = test!.inputs.flatten(1).to('float64').sub(mean);
      return t.sub(t.matmul(axes).matmul(axes.T)).square().sum({ dim: 1 }).mean().item();
    });
  } finally {
    for (const set of [train, test]) [set!.inputs, set!.targets].forEach((t) => t.dispose());
  }
}

describe('deep-autoencoder finding: pretraining beats PCA and the random start', () => {
  const { first } = smokeRunBefore(createDeepAutoencoderStudy({ ...deepAutoencoderSettings, smoke: findingSettings }));

  test('the pretrained autoencoder\'s test error is below PCA\'s (baseline here) and below the random-init autoencoder\'s; an untrained one fails', () => {
    const rows = first().result.tables[0]!.rows;
    const baseline = pcaBaseline();
    assert.ok(Math.abs(errorOf(rows, 'PCA') - baseline) < 1e-3 * baseline, `the study's PCA ${errorOf(rows, 'PCA')} against the baseline ${baseline}`);
    const pretrained = errorOf(rows, 'autoencoder, RBM-pretrained');
    assert.ok(pretrained < 0.9 * baseline, `pretrained ${pretrained} against PCA ${baseline}`);
    assert.ok(pretrained < 0.8 * errorOf(rows, 'autoencoder, random init'), `pretrained ${pretrained} against random init ${errorOf(rows, 'autoencoder, random init')}`);
    // The check can fail: an autoencoder that learned nothing is far above the baseline.
    manualSeed(0);
    const untrained = new MlpAutoencoder({ inputShape: [1, 28, 28], latent: 16, hidden: [256, 64], activation: 'sigmoid', reconstruction: 'bce' });
    const test = loadDataset('mnist', { split: 'test', limit: 500 });
    const error = noGrad(() => tidy(() => squaredErrorPerImage(test.inputs, untrained.eval().reconstruct(test.inputs))));
    assert.ok(!(error < 0.9 * baseline), `an untrained autoencoder's ${error} must fail the finding`);
    untrained.dispose();
    [test.inputs, test.targets].forEach((t) => t.dispose());
  });
});
