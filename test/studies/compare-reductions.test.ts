// compare-reductions' smoke profile through the real StudyContext: one task per method with its
// metrics and stored embedding, the autoencoder it trains, its maps, and a second run that reuses
// everything; and its finding: t-SNE and UMAP keep neighbourhoods and classes far better than the
// linear map, the autoencoder in between, all above a random projection.
// Run: npx tsc -p . && node --test dist/test/studies/compare-reductions.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNpy } from '../../src/data/npy.js';
import { compareReductions, compareReductionsSettings, createCompareReductionsStudy, type CompareReductionsSettings } from '../../src/studies/compare-reductions.js';
import { loadDataset } from '../../src/data/datasets.js';
import { knnAccuracy, trustworthiness } from '../../src/reduce/metrics.js';
import { tensor, tidy } from '../../src/tensor/index.js';
import { seededGaussians } from '../../src/tensor/random.js';
import { assertSecondRunReuses, charts, meanImageError, smokeRunBefore } from './study-harness.js';

const settings = compareReductionsSettings.smoke;
const titles = ['PCA', 'kernel PCA', 'LDA', 'FastICA', 'LLE', 't-SNE', 'UMAP', 'autoencoder (2-D latent)', 'VAE (2-D latent, posterior means)'];

describe('compare-reductions study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(compareReductions);

  test('records one embedding task per method and the autoencoder and VAE it embeds with', () => {
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(
      runs.map((run) => run.name).sort(),
      ['embed autoencoder', 'embed ica', 'embed kpca', 'embed lda', 'embed lle', 'embed pca', 'embed tsne', 'embed umap', 'embed vae', 'mlp-ae latent 2', 'vae latent 2'],
    );
    for (const [trained, embedded, model] of [['mlp-ae latent 2', 'embed autoencoder', 'mlp-ae'], ['vae latent 2', 'embed vae', 'vae']] as const) {
      const autoencoder = runs.find((run) => run.name === trained)!;
      assert.deepEqual([autoencoder.model, autoencoder.config.latent], [model, 2]);
      assert.equal(runs.find((run) => run.name === embedded)!.config.method, `ae:${autoencoder.id}`);
    }
    for (const run of runs.filter((r) => r.name?.startsWith('embed'))) {
      assert.equal(run.status, 'finished');
      const artifact = first().store.artifacts(run.id, 'embedding').find((a) => a.name === 'embedding.npy')!;
      const points = readNpy(first().store.artifactPath(artifact));
      assert.deepEqual(points.shape, [settings.n, 2], run.name ?? run.id);
      points.dispose();
    }
  });

  test('table: trustworthiness, continuity and kNN accuracy in range, and a time, per method', () => {
    const [table] = first().result.tables;
    assert.deepEqual(table!.columns, ['method', 'trustworthiness', 'continuity', 'knn_accuracy', 'seconds']);
    assert.deepEqual(table!.rows.map((row) => row[0]), titles);
    for (const [title, trust, continuity, knn, seconds] of table!.rows as [string, number, number, number, number][]) {
      for (const value of [trust, continuity, knn]) assert.ok(value > 0 && value <= 1, `${title}: ${value}`);
      assert.ok(seconds > 0, title);
    }
    // Even at the smoke profile's 300 digits and few iterations, t-SNE keeps neighbourhoods better than a linear map.
    const trustOf = (title: string) => table!.rows.find((row) => row[0] === title)![1] as number;
    assert.ok(trustOf('t-SNE') > trustOf('PCA'), `t-SNE ${trustOf('t-SNE')} vs PCA ${trustOf('PCA')}`);
  });

  test('sections: one map per method with its metrics, and bar charts of quality and cost', () => {
    const { sections } = first().result;
    assert.deepEqual(sections.map((s) => s.title), ['Maps', 'Quality and cost']);
    const maps = sections[0]!.blocks[0]!;
    assert.equal(maps.kind, 'grid');
    const mapBlocks = maps.kind === 'grid' ? maps.blocks : [];
    assert.equal(mapBlocks.length, titles.length);
    for (const block of mapBlocks) {
      assert.equal(block.kind, 'chart');
      assert.match(block.kind === 'chart' ? block.caption ?? '' : '', /^trustworthiness 0\.\d{3} · continuity 0\.\d{3} · kNN accuracy \d\.\d{3} · \d+\.\d s$/);
    }
    assert.equal(charts(sections).length, titles.length + 3);
  });

  test('a second run reuses every task and gives the same tables', () => assertSecondRunReuses(first, harness, { silent: true }));
});

// The finding, on settings where it is robust (injected as the smoke profile): 1,000 digits, t-SNE
// with 500 iterations and UMAP with 100 epochs (both well converged at this n), and the 2-D
// autoencoder trained for 10 epochs of 8,000 digits (~630 Adam steps). Measured (full MNIST):
// trustworthiness / kNN accuracy PCA 0.749 / 0.434, kernel PCA 0.745 / 0.410, LDA 0.683 / 0.704,
// FastICA 0.749 / 0.436, LLE 0.817 / 0.671, t-SNE 0.980 / 0.864, UMAP 0.953 / 0.818, autoencoder
// 0.837 / 0.514, VAE 0.824 / 0.534; a random projection 0.589 / 0.207. The autoencoder's kNN
// accuracy is close to PCA's, so only its trustworthiness is placed between them.
const findingSettings: CompareReductionsSettings = {
  n: 1000,
  autoencoder: { epochs: 10, trainLimit: 8000, testLimit: 500 },
  params: { ...compareReductionsSettings.smoke.params, tsne: { nIter: 500 }, umap: { nEpochs: 100 } },
  drawn: 50,
};
const neighbors = 5; // the study's k

/** Trustworthiness and kNN accuracy of a random Gaussian projection of the same digits to 2-D: the floor. */
let floorScores: { trustworthiness: number; knnAccuracy: number } | undefined;
function randomProjectionScores(n: number): { trustworthiness: number; knnAccuracy: number } {
  return (floorScores ??= scoreRandomProjection(n));
}

function scoreRandomProjection(n: number): { trustworthiness: number; knnAccuracy: number } {
  const data = loadDataset('mnist', { split: 'train', limit: n });
  try {
    return tidy(() => {
      const x = data.inputs.flatten(1); // [n, 784]
      const points = x.matmul(tensor(seededGaussians(784 * 2, 0), { shape: [784, 2] }).to('float32')); // [n, 2]
      return { trustworthiness: trustworthiness(x, points, neighbors), knnAccuracy: knnAccuracy(points, data.targets, { k: neighbors }) };
    });
  } finally {
    data.inputs.dispose();
    data.targets.dispose();
  }
}

describe('compare-reductions finding: neighbour embeddings far above the linear map, the autoencoder between, all above a random projection', () => {
  const { first } = smokeRunBefore(createCompareReductionsStudy({ ...compareReductionsSettings, smoke: findingSettings }));
  const metric = (title: string, column: string) => {
    const [table] = first().result.tables;
    return table!.rows.find((row) => row[0] === title)![table!.columns.indexOf(column)] as number;
  };

  test('t-SNE and UMAP: trustworthiness ≥ PCA + 0.1 and kNN accuracy ≥ PCA + 0.15; PCA ≥ a random projection + 0.1', (t) => {
    const floor = randomProjectionScores(findingSettings.n);
    const seen = titles.map((title) => `${title}: ${metric(title, 'trustworthiness').toFixed(3)} / ${metric(title, 'knn_accuracy').toFixed(3)}`).join(', ');
    t.diagnostic(`trustworthiness / kNN accuracy: ${seen}; random projection ${floor.trustworthiness.toFixed(3)} / ${floor.knnAccuracy.toFixed(3)}`);
    for (const title of ['t-SNE', 'UMAP']) {
      // Seen: +0.18 to +0.22 in trustworthiness, +0.29 to +0.39 in kNN accuracy.
      assert.ok(metric(title, 'trustworthiness') >= metric('PCA', 'trustworthiness') + 0.1, `${title} does not keep neighbourhoods better than PCA: ${seen}`);
      assert.ok(metric(title, 'knn_accuracy') >= metric('PCA', 'knn_accuracy') + 0.15, `${title} does not separate the classes better than PCA: ${seen}`);
    }
    // Seen: PCA +0.18 in trustworthiness and +0.29 in kNN accuracy over the random projection.
    for (const column of ['trustworthiness', 'knn_accuracy'] as const) {
      const random = column === 'trustworthiness' ? floor.trustworthiness : floor.knnAccuracy;
      assert.ok(metric('PCA', column) >= random + 0.1, `PCA's ${column} is not clearly above a random projection's ${random}: ${seen}`);
    }
  });

  test('the autoencoder: reconstructs below 0.85 of the mean-image error; trustworthiness above PCA + 0.02 and below t-SNE and UMAP − 0.05; kNN accuracy above a random projection + 0.05', (t) => {
    const runs = first().store.listRuns({ studyId: first().studyId });
    const testLoss = first().store.finalMetrics(runs.find((run) => run.name === 'mlp-ae latent 2')!.id).test_loss!;
    const baseline = meanImageError('mnist', findingSettings.autoencoder);
    const floor = randomProjectionScores(findingSettings.n);
    const trust = metric('autoencoder (2-D latent)', 'trustworthiness');
    const seen = `autoencoder test loss ${testLoss.toFixed(4)} (mean image ${baseline.toFixed(4)}), trustworthiness ${trust.toFixed(3)} (PCA ${metric('PCA', 'trustworthiness').toFixed(3)}, t-SNE ${metric('t-SNE', 'trustworthiness').toFixed(3)}, UMAP ${metric('UMAP', 'trustworthiness').toFixed(3)}), kNN accuracy ${metric('autoencoder (2-D latent)', 'knn_accuracy').toFixed(3)} (random projection ${floor.knnAccuracy.toFixed(3)})`;
    t.diagnostic(seen);
    // Seen: test loss 0.75 of the mean image's; trustworthiness PCA + 0.048 (+0.016 after half the
    // training: it rises with training), UMAP − 0.14; kNN accuracy random projection + 0.30.
    assert.ok(testLoss < 0.85 * baseline, `the autoencoder learned no more than the mean image: ${seen}`);
    assert.ok(trust >= metric('PCA', 'trustworthiness') + 0.02, `the autoencoder keeps neighbourhoods no better than PCA: ${seen}`);
    for (const title of ['t-SNE', 'UMAP']) assert.ok(trust <= metric(title, 'trustworthiness') - 0.05, `the autoencoder rivals ${title}: ${seen}`);
    assert.ok(metric('autoencoder (2-D latent)', 'knn_accuracy') > floor.knnAccuracy + 0.05, `the autoencoder's map is no better than a random projection: ${seen}`);
  });

  test('LDA, told the labels, separates the classes far better than PCA; FastICA keeps what PCA keeps (a rescaled rotation of the same plane); LLE and the VAE keep neighbourhoods better than PCA', (t) => {
    const seen = ['PCA', 'LDA', 'FastICA', 'LLE', 'VAE (2-D latent, posterior means)'].map((title) => `${title}: ${metric(title, 'trustworthiness').toFixed(3)} / ${metric(title, 'knn_accuracy').toFixed(3)}`).join(', ');
    t.diagnostic(`trustworthiness / kNN accuracy: ${seen}`);
    // Seen: LDA +0.27 in kNN accuracy over PCA; FastICA within 0.002 of PCA in both; LLE +0.07 and the VAE +0.075 in trustworthiness.
    assert.ok(metric('LDA', 'knn_accuracy') >= metric('PCA', 'knn_accuracy') + 0.15, `LDA does not use the labels it is given: ${seen}`);
    for (const column of ['trustworthiness', 'knn_accuracy']) {
      assert.ok(Math.abs(metric('FastICA', column) - metric('PCA', column)) <= 0.03, `FastICA's ${column} is not PCA's: ${seen}`);
    }
    for (const title of ['LLE', 'VAE (2-D latent, posterior means)']) {
      assert.ok(metric(title, 'trustworthiness') >= metric('PCA', 'trustworthiness') + 0.03, `${title} keeps neighbourhoods no better than PCA: ${seen}`);
    }
    const floor = randomProjectionScores(findingSettings.n);
    assert.ok(metric('VAE (2-D latent, posterior means)', 'knn_accuracy') >= floor.knnAccuracy + 0.1, `the VAE's map is no better than a random projection: ${seen}`);
  });
});
