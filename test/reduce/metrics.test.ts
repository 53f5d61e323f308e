// Nearest neighbours (src/reduce/neighbors.ts) and the embedding metrics (src/reduce/metrics.ts)
// against closed forms and scikit-learn 1.2 (reference written by
// test/fixtures/reduce/make_metrics_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/metrics.test.js
// Tolerances: neighbour indices and kNN accuracies must be equal (the fixture's 300 points in 20-D
// have no near-ties: the closest pair of distances to one point differs by far more than float64
// rounding). Trustworthiness is a sum of integer rank excesses times a constant, so equal ranks
// give values equal to rounding: 1e-12.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, cat, linalg, loadTorch, randn, tensor, tidy } from '../../src/tensor/index.js';
import { nearestNeighbors, nearestNeighborsOf } from '../../src/reduce/neighbors.js';
import { continuity, knnAccuracy, reconstructionError, trustworthiness } from '../../src/reduce/metrics.js';
import { PCA } from '../../src/reduce/pca.js';
import { assertClose } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));

interface Fixture {
  x: Tensor;
  y: Tensor;
  embedding: Tensor;
  neighbors_indices: Tensor;
  neighbors_distances: Tensor;
  ks: Tensor;
  trustworthiness: Tensor;
  continuity: Tensor;
  knn_accuracy: Tensor;
}
const fixture = loadTorch(fileURLToPath(new URL('../../../test/fixtures/reduce/metrics.pt', import.meta.url))) as unknown as Fixture;
after(() => Object.values(fixture).forEach((t) => t.dispose()));
const ks = Array.from(fixture.ks.toTypedArray() as BigInt64Array, Number);
const valuesOf = (t: Tensor) => Array.from(t.toTypedArray() as Float64Array);

describe('nearest neighbours', () => {
  check('indices and distances equal sklearn NearestNeighbors().kneighbors() (self excluded)', () => {
    const { indices, distances } = nearestNeighbors(fixture.x, 7);
    assert.deepEqual(indices.toArray(), fixture.neighbors_indices.toArray());
    assertClose(distances, fixture.neighbors_distances, { atol: 1e-12 });
  });
  check('float32 points and small blocks give the same neighbours', () => {
    const { indices } = nearestNeighbors(fixture.x.float(), 7, { blockSize: 17 });
    assert.deepEqual(indices.toArray(), fixture.neighbors_indices.toArray());
  });
  check('a duplicated point is its twin’s nearest neighbour at distance 0, never its own', () => {
    const x = cat([fixture.x.narrow(0, 0, 20), fixture.x.narrow(0, 5, 1)], 0); // row 20 duplicates row 5
    const { indices, distances } = nearestNeighbors(x, 3);
    assert.equal(indices.select(0, 5).select(0, 0).item(), 20);
    assert.equal(indices.select(0, 20).select(0, 0).item(), 5);
    assert.equal(distances.select(0, 5).select(0, 0).item(), 0);
    const self = indices.eq(tensor(Array.from({ length: 21 }, (_, i) => [i]), { dtype: 'int64' }));
    assert.equal(self.sum().item(), 0);
  });
  check('nearestNeighborsOf a point set in itself finds each point first, at distance 0', () => {
    const { indices, distances } = nearestNeighborsOf(fixture.x, fixture.x, 2);
    assert.deepEqual(Array.from(indices.select(1, 0).toTypedArray() as BigInt64Array, Number), [...Array(300).keys()]);
    assertClose(distances.select(1, 0), tensor(new Float64Array(300)), { atol: 1e-12 });
    assert.deepEqual(indices.select(1, 1).toArray(), fixture.neighbors_indices.select(1, 0).toArray());
  });
  check('bad arguments name the problem', () => {
    assert.throws(() => nearestNeighbors(fixture.x, 300), /k must be an integer in \[1, 299\]/);
    assert.throws(() => nearestNeighbors(fixture.x.flatten(), 3), /matrix \[N, D\]/);
    assert.throws(() => nearestNeighborsOf(fixture.x, fixture.embedding, 3), /20 features but reference has 2/);
    assert.throws(() => nearestNeighbors(fixture.y.view(100, 3), 3), /float32 or float64/);
  });
});

describe('embedding metrics', () => {
  check('trustworthiness and continuity equal sklearn’s at k = 1, 5, 12', () => {
    const expectedTrust = valuesOf(fixture.trustworthiness);
    const expectedContinuity = valuesOf(fixture.continuity);
    ks.forEach((k, i) => {
      assertClose(trustworthiness(fixture.x, fixture.embedding, k), expectedTrust[i]!, { atol: 1e-12 });
      assertClose(continuity(fixture.x, fixture.embedding, k), expectedContinuity[i]!, { atol: 1e-12 });
    });
  });
  check('an embedding that keeps every distance (a rotation) is fully trustworthy and continuous', () => {
    const rotation = fixture.x.matmul(linalg.qr(randn([20, 20], { dtype: 'float64' })).Q);
    assert.equal(trustworthiness(fixture.x, rotation, 5), 1);
    assert.equal(continuity(fixture.x, rotation, 5), 1);
  });
  check('kNN accuracy equals sklearn KNeighborsClassifier’s leave-one-out accuracy at k = 1, 5, 12', () => {
    const expected = valuesOf(fixture.knn_accuracy);
    ks.forEach((k, i) => assertClose(knnAccuracy(fixture.embedding, fixture.y, { k }), expected[i]!, { atol: 1e-12 }));
  });
  check('reconstruction error of PCA is (N − 1)/N times the sum of the discarded eigenvalues', () => {
    const pca = new PCA({ nComponents: 3, svdSolver: 'full' });
    try {
      const reconstruction = pca.inverseTransform(pca.fitTransform(fixture.x));
      const all = new PCA({ svdSolver: 'full' }).fit(fixture.x);
      const discarded = all.explainedVariance.narrow(0, 3, 17).sum().item();
      all.dispose();
      assertClose(reconstructionError(fixture.x, reconstruction), (discarded * 299) / 300, { rtol: 1e-12 });
    } finally {
      pca.dispose();
    }
  });
  check('bad arguments name the problem', () => {
    assert.throws(() => trustworthiness(fixture.x, fixture.embedding, 150), ArgumentError);
    assert.throws(() => trustworthiness(fixture.x, fixture.embedding.narrow(0, 0, 10)), /300 points but the embedding has 10/);
    assert.throws(() => knnAccuracy(fixture.embedding, fixture.y.narrow(0, 0, 5)), /labels \[300\]/);
    assert.throws(() => reconstructionError(fixture.x, fixture.embedding), /same shape/);
  });
});
