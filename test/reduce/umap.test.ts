// UMAP against closed forms and umap-learn (test/fixtures/reduce/make_umap_fixtures.py).
//
// Tolerances, and why:
// - smoothKnnDistances: its bisection stops once |Σ exp − log2 k| < 1e-5 (umap-learn's
//   SMOOTH_K_TOLERANCE), so the sums are held to exactly that; closed-form ρ to 1e-12, and the
//   closed-form σ to what that tolerance allows (derived at the test).
// - findAbParams against scipy's curve_fit: MINPACK stops when a step changes the parameters or
//   the residual by less than 1.5e-8 relative, which leaves umap-learn's a and b up to ~3e-6 away
//   from the least-squares optimum (measured: 2.7e-6 at spread 1, minDist 1), so they are held to
//   rtol 5e-6. Against curve_fit run to convergence (tolerances 1e-15), whose finite-difference
//   Jacobian still limits it to ~1e-8, ours agree to 7.3e-9 (measured), held to 5e-8; a wrong curve
//   or a fit stopped early is off by 1e-4 or more.
// - fuzzySimplicialSet against umap-learn on the same kNN: the edges must be identical. umap-learn's
//   bisection runs in float32, so where its sum lands within float32 rounding of the 1e-5 tolerance
//   it stops one halving apart from ours (float64): σ then differs by up to ~3e-5 relative (the
//   tolerance over σ·dΣ/dσ ≈ 0.3), and a weight exp(−x) by x·e^(−x)·3e-5 ≤ 1.1e-5. Measured over
//   the three cases: σ 1.8e-5 relative (19 of 900 points beyond 1e-6), weights 2.7e-6 absolute, ρ
//   5.9e-8 relative (float32 rounding of the interpolation); held to σ rtol 5e-5, weights atol 1e-5,
//   ρ rtol 1e-6. A wrong convention (self in the sum, union formula, ρ interpolation) is off by 1e-2
//   or more.
// - laplacianEigenvectors on a ring graph whose spectrum is known in closed form: residuals below
//   the solver's 1e-6 bound eigenvalue errors by ‖r‖²/gap ≈ 1e-11, held to 1e-9.
// - The embeddings are stochastic: on the 1,500 digits umap-learn's trustworthiness ranges over
//   0.9889–0.9899 across 5 seeds, ours over 0.9889–0.9904 (measured). Ours must be within 0.01 of
//   umap-learn's mean (the benchmark's acceptance margin); kNN accuracies (umap-learn 0.987–0.988
//   fitted, 0.933–0.936 transformed; ours 0.986–0.989 and 0.933–0.936) within 0.02.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, arange, cat, liveTensorCount, loadTorch, manualSeed, rand, tensor, tidy, zeros } from '../../src/tensor/index.js';
import { makeBlobs } from '../../src/data/synthetic.js';
import { NotFittedError } from '../../src/reduce/errors.js';
import { knnAccuracy, trustworthiness } from '../../src/reduce/metrics.js';
import { nearestNeighborsOf } from '../../src/reduce/neighbors.js';
import { UMAP, type UMAPOptions } from '../../src/reduce/umap.js';
import { findAbParams, fuzzySimplicialSet, smoothKnnDistances, type FuzzyGraph } from '../../src/reduce/umap-graph.js';
import { laplacianEigenvectors } from '../../src/reduce/umap-spectral.js';
import { optimizeLayout } from '../../src/reduce/umap-layout.js';
import { assertClose } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const f64 = (values: number[][]) => tensor(values, { dtype: 'float64' });

interface FuzzyCase {
  n_neighbors: number;
  local_connectivity: number;
  set_op_mix_ratio: number;
  knn_indices: Tensor;
  knn_dists: Tensor;
  sigmas: Tensor;
  rhos: Tensor;
  rows: Tensor;
  cols: Tensor;
  weights: Tensor;
}
interface Fixture {
  version: string;
  ab: Tensor;
  ab_tight: Tensor;
  fuzzy: Record<string, FuzzyCase>;
  digits: { x: Tensor; labels: Tensor; train: number; seeds: number[]; trust: Tensor; knn: Tensor; transform_knn: Tensor };
}
const fixture = loadTorch(fileURLToPath(new URL('../../../test/fixtures/reduce/umap.pt', import.meta.url))) as Fixture;
after(() => {
  const free = (value: unknown): void => {
    if (value instanceof Tensor) value.dispose();
    else if (value && typeof value === 'object') Object.values(value).forEach(free);
  };
  free(fixture);
});

/** Fits a UMAP, runs body on it and frees it: the fitted tensors live outside tidy scopes. */
function withUMAP(options: UMAPOptions, x: Tensor, body: (umap: UMAP) => void): void {
  withFitted(new UMAP(options).fit(x), body);
}

const mean = (t: Tensor) => t.mean().item();

describe('smoothKnnDistances', () => {
  check('closed form: ρ is the nearest non-zero distance, and σ solves 1 + exp(−t/σ) = log2(3)', () => {
    // k = 3, distances 0 (self), 1, 1 + t: ρ = 1, and the sum over columns 1.. is 1 + exp(−t/σ).
    const t = 2;
    const { sigmas, rhos } = smoothKnnDistances(f64([[0, 1, 1 + t]]));
    assertClose(rhos, [1], { atol: 1e-12 });
    // The bisection stops at |Σ − log2 3| < 1e-5; with dΣ/dσ = exp(−t/σ)·t/σ² ≈ 0.084 at σ ≈ 3.73
    // that leaves σ within 1.2e-4, 3.2e-5 relative.
    assertClose(sigmas, [-t / Math.log(Math.log2(3) - 1)], { rtol: 4e-5 });
  });
  check('ρ follows localConnectivity, interpolating between neighbours and skipping zero distances', () => {
    const d = f64([[0, 0.5, 1.5, 3, 4], [0, 0, 2, 3, 4]]);
    const rho = (localConnectivity: number) => smoothKnnDistances(d, { localConnectivity }).rhos;
    assertClose(rho(1), [0.5, 2], { atol: 1e-12 });
    assertClose(rho(1.5), [1.0, 2.5], { atol: 1e-12 });
    assertClose(rho(2), [1.5, 3], { atol: 1e-12 });
    assertClose(rho(0.5), [0.25, 1], { atol: 1e-12 });
    assertClose(rho(0), [0, 0], { atol: 1e-12 });
    assertClose(rho(10), [4, 4], { atol: 1e-12 }); // fewer non-zero distances than asked: the largest
  });
  check('on digits: every point whose σ is not floored has Σ exp(−max(0, d − ρ)/σ) = log2(k) to 1e-5', () => {
    const { knn_dists: d } = fixture.fuzzy.default!;
    const k = d.shape[1]!;
    const { sigmas, rhos } = smoothKnnDistances(d);
    const sums = d.narrow(1, 1, k - 1).sub(rhos.unsqueeze(1)).clampMin(0).div(sigmas.unsqueeze(1)).neg().exp().sum({ dim: 1 });
    const floored = sigmas.le(d.mean({ dim: 1 }).mul(1e-3 * (1 + 1e-12)));
    assert.equal(floored.sum().item(), 0, 'no digit has its σ raised to the floor');
    const worst = sums.sub(Math.log2(k)).abs().max().item();
    assert.ok(worst < 1e-5, `largest |Σ − log2 k| is ${worst}`);
  });
});

describe('UMAP pieces against umap-learn', () => {
  check(`findAbParams equals umap-learn's find_ab_params (scipy curve_fit), and the converged fit more closely`, () => {
    const converged = fixture.ab_tight.toArray() as number[][];
    (fixture.ab.toArray() as number[][]).forEach(([spread, minDist, a, b], i) => {
      const ours = findAbParams(spread!, minDist!);
      const where = `spread ${spread}, minDist ${minDist}`;
      assertClose(ours.a, a!, { rtol: 5e-6, message: `a for ${where}` });
      assertClose(ours.b, b!, { rtol: 5e-6, message: `b for ${where}` });
      assertClose(ours.a, converged[i]![2]!, { rtol: 5e-8, message: `a for ${where}, converged` });
      assertClose(ours.b, converged[i]![3]!, { rtol: 5e-8, message: `b for ${where}, converged` });
    });
    const { a, b } = findAbParams(1, 0.1);
    assert.ok(Math.abs(a - 1.577) < 1e-3 && Math.abs(b - 0.8951) < 1e-4, `default curve a ${a}, b ${b}`);
  });
  for (const [name, c] of Object.entries(fixture.fuzzy)) {
    check(`fuzzySimplicialSet '${name}' (k ${c.n_neighbors}, local connectivity ${c.local_connectivity}, mix ${c.set_op_mix_ratio}) equals umap-learn's`, () => {
      const { graph, sigmas, rhos } = fuzzySimplicialSet(c.knn_indices, c.knn_dists, { localConnectivity: c.local_connectivity, setOpMixRatio: c.set_op_mix_ratio });
      assertClose(rhos, c.rhos, { rtol: 1e-6 });
      assertClose(sigmas, c.sigmas, { rtol: 5e-5 });
      assert.ok(graph.rows.equal(c.rows) && graph.cols.equal(c.cols), 'the graph has the same edges, in the same order');
      assertClose(graph.weights, c.weights, { atol: 1e-5 });
    });
  }
  check('the fuzzy graph is symmetric and its weights lie in (0, 1]', () => {
    const c = fixture.fuzzy.mixed!;
    const { graph } = fuzzySimplicialSet(c.knn_indices, c.knn_dists, { localConnectivity: 1.5, setOpMixRatio: 0.5 });
    const n = graph.size;
    const forward = graph.rows.mul(n).add(graph.cols);
    const backward = graph.cols.mul(n).add(graph.rows).sort(0);
    assert.ok(forward.equal(backward.values), 'every edge appears in both directions');
    assert.ok(graph.weights.equal(graph.weights.indexSelect(0, backward.indices)), 'with the same weight');
    assert.ok(graph.weights.gt(0).all().item() && graph.weights.le(1).all().item());
  });
});

describe('laplacianEigenvectors', () => {
  // A ring of n vertices, each joined to its r nearest on either side with weight 1: a circulant
  // graph whose normalised Laplacian has eigenvalues 1 − (1/r)·Σ_{s=1..r} cos(2πjs/n), j = 0..n−1.
  const ring = (n: number, r: number): FuzzyGraph => {
    const vertices = arange(0, n, 1, { dtype: 'int64' });
    const rows: Tensor[] = [];
    const cols: Tensor[] = [];
    for (let s = 1; s <= r; s++) {
      rows.push(vertices, vertices);
      cols.push(vertices.add(s).remainder(n), vertices.add(n - s).remainder(n));
    }
    const order = cat(rows).mul(n).add(cat(cols)).sort(0).values; // edges sorted by (row, col), as the solver expects
    return { rows: order.div(n, 'floor'), cols: order.remainder(n), weights: zeros([order.shape[0]!], { dtype: 'float64' }).add(1), size: n };
  };
  const ringEigenvalues = (n: number, r: number, k: number) => {
    const all = Array.from({ length: n }, (_, j) => 1 - Array.from({ length: r }, (_, s) => Math.cos((2 * Math.PI * j * (s + 1)) / n)).reduce((a, b) => a + b) / r);
    return all.sort((a, b) => a - b).slice(1, k + 1);
  };
  for (const solver of ['lobpcg', 'dense'] as const) {
    check(`${solver}: the smallest non-trivial eigenvalues of a ring graph are the closed form's, the vectors eigenvectors`, () => {
      const n = solver === 'lobpcg' ? 700 : 300; // LOBPCG only beyond the dense solver's 600 vertices
      const r = 40;
      const graph = ring(n, r);
      manualSeed(3);
      const { eigenvalues, eigenvectors } = laplacianEigenvectors(graph, 3, { solver });
      assertClose(eigenvalues, ringEigenvalues(n, r, 3), { atol: 1e-9 });
      // L v = λ v, with L v = v − D^(−1/2) W D^(−1/2) v = v − W v / (2r) on this regular graph.
      const wv = zeros([n, 3], { dtype: 'float64' }).indexPut_([graph.rows], eigenvectors.indexSelect(0, graph.cols), true).div(2 * r);
      assertClose(eigenvectors.sub(wv), eigenvectors.mul(eigenvalues), { atol: 1e-6 });
      // orthonormal, and orthogonal to the trivial (constant) eigenvector
      assertClose(eigenvectors.T.matmul(eigenvectors), [[1, 0, 0], [0, 1, 0], [0, 0, 1]], { atol: 1e-10 });
      assertClose(eigenvectors.sum({ dim: 0 }), [0, 0, 0], { atol: 1e-8 });
    });
  }
});

describe('optimizeLayout', () => {
  // Two points joined by an edge of weight 1 (both directions, as a fuzzy graph), without
  // repulsion (γ = 0): the edge is due at epochs 1, 2, ... (never at epoch 0), and each time both
  // directions pull, 2·α·clip(−2ab·d^(2(b−1))/(1 + a·d^(2b))·(y₀ − y₁)), α = rate·(1 − (n − 1)/nEpochs).
  const { a, b } = findAbParams(1, 0.1);
  const pull = (y0: number[], y1: number[], alpha: number, both: number) => {
    const d2 = (y0[0]! - y1[0]!) ** 2 + (y0[1]! - y1[1]!) ** 2;
    const coefficient = (-2 * a * b * d2 ** (b - 1)) / (1 + a * d2 ** b);
    const step = [0, 1].map((c) => both * alpha * Math.min(4, Math.max(-4, coefficient * (y0[c]! - y1[c]!))));
    return step;
  };
  check('fit: both ends move by both directed steps, on umap-learn’s schedule and learning-rate decay', () => {
    const edges = { heads: tensor([0, 1], { dtype: 'int64' }), tails: tensor([1, 0], { dtype: 'int64' }), weights: tensor([1, 1], { dtype: 'float64' }) };
    const y = tensor([[0, 0], [1.5, 0.5]]);
    optimizeLayout(y, y, edges, { a, b, nEpochs: 3, learningRate: 0.1, negativeSampleRate: 5, repulsionStrength: 0, moveTails: true, seed: 0 });
    let [y0, y1] = [[0, 0], [1.5, 0.5]];
    for (const alpha of [0.1, 0.1 * (1 - 1 / 3)]) { // epochs 1 and 2
      const step = pull(y0, y1, alpha, 2);
      [y0, y1] = [y0.map((v, c) => v + step[c]!), y1.map((v, c) => v - step[c]!)];
    }
    assertClose(y, [y0, y1], { atol: 1e-6 }); // float32 positions
  });
  check('transform: only the head moves, by one directed step; the tail embedding is left alone', () => {
    const edges = { heads: tensor([0], { dtype: 'int64' }), tails: tensor([1], { dtype: 'int64' }), weights: tensor([1], { dtype: 'float64' }) };
    const head = tensor([[0, 0]]);
    const tail = tensor([[5, 5], [1.5, 0.5]]);
    optimizeLayout(head, tail, edges, { a, b, nEpochs: 2, learningRate: 0.25, negativeSampleRate: 5, repulsionStrength: 0, moveTails: false, seed: 0 });
    const step = pull([0, 0], [1.5, 0.5], 0.25, 1);
    assertClose(head, [step], { atol: 1e-6 });
    assertClose(tail, [[5, 5], [1.5, 0.5]], { atol: 0 });
  });
});

describe('UMAP embeddings', () => {
  check('well-separated blobs stay apart: 5-NN accuracy 1 in the embedding', () => {
    const { points, target } = makeBlobs({ n: 240, centers: 4, features: 10, clusterStd: 1, centerBox: [-20, 20], seed: 1 });
    withUMAP({ seed: 0 }, points, (umap) => {
      assert.deepEqual(umap.embedding.shape, [240, 2]);
      assert.equal(knnAccuracy(umap.embedding, target), 1);
    });
  });
  const digits = () => {
    const { x, labels, train } = fixture.digits;
    const data = x.to('float32');
    return { train: data.narrow(0, 0, train), test: data.narrow(0, train, x.shape[0]! - train), trainLabels: labels.narrow(0, 0, train), testLabels: labels.narrow(0, train, x.shape[0]! - train) };
  };
  check(`digits: trustworthiness within 0.01 of umap-learn's, kNN accuracy within 0.02; transform places held-out digits by class`, () => {
    const { train, test, trainLabels, testLabels } = digits();
    withUMAP({ seed: 0 }, train, (umap) => {
      const trust = trustworthiness(train, umap.embedding, 5);
      const reference = mean(fixture.digits.trust);
      assert.ok(Math.abs(trust - reference) < 0.01, `trustworthiness ${trust}, umap-learn ${reference}`);
      const accuracy = knnAccuracy(umap.embedding, trainLabels);
      assert.ok(Math.abs(accuracy - mean(fixture.digits.knn)) < 0.02, `kNN accuracy ${accuracy}, umap-learn ${mean(fixture.digits.knn)}`);

      const placed = umap.transform(test);
      assert.deepEqual(placed.shape, [test.shape[0], 2]);
      const nearest = nearestNeighborsOf(placed, umap.embedding, 5).indices;
      const votes = zeros([test.shape[0]!, 10]).scatterAdd(1, trainLabels.indexSelect(0, nearest.flatten()).view(-1, 5), zeros(nearest.shape).add(1));
      const placedAccuracy = votes.argmax(1).eq(testLabels).float().mean().item();
      const referencePlaced = mean(fixture.digits.transform_knn);
      assert.ok(Math.abs(placedAccuracy - referencePlaced) < 0.02, `held-out accuracy ${placedAccuracy}, umap-learn ${referencePlaced}`);
    });
  });
  check('the same seed gives the same embedding bit for bit, another seed another one; the caller’s random state is untouched', () => {
    const { points } = makeBlobs({ n: 120, centers: 3, features: 5, seed: 2 });
    const options = { nEpochs: 50, seed: 4 };
    manualSeed(11);
    const expected = rand([3]);
    manualSeed(11);
    withUMAP(options, points, (first) => {
      assert.ok(rand([3]).equal(expected), 'fit restores libtorch’s generator');
      withUMAP(options, points, (again) => assert.ok(first.embedding.equal(again.embedding)));
      withUMAP({ ...options, seed: 5 }, points, (other) => assert.ok(!first.embedding.equal(other.embedding)));
      assert.ok(first.transform(points).equal(first.transform(points)), 'transform is seeded too');
    });
  });
  for (const init of ['pca', 'random'] as const) {
    check(`init '${init}' also separates blobs`, () => {
      const { points, target } = makeBlobs({ n: 150, centers: 3, features: 6, centerBox: [-20, 20], seed: 3 });
      withUMAP({ init, nEpochs: 200, seed: 1 }, points, (umap) => assert.equal(knnAccuracy(umap.embedding, target), 1));
    });
  }
});

describe('UMAP behaviour', () => {
  test('dispose frees every fitted tensor; a second fit frees the first', () => {
    const { points, target } = makeBlobs({ n: 60, seed: 5 });
    const before = liveTensorCount();
    const umap = new UMAP({ nEpochs: 10 }).fit(points);
    const fitted = liveTensorCount();
    assert.ok(fitted > before);
    umap.fit(points);
    assert.equal(liveTensorCount(), fitted);
    umap.dispose();
    assert.equal(liveTensorCount(), before);
    assert.throws(() => umap.embedding, NotFittedError);
    points.dispose();
    target.dispose();
  });
  check('fitTransform returns a copy of the embedding; graph, curve and float64 input', () => {
    const { points } = makeBlobs({ n: 50, seed: 6 });
    const umap = new UMAP({ nEpochs: 20, nNeighbors: 5 });
    try {
      const z = umap.fitTransform(points.double());
      assert.equal(z.dtype, 'float32');
      assert.ok(z.equal(umap.embedding) && z !== umap.embedding);
      assert.equal(umap.graph.size, 50);
      assert.ok(umap.graph.rows.shape[0]! >= 50 * 4, 'at least the kNN edges');
      assert.equal(umap.curve.a, findAbParams(1, 0.1).a);
    } finally {
      umap.dispose();
    }
  });
  check('refuses bad options and data with messages that say what to do', () => {
    assert.throws(() => new UMAP({ minDist: 2, spread: 1 }), /minDist \(2\) must not exceed spread/);
    assert.throws(() => new UMAP({ nNeighbors: 1 }), /nNeighbors must be an integer ≥ 2/);
    assert.throws(() => new UMAP({ nComponents: 0 }), /nComponents/);
    assert.throws(() => new UMAP({ nEpochs: -1 }), /nEpochs must be 'auto'/);
    assert.throws(() => new UMAP({ init: 'tsne' as never }), /init must be 'spectral', 'pca' or 'random'/);
    assert.throws(() => new UMAP({ setOpMixRatio: 1.5 }), /setOpMixRatio/);
    assert.throws(() => new UMAP({ learningRate: 0 }), /learningRate/);
    assert.throws(() => new UMAP({ a: 1 }), /both a and b/);
    assert.throws(() => new UMAP({ seed: -1 }), ArgumentError);
    const umap = new UMAP();
    assert.throws(() => umap.transform(zeros([3, 4])), NotFittedError);
    assert.throws(() => umap.fit(zeros([10, 4])), /nNeighbors \(15\) must be less than the number of points \(10\)/);
    assert.throws(() => umap.fit(zeros([30, 2, 2])), /\[N, D\].*flatten/);
    assert.throws(() => umap.fit(zeros([30, 4]), zeros([30])), /supervised/);
    withUMAP({ nEpochs: 5, nNeighbors: 5 }, rand([20, 4]), (fitted) => {
      assert.throws(() => fitted.transform(zeros([3, 5])), /expects 4 features/);
    });
  });
});
