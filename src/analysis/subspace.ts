// Principal angles between two subspaces of R^D, each spanned by the columns of a matrix: how far
// apart an autoencoder's decoder column space and the top-k principal subspace are.
import { ArgumentError } from '../tensor/errors.js';
import { linalg, tidy, type Tensor } from '../tensor/index.js';

// A column matrix counts as rank deficient when a diagonal entry of its QR factor R is at most
// this fraction of the largest: its subspace then has fewer dimensions than it has columns, and
// the angles would be those of an arbitrary completion. Far above float64 rounding (~1e-16).
const rankTolerance = 1e-10;

/**
 * The principal angles between span(a) and span(b) for column matrices a [D, p] and b [D, q],
 * in degrees, ascending: min(p, q) angles in [0°, 90°]. Björck & Golub (1973), "Numerical
 * methods for computing angles between linear subspaces": with orthonormal bases Qa, Qb (QR),
 * the cosines of the angles are the singular values of Qaᵀ Qb. The angles depend on the
 * subspaces alone, not on the bases chosen for them.
 *
 * Computed in float64. Taking the arccosine of a cosine near 1 resolves angles down to about
 * 1e-6° (√(2·1e-16) radians), far below any angle a study reports.
 */
export function principalAngles(a: Tensor, b: Tensor): number[] {
  const [rows] = checkColumns(a, 'a');
  const [rowsB] = checkColumns(b, 'b');
  if (rows !== rowsB) throw new ArgumentError(`principalAngles: a has ${rows} rows and b has ${rowsB}: both subspaces must live in the same space`);
  const cosines = tidy(() => linalg.svdvals(orthonormalBasis(a, 'a').T.matmul(orthonormalBasis(b, 'b'))).toTypedArray() as Float64Array);
  // Singular values come in descending order, so the angles ascend; rounding may push a cosine past 1.
  return Array.from(cosines, (c) => (Math.acos(Math.min(1, Math.max(0, c))) * 180) / Math.PI);
}

function orthonormalBasis(columns: Tensor, name: string): Tensor {
  const { Q, R } = linalg.qr(columns.to('float64'));
  const diagonal = Array.from(R.diagonal().abs().toTypedArray() as Float64Array);
  const largest = Math.max(...diagonal);
  if (!(largest > 0) || diagonal.some((value) => value <= rankTolerance * largest)) {
    throw new ArgumentError(`principalAngles: the columns of ${name} are linearly dependent, so they span fewer than ${diagonal.length} dimensions: pass a basis of the subspace`);
  }
  return Q;
}

function checkColumns(matrix: Tensor, name: string): [number, number] {
  if (matrix.ndim !== 2) throw new ArgumentError(`principalAngles expects ${name} as a column matrix [D, k], got shape [${matrix.shape.join(', ')}]`);
  const [rows, columns] = matrix.shape as [number, number];
  if (columns === 0 || columns > rows) throw new ArgumentError(`principalAngles: ${name} has ${columns} columns in ${rows} dimensions: a subspace needs between 1 and ${rows} basis vectors`);
  return [rows, columns];
}
