// Principal component analysis with scikit-learn's API and conventions (sklearn.decomposition.PCA,
// version 1.2, plus 1.5's covariance solver): a full or randomized SVD of the centred data, or the
// eigendecomposition of its covariance; optional whitening.
import { ArgumentError } from '../tensor/errors.js';
import { keep, linalg, tidy, type Tensor } from '../tensor/index.js';
import { FittedState } from './fitted.js';
import { randomizedSvd, svdFlip, type Svd } from './svd.js';
import { checkMatrix, checkFeatures, outputDType } from './checks.js';

/** How PCA decomposes the data, as scikit-learn's svd_solver: full SVD, randomized SVD, eigendecomposition of the covariance, or chosen by shape. */
export type SvdSolver = 'full' | 'randomized' | 'covariance_eigh' | 'auto';

/** Options of PCA, as scikit-learn's: components (a count or a variance fraction), whitening, SVD solver and seed. */
export interface PCAOptions {
  /**
   * Components to keep: an integer in [1, min(N, D)], or a fraction in (0, 1) to keep the fewest
   * components whose explained variance ratios add up to more than it (full solver only).
   * Default min(N, D).
   */
  nComponents?: number;
  /** Scale the projections to unit variance (transform divides by √explainedVariance). */
  whiten?: boolean;
  /**
   * 'full': exact SVD. 'randomized': Halko et al.'s randomized SVD, for a few components of large
   * data. 'covariance_eigh' (sklearn 1.5): the eigendecomposition of the D×D covariance, exact
   * and the fastest by far when N ≫ D, as it reads the data once. 'auto' (default), sklearn 1.5's
   * rule: covariance_eigh when D ≤ 1000 and N ≥ 10·D; else full when max(N, D) ≤ 500 or when a
   * fraction or at least 0.8·min(N, D) components are asked for; else randomized.
   */
  svdSolver?: SvdSolver;
  /** Randomized solver: extra random directions sampled beyond nComponents (default 10). */
  nOversamples?: number;
  /** Randomized solver: power iterations; 'auto' (default) is 7 for nComponents < 0.1·min(N, D), else 4. */
  nIter?: 'auto' | number;
  /** Randomized solver: seed of its Gaussian start; the same seed gives the same fit. */
  seed?: number;
}

interface Fitted {
  components: Tensor;
  explainedVariance: Tensor;
  explainedVarianceRatio: Tensor;
  singularValues: Tensor;
  mean: Tensor;
  noiseVariance: number;
  solver: ResolvedSolver;
}

type ResolvedSolver = Exclude<SvdSolver, 'auto'>;

/** A fit and the training data's projections on its components, [N, k]. */
type FitWithProjections = Fitted & { projections: Tensor };

/**
 * PCA of an [N, D] matrix. The fitted attributes match sklearn's (components_, explained_variance_
 * with N − 1 in the denominator, noise_variance_ of probabilistic PCA, ...) under camelCase names.
 *
 * Precision: fit and transforms compute in float64 whatever the input dtype, and the fitted
 * tensors are float64. The SVD of float32 data would lose the small components (a singular
 * value σᵢ carries a relative error of about 1e-7·σ₁/σᵢ), and float64 costs at most twice the
 * float32 time of an SVD that is O(N·D·min(N, D)). The exception is covariance_eigh's one
 * product over the data, in the data's dtype (see #fitCovariance for why and what it costs).
 * Outputs come back in the input's dtype when that is float32, else float64, so a float32 model
 * can consume them directly.
 *
 * Signs: each component's sign is chosen so that the largest-magnitude entry of its column of
 * U (of its projections of the training data) is positive: sklearn's svd_flip as PCA uses it up
 * to sklearn 1.4, for both solvers. (sklearn 1.5 switched to making the largest entry of each
 * component positive.) Components then match sklearn's exactly, signs included, unless two
 * entries of a column of U tie in magnitude to rounding, where a sign may differ.
 *
 * The fitted tensors live on the input's device and outside any tidy() scope: dispose() frees them.
 */
export class PCA {
  readonly options: Readonly<Required<Omit<PCAOptions, 'nComponents'>> & Pick<PCAOptions, 'nComponents'>>;
  readonly #fitted = new FittedState<Fitted>('PCA');

  constructor(options: PCAOptions = {}) {
    const { nComponents, whiten = false, svdSolver = 'auto', nOversamples = 10, nIter = 'auto', seed = 0 } = options;
    if (nComponents !== undefined && !(nComponents > 0 && (nComponents < 1 || Number.isInteger(nComponents)))) {
      throw new ArgumentError(`nComponents must be a positive integer or a fraction in (0, 1), got ${nComponents}`);
    }
    if (!['full', 'randomized', 'covariance_eigh', 'auto'].includes(svdSolver)) {
      throw new ArgumentError(`svdSolver must be 'full', 'randomized', 'covariance_eigh' or 'auto', got '${String(svdSolver)}'`);
    }
    if (svdSolver === 'randomized' && nComponents !== undefined && nComponents < 1) {
      throw new ArgumentError(`a fraction of variance (nComponents ${nComponents}) needs svdSolver 'full', 'covariance_eigh' or 'auto'`);
    }
    if (!Number.isInteger(nOversamples) || nOversamples < 0) throw new ArgumentError(`nOversamples must be a non-negative integer, got ${nOversamples}`);
    if (nIter !== 'auto' && !(Number.isInteger(nIter) && nIter >= 0)) throw new ArgumentError(`nIter must be 'auto' or a non-negative integer, got ${nIter}`);
    if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
    this.options = { nComponents, whiten, svdSolver, nOversamples, nIter, seed };
  }

  /** Principal axes in feature space, [k, D], by decreasing explained variance. */
  get components(): Tensor {
    return this.#fitted.get().components;
  }
  /** Variance of the data along each component (sample variance, N − 1 denominator), [k]. */
  get explainedVariance(): Tensor {
    return this.#fitted.get().explainedVariance;
  }
  /** Fraction of the total variance along each component, [k]. */
  get explainedVarianceRatio(): Tensor {
    return this.#fitted.get().explainedVarianceRatio;
  }
  /** Singular values of the centred data for the kept components, [k]. */
  get singularValues(): Tensor {
    return this.#fitted.get().singularValues;
  }
  /** Per-feature mean of the training data, [D]. */
  get mean(): Tensor {
    return this.#fitted.get().mean;
  }
  /** Probabilistic PCA's noise variance: the mean variance of the discarded directions (0 if none). */
  get noiseVariance(): number {
    return this.#fitted.get().noiseVariance;
  }
  /** The solver the fit used ('auto' resolved). */
  get solver(): ResolvedSolver {
    return this.#fitted.get().solver;
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D] (N ≥ 2), replacing (and freeing) any earlier fit. */
  fit(x: Tensor): this {
    this.#fit(x).dispose();
    return this;
  }

  /** Projections of x [M, D] onto the components, [M, k] (whitened if asked). */
  transform(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    checkFeatures(x, fitted.mean.shape[0]!, 'PCA.transform');
    return tidy(() => {
      const projected = x.to('float64').sub(fitted.mean).matmul(fitted.components.T);
      const scaled = this.options.whiten ? projected.div(fitted.explainedVariance.sqrt()) : projected;
      return scaled.to(outputDType(x));
    });
  }

  /**
   * Fits to x and returns its projections, from the factorisation itself (U·S, as sklearn) rather
   * than a second pass over the data.
   */
  fitTransform(x: Tensor): Tensor {
    const projections = this.#fit(x);
    try {
      return tidy(() => {
        const scaled = this.options.whiten ? projections.div(this.#fitted.get().explainedVariance.sqrt()) : projections;
        return scaled.to(outputDType(x)); // a tensor of its own even where the dtype is already right
      });
    } finally {
      projections.dispose();
    }
  }

  /** Points in feature space, [M, D], whose projections are z [M, k] (undoing whitening). */
  inverseTransform(z: Tensor): Tensor {
    const fitted = this.#fitted.get();
    const k = fitted.components.shape[0]!;
    if (z.ndim !== 2 || z.shape[1] !== k) {
      throw new ArgumentError(`inverseTransform expects projections of shape [M, ${k}], got [${z.shape.join(', ')}]`);
    }
    return tidy(() => {
      const axes = this.options.whiten ? fitted.components.mul(fitted.explainedVariance.sqrt().unsqueeze(1)) : fitted.components;
      return z.to('float64').matmul(axes).add(fitted.mean).to(outputDType(z));
    });
  }

  /** Frees the fitted tensors; the PCA can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using pca = new PCA()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // Fits, stores the fitted tensors, and returns the training data's (unwhitened) projections.
  #fit(x: Tensor): Tensor {
    const [n, d] = checkMatrix(x, 'PCA.fit');
    if (n < 2) throw new ArgumentError(`PCA.fit needs at least 2 samples, got ${n}`);
    const requested = this.options.nComponents ?? Math.min(n, d);
    if (requested >= 1 && requested > Math.min(n, d)) {
      throw new ArgumentError(`nComponents ${requested} exceeds min(samples, features) = min(${n}, ${d})`);
    }
    const solver = chooseSolver(this.options.svdSolver, n, d, requested);
    const { projections, ...fitted } = tidy(() => {
      if (solver === 'covariance_eigh') return this.#fitCovariance(x, requested);
      const data = x.to('float64');
      const mean = data.mean({ dim: 0 });
      const centred = data.sub(mean);
      return solver === 'full' ? this.#fitFull(centred, requested, mean) : this.#fitRandomized(centred, requested, mean);
    });
    this.#fitted.set(fitted);
    return projections;
  }

  #fitFull(centred: Tensor, requested: number, mean: Tensor): FitWithProjections {
    const n = centred.shape[0]!;
    const svd = linalg.svd(centred);
    const { U, Vh } = svdFlip(svd.U, svd.Vh);
    const variance = svd.S.square().div(n - 1); // all min(N, D) directions
    const ratio = variance.div(variance.sum());
    const k = requested < 1 ? componentsForFraction(ratio, requested) : requested;
    const rank = variance.shape[0]!;
    const head = (t: Tensor) => t.narrow(0, 0, k).clone(); // a copy, so the full SVD can be freed
    return {
      components: head(Vh),
      explainedVariance: head(variance),
      explainedVarianceRatio: head(ratio),
      singularValues: head(svd.S),
      mean,
      noiseVariance: k < rank ? variance.narrow(0, k, rank - k).mean().item() : 0,
      solver: 'full',
      projections: U.narrow(1, 0, k).mul(svd.S.narrow(0, 0, k)),
    };
  }

  #fitRandomized(centred: Tensor, k: number, mean: Tensor): FitWithProjections {
    const [n, d] = centred.shape as [number, number];
    const { nOversamples, nIter, seed } = this.options;
    const { U, S, Vh }: Svd = randomizedSvd(centred, k, { nOversamples, nIter, seed });
    const explainedVariance = S.square().div(n - 1);
    // Only k singular values are known: the total variance comes from the data itself.
    const totalVariance = centred.square().sum().div(n - 1);
    const rank = Math.min(n, d);
    return {
      components: Vh,
      explainedVariance,
      explainedVarianceRatio: explainedVariance.div(totalVariance),
      singularValues: S,
      mean,
      noiseVariance: k < rank ? totalVariance.sub(explainedVariance.sum()).item() / (rank - k) : 0,
      solver: 'randomized',
      projections: U.mul(S),
    };
  }

  // The covariance CᵀC/(N − 1) of the centred data and its eigendecomposition. Its product is
  // the one pass over the data, in the data's dtype: for float32 data that halves the time of the
  // whole fit against float64 (measured on Fashion-MNIST's 60k × 784: 0.49 s against 1.54 s),
  // and its rounding stays far below what matters: the top 50 eigenvalues come out within 6e-7
  // (relative) of the float64 product's, their subspaces at cosines above 1 − 1e-10. Squaring
  // the data squares its condition number, so the smallest eigenvalues, which no one keeps, lose
  // the digits an SVD would keep (sklearn says as much of this solver); the decomposition itself
  // runs in float64.
  #fitCovariance(x: Tensor, requested: number): FitWithProjections {
    const n = x.shape[0]!;
    const data = x.dtype === 'float32' ? x : x.to('float64');
    const mean = data.sum({ dim: 0, dtype: 'float64' }).div(n);
    const centred = data.sub(mean.to(data.dtype));
    const covariance = centred.T.matmul(centred).to('float64').div(n - 1);
    const { eigenvalues, eigenvectors } = linalg.eigh(covariance); // ascending
    const variance = eigenvalues.flip([0]).clampMin(0); // rounding can leave tiny negatives
    const axes = eigenvectors.flip([1]); // [D, D], columns by decreasing variance
    const ratio = variance.div(variance.sum());
    const k = requested < 1 ? componentsForFraction(ratio, requested) : requested;
    const rank = Math.min(n, x.shape[1]!);
    const kept = axes.narrow(1, 0, k);
    // sklearn's sign convention (see the class comment) is set by U = centred·V/S, the data's
    // projections: flip each axis so that its largest-magnitude projection is positive.
    const projections = centred.matmul(kept.to(centred.dtype));
    const signs = projections.gather(0, projections.abs().argmax(0, true)).sign().to('float64'); // [1, k]
    const explainedVariance = variance.narrow(0, 0, k).clone();
    return {
      components: kept.mul(signs).T.contiguous(),
      explainedVariance,
      explainedVarianceRatio: ratio.narrow(0, 0, k).clone(),
      singularValues: explainedVariance.mul(n - 1).sqrt(),
      mean,
      noiseVariance: k < rank ? variance.narrow(0, k, rank - k).mean().item() : 0,
      solver: 'covariance_eigh',
      projections: projections.mul(signs.to(projections.dtype)),
    };
  }
}

// sklearn 1.5's choice for svd_solver='auto'.
function chooseSolver(requested: SvdSolver, n: number, d: number, k: number): ResolvedSolver {
  if (requested !== 'auto') return requested;
  if (d <= 1000 && n >= 10 * d) return 'covariance_eigh';
  if (Math.max(n, d) <= 500) return 'full';
  return k >= 1 && k < 0.8 * Math.min(n, d) ? 'randomized' : 'full';
}

// The fewest leading components whose ratios add up to more than `fraction` (sklearn's
// searchsorted(cumsum, fraction, side='right') + 1).
function componentsForFraction(ratio: Tensor, fraction: number): number {
  const atMost = tidy(() => ratio.cumsum(0).le(fraction).sum().item());
  return Math.min(atMost + 1, ratio.shape[0]!);
}

