// Embedding scores (src/analysis/embedding.ts) on embeddings whose answers are known: the data
// itself keeps every neighbourhood, and kNN accuracy and reconstruction error appear only when asked.
// Run: npx tsc -p . && node --test dist/test/analysis/embedding.test.js
// Tolerance: 1e-12; the identity embedding gives exact ranks and a zero error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy } from '../../src/tensor/index.js';
import { scoreEmbedding } from '../../src/analysis/index.js';
import { randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

test('the data as its own embedding scores trustworthiness and continuity 1; no labels, no inverse: no kNN accuracy or error', () =>
  tidy(() => {
    const x = randomTensor([40, 3], { requiresGrad: false });
    const metrics = scoreEmbedding(x, x, null);
    assert.ok(Math.abs(metrics.trustworthiness - 1) < 1e-12, `trustworthiness ${metrics.trustworthiness}`);
    assert.ok(Math.abs(metrics.continuity - 1) < 1e-12, `continuity ${metrics.continuity}`);
    assert.deepEqual(Object.keys(metrics).sort(), ['continuity', 'trustworthiness']);
  }));

test('labels add kNN accuracy; a reconstruction adds its error', () =>
  tidy(() => {
    // two well separated clusters of 10 points, labelled by cluster
    const x = tensor(Array.from({ length: 20 }, (_, i) => [i < 10 ? 0 : 100, (i % 10) * 0.1]), { dtype: 'float64' });
    const labels = tensor(Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1)), { dtype: 'int64' });
    const metrics = scoreEmbedding(x, x, labels, 3, x.add(1));
    assert.equal(metrics.knn_accuracy, 1);
    assert.ok(Math.abs(metrics.reconstruction_error! - 2) < 1e-12, `error ${metrics.reconstruction_error}`); // ‖1‖² over 2 features
  }));
