// LocallyLinearEmbedding (src/reduce/lle.ts) and its eigensolver (src/reduce/lle-eigen.ts)
// against closed forms and against scikit-learn 1.2's LocallyLinearEmbedding (reference written
// by test/fixtures/reduce/make_linear_fixtures.py).
// Run: npx tsc -p . && node --test dist/test/reduce/lle.test.js
// Tolerances: everything is float64.
// - Barycentric weights: with k = D + 1 neighbours around a point, the regularised weights differ
//   from its exact barycentric coordinates by O(reg·trace(G)/λ_min(G)); reg 1e-12 on these
//   well-shaped simplices gives ≲ 1e-11, checked to 1e-9. With more neighbours the residual
//   obeys an exact inequality (see that test).
// - The embedding is checked against the definition: orthonormal columns, eigenvectors of
//   M = (I − W)ᵀ(I − W) built here densely from the weights (residual to 1e-13·‖M‖, eigh's
//   backward error ε·‖M‖ with a margin), orthogonal to the constant null vector as far as the
//   gap λ₁ allows, and the reconstruction error Σλ = ‖Y − W·Y‖²_F.
// - sklearn's dense solution (fixture): ours agrees to 1e-7 with our dense solver (measured: at
//   most 2.5e-9 in the embedding, 2.3e-9 relative in the reconstruction error; the smallest
//   eigenvalue gap here is λ₁ ≈ 2e-9 against ‖M‖ ≈ 4), and to 1e-6 with our iterative solver at
//   its default tol 1e-6 (measured: at most 6.5e-9). A 1% change of reg already moves the
//   embedding by 8e-6 or more, one neighbour more by ≥ 2e-2.
// - sklearn's 'auto' (ARPACK, shift-invert at σ = 0) is itself 1e-3 away from its dense solution
//   on these data (see that test): there ours is compared by principal angles.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ArgumentError, Tensor, cat, eye, linalg, loadTorch, ones, tensor, tidy, zeros } from '../../src/tensor/index.js';
import { NotFittedError } from '../../src/reduce/errors.js';
import { LLE, LocallyLinearEmbedding, barycenterWeights, type LLEOptions } from '../../src/reduce/lle.js';
import { smallestEigenpairs, EigenConvergenceError } from '../../src/reduce/lle-eigen.js';
import { nearestNeighbors } from '../../src/reduce/neighbors.js';
import { assertClose, randomTensor } from '../tensor/gradcheck.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';
import { withFitted } from './helpers.js';

expectNoLeaksPerTest();

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });

function withLLE(options: LLEOptions, x: Tensor, body: (lle: LocallyLinearEmbedding) => void): void {
  withFitted(new LocallyLinearEmbedding(options).fit(x), body);
}

/** The signs (±1 per column) that turn the columns of `actual` towards those of `expected`. */
const signsTowards = (actual: Tensor, expected: Tensor) => actual.mul(expected).sum({ dim: 0 }).sign();

/** A noisy Swiss roll [n, 3] from a fixed seed (the sklearn comparisons use the fixture's points). */
function swissRoll(n: number): Tensor {
  const t = random([n, 1]).add(1).mul(0.75 * Math.PI).add(1.5 * Math.PI); // in [1.5π, 3π]
  const height = random([n, 1]).mul(10);
  return cat([t.mul(t.cos()), height, t.mul(t.sin())], 1);
}

describe('barycenter weights', () => {
  check('a point inside a simplex of k = D + 1 neighbours gets its barycentric coordinates', () => {
    const vertices = tensor([[0, 0], [4, 0], [1, 3], [10, 10]], { dtype: 'float64' }); // the last is no neighbour
    const points = tensor([[1, 1], [2.5, 0.5], [1.2, 2.5]], { dtype: 'float64' });
    const indices = tensor([[0, 1, 2], [2, 0, 1], [1, 2, 0]], { dtype: 'int64' });
    const weights = barycenterWeights(points, vertices, indices, 1e-12);
    for (let i = 0; i < 3; i++) {
      // Barycentric coordinates b: [vertices; 1 1 1]·b = [point; 1].
      const chosen = vertices.indexSelect(0, indices.select(0, i)); // [3, 2]
      const system = cat([chosen.T, ones([1, 3], { dtype: 'float64' })], 0);
      const coordinates = linalg.solve(system, cat([points.select(0, i), ones([1], { dtype: 'float64' })], 0));
      assertClose(weights.select(0, i), coordinates, { atol: 1e-9 });
      assert.ok(weights.select(0, i).gt(0).all().item(), 'inside the simplex every weight is positive');
    }
  });
  check('weights sum to 1 and rebuild each point from more neighbours than dimensions to within √(R)·‖w₀‖', () => {
    const [n, k, d] = [60, 8, 3];
    const x = random([n, d]);
    const { indices } = nearestNeighbors(x, k);
    const offsets = x.indexSelect(0, indices.flatten()).view(n, k, d).sub(x.unsqueeze(1)); // C, [n, k, D]
    // w₀: the shortest exact affine weights, Cᵀw₀ = 0 and Σw₀ = 1 (k > D + 1 leaves many).
    const constraints = cat([offsets.transpose(1, 2), ones([n, 1, k], { dtype: 'float64' })], 1); // [n, D + 1, k]
    const exact = linalg.pinv(constraints).select(2, d); // [n, k]: pinv times the unit vector e_{D+1}
    const trace = offsets.square().sum({ dim: [1, 2] });
    for (const reg of [1e-3, 1e-9]) {
      const weights = barycenterWeights(x, x, indices, reg);
      assertClose(weights.sum({ dim: 1 }), ones([n], { dtype: 'float64' }), { atol: 1e-12 });
      // w minimises ‖Cᵀw‖² + R‖w‖² with R = reg·trace(CCᵀ), so ‖Cᵀw‖² ≤ R·‖w₀‖².
      const residual = offsets.mul(weights.unsqueeze(2)).sum({ dim: 1 }).norm(2, { dim: 1 });
      const bound = trace.mul(reg).sqrt().mul(exact.norm(2, { dim: 1 }));
      assert.ok(residual.le(bound.mul(1 + 1e-9)).all().item(), `reg ${reg}: a residual exceeds its bound`);
      assert.ok(residual.max().item() < (reg === 1e-9 ? 1e-4 : 1), 'the bound itself is small');
    }
  });
});

/** M = (I − W)ᵀ(I − W) built densely, row by row, independently of the fit's scatter. */
function standardMatrix(x: Tensor, k: number): { m: Tensor; residual: Tensor } {
  const n = x.shape[0]!;
  const { indices } = nearestNeighbors(x, k);
  const w = zeros([n, n], { dtype: 'float64' }).scatter(1, indices, barycenterWeights(x, x, indices, 1e-3));
  const residual = eye(n, undefined, { dtype: 'float64' }).sub(w); // I − W
  return { m: residual.T.matmul(residual), residual };
}

describe('LLE against its definition', () => {
  for (const eigenSolver of ['dense', 'iterative'] as const) {
    check(`${eigenSolver}: the embedding is the bottom non-constant eigenvectors of (I − W)ᵀ(I − W)`, () => {
      const n = 250;
      const x = swissRoll(n);
      const k = 8;
      withLLE({ nNeighbors: k, eigenSolver, tol: 1e-10 }, x, (lle) => {
        assert.equal(lle.solver, eigenSolver);
        const y = lle.embedding; // [N, 2]
        const { m, residual } = standardMatrix(x, k);
        const spectrum = linalg.eigvalsh(m);
        const eigenvalues = spectrum.narrow(0, 1, 2);
        const norm = spectrum.max().item();
        const lambda1 = eigenvalues.min().item();
        assertClose(y.T.matmul(y), eye(2, undefined, { dtype: 'float64' }), { atol: 1e-12 });
        // Rounding of M (≈ ε·‖M‖, with a margin of 50) turns an eigenvector towards the constant
        // null vector by up to that over the gap λ₁.
        assertClose(y.sum({ dim: 0 }), [0, 0], { atol: Math.sqrt(n) * 1e-14 * norm / lambda1 });
        assertClose(m.matmul(y), y.mul(eigenvalues), { atol: 1e-13 * norm });
        assertClose(lle.reconstructionError, eigenvalues.sum().item(), { rtol: 1e-8 });
        assertClose(lle.reconstructionError, residual.matmul(y).square().sum().item(), { rtol: 1e-8 });
        // Signs: the largest-magnitude entry of each column is positive.
        assert.ok(y.gather(0, y.abs().argmax(0, true)).gt(0).all().item());
      });
    });
  }
  check('modified LLE: the two solvers agree, and the embedding is orthonormal and orthogonal to the constants', () => {
    const x = swissRoll(200);
    withLLE({ nNeighbors: 10, method: 'modified', eigenSolver: 'dense' }, x, (dense) => {
      const y = dense.embedding;
      assertClose(y.T.matmul(y), eye(2, undefined, { dtype: 'float64' }), { atol: 1e-12 });
      // Modified LLE's λ₁ is larger next to ‖M‖ than standard LLE's (measured: |1ᵀy| ≲ 1e-8 here).
      assertClose(y.sum({ dim: 0 }), [0, 0], { atol: 1e-6 });
      withLLE({ nNeighbors: 10, method: 'modified', eigenSolver: 'iterative', tol: 1e-10 }, x, (iterative) => {
        assertClose(iterative.embedding, y, { atol: 1e-7 });
        assertClose(iterative.reconstructionError, dense.reconstructionError, { rtol: 1e-8 });
      });
    });
  });
  check('smallestEigenpairs matches a full eigendecomposition and reports running out of steps', () => {
    // Eigenvalues 0, 1e-6, 2e-6, ... : tiny next to the norm, as LLE's are.
    const n = 120;
    const q = linalg.qr(random([n, n])).Q;
    const spectrum = tensor(Array.from({ length: n }, (_, i) => (i < 6 ? i * 1e-6 : 0.1 + i / n)), { dtype: 'float64' });
    const matrix = q.mul(spectrum).matmul(q.T);
    const { eigenvalues, eigenvectors, iterations } = smallestEigenpairs(matrix, 4, { tol: 1e-10 });
    assertClose(eigenvalues, [0, 1e-6, 2e-6, 3e-6], { atol: 1e-13 });
    const expected = q.narrow(1, 0, 4);
    assertClose(eigenvectors.mul(signsTowards(eigenvectors, expected)), expected, { atol: 1e-8 });
    assert.ok(iterations < 20, `${iterations} iterations`);
    assert.throws(() => smallestEigenpairs(matrix, 4, { tol: 1e-30, maxIter: 3 }), EigenConvergenceError);
  });
});

describe('LLE against scikit-learn', () => {
  interface Case {
    options: { n_neighbors: number; n_components?: number; method?: 'standard' | 'modified' };
    x: Tensor;
    x_new: Tensor;
    embedding: Tensor;
    reconstruction_error: number;
    transform_new: Tensor;
    arpack_embedding?: Tensor;
    arpack_reconstruction_error?: number;
  }
  const fixture = fileURLToPath(new URL('../../../test/fixtures/reduce/linear.pt', import.meta.url));
  const cases = (loadTorch(fixture) as { lle: Record<string, Case> }).lle;
  after(() => {
    for (const c of Object.values(cases)) for (const value of Object.values(c)) if (value instanceof Tensor) value.dispose();
  });

  for (const [name, c] of Object.entries(cases)) {
    for (const eigenSolver of ['dense', 'auto'] as const) {
      // See the top of the file: 1e-7 for the dense solvers, 1e-6 for ours at tol 1e-6.
      const tolerance = eigenSolver === 'dense' ? 1e-7 : 1e-6;
      check(`${name} ${JSON.stringify(c.options)}, ours ${eigenSolver}: embedding (up to sign), reconstruction error and transform match sklearn's dense solution`, () => {
        const options: LLEOptions = { nNeighbors: c.options.n_neighbors, nComponents: c.options.n_components, method: c.options.method, eigenSolver };
        withLLE(options, c.x, (lle) => {
          assert.equal(lle.solver, eigenSolver === 'dense' ? 'dense' : 'iterative');
          const signs = signsTowards(lle.embedding, c.embedding);
          assertClose(lle.embedding.mul(signs), c.embedding, { atol: tolerance, message: 'embedding' });
          assertClose(lle.reconstructionError, c.reconstruction_error, { rtol: tolerance, message: 'reconstruction error' });
          assertClose(lle.transform(c.x_new).mul(signs), c.transform_new, { atol: tolerance, message: 'transform of new points' });
          if (eigenSolver === 'auto' && c.arpack_embedding) {
            // sklearn's own 'auto' (ARPACK at tol 1e-6) strays from its dense solution by up to
            // 1e-3 here (principal-angle cosines down to 0.99995, errors 3e-3 apart): ours is
            // held to what ARPACK reaches, against ARPACK.
            const cosines = linalg.svdvals(lle.embedding.T.matmul(c.arpack_embedding));
            assert.ok(cosines.gt(0.9999).all().item(), `principal-angle cosines ${cosines.toArray()}`);
            assertClose(lle.reconstructionError, c.arpack_reconstruction_error!, { rtol: 1e-2 });
          }
        });
      });
    }
  }
});

describe('LLE behaviour', () => {
  check('LLE is the same class; float32 data give float32 outputs; fitTransform returns a copy', () => {
    assert.equal(LLE, LocallyLinearEmbedding);
    const x = swissRoll(80);
    const lle = new LocallyLinearEmbedding({ nNeighbors: 6 });
    const z = lle.fitTransform(x.float());
    assert.equal(z.dtype, 'float32');
    assert.equal(lle.embedding.dtype, 'float64');
    assert.equal(lle.transform(x.float().narrow(0, 0, 5)).dtype, 'float32');
    lle.dispose();
    assert.ok(!z.isDisposed);
  });
  check("'auto' picks dense up to 200 points or 9 components, else iterative", () => {
    withLLE({ nNeighbors: 6 }, swissRoll(200), (lle) => assert.equal(lle.solver, 'dense'));
    withLLE({ nNeighbors: 6 }, swissRoll(201), (lle) => assert.equal(lle.solver, 'iterative'));
  });
  test('dispose frees every fitted tensor, and a second fit frees the first', () => {
    const x = tidy(() => swissRoll(40));
    const lle = new LocallyLinearEmbedding().fit(x);
    lle.fit(x);
    lle.dispose();
    assert.throws(() => lle.embedding, NotFittedError);
    x.dispose();
  });
  check('refuses bad use with messages that say what to do', () => {
    const x = random([20, 3]);
    assert.throws(() => new LocallyLinearEmbedding().transform(x), NotFittedError);
    assert.throws(() => new LocallyLinearEmbedding().fit(x.view(20, 3, 1)), /\[N, D\].*flatten/);
    assert.throws(() => new LocallyLinearEmbedding({ nNeighbors: 20 }).fit(x), /nNeighbors must be below the number of samples: got nNeighbors 20 for 20 samples/);
    assert.throws(() => new LocallyLinearEmbedding({ nComponents: 4 }).fit(x), /nComponents 4 exceeds the 3 input dimensions/);
    assert.throws(() => new LocallyLinearEmbedding({ method: 'hessian' as 'standard' }), /method must be 'standard' or 'modified'/);
    assert.throws(() => new LocallyLinearEmbedding({ eigenSolver: 'arpack' as 'dense' }), /eigenSolver must be 'auto', 'dense' or 'iterative'/);
    assert.throws(() => new LocallyLinearEmbedding({ method: 'modified', nNeighbors: 1, nComponents: 2 }), /nNeighbors ≥ nComponents/);
    assert.throws(() => new LocallyLinearEmbedding({ reg: -1 }), ArgumentError);
    assert.throws(() => new LocallyLinearEmbedding({ nNeighbors: 6, reg: 0 }).fit(x), /local Gram matrix is singular.*reg > 0/);
    withLLE({}, x, (lle) => assert.throws(() => lle.transform(random([2, 4])), /expects 3 features/));
  });
});
