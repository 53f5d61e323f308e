// Closed-form checks of the linear algebra: each decomposition against its defining identity,
// each solver against a second route to the same answer, each norm against its definition.
// Run: npx tsc -p . && node --test dist/test/tensor/linalg.test.js
// Tolerance: float64 LAPACK on matrices with condition number ≲ 100 is accurate to
// ~1e-15·cond, so identities are checked to atol 1e-10 (1e-12 for exact-arithmetic cases).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, cdist, eye, liveTensorCount, linalg, tidy } from '../../src/index.js';
import { assertClose, f64, randomTensor } from './gradcheck.js';

const check = (name: string, body: () => void) => test(name, () => tidy(body));
const random = (shape: number[]) => randomTensor(shape, { requiresGrad: false });
const identity = (n: number) => eye(n, undefined, { dtype: 'float64' });
/** A symmetric positive-definite n×n matrix: B Bᵀ + n·I. */
const spd = (n: number) => {
  const b = random([n, n]);
  return b.matmul(b.T).add(identity(n).mul(n));
};
const tight = { atol: 1e-10 };

const liveAtStart = liveTensorCount();

describe('linalg.svd', () => {
  check('U diag(S) Vh reconstructs A; U and Vh have orthonormal columns and rows; S descends', () => {
    const a = random([5, 3]);
    const { U, S, Vh } = linalg.svd(a);
    assert.deepEqual([U.shape, S.shape, Vh.shape], [[5, 3], [3], [3, 3]]);
    assertClose(U.mul(S).matmul(Vh), a, tight);
    assertClose(U.T.matmul(U), identity(3), tight);
    assertClose(Vh.matmul(Vh.T), identity(3), tight);
    const s = Array.from(S.toTypedArray() as Float64Array);
    assert.ok(s.every((v, i) => v >= 0 && (i === 0 || v <= s[i - 1]!)), `singular values ${s} must be non-negative and descending`);
    assertClose(linalg.svdvals(a), S, tight);
  });
  check('fullMatrices gives a square orthogonal U', () => {
    const { U, Vh } = linalg.svd(random([5, 3]), { fullMatrices: true });
    assert.deepEqual([U.shape, Vh.shape], [[5, 5], [3, 3]]);
    assertClose(U.T.matmul(U), identity(5), tight);
  });
  check('batches over leading dimensions', () => {
    const a = random([2, 4, 3]);
    const { U, S, Vh } = linalg.svd(a);
    assertClose(U.mul(S.unsqueeze(1)).matmul(Vh), a, tight);
  });
  check('singular values of diag(3, −2) are 3 and 2', () => assertClose(linalg.svdvals(f64([[3, 0], [0, -2]])), [3, 2], { atol: 1e-12 }));
});

describe('linalg.eigh', () => {
  check('Vᵀ A V is diag(λ), λ ascending, V orthogonal; eigvalsh agrees', () => {
    const b = random([4, 4]);
    const a = b.add(b.T);
    const { eigenvalues, eigenvectors: V } = linalg.eigh(a);
    assertClose(V.T.matmul(a).matmul(V), eigenvalues.diag(), tight);
    assertClose(V.T.matmul(V), identity(4), tight);
    const l = Array.from(eigenvalues.toTypedArray() as Float64Array);
    assert.ok(l.every((v, i) => i === 0 || v >= l[i - 1]!), `eigenvalues ${l} must ascend`);
    assertClose(linalg.eigvalsh(a), eigenvalues, tight);
  });
  check("uplo 'U' reads only the upper triangle, 'L' only the lower", () => {
    const m = random([3, 3]);
    const fromUpper = m.triu().add(m.triu(1).T);
    const fromLower = m.tril().add(m.tril(-1).T);
    assertClose(linalg.eigvalsh(m, 'U'), linalg.eigvalsh(fromUpper), tight);
    assertClose(linalg.eigvalsh(m), linalg.eigvalsh(fromLower), tight);
  });
  check('eigenvalues of [[2, 1], [1, 2]] are 1 and 3', () => assertClose(linalg.eigvalsh(f64([[2, 1], [1, 2]])), [1, 3], { atol: 1e-12 }));
});

describe('linalg.qr', () => {
  check('Q has orthonormal columns, R is upper triangular, QR = A', () => {
    const a = random([5, 3]);
    const { Q, R } = linalg.qr(a);
    assert.deepEqual([Q.shape, R.shape], [[5, 3], [3, 3]]);
    assertClose(Q.T.matmul(Q), identity(3), tight);
    assertClose(R.tril(-1), [[0, 0, 0], [0, 0, 0], [0, 0, 0]], { atol: 0 }); // structural zeros: exact
    assertClose(Q.matmul(R), a, tight);
  });
  check("'complete' gives a square Q and a 5×3 R", () => {
    const a = random([5, 3]);
    const { Q, R } = linalg.qr(a, 'complete');
    assert.deepEqual([Q.shape, R.shape], [[5, 5], [5, 3]]);
    assertClose(Q.T.matmul(Q), identity(5), tight);
    assertClose(Q.matmul(R), a, tight);
  });
  check("'r' gives the same R", () => {
    const a = random([5, 3]);
    assertClose(linalg.qr(a, 'r').R, linalg.qr(a).R, { atol: 1e-12 });
  });
});

describe('linalg.cholesky', () => {
  check('L is lower triangular and L Lᵀ = A; upper gives Lᵀ', () => {
    const a = spd(4);
    const L = linalg.cholesky(a);
    assertClose(L.triu(1), Array.from({ length: 4 }, () => [0, 0, 0, 0]), { atol: 0 }); // structural zeros: exact
    assertClose(L.matmul(L.T), a, tight);
    assertClose(linalg.cholesky(a, { upper: true }), L.T, tight);
  });
  check('of diag(4, 9) is diag(2, 3)', () => assertClose(linalg.cholesky(f64([[4, 0], [0, 9]])), [[2, 0], [0, 3]], { atol: 1e-12 }));
  check('throws for a matrix that is not positive definite', () => {
    assert.throws(() => linalg.cholesky(f64([[1, 2], [2, 1]])), /positive-definite|not positive/i);
  });
});

describe('solvers and inverses', () => {
  check('solve gives A X = B for a matrix and a vector right-hand side', () => {
    const a = spd(3);
    const b = random([3, 2]);
    assertClose(a.matmul(linalg.solve(a, b)), b, tight);
    const v = random([3]);
    assertClose(a.mv(linalg.solve(a, v)), v, tight);
  });
  check('solve of a hand-computed 2×2 system', () =>
    // 2x + y = 5, x + 3y = 10 → x = 1, y = 3
    assertClose(linalg.solve(f64([[2, 1], [1, 3]]), f64([5, 10])), [1, 3], { atol: 1e-12 }));
  check('inv(A) A = A inv(A) = I', () => {
    const a = spd(4).add(random([4, 4]));
    const inverse = linalg.inv(a);
    assertClose(inverse.matmul(a), identity(4), tight);
    assertClose(a.matmul(inverse), identity(4), tight);
  });
  check('det of a triangular matrix is the product of its diagonal', () => {
    // exact in float64 up to the LU's rounding: 1e-12
    assertClose(linalg.det(f64([[2, 5, 1], [0, -3, 4], [0, 0, 0.5]])), -3, { atol: 1e-12 });
    assertClose(linalg.det(f64([[1.5, 0, 0], [7, 2, 0], [-1, 3, -4]])), -12, { atol: 1e-12 });
  });
  check('det is multiplicative: det(A Aᵀ) = det(A)²', () => {
    const a = random([4, 4]);
    assertClose(linalg.det(a.matmul(a.T)), linalg.det(a).square(), { atol: 1e-12, rtol: 1e-10 });
  });
  check('slogdet: sign · exp(logabsdet) = det, including a negative determinant', () => {
    for (const a of [spd(3), f64([[0, 1, 0], [1, 0, 0], [0, 0, 2]]), random([4, 4])]) {
      const { sign, logabsdet } = linalg.slogdet(a);
      assertClose(sign.mul(logabsdet.exp()), linalg.det(a), { atol: 1e-12, rtol: 1e-10 });
    }
    assert.equal(linalg.slogdet(f64([[0, 1, 0], [1, 0, 0], [0, 0, 2]])).sign.item(), -1);
  });
  check('slogdet stays finite where det underflows: 1e-4·I₁₀₀', () => {
    const a = identity(100).mul(1e-4);
    assert.equal(linalg.det(a).item(), 0); // 1e-400 is below the float64 range
    assertClose(linalg.slogdet(a).logabsdet, 100 * Math.log(1e-4), { atol: 1e-9 });
  });
  check('pinv satisfies the Penrose conditions, for full and deficient rank', () => {
    const full = random([5, 3]);
    const deficient = random([4, 2]).matmul(random([2, 3])); // rank 2
    for (const a of [full, deficient]) {
      const p = linalg.pinv(a);
      assertClose(a.matmul(p).matmul(a), a, tight);
      assertClose(p.matmul(a).matmul(p), p, tight);
      assertClose(a.matmul(p), a.matmul(p).T, tight);
      assertClose(p.matmul(a), p.matmul(a).T, tight);
    }
    // full column rank: A⁺ = (AᵀA)⁻¹Aᵀ
    assertClose(linalg.pinv(full), linalg.solve(full.T.matmul(full), full.T), tight);
    assert.equal(linalg.matrixRank(deficient).item(), 2);
  });
  check('lstsq on an overdetermined system matches the normal equations', () => {
    const a = random([6, 3]);
    const b = random([6, 2]);
    const { solution } = linalg.lstsq(a, b);
    assertClose(solution, linalg.solve(a.T.matmul(a), a.T.matmul(b)), tight);
    // the residual is orthogonal to the columns of A
    assertClose(a.T.matmul(a.matmul(solution).sub(b)), [[0, 0], [0, 0], [0, 0]], tight);
  });
  check('lstsq fits a line through points on it exactly', () => {
    // y = 2x + 1 at x = 0, 1, 2, 3
    const a = f64([[0, 1], [1, 1], [2, 1], [3, 1]]);
    assertClose(linalg.lstsq(a, f64([[1], [3], [5], [7]])).solution, [[2], [1]], { atol: 1e-12 });
  });
});

describe('norms and distances', () => {
  const m = () => f64([[1, -2, 3], [-4, 5, -6]]);
  check("matrixNorm 'fro' = sqrt(sum of squares)", () => {
    assertClose(linalg.matrixNorm(m()), Math.sqrt(1 + 4 + 9 + 16 + 25 + 36), { atol: 1e-12 });
    assertClose(m().norm('fro'), Math.sqrt(91), { atol: 1e-12 });
  });
  check("matrixNorm 'nuc' = sum of singular values, 2 = the largest, −2 = the smallest", () => {
    const a = random([4, 3]);
    const s = linalg.svdvals(a);
    assertClose(linalg.matrixNorm(a, 'nuc'), s.sum(), tight);
    assertClose(a.norm('nuc'), s.sum(), tight);
    assertClose(linalg.matrixNorm(a, 2), s.max(), tight);
    assertClose(linalg.matrixNorm(a, -2), s.min(), tight);
  });
  check('matrixNorm 1 = largest absolute column sum, ∞ = largest absolute row sum', () => {
    assertClose(linalg.matrixNorm(m(), 1), 9, { atol: 1e-12 });
    assertClose(linalg.matrixNorm(m(), Infinity), 15, { atol: 1e-12 });
  });
  check('matrixNorm keepdim and batching', () => {
    const batch = f64([[[3, 4]], [[6, 8]]]);
    assertClose(linalg.matrixNorm(batch), [5, 10], { atol: 1e-12 });
    assert.deepEqual(linalg.matrixNorm(batch, 'fro', true).shape, [2, 1, 1]);
  });
  check('vectorNorm: p = 2, 1, ∞ over a dim', () => {
    assertClose(linalg.vectorNorm(m(), 2, 1), [Math.sqrt(14), Math.sqrt(77)], { atol: 1e-12 });
    assertClose(linalg.vectorNorm(m(), 1, 0), [5, 7, 9], { atol: 1e-12 });
    assertClose(linalg.vectorNorm(m(), Infinity), 6, { atol: 1e-12 });
  });
  check('cdist against a hand computation (p = 2 and p = 1)', () => {
    const x1 = f64([[0, 0], [1, 1]]);
    const x2 = f64([[3, 4], [1, 0], [0, 1]]);
    assertClose(cdist(x1, x2), [[5, 1, 1], [Math.sqrt(13), 1, 1]], { atol: 1e-12 });
    assertClose(cdist(x1, x2, 1), [[7, 1, 1], [5, 1, 1]], { atol: 1e-12 });
  });
  check('cdist equals the norms of all pairwise differences (batched)', () => {
    const x1 = random([2, 3, 4]);
    const x2 = random([2, 5, 4]);
    const differences: Tensor = x1.unsqueeze(2).sub(x2.unsqueeze(1)); // [2, 3, 5, 4]
    assertClose(cdist(x1, x2), differences.norm(2, { dim: -1 }), tight);
  });
});

test('the checks leave no tensors alive', () => {
  assert.equal(liveTensorCount(), liveAtStart);
});
