// embedDataset, the library side of `latentlab reduce`: every reduction method on every synthetic
// data set (2-d point clouds, where ops such as flatten(1) return their input unchanged), scored,
// with no tensor left behind.
// Run: npx tsc -p . && node --test dist/test/runs/embed.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, liveTensorCount } from '../../src/index.js';
import { reductionMethods } from '../../src/reduce/registry.js';
import { embedDataset } from '../../src/runs/embed.js';
import { collectedLiveTensorCount } from '../helpers/gc.js';

const syntheticSets = ['swiss-roll', 's-curve', 'blobs', 'moons', 'circles'];
const classless = new Set(['swiss-roll', 's-curve']);

// Method options that make the small sets valid input: lda needs classes − 1 ≥ components (the
// two-class sets get one component), isomap a connected graph (blobs' clusters are apart).
function settings(method: string, dataset: string): { nComponents: number; params?: Record<string, number | boolean> } {
  if (method === 'lda' && (dataset === 'moons' || dataset === 'circles')) return { nComponents: 1 };
  if (method === 'isomap' && dataset === 'blobs') return { nComponents: 2, params: { connectComponents: true } };
  return { nComponents: 2 };
}

describe('embedDataset on the synthetic data sets', () => {
  for (const dataset of syntheticSets) {
    test(`${dataset}: every method embeds 60 points and scores them`, () => {
      for (const method of reductionMethods) {
        const before = collectedLiveTensorCount();
        const { nComponents, params } = settings(method, dataset);
        if (method === 'lda' && classless.has(dataset)) {
          assert.throws(() => embedDataset({ method, dataset, n: 60, nComponents }), (e: Error) => e instanceof ArgumentError && /needs class labels/.test(e.message));
        } else {
          const embedding = embedDataset({ method, dataset, n: 60, nComponents, ...(params ? { params } : {}) });
          assert.deepEqual(embedding.points.shape, [60, nComponents], `${method} on ${dataset}`);
          const { trustworthiness, continuity, knn_accuracy } = embedding.metrics;
          // Any map of 60 points scores in (0, 1]; NaN or a throw was the failure.
          assert.ok(trustworthiness > 0 && trustworthiness <= 1, `${method} on ${dataset}: trustworthiness ${trustworthiness}`);
          assert.ok(continuity > 0 && continuity <= 1, `${method} on ${dataset}: continuity ${continuity}`);
          assert.equal(knn_accuracy === undefined, classless.has(dataset), `${method} on ${dataset}: kNN accuracy exactly where there are classes`);
          embedding.dispose();
        }
        assert.equal(liveTensorCount(), before, `${method} on ${dataset} left tensors behind`);
      }
    });
  }
});
