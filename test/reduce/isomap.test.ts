// Isomap and its graph algorithms (src/reduce/isomap.ts) against closed forms, a brute-force
// Floyd–Warshall, and scikit-learn 1.2's Isomap (reference written by
// test/fixtures/reduce/make_kernel_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/isomap.test.js
// Tolerances: everything is float64. Dijkstra and Floyd–Warshall add the same edge lengths along
// the same shortest paths, so they agree to a few ulps (checked to 1e-12 on lengths of ~5). The
// sklearn data are identical on both sides, so the neighbour graphs are the same and geodesic
// distances (~10–100) agree to rounding of path sums, checked to 1e-10 (measured: at most 1.4e-14).
// The embeddings are eigenvectors with gaps of at least 25% of their eigenvalue after each
// component kept (the script's data are chosen for it), so they agree to about ε·λ₁/gap: checked
// to 1e-8 of their scale (measured: at most 6e-15), signs included (both flip each eigenvector's
// largest entry positive); the reconstruction error to 1e-8 relative (measured: 1e-14). A wrong
// kernel (no −½, no centring, distances not squared) is off by O(1).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Tensor, liveTensorCount, loadTorch, tensor, tidy } from '../../src/tensor/index.js';
import { NotFittedError } from '../../src/reduce/index.js';
import { Isomap, shortestPathLengths, undirectedGraph, type IsomapOptions } from '../../src/reduce/isomap.js';
import { connectedComponents } from '../../src/reduce/graph.js';
import { assertClose, randomTensor } from '../tensor/gradcheck.js';
import { seededRandom } from '../../src/tensor/random.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });

interface Case {
  options: Record<string, number | string>;
  x: Tensor;
  x_new: Tensor;
  embedding: Tensor;
  dist_matrix: Tensor;
  reconstruction_error: number;
  transform_new: Tensor;
}
const loaded = loadTorch(fileURLToPath(new URL('../../../test/fixtures/reduce/kernels.pt', import.meta.url))) as unknown as { isomap: Record<string, Case> };
const fixture = loaded.isomap;
after(() => {
  const free = (value: unknown): void => {
    if (value instanceof Tensor) value.dispose();
    else if (value && typeof value === 'object') Object.values(value).forEach(free);
  };
  free(loaded); // every part of the file, the kernel PCA cases too
});

function withIsomap(options: IsomapOptions, x: Tensor, body: (isomap: Isomap) => void): void {
  withFitted(new Isomap(options).fit(x), body);
}

/** Asserts |a − b| ≤ rtol·max|b| elementwise: a tolerance relative to the scale of the expected matrix. */
function assertScaledClose(actual: Tensor, expected: Tensor, rtol: number, message?: string): void {
  assertClose(actual, expected, { atol: rtol * expected.abs().max().item(), message });
}

/** All-pairs shortest paths by Floyd–Warshall over a dense matrix: O(N³), obviously right. */
function floydWarshall(n: number, edges: [number, number, number][]): Float64Array {
  const d = new Float64Array(n * n).fill(Infinity);
  for (let i = 0; i < n; i++) d[i * n + i] = 0;
  for (const [a, b, w] of edges) {
    if (a === b) continue;
    d[a * n + b] = Math.min(d[a * n + b]!, w);
    d[b * n + a] = Math.min(d[b * n + a]!, w);
  }
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) d[i * n + j] = Math.min(d[i * n + j]!, d[i * n + k]! + d[k * n + j]!);
    }
  }
  return d;
}

function graphOf(n: number, edges: [number, number, number][]) {
  return undirectedGraph(n, Int32Array.from(edges, (e) => e[0]), Int32Array.from(edges, (e) => e[1]), Float64Array.from(edges, (e) => e[2]));
}

describe('graph algorithms', () => {
  test('undirectedGraph stores each edge from both ends, merges repeats keeping the shortest, drops self-loops', () => {
    const graph = graphOf(4, [[0, 1, 2], [1, 0, 1.5], [2, 2, 7], [1, 3, 4], [0, 1, 3]]);
    const row = (i: number) => {
      const [start, end] = [graph.offsets[i]!, graph.offsets[i + 1]!];
      return Array.from(graph.targets.subarray(start, end), (target, e) => [target, graph.weights[start + e]]);
    };
    assert.deepEqual(row(0), [[1, 1.5]]);
    assert.deepEqual(row(1), [[0, 1.5], [3, 4]]);
    assert.deepEqual(row(2), []);
    assert.deepEqual(row(3), [[1, 4]]);
  });
  test('Dijkstra from every node equals Floyd–Warshall on random graphs, unreachable pairs included', () => {
    const next = seededRandom(11);
    for (const [n, edgeCount] of [[60, 150], [40, 30], [25, 300]] as const) {
      const edges: [number, number, number][] = Array.from({ length: edgeCount }, () => [
        Math.floor(next() * n), Math.floor(next() * n), next() < 0.05 ? 0 : 5 * next(),
      ]);
      const ours = shortestPathLengths(graphOf(n, edges));
      const reference = floydWarshall(n, edges);
      for (let i = 0; i < n * n; i++) {
        const [a, b] = [ours[i]!, reference[i]!];
        assert.ok(a === b || Math.abs(a - b) <= 1e-12, `n ${n}, pair (${Math.floor(i / n)}, ${i % n}): ${a} vs Floyd–Warshall ${b}`);
      }
    }
  });
  test('connectedComponents counts and labels the pieces', () => {
    const { count, labels } = connectedComponents(graphOf(7, [[0, 1, 1], [1, 2, 1], [3, 4, 1], [6, 6, 1]]));
    assert.equal(count, 4);
    assert.deepEqual(Array.from(labels), [0, 0, 0, 1, 1, 2, 3]);
  });
  test('refuses malformed edges', () => {
    assert.throws(() => graphOf(3, [[0, 3, 1]]), /outside the nodes 0..2/);
    assert.throws(() => graphOf(3, [[0, 1, -1]]), /non-negative/);
  });
});

describe('Isomap closed forms', () => {
  // Points along a line in 3-D: the path through neighbours is the straight segment, so
  // geodesic distances are |tᵢ − tⱼ| and the 1-D embedding is ±(t − mean t) with eigenvalue Σ(t − t̄)².
  function pointsOnALine(n: number): { x: Tensor; t: Tensor } {
    // Evenly spaced with a little jitter, so each point's nearest neighbours are the adjacent ones.
    const t = tensor(Float64Array.from({ length: n }, (_, i) => (10 * i) / n)).add(random([n]).mul(0.02));
    const direction = tensor([2, -1, 2], { dtype: 'float64' }).div(3); // unit
    return { x: t.unsqueeze(1).mul(direction).add(tensor([1, 2, 3], { dtype: 'float64' })), t };
  }
  check('points on a line: geodesic distances are |tᵢ − tⱼ|, the embedding is the centred coordinate', () => {
    const { x, t } = pointsOnALine(60);
    withIsomap({ nNeighbors: 3, nComponents: 1 }, x, (isomap) => {
      assertClose(isomap.geodesicDistances, t.unsqueeze(1).sub(t.unsqueeze(0)).abs(), { atol: 1e-12 });
      const centred = t.sub(t.mean()).unsqueeze(1);
      const sign = isomap.embedding.mul(centred).sum().sign().item();
      assert.equal(sign, centred.gather(0, centred.abs().argmax(0, true)).sign().item(), 'the largest entry comes out positive');
      assertClose(isomap.embedding, centred.mul(sign), { atol: 1e-10 });
      assertClose(isomap.eigenvalues, [centred.square().sum().item()], { rtol: 1e-12 });
      // Rank one: nothing is missed. The error is √(‖K_c‖² − λ²)/N, so float64 rounding of the two
      // ~λ² terms leaves up to √(ε)·λ/N ≈ 1e-8·480/60 ≈ 1e-7.
      assert.ok(isomap.reconstructionError() < 1e-6, `reconstruction error ${isomap.reconstructionError()}`);
    });
  });
  check('transform of the training points gives back their fitted embedding', () => {
    const x = random([80, 3]);
    withIsomap({ nNeighbors: 6, nComponents: 2 }, x, (isomap) => assertClose(isomap.transform(x), isomap.embedding, { atol: 1e-10 }));
  });
  check('randomized and dense eigensolvers give the same embedding', () => {
    const c = fixture.swiss_roll!;
    withIsomap({ nNeighbors: 10, eigenSolver: 'dense' }, c.x, (dense) => {
      withIsomap({ nNeighbors: 10, eigenSolver: 'randomized' }, c.x, (randomized) => assertScaledClose(randomized.embedding, dense.embedding, 1e-9));
    });
  });
});

describe('Isomap against scikit-learn', () => {
  const names: Record<string, keyof IsomapOptions> = { n_neighbors: 'nNeighbors', n_components: 'nComponents', eigen_solver: 'eigenSolver' };
  const optionsOf = (sklearn: Case['options']): IsomapOptions => ({
    ...Object.fromEntries(Object.entries(sklearn).map(([key, value]) => [names[key] ?? assert.fail(`unmapped option ${key}`), value])),
    connectComponents: true, // sklearn 1.2 joins components (the two-blob case needs it)
  });
  for (const [name, c] of Object.entries(fixture)) {
    check(`${name} ${JSON.stringify(c.options)}: geodesic distances, embedding, reconstruction error and transform match sklearn`, () => {
      withIsomap(optionsOf(c.options), c.x, (isomap) => {
        assertClose(isomap.geodesicDistances, c.dist_matrix, { atol: 1e-10 });
        assertScaledClose(isomap.embedding, c.embedding, 1e-8, 'embedding');
        assertClose(isomap.reconstructionError(), c.reconstruction_error, { rtol: 1e-8 });
        assertScaledClose(isomap.transform(c.x_new), c.transform_new, 1e-8, 'transform of new points');
      });
    });
  }
});

describe('Isomap behaviour', () => {
  check('a disconnected neighbour graph is refused by default, naming the number of components', () => {
    const c = fixture.two_blobs_connected!;
    assert.throws(() => new Isomap({ nNeighbors: 5 }).fit(c.x), /the 5-neighbour graph has 2 connected components.*raise nNeighbors.*connectComponents/);
  });
  check('float32 data give a float32 embedding close to the float64 one', () => {
    const c = fixture.swiss_roll!;
    const isomap = new Isomap({ nNeighbors: 10 });
    try {
      const z = isomap.fitTransform(c.x.float());
      assert.equal(z.dtype, 'float32');
      // float32 edge lengths (~6e-8 relative) bound the difference, amplified by the eigen-gap
      assertScaledClose(z, c.embedding, 1e-5);
      assert.equal(isomap.transform(c.x_new.float()).dtype, 'float32');
    } finally {
      isomap.dispose();
    }
  });
  test('dispose frees every fitted tensor, and a second fit frees the first', () => {
    const x = random([40, 3]);
    const before = liveTensorCount();
    const isomap = new Isomap({ nNeighbors: 6 }).fit(x);
    const fitted = liveTensorCount();
    assert.ok(fitted > before);
    isomap.fit(x);
    assert.equal(liveTensorCount(), fitted);
    isomap.dispose();
    assert.equal(liveTensorCount(), before);
    assert.throws(() => isomap.embedding, NotFittedError);
    x.dispose();
  });
  // For float64 data the embedding's to(float64) used to hand out the fitted tensor itself, which
  // the caller then owned and freed (issue 13).
  test("fitTransform's result is the caller's own: disposing it leaves the fitted Isomap whole", () => {
    const x = random([30, 3]);
    const isomap = new Isomap({ nNeighbors: 6 });
    const z = isomap.fitTransform(x);
    z.dispose();
    assert.equal(isomap.embedding.isDisposed, false);
    assert.deepEqual(isomap.embedding.shape, [30, 2]);
    isomap.dispose();
    x.dispose();
  });
  check('refuses bad use with messages that say what to do', () => {
    assert.throws(() => new Isomap({ nNeighbors: 0 }), /nNeighbors must be a positive integer/);
    assert.throws(() => new Isomap({ nComponents: 2.5 }), /nComponents must be a positive integer/);
    assert.throws(() => new Isomap({ eigenSolver: 'arpack' as 'dense' }), /eigenSolver must be/);
    assert.throws(() => new Isomap().transform(random([3, 4])), NotFittedError);
    assert.throws(() => new Isomap().fit(random([10, 2, 2])), /\[N, D\].*flatten/);
    assert.throws(() => new Isomap({ nNeighbors: 10 }).fit(random([10, 3])), /nNeighbors 10 needs more than 10 points/);
    withIsomap({ nNeighbors: 4 }, random([20, 3]), (isomap) => assert.throws(() => isomap.transform(random([3, 4])), /expects 3 features/));
  });
});
