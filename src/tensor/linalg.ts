// Linear algebra, as torch.linalg. Batched over leading dimensions where libtorch is.
import { aten } from './ops.js';
import { Tensor, wrap, wrapAll } from './tensor.js';

const op = {
  svd: aten('linalg_svd'), svdvals: aten('linalg_svdvals'), eigh: aten('linalg_eigh'),
  eigvalsh: aten('linalg_eigvalsh'), qr: aten('linalg_qr'), cholesky: aten('linalg_cholesky'),
  choleskySolve: aten('cholesky_solve'),
  solve: aten('linalg_solve'), inv: aten('linalg_inv'), pinv: aten('linalg_pinv.atol_rtol_float'),
  det: aten('linalg_det'), slogdet: aten('linalg_slogdet'), lstsq: aten('linalg_lstsq'),
  matrixNorm: aten('linalg_matrix_norm'), matrixNormStr: aten('linalg_matrix_norm.str_ord'),
  vectorNorm: aten('linalg_vector_norm'), matrixRank: aten('linalg_matrix_rank.atol_rtol_float'),
};

/** A = U diag(S) Vh. With fullMatrices false (the default here), U is m×k and Vh k×n. */
export function svd(a: Tensor, options: { fullMatrices?: boolean } = {}): { U: Tensor; S: Tensor; Vh: Tensor } {
  const [U, S, Vh] = wrapAll(op.svd(a.handle, options.fullMatrices ?? false));
  return { U: U!, S: S!, Vh: Vh! };
}
/** Singular values of a matrix, largest first. */
export function svdvals(a: Tensor): Tensor {
  return wrap(op.svdvals(a.handle));
}
/** Eigen-decomposition of a symmetric matrix: ascending eigenvalues, eigenvectors in columns. */
export function eigh(a: Tensor, uplo: 'L' | 'U' = 'L'): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const [eigenvalues, eigenvectors] = wrapAll(op.eigh(a.handle, uplo));
  return { eigenvalues: eigenvalues!, eigenvectors: eigenvectors! };
}
/** Eigenvalues of a symmetric matrix, ascending. */
export function eigvalsh(a: Tensor, uplo: 'L' | 'U' = 'L'): Tensor {
  return wrap(op.eigvalsh(a.handle, uplo));
}
/** QR decomposition: Q orthonormal, R upper triangular. */
export function qr(a: Tensor, mode: 'reduced' | 'complete' | 'r' = 'reduced'): { Q: Tensor; R: Tensor } {
  const [Q, R] = wrapAll(op.qr(a.handle, mode));
  return { Q: Q!, R: R! };
}
/** Lower-triangular L with A = L Lᵀ (upper: U with A = Uᵀ U). */
export function cholesky(a: Tensor, options: { upper?: boolean } = {}): Tensor {
  return wrap(op.cholesky(a.handle, options.upper ?? false));
}
/**
 * X with A X = B, given A's Cholesky factor (A = L Lᵀ, or A = Uᵀ U with upper): two triangular
 * solves, O(n²) per column of B once the O(n³) factor is paid for.
 */
export function choleskySolve(b: Tensor, factor: Tensor, options: { upper?: boolean } = {}): Tensor {
  return wrap(op.choleskySolve(b.handle, factor.handle, options.upper ?? false));
}
/** X with A X = B. */
export function solve(a: Tensor, b: Tensor): Tensor {
  return wrap(op.solve(a.handle, b.handle));
}
/** Inverse of a square matrix. */
export function inv(a: Tensor): Tensor {
  return wrap(op.inv(a.handle));
}
/** Moore–Penrose pseudo-inverse; singular values below max(atol, rtol·σmax) count as zero. */
export function pinv(a: Tensor, options: { atol?: number; rtol?: number; hermitian?: boolean } = {}): Tensor {
  return wrap(op.pinv(a.handle, options.atol ?? null, options.rtol ?? null, options.hermitian ?? false));
}
/** Determinant of a square matrix. */
export function det(a: Tensor): Tensor {
  return wrap(op.det(a.handle));
}
/** sign and log|det|, stable where det under- or overflows. */
export function slogdet(a: Tensor): { sign: Tensor; logabsdet: Tensor } {
  const [sign, logabsdet] = wrapAll(op.slogdet(a.handle));
  return { sign: sign!, logabsdet: logabsdet! };
}
/** Least-squares solution of A X ≈ B. */
export function lstsq(a: Tensor, b: Tensor): { solution: Tensor; residuals: Tensor; rank: Tensor; singularValues: Tensor } {
  const [solution, residuals, rank, singularValues] = wrapAll(op.lstsq(a.handle, b.handle, null, null));
  return { solution: solution!, residuals: residuals!, rank: rank!, singularValues: singularValues! };
}
/** Matrix norm over the last two dims: 'fro', 'nuc', or ±1, ±2, ±inf. */
export function matrixNorm(a: Tensor, ord: 'fro' | 'nuc' | number = 'fro', keepdim = false): Tensor {
  if (typeof ord === 'string') return wrap(op.matrixNormStr(a.handle, ord, [-2, -1], keepdim));
  return wrap(op.matrixNorm(a.handle, ord, [-2, -1], keepdim));
}
/** The `ord`-norm of the elements, overall or along `dim`. */
export function vectorNorm(a: Tensor, ord = 2, dim?: number | number[], keepdim = false): Tensor {
  return wrap(op.vectorNorm(a.handle, ord, dim === undefined ? null : typeof dim === 'number' ? [dim] : dim, keepdim));
}
/** Numerical rank: singular values above the tolerance. */
export function matrixRank(a: Tensor, options: { atol?: number; rtol?: number } = {}): Tensor {
  return wrap(op.matrixRank(a.handle, options.atol ?? null, options.rtol ?? null, false));
}
