// The few smallest eigenpairs of a symmetric positive semi-definite matrix, by shift-and-invert
// subspace iteration on a dense Cholesky factor: LLE's stand-in for the shift-invert ARPACK
// (scipy's eigsh(M, sigma=0)) that scikit-learn uses for it.
import { LatentlabError, TorchError } from '../tensor/errors.js';
import { keep, linalg, tensor, tidy, type Tensor } from '../tensor/index.js';
import { seededGaussians } from '../tensor/random.js';

/** Tolerance, iterations, block size, operator and seed of smallestEigenpairs (block shift-invert iteration with ARPACK's convergence test). */
export interface SmallestEigenOptions {
  /**
   * Stop when every wanted Ritz vector v has ‖(I − V·Vᵀ)·A·v‖ ≤ tol·ν for A = (M + σI)⁻¹,
   * ν = vᵀA·v and V the block: ARPACK's test in shift-invert mode, whose Lanczos residual is
   * likewise orthogonal to its basis. (The full ‖A·v − ν·v‖ would stall near 1e-6: solves with
   * M + σI err by about ε·‖M‖/σ along M's null vectors, which lie in the block and which the
   * Rayleigh–Ritz step on M discards.) Default 1e-6.
   */
  tol?: number;
  /** Iterations at most (each: one pair of triangular solves and one product with M per column). Default 100. */
  maxIter?: number;
  /**
   * Columns iterated together; more than `count` speeds convergence. Default max(2·count,
   * count + 16): an iteration's cost is mostly reading the N×N factor, whatever the block's width
   * (on modified LLE of 5,000 digits, 16 extra columns took 10 iterations where 8 took 14).
   */
  blockSize?: number;
  /**
   * M·V for a block V [n, b], where M has a cheaper product than the dense one (LLE's M is a sum
   * of small local blocks). Default: matrix.matmul(V).
   */
  multiply?: (block: Tensor) => Tensor;
  /** Seed of the random start (default 0). */
  seed?: number;
}

/** What smallestEigenpairs returns: the smallest eigenvalues, their eigenvectors and the iterations run. */
export interface SmallestEigenpairs {
  /** The `count` smallest eigenvalues, ascending, [count]. */
  eigenvalues: Tensor;
  /** Their unit eigenvectors in columns, [n, count], each with an arbitrary sign. */
  eigenvectors: Tensor;
  iterations: number;
}

/** The iteration ran out of steps before every wanted pair met the tolerance. */
export class EigenConvergenceError extends LatentlabError {}

/**
 * The `count` smallest eigenpairs of a dense symmetric positive semi-definite float64 matrix
 * [n, n]. A full eigendecomposition costs about 9n³ flops; a Cholesky factor of M + σI costs
 * n³/3, after which each iteration costs O(n²) per column. Iterating with (M + σI)⁻¹ turns the
 * smallest eigenvalues into the largest and best separated (λ ↦ 1/(λ + σ)), so subspace
 * iteration with a Rayleigh–Ritz step on M converges for eigenvalue j at the rate
 * (λⱼ + σ)/(λ_{b+1} + σ) per step, b the block size, even when the wanted eigenvalues are
 * tiny next to ‖M‖ (where iterating with M itself, as LOBPCG without a preconditioner does,
 * stalls).
 *
 * σ is 1e-10·max diag(M), far below the eigenvalues of interest yet well above the Cholesky
 * rounding (about n·ε·‖M‖), which would otherwise fail on M's exact null vectors; it grows
 * tenfold per retry should the factorisation still fail. `matrix` is shifted in place while it
 * is factored and shifted back (its diagonal may move by the rounding of σ, ~1e-26·‖M‖).
 */
export function smallestEigenpairs(matrix: Tensor, count: number, options: SmallestEigenOptions = {}): SmallestEigenpairs {
  const n = matrix.shape[0]!;
  const { tol = 1e-6, maxIter = 100, seed = 0, multiply = (v: Tensor) => matrix.matmul(v) } = options;
  const block = Math.min(n, options.blockSize ?? Math.max(2 * count, count + 16));
  const factor = shiftedCholesky(matrix);
  let vectors: Tensor | null = null;
  let values: Tensor | null = null;
  try {
    vectors = tidy(() => linalg.qr(tensor(seededGaussians(n * block, seed), { shape: [n, block], dtype: 'float64', device: matrix.device })).Q);
    for (let iteration = 1; iteration <= maxIter; iteration++) {
      const current: Tensor = vectors;
      const step = tidy(() => {
        const inverted = linalg.choleskySolve(current, factor); // (M + σI)⁻¹·V, [n, b]
        // After a Rayleigh–Ritz step the columns of V are Ritz vectors: test the wanted ones by
        // the part of A·v outside the block, as a Lanczos residual is (see the options' tol).
        let done = false;
        if (values) {
          const wanted = inverted.narrow(1, 0, count);
          const quotients = current.narrow(1, 0, count).mul(wanted).sum({ dim: 0 }); // ν = vᵀA·v
          const outside = wanted.sub(current.matmul(current.T.matmul(wanted))).norm(2, { dim: 0 });
          done = outside.le(quotients.abs().mul(tol)).all().item() === 1;
        }
        if (done) return { done, vectors: current, values: values! };
        const basis = linalg.qr(inverted).Q;
        const projected = basis.T.matmul(multiply(basis));
        const ritz = linalg.eigh(projected.add(projected.T).mul(0.5)); // ascending θ
        return { done, vectors: basis.matmul(ritz.eigenvectors), values: ritz.eigenvalues };
      });
      if (step.done) {
        return tidy(() => ({
          eigenvalues: step.values.narrow(0, 0, count).clone(),
          eigenvectors: step.vectors.narrow(1, 0, count).clone(),
          iterations: iteration - 1,
        }));
      }
      vectors.dispose();
      values?.dispose();
      vectors = step.vectors;
      values = step.values;
    }
  } finally {
    factor.dispose();
    vectors?.dispose();
    values?.dispose();
  }
  throw new EigenConvergenceError(
    `the smallest ${count} eigenpairs did not converge to tol ${tol} in ${maxIter} iterations: raise maxIter or tol, or use the dense eigensolver`,
  );
}

// Lower Cholesky factor of M + σI, kept outside any scope (the caller frees it). The shift goes
// onto M's diagonal in place and comes off again after the factorisation, rather than into a
// copy: at N = 5,000 that copy alone is 200 MB beside M and the factor.
function shiftedCholesky(matrix: Tensor): Tensor {
  const scale = tidy(() => matrix.diagonal().abs().max().item());
  let shift = 1e-10 * (scale > 0 ? scale : 1);
  for (let attempt = 0; ; attempt++) {
    try {
      return keep(
        tidy(() => {
          const diagonal = matrix.diagonal(); // a view
          diagonal.add_(shift);
          try {
            return linalg.cholesky(matrix);
          } finally {
            diagonal.sub_(shift);
          }
        }),
      );
    } catch (error) {
      if (!(error instanceof TorchError) || attempt >= 6) throw error;
      shift *= 10;
    }
  }
}
