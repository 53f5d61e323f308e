// compare-reductions' smoke profile through the real StudyContext: one task per method with its
// metrics and stored embedding, the autoencoder it trains, its maps, and a second run that reuses
// everything.
// Run: npx tsc -p . && node --test dist/test/studies/compare-reductions.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNpy } from '../../src/data/npy.js';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { compareReductions, compareReductionsSettings } from '../../src/studies/compare-reductions.js';
import { charts, smokeRunBefore } from './study-harness.js';

const settings = compareReductionsSettings.smoke;
const titles = ['PCA', 'kernel PCA', 't-SNE', 'UMAP', 'autoencoder (2-D latent)'];

describe('compare-reductions study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(compareReductions);

  test('records one embedding task per method and the autoencoder it embeds with', () => {
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), ['embed autoencoder', 'embed kpca', 'embed pca', 'embed tsne', 'embed umap', 'mlp-ae latent 2']);
    const autoencoder = runs.find((run) => run.name === 'mlp-ae latent 2')!;
    assert.equal(autoencoder.config.latent, 2);
    assert.equal(runs.find((run) => run.name === 'embed autoencoder')!.config.method, `ae:${autoencoder.id}`);
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

  test('a second run reuses every task and gives the same tables', async () => {
    const ids = first().store.listRuns({ studyId: first().studyId }).map((run) => run.id).sort();
    const live = liveTensorCount();
    const second = await harness.run();
    assert.equal(liveTensorCount(), live, 'the study freed every tensor it made');
    assert.deepEqual(second.store.listRuns({ studyId: second.studyId }).map((run) => run.id).sort(), ids);
    assert.deepEqual(second.log, [], 'nothing fitted, so nothing logged');
    assert.deepEqual(second.result.tables, first().result.tables);
  });
});
