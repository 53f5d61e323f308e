// Kernel PCA with scikit-learn's API and conventions (sklearn.decomposition.KernelPCA, version
// 1.2): PCA in the feature space of a kernel, computed from the centred kernel matrix alone.
import { ArgumentError } from '../tensor/errors.js';
import { eye, keep, tensor, tidy, linalg, type Tensor } from '../tensor/index.js';
import { NotFittedError } from './errors.js';
import { FittedState } from './fitted.js';
import { symmetricEigen } from './eigen.js';
import { kernelNames, pairwiseKernels, type KernelName, type KernelOptions } from './kernels.js';
import type { Reducer } from './reducer.js';
import { checkFeatures, outputDType } from './checks.js';

/** The kernel of KernelPCA: a named one or 'precomputed' (fit takes the N×N kernel matrix). */
export type KernelPCAKernel = KernelName | 'precomputed';
/** How KernelPCA decomposes the centred kernel: dense, randomized, or chosen by size (scikit-learn's eigen_solver). */
export type KernelPCAEigenSolver = 'auto' | 'dense' | 'randomized';

/** Options of kernel PCA, as scikit-learn's KernelPCA: components, kernel and its parameters, eigensolver, inverse transform. */
export interface KernelPCAOptions extends KernelOptions {
  /**
   * Components to keep, an integer in [1, N]. Default: all N, less those whose eigenvalue is 0
   * (as sklearn with n_components=None).
   */
  nComponents?: number;
  /**
   * 'linear' (default), 'rbf', 'poly', 'sigmoid', 'cosine' (see kernels.ts for the formulas and
   * the defaults of gamma, degree and coef0), or 'precomputed': fit(k) takes the kernel matrix
   * [N, N] of the training points and transform(k) the kernel [M, N] of new points against them.
   */
  kernel?: KernelPCAKernel;
  /**
   * 'dense': the full eigendecomposition, O(N³). 'randomized': subspace iteration for the top
   * nComponents, O(N²·(nComponents + nOversamples)). 'auto' (default), as sklearn 1.2: randomized
   * when N > 200 and nComponents < 10 (sklearn runs ARPACK there; both converge to the same
   * eigenpairs), else dense. Randomized becomes dense when nComponents + nOversamples ≥ N, where
   * it would save nothing.
   */
  eigenSolver?: KernelPCAEigenSolver;
  /** Drop the components whose eigenvalue is 0 (so fewer than nComponents may remain). Default false. */
  removeZeroEig?: boolean;
  /** Also learn the pre-image map that inverseTransform needs (not with a precomputed kernel). Default false. */
  fitInverseTransform?: boolean;
  /** Ridge penalty of the pre-image regression (default 1). */
  alpha?: number;
  /** Randomized solver: directions sampled beyond nComponents (default 10). */
  nOversamples?: number;
  /** Randomized solver: power iterations; 'auto' (default) is 7 for nComponents < 0.1·N, else 4. */
  nIter?: 'auto' | number;
  /** Randomized solver: seed of its Gaussian start. */
  seed?: number;
}

interface Fitted {
  /** Training points in their dtype, [N, D]; absent for a precomputed kernel. */
  x: Tensor | null;
  eigenvalues: Tensor; // [k]
  eigenvectors: Tensor; // [N, k]
  /** Eigenvectors divided by √eigenvalue (0 for a zero eigenvalue): transform's projection, [N, k]. */
  scaledEigenvectors: Tensor;
  /** Column means of the training kernel, [N], and their mean: KernelCenterer's K_fit_rows_, K_fit_all_. */
  kernelColumnMeans: Tensor;
  kernelMean: number;
  /** Pre-image regression: the training embedding [N, k] and the dual coefficients [N, D]. */
  inverse: { embedding: Tensor; dualCoefficients: Tensor } | null;
  solver: 'dense' | 'randomized';
}

/**
 * Kernel PCA of an [N, D] matrix (or of a precomputed [N, N] kernel). The kernel matrix K is
 * centred in feature space (K − 1K/N − K1/N + 1K1/N², sklearn's KernelCenterer), its top
 * eigenpairs (λᵢ, vᵢ) found, and a training point's i-th coordinate is √λᵢ·vᵢ. New points are
 * projected through their kernel against the training points, centred with the training means.
 *
 * Attributes match sklearn's eigenvalues_ and eigenvectors_, including its clean-up of the
 * spectrum (_check_psd_eigenvalues: small negative eigenvalues and positive ones below 1e-12·λ₁
 * become 0; significantly negative ones are an error) and its signs (svd_flip: the
 * largest-magnitude entry of each eigenvector is positive).
 *
 * Precision: the kernel matrix is computed in the input's dtype, then centred and decomposed in
 * float64. For float32 input its product costs half the float64 one (the largest single cost of
 * a fit) and its rounding, ~1e-7 of each entry, is of the order of the data's own; float64
 * afterwards keeps centring (which cancels much of a kernel's magnitude), the eigensolver (whose
 * eigenvectors of close eigenvalues would lose most of float32's digits) and the pre-image
 * regression from adding more. float64 input is float64 throughout. Outputs come back float32
 * for float32 input, else float64. The fitted tensors live outside tidy() scopes: dispose()
 * frees them. The training points are kept (as sklearn's X_fit_), for transform.
 */
export class KernelPCA implements Reducer {
  readonly options: Readonly<Required<Omit<KernelPCAOptions, 'nComponents' | 'gamma'>> & Pick<KernelPCAOptions, 'nComponents' | 'gamma'>>;
  readonly #fitted = new FittedState<Fitted>('KernelPCA');

  constructor(options: KernelPCAOptions = {}) {
    const {
      nComponents, kernel = 'linear', gamma, degree = 3, coef0 = 1, eigenSolver = 'auto', removeZeroEig = false,
      fitInverseTransform = false, alpha = 1, nOversamples = 10, nIter = 'auto', seed = 0,
    } = options;
    if (nComponents !== undefined && !(Number.isInteger(nComponents) && nComponents >= 1)) {
      throw new ArgumentError(`nComponents must be a positive integer, got ${nComponents}`);
    }
    if (kernel !== 'precomputed' && !kernelNames.includes(kernel)) {
      throw new ArgumentError(`unknown kernel '${String(kernel)}': choose one of ${[...kernelNames, 'precomputed'].join(', ')}`);
    }
    if (gamma !== undefined && !(typeof gamma === 'number' && gamma >= 0 && Number.isFinite(gamma))) {
      throw new ArgumentError(`gamma must be a non-negative number, got ${gamma}`);
    }
    if (!(Number.isInteger(degree) && degree >= 0)) throw new ArgumentError(`degree must be a non-negative integer, got ${degree}`);
    if (!(typeof coef0 === 'number' && Number.isFinite(coef0))) throw new ArgumentError(`coef0 must be a finite number, got ${coef0}`);
    if (!['auto', 'dense', 'randomized'].includes(eigenSolver)) {
      throw new ArgumentError(`eigenSolver must be 'auto', 'dense' or 'randomized', got '${String(eigenSolver)}'`);
    }
    if (!(typeof alpha === 'number' && alpha >= 0 && Number.isFinite(alpha))) throw new ArgumentError(`alpha must be a non-negative number, got ${alpha}`);
    if (fitInverseTransform && kernel === 'precomputed') {
      throw new ArgumentError('fitInverseTransform needs the input points, which a precomputed kernel does not give: use a named kernel');
    }
    if (!Number.isInteger(nOversamples) || nOversamples < 0) throw new ArgumentError(`nOversamples must be a non-negative integer, got ${nOversamples}`);
    if (nIter !== 'auto' && !(Number.isInteger(nIter) && nIter >= 0)) throw new ArgumentError(`nIter must be 'auto' or a non-negative integer, got ${nIter}`);
    if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
    this.options = { nComponents, kernel, gamma, degree, coef0, eigenSolver, removeZeroEig, fitInverseTransform, alpha, nOversamples, nIter, seed };
  }

  /** Eigenvalues of the centred training kernel for the kept components, descending, [k] (sklearn's eigenvalues_). */
  get eigenvalues(): Tensor {
    return this.#fitted.get().eigenvalues;
  }
  /** The matching unit eigenvectors in columns, [N, k] (sklearn's eigenvectors_). */
  get eigenvectors(): Tensor {
    return this.#fitted.get().eigenvectors;
  }
  /** The solver the fit used ('auto' resolved). */
  get solver(): 'dense' | 'randomized' {
    return this.#fitted.get().solver;
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D] (or, with kernel 'precomputed', to the kernel matrix [N, N]), replacing any earlier fit. */
  fit(x: Tensor): this {
    this.#fitted.set(this.#compute(x));
    return this;
  }

  /** Fits and returns the training points' coordinates √λᵢ·vᵢ, [N, k]. */
  fitTransform(x: Tensor): Tensor {
    const fitted = this.fit(x).#fitted.get();
    return tidy(() => fitted.eigenvectors.mul(fitted.eigenvalues.sqrt()).to(outputDType(x)));
  }

  /**
   * Coordinates of new points x [M, D] (precomputed: their kernel [M, N] against the training
   * points), [M, k]. For the training points themselves this equals fitTransform's result.
   */
  transform(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    const n = fitted.eigenvectors.shape[0]!;
    if (fitted.x === null) {
      if (x.ndim !== 2 || x.shape[1] !== n) {
        throw new ArgumentError(
          `KernelPCA.transform with a precomputed kernel expects the kernel of new points against the ${n} training points, [M, ${n}], got [${x.shape.join(', ')}]`,
        );
      }
    } else {
      checkFeatures(x, fitted.x.shape[1]!, 'KernelPCA.transform');
    }
    return tidy(() => {
      const kernel = fitted.x === null ? float64Copy(x) : this.#kernel(x.to(fitted.x.dtype), fitted.x).to('float64');
      return centreInPlace(kernel, fitted.kernelColumnMeans, fitted.kernelMean).matmul(fitted.scaledEigenvectors).to(outputDType(x));
    });
  }

  /**
   * Approximate pre-images in input space, [M, D], of coordinates z [M, k]: kernel ridge
   * regression from the training coordinates to the training points (Bakır, Weston & Schölkopf
   * 2004), as sklearn. Needs fitInverseTransform. Like sklearn's, it learns from the uncentred
   * points through a centred kernel, so with the linear kernel it does not restore the mean.
   */
  inverseTransform(z: Tensor): Tensor {
    const fitted = this.#fitted.get();
    if (!fitted.inverse) throw new NotFittedError('inverseTransform needs a fit with fitInverseTransform: true');
    const k = fitted.eigenvalues.shape[0]!;
    if (z.ndim !== 2 || z.shape[1] !== k) throw new ArgumentError(`inverseTransform expects coordinates of shape [M, ${k}], got [${z.shape.join(', ')}]`);
    const { embedding, dualCoefficients } = fitted.inverse;
    return tidy(() => this.#kernel(z.to('float64'), embedding).matmul(dualCoefficients).to(outputDType(z)));
  }

  /** Frees the fitted tensors; the model can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using kpca = new KernelPCA()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #kernel(x: Tensor, y?: Tensor): Tensor {
    const { kernel, gamma, degree, coef0 } = this.options;
    return pairwiseKernels(x, y, kernel as KernelName, { gamma, degree, coef0 });
  }

  // A fit, its tensors kept out of every scope.
  #compute(x: Tensor): Fitted {
    const precomputed = this.options.kernel === 'precomputed';
    if (x.ndim !== 2) {
      throw new ArgumentError(precomputed
        ? `KernelPCA.fit with a precomputed kernel expects a square kernel matrix [N, N], got shape [${x.shape.join(', ')}]`
        : `KernelPCA.fit expects data of shape [N, D], got [${x.shape.join(', ')}]: flatten images first`);
    }
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ArgumentError(`KernelPCA.fit expects float32 or float64 input, got ${x.dtype}`);
    const n = x.shape[0]!;
    if (precomputed && x.shape[1] !== n) throw new ArgumentError(`a precomputed kernel must be square [N, N], got [${x.shape.join(', ')}]`);
    if (n < 2) throw new ArgumentError(`KernelPCA.fit needs at least 2 samples, got ${n}`);
    const { nComponents, eigenSolver, removeZeroEig, nOversamples, nIter, seed, fitInverseTransform, alpha } = this.options;
    const k = nComponents ?? n;
    if (k > n) throw new ArgumentError(`nComponents ${k} exceeds the ${n} training samples`);
    const chosen = eigenSolver === 'auto' ? (n > 200 && k < 10 ? 'randomized' : 'dense') : eigenSolver;
    const solver = chosen === 'randomized' && k + nOversamples >= n ? 'dense' : chosen; // symmetricEigen's own fallback, made visible

    return tidy((): Fitted => {
      const kernel = precomputed ? float64Copy(x) : this.#kernel(x).to('float64'); // [N, N], ours to overwrite
      const columnMeans = kernel.mean({ dim: 0 });
      const kernelMean = columnMeans.mean().item();
      const centred = centreInPlace(kernel, columnMeans, kernelMean);
      const pairs = symmetricEigen(centred, k, { solver, nOversamples, nIter, seed });
      const values = cleanSpectrum(pairs.eigenvalues.toArray() as number[]);
      const keepAll = !(removeZeroEig || nComponents === undefined);
      const kept = values.flatMap((value, i) => (keepAll || value > 0 ? [i] : []));
      if (kept.length === 0) throw new ArgumentError('every eigenvalue of the centred kernel is 0: the points are identical in feature space');
      const index = tensor(kept, { dtype: 'int64' });
      const eigenvalues = tensor(kept.map((i) => values[i]!), { dtype: 'float64' });
      const eigenvectors = pairs.eigenvectors.indexSelect(1, index);
      const positive = eigenvalues.gt(0);
      const scaledEigenvectors = eigenvectors.div(eigenvalues.sqrt().maskedFill(positive.logicalNot(), 1)).mul(positive);
      let inverse: Fitted['inverse'] = null;
      if (fitInverseTransform) {
        const embedding = eigenvectors.mul(eigenvalues.sqrt());
        const gram = this.#kernel(embedding).add(eye(n, undefined, { dtype: 'float64' }).mul(alpha));
        inverse = { embedding, dualCoefficients: linalg.solve(gram, x.to('float64')) };
      }
      return {
        x: precomputed ? null : x.clone(), // a copy the caller cannot change
        eigenvalues, eigenvectors, scaledEigenvectors, kernelColumnMeans: columnMeans, kernelMean, inverse, solver,
      };
    });
  }
}

/**
 * K − (column means of the training kernel) − (row means of K) + (mean of the training kernel):
 * KernelCenterer.transform, overwriting K (an [M, N] copy would cost as much memory again).
 */
function centreInPlace(kernel: Tensor, columnMeans: Tensor, kernelMean: number): Tensor {
  const rowMeans = kernel.mean({ dim: 1, keepdim: true });
  return kernel.sub_(columnMeans).sub_(rowMeans).add_(kernelMean);
}

/** A float64 copy of x that may be overwritten (x itself is never changed). */
function float64Copy(x: Tensor): Tensor {
  return x.dtype === 'float64' ? x.clone() : x.to('float64');
}

// sklearn's _check_psd_eigenvalues on float64 eigenvalues, descending: it refuses a spectrum whose
// largest eigenvalue is negative or whose negative ones are significant (beyond 1e-5 of the largest
// and 1e-10), and zeroes the rounding noise: negative values and positive ones below 1e-12·λ₁.
function cleanSpectrum(values: number[]): number[] {
  const largest = Math.max(...values);
  const smallest = Math.min(...values);
  if (largest < 0) {
    throw new ArgumentError(
      `every kept eigenvalue of the centred kernel is negative (the largest is ${largest.toExponential(3)}): the kernel is not positive semi-definite`,
    );
  }
  if (smallest < -1e-5 * largest && smallest < -1e-10) {
    throw new ArgumentError(
      `the centred kernel has a significantly negative eigenvalue among those kept (${(-smallest / largest).toExponential(3)} of the largest): ` +
        'it is not positive semi-definite (a sigmoid kernel need not be): ask for fewer components or change the kernel',
    );
  }
  return values.map((value) => (value < 0 || value < 1e-12 * largest ? 0 : value));
}

