// Independent component analysis with scikit-learn's API and conventions
// (sklearn.decomposition.FastICA, version 1.2): whiten, then find the rotation whose outputs are
// as non-Gaussian as possible by Hyvärinen's fixed-point iteration (Hyvärinen & Oja 2000,
// "Independent component analysis: algorithms and applications", Tables 8.3 and 8.4).
import { ArgumentError } from '../tensor/errors.js';
import { keep, linalg, stack, tensor, tidy, type Tensor } from '../tensor/index.js';
import { seededGaussians } from '../tensor/random.js';
import { FittedState } from './fitted.js';
import type { Reducer } from './reducer.js';
import { rightSvd } from './svd.js';
import { checkMatrix, checkFeatures, outputDType } from './checks.js';

/** How FastICA extracts the sources: all at once with symmetric decorrelation ('parallel') or one by one ('deflation'). */
export type IcaAlgorithm = 'parallel' | 'deflation';
/** FastICA's contrast, named by G as scikit-learn's fun: log cosh (g = tanh), −exp(−u²/2) (g = u·exp(−u²/2)) or cube (g = u³). */
export type IcaFunction = 'logcosh' | 'exp' | 'cube';
/** Whitening of FastICA: sources of unit variance, or of arbitrary variance (scikit-learn's whiten). */
export type IcaWhitening = 'unit-variance' | 'arbitrary-variance';
/** How FastICA whitens: by SVD of the data or by eigendecomposition of its covariance (scikit-learn's whiten_solver). */
export type IcaWhitenSolver = 'svd' | 'eigh';

/** Options of FastICA, as scikit-learn's: sources, algorithm, contrast function, whitening, iterations, tolerance and seed. */
export interface FastICAOptions {
  /** Sources to extract, at most min(N, D). Default min(N, D). */
  nComponents?: number;
  /** 'parallel' (default): all components at once, symmetric decorrelation. 'deflation': one after another, Gram–Schmidt. */
  algorithm?: IcaAlgorithm;
  /**
   * 'unit-variance' (default, as sklearn 1.3 onwards; sklearn 1.2's default 'warn' means
   * 'arbitrary-variance'): sources are rescaled to unit variance. 'arbitrary-variance': sources
   * keep the scale the whitened rotation gives them.
   */
  whiten?: IcaWhitening;
  /** The contrast G's derivative g: 'logcosh' (default, g = tanh(αu)), 'exp' (g = u·exp(−u²/2)), 'cube' (g = u³). */
  fun?: IcaFunction;
  /** 'logcosh': alpha in [1, 2] (default 1). */
  funArgs?: { alpha?: number };
  /** Iterations per run (per component for 'deflation'). Default 200. */
  maxIter?: number;
  /** Stop when every unmixing row moves by less than this (1 − |cos| of old and new rows). Default 1e-4. */
  tol?: number;
  /**
   * Start of the unmixing rotation, [nComponents, nComponents] (its size sets nComponents when
   * that is not given); default Gaussian from `seed`. Read by fit(): keep it alive until then.
   */
  wInit?: Tensor;
  /** Seed of the Gaussian start when no wInit is given (default 0): the same seed gives the same fit. */
  seed?: number;
  /** Whitening by an SVD of the centred data ('svd', default) or an eigendecomposition of its Gram matrix ('eigh', faster for N ≫ D). */
  whitenSolver?: IcaWhitenSolver;
}

/** The options with defaults filled in; funArgs.alpha as alpha. */
type ResolvedOptions = Required<Omit<FastICAOptions, 'nComponents' | 'wInit' | 'funArgs'>> & {
  nComponents: number | undefined;
  wInit: Tensor | undefined;
  alpha: number;
};

interface Fitted {
  components: Tensor;
  mixing: Tensor;
  mean: Tensor;
  whitening: Tensor;
  nIterRun: number;
  converged: boolean;
}

/**
 * FastICA of data [N, D]: sources s = (x − mean)·componentsᵀ, data ≈ s·mixingᵀ + mean.
 *
 * Same algorithm and step order as sklearn 1.2, so that with the same wInit the fitted matrices
 * agree with sklearn's to rounding (same iteration count, same fixed point). Without wInit the
 * start comes from our own seeded Gaussians (not NumPy's generator): the sources then match
 * sklearn's up to order and sign, as any two ICA runs do.
 *
 * Whitening signs: the whitening rows are the principal axes with the sign that makes each
 * one's first entry positive, as sklearn (u *= sign(u[0])); an exactly zero first entry keeps
 * the axis as LAPACK returns it, where sklearn would zero it. Where the principal axes have
 * first entries at rounding level (data already rotated onto its principal axes, such as PCA
 * output), those signs, and so the iteration's path, depend on rounding, here as in sklearn:
 * the sources found are then equally good but not sklearn's.
 *
 * Precision: float64 throughout, as PCA; outputs in float32 for float32 input, else float64.
 * The fitted tensors live outside any tidy() scope: dispose() frees them.
 */
export class FastICA implements Reducer {
  readonly options: Readonly<ResolvedOptions>;
  readonly #fitted = new FittedState<Fitted>('FastICA');

  constructor(options: FastICAOptions = {}) {
    const {
      nComponents, algorithm = 'parallel', whiten = 'unit-variance', fun = 'logcosh', funArgs = {}, maxIter = 200, tol = 1e-4,
      wInit, seed = 0, whitenSolver = 'svd',
    } = options;
    if (nComponents !== undefined && !(Number.isInteger(nComponents) && nComponents >= 1)) {
      throw new ArgumentError(`nComponents must be a positive integer, got ${nComponents}`);
    }
    oneOf('algorithm', algorithm, ['parallel', 'deflation']);
    oneOf('whiten', whiten, ['unit-variance', 'arbitrary-variance']);
    oneOf('fun', fun, ['logcosh', 'exp', 'cube']);
    oneOf('whitenSolver', whitenSolver, ['svd', 'eigh']);
    const unknown = Object.keys(funArgs).filter((key) => key !== 'alpha');
    if (unknown.length > 0) throw new ArgumentError(`funArgs takes only 'alpha', got ${unknown.map((k) => `'${k}'`).join(', ')}`);
    const alpha = funArgs.alpha ?? 1;
    if (!(typeof alpha === 'number' && alpha >= 1 && alpha <= 2)) throw new ArgumentError(`funArgs.alpha must be in [1, 2], got ${alpha}`);
    if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new ArgumentError(`maxIter must be a positive integer, got ${maxIter}`);
    if (!(typeof tol === 'number' && tol > 0 && Number.isFinite(tol))) throw new ArgumentError(`tol must be a positive number, got ${tol}`);
    if (wInit !== undefined && (wInit.ndim !== 2 || wInit.shape[0] !== wInit.shape[1])) {
      throw new ArgumentError(`wInit must be a square matrix [nComponents, nComponents], got [${wInit.shape.join(', ')}]`);
    }
    if (wInit !== undefined && nComponents !== undefined && wInit.shape[0] !== nComponents) {
      throw new ArgumentError(`wInit is [${wInit.shape.join(', ')}] but nComponents is ${nComponents}: it must be [${nComponents}, ${nComponents}]`);
    }
    if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
    this.options = { nComponents, algorithm, whiten, fun, alpha, maxIter, tol, wInit, seed, whitenSolver };
  }

  /** Unmixing matrix in feature space, [k, D]: sources = (x − mean)·componentsᵀ. */
  get components(): Tensor {
    return this.#fitted.get().components;
  }
  /** Mixing matrix, [D, k]: the pseudo-inverse of components; data ≈ sources·mixingᵀ + mean. */
  get mixing(): Tensor {
    return this.#fitted.get().mixing;
  }
  /** Per-feature mean of the training data, [D]. */
  get mean(): Tensor {
    return this.#fitted.get().mean;
  }
  /** The whitening matrix K, [k, D]: whitened data = (x − mean)·Kᵀ·√N. */
  get whitening(): Tensor {
    return this.#fitted.get().whitening;
  }
  /** Iterations run: for 'deflation', the most any one component needed. */
  get nIterRun(): number {
    return this.#fitted.get().nIterRun;
  }
  /** Whether every component met tol within maxIter (sklearn warns when not). */
  get converged(): boolean {
    return this.#fitted.get().converged;
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D] (N ≥ 2), replacing (and freeing) any earlier fit. */
  fit(x: Tensor): this {
    const [n, d] = checkMatrix(x, 'FastICA.fit');
    if (n < 2) throw new ArgumentError(`FastICA.fit needs at least 2 samples, got ${n}`);
    const { wInit } = this.options;
    const k = this.options.nComponents ?? wInit?.shape[0] ?? Math.min(n, d);
    if (k > Math.min(n, d)) throw new ArgumentError(`nComponents ${k} exceeds min(samples, features) = min(${n}, ${d})`);
    const fitted = tidy(() => {
      const data = x.to('float64');
      const mean = data.mean({ dim: 0 });
      const centred = data.sub(mean);
      const whitening = this.#whitening(centred, k); // [k, D]
      const white = centred.matmul(whitening.T).mul(Math.sqrt(n)); // [N, k], identity covariance (N denominator)
      const start = wInit ? wInit.to('float64').to(x.device) : tensor(seededGaussians(k * k, this.options.seed), { shape: [k, k], dtype: 'float64', device: x.device });
      const run = this.options.algorithm === 'parallel' ? this.#parallel(white, start) : this.#deflation(white, start);
      let unmixing = run.unmixing; // [k, k], acts on whitened coordinates
      if (this.options.whiten === 'unit-variance') {
        const sources = centred.matmul(whitening.T).matmul(unmixing.T);
        unmixing = unmixing.div(sources.std({ dim: 0, correction: 0 }).unsqueeze(1));
      }
      const components = unmixing.matmul(whitening);
      return { components, mixing: linalg.pinv(components), mean, whitening, nIterRun: run.iterations, converged: run.converged };
    });
    this.#fitted.set(fitted);
    return this;
  }

  /** Sources of x [M, D], [M, k]. */
  transform(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    checkFeatures(x, fitted.mean.shape[0]!, 'FastICA.transform');
    return tidy(() => x.to('float64').sub(fitted.mean).matmul(fitted.components.T).to(outputDType(x)));
  }

  /** Fits to x and returns its sources. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Data mixed from sources s [M, k]: s·mixingᵀ + mean, [M, D]. */
  inverseTransform(s: Tensor): Tensor {
    const fitted = this.#fitted.get();
    const k = fitted.components.shape[0]!;
    if (s.ndim !== 2 || s.shape[1] !== k) {
      throw new ArgumentError(`FastICA.inverseTransform expects sources of shape [M, ${k}], got [${s.shape.join(', ')}]`);
    }
    return tidy(() => s.to('float64').matmul(fitted.mixing.T).add(fitted.mean).to(outputDType(s)));
  }

  /** Frees the fitted tensors; the FastICA can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using ica = new FastICA()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // K [k, D] with rows u_j/d_j: the principal axes of the centred data divided by its singular values.
  #whitening(centred: Tensor, k: number): Tensor {
    let axes: Tensor; // [D, r], columns by decreasing singular value
    let singular: Tensor; // [r]
    if (this.options.whitenSolver === 'svd') {
      const { S, Vh } = rightSvd(centred);
      axes = Vh.T;
      singular = S;
    } else {
      // The Gram matrix squares the condition number: eigenvalues below machine epsilon are
      // raised to it, as sklearn does (which also warns that 'svd' would be more accurate).
      const { eigenvalues, eigenvectors } = linalg.eigh(centred.T.matmul(centred));
      axes = eigenvectors.flip(1);
      singular = eigenvalues.flip(0).clampMin(Number.EPSILON).sqrt();
    }
    const firstRow = axes.narrow(0, 0, 1);
    const signs = firstRow.sign().add(firstRow.eq(0).to('float64')); // sign of u[0], 0 taken as +1
    return axes.mul(signs).div(singular).T.narrow(0, 0, k);
  }

  // g(u) and the sample mean of g'(u) over dim 0, for projections u [N, ...].
  #contrast(u: Tensor): { g: Tensor; meanDerivative: Tensor } {
    const { fun, alpha } = this.options;
    if (fun === 'logcosh') {
      const g = (alpha === 1 ? u : u.mul(alpha)).tanh();
      // α·mean(1 − g²) as α·(1 − mean(g²)): the sums of the [N, k] values, then [k]-sized work.
      return { g, meanDerivative: g.square().mean({ dim: 0 }).neg().add(1).mul(alpha) };
    }
    if (fun === 'exp') {
      const squared = u.square();
      const gauss = squared.mul(-0.5).exp();
      return { g: u.mul(gauss), meanDerivative: squared.neg().add(1).mul(gauss).mean({ dim: 0 }) };
    }
    return { g: u.pow(3), meanDerivative: u.square().mul(3).mean({ dim: 0 }) };
  }

  // Table 8.4: every row updated at once, then the rows made orthonormal together.
  #parallel(white: Tensor, start: Tensor): { unmixing: Tensor; iterations: number; converged: boolean } {
    const n = white.shape[0]!;
    let w = symmetricDecorrelation(start);
    for (let i = 1; i <= this.options.maxIter; i++) {
      // One scope per iteration, so that only the current matrix outlives it.
      const [next, change] = tidy(() => {
        const { g, meanDerivative } = this.#contrast(white.matmul(w.T)); // [N, k], [k]
        const updated = symmetricDecorrelation(g.T.matmul(white).div(n).sub(w.mul(meanDerivative.unsqueeze(1))));
        return [updated, updated.mul(w).sum({ dim: 1 }).abs().sub(1).abs().max().item()] as const;
      });
      w.dispose();
      w = next;
      if (change < this.options.tol) return { unmixing: w, iterations: i, converged: true };
    }
    return { unmixing: w, iterations: this.options.maxIter, converged: false };
  }

  // Table 8.3: one row at a time, each kept orthogonal to those found before it.
  #deflation(white: Tensor, start: Tensor): { unmixing: Tensor; iterations: number; converged: boolean } {
    const n = white.shape[0]!;
    const k = start.shape[0]!;
    const rows: Tensor[] = [];
    let most = 0;
    let converged = true;
    for (let j = 0; j < k; j++) {
      const found = j > 0 ? stack(rows) : null; // [j, k]
      let w = tidy(() => {
        const row = start.select(0, j);
        return row.div(row.norm());
      });
      let i = 1;
      for (; i <= this.options.maxIter; i++) {
        const [next, change] = tidy(() => {
          const { g, meanDerivative } = this.#contrast(white.matmul(w)); // [N], []
          let updated = white.T.matmul(g).div(n).sub(w.mul(meanDerivative));
          if (found) updated = updated.sub(updated.matmul(found.T).matmul(found));
          updated = updated.div(updated.norm());
          return [updated, updated.mul(w).sum().abs().sub(1).abs().item()] as const;
        });
        w.dispose();
        w = next;
        if (change < this.options.tol) break;
      }
      if (i > this.options.maxIter) {
        converged = false;
        i = this.options.maxIter;
      }
      most = Math.max(most, i);
      rows.push(w);
    }
    return { unmixing: stack(rows), iterations: most, converged };
  }
}

/** The smallest positive normal float64 (NumPy's finfo(float64).tiny). */
const FLOAT64_TINY = 2.2250738585072014e-308;

// W ← (W·Wᵀ)^(−1/2)·W: the orthonormal matrix nearest W.
function symmetricDecorrelation(w: Tensor): Tensor {
  return tidy(() => {
    const { eigenvalues, eigenvectors } = linalg.eigh(w.matmul(w.T));
    // Clamped as sklearn does: rounding can make a tiny eigenvalue negative.
    const scale = eigenvalues.clampMin(FLOAT64_TINY).rsqrt();
    return eigenvectors.mul(scale).matmul(eigenvectors.T).matmul(w);
  });
}

function oneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) {
    throw new ArgumentError(`${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got '${String(value)}'`);
  }
}

