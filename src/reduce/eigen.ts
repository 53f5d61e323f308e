// A few eigenpairs of a symmetric matrix from one end of its spectrum: the shared solver of the
// spectral reductions (kernel PCA and Isomap take the largest, LLE the smallest).
import { ArgumentError } from '../tensor/errors.js';
import { linalg, tensor, tidy, type Tensor } from '../tensor/index.js';
import { seededGaussians } from '../tensor/random.js';

/** Which end of the spectrum, solver (dense or randomized), oversampling, iterations and seed of symmetricEigen. */
export interface SymmetricEigenOptions {
  /** The end of the spectrum: 'largest' (default) or 'smallest' eigenvalues, algebraically (not by magnitude). */
  which?: 'largest' | 'smallest';
  /**
   * 'dense' (default): LAPACK's full decomposition (syevd), exact, O(N³), both ends. 'randomized':
   * subspace iteration from a Gaussian start with a Rayleigh–Ritz step (Halko, Martinsson & Tropp
   * 2011, Algorithms 4.4 and 5.3), O(N²·(k + nOversamples)·(2·nIter + 2)), largest only.
   */
  solver?: 'dense' | 'randomized';
  /** Randomized: directions sampled beyond k (default 10). */
  nOversamples?: number;
  /**
   * Randomized: power iterations, each two products with the matrix (so as many as an iteration of
   * randomized SVD); 'auto' (default) is 7 when k < 0.1·N, else 4, sklearn's choice.
   */
  nIter?: 'auto' | number;
  /** Randomized: seed of the Gaussian start; the same seed gives the same result. */
  seed?: number;
}

/** k eigenpairs of a symmetric matrix, as symmetricEigen returns them. */
export interface Eigenpairs {
  /** The k eigenvalues, the most extreme first: descending for 'largest', ascending for 'smallest', [k]. */
  eigenvalues: Tensor;
  /** Unit eigenvectors in columns, in the same order, each with its largest-magnitude entry positive, [N, k]. */
  eigenvectors: Tensor;
}

/**
 * The k largest (or smallest) eigenvalues of the symmetric matrix a [N, N] and their
 * eigenvectors, in a's dtype (use float64: float32 eigenvectors of close eigenvalues are poor).
 * The dense solver reads only the lower triangle; the randomized one multiplies by all of a,
 * which must then be symmetric.
 *
 * Signs: an eigenvector is defined up to sign; each is flipped so that its largest-magnitude
 * entry is positive (ties to the first), the convention sklearn's KernelPCA applies with svd_flip,
 * so results are a function of the matrix alone.
 *
 * Randomized accuracy: subspace iteration converges to the eigenvalues of largest *magnitude*;
 * the Rayleigh–Ritz step then keeps the k algebraically largest of the k + nOversamples it
 * found. So it finds the k largest eigenvalues whenever fewer than nOversamples negative
 * eigenvalues exceed the k-th largest in magnitude: always for positive semi-definite matrices
 * (centred kernels), and in practice for Isomap's nearly Euclidean geodesic kernels. The error in
 * direction i shrinks like (|λ_{k+p+1}| / λ_i)^(2·nIter+1); with the defaults that is below
 * float64 rounding on spectra that decay at all. For the smallest eigenvalues use 'dense': a
 * randomized iteration converges to the wrong end, and shifting the spectrum makes it crawl
 * (sklearn's LLE uses ARPACK's shift-invert there, which needs a factorisation of a).
 * With k + nOversamples ≥ N the randomized solver is no cheaper, and the dense one is used.
 */
export function symmetricEigen(a: Tensor, k: number, options: SymmetricEigenOptions = {}): Eigenpairs {
  const { which = 'largest', solver = 'dense', nOversamples = 10, nIter = 'auto', seed = 0 } = options;
  if (a.ndim !== 2 || a.shape[0] !== a.shape[1]) throw new ArgumentError(`symmetricEigen expects a square matrix [N, N], got shape [${a.shape.join(', ')}]`);
  if (a.dtype !== 'float32' && a.dtype !== 'float64') throw new ArgumentError(`symmetricEigen expects a float32 or float64 matrix, got ${a.dtype}`);
  const n = a.shape[0]!;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new ArgumentError(`symmetricEigen: k must be an integer in [1, ${n}] for a ${n}×${n} matrix, got ${k}`);
  if (which !== 'largest' && which !== 'smallest') throw new ArgumentError(`which must be 'largest' or 'smallest', got '${String(which)}'`);
  if (solver !== 'dense' && solver !== 'randomized') throw new ArgumentError(`solver must be 'dense' or 'randomized', got '${String(solver)}'`);
  if (solver === 'randomized' && which === 'smallest') {
    throw new ArgumentError("the randomized eigensolver finds the largest eigenvalues only: use solver 'dense' for the smallest");
  }
  if (!Number.isInteger(nOversamples) || nOversamples < 0) throw new ArgumentError(`nOversamples must be a non-negative integer, got ${nOversamples}`);
  if (nIter !== 'auto' && !(Number.isInteger(nIter) && nIter >= 0)) throw new ArgumentError(`nIter must be 'auto' or a non-negative integer, got ${nIter}`);
  if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);

  const size = k + nOversamples;
  if (solver === 'dense' || size >= n) return denseEigen(a, k, which);
  const iterations = nIter === 'auto' ? (k < 0.1 * n ? 7 : 4) : nIter;
  return randomizedEigen(a, k, size, iterations, seed);
}

function denseEigen(a: Tensor, k: number, which: 'largest' | 'smallest'): Eigenpairs {
  const n = a.shape[0]!;
  return tidy(() => {
    const { eigenvalues, eigenvectors } = linalg.eigh(a); // ascending
    if (which === 'smallest') return finish(eigenvalues.narrow(0, 0, k), eigenvectors.narrow(1, 0, k));
    return finish(eigenvalues.narrow(0, n - k, k).flip(0), eigenvectors.narrow(1, n - k, k).flip(1));
  });
}

// Subspace iteration on a [N, N] with `size` columns, then Rayleigh–Ritz: the eigenpairs of the
// small projection QᵀAQ lifted back by Q. QR after every product keeps the basis orthonormal
// (its columns would otherwise all align with the leading eigenvector).
function randomizedEigen(a: Tensor, k: number, size: number, iterations: number, seed: number): Eigenpairs {
  const n = a.shape[0]!;
  let basis = tidy(() => {
    const start = tensor(seededGaussians(n * size, seed), { shape: [n, size], dtype: a.dtype, device: a.device });
    return linalg.qr(times(a, start)).Q; // [N, size]
  });
  try {
    for (let i = 0; i < 2 * iterations; i++) {
      const next: Tensor = tidy(() => linalg.qr(times(a, basis)).Q);
      basis.dispose();
      basis = next;
    }
    return tidy(() => {
      const projected = basis.T.matmul(times(a, basis)); // [size, size]
      const symmetric = projected.add(projected.T).mul_(0.5); // exact symmetry for eigh
      const { eigenvalues, eigenvectors } = linalg.eigh(symmetric); // ascending
      const top = eigenvectors.narrow(1, size - k, k).flip(1);
      return finish(eigenvalues.narrow(0, size - k, k).flip(0), basis.matmul(top));
    });
  } finally {
    basis.dispose();
  }
}

// a·q for symmetric a [N, N] and thin q [N, l], as (qᵀ·a)ᵀ: BLAS runs the wide-times-square
// product about 20% faster than the square-times-thin one (measured on OpenBLAS, N = 5,000),
// and each of these products streams the whole matrix.
function times(a: Tensor, q: Tensor): Tensor {
  return q.T.matmul(a).T;
}

function finish(eigenvalues: Tensor, eigenvectors: Tensor): Eigenpairs {
  const signs = eigenvectors.gather(0, eigenvectors.abs().argmax(0, true)).sign(); // [1, k]
  return { eigenvalues: eigenvalues.contiguous(), eigenvectors: eigenvectors.mul(signs) };
}
