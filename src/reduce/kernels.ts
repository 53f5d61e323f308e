// Pairwise kernels between the rows of two matrices, as sklearn.metrics.pairwise (1.2): the
// similarities kernel PCA works with instead of coordinates.
import { ArgumentError } from '../tensor/errors.js';
import { empty, tidy, type Tensor } from '../tensor/index.js';

/** One of kernelNames: linear, RBF, polynomial, sigmoid or cosine. */
export type KernelName = 'linear' | 'rbf' | 'poly' | 'sigmoid' | 'cosine';
/** The kernels pairwiseKernels computes (scikit-learn's pairwise_kernels names). */
export const kernelNames: readonly KernelName[] = ['linear', 'rbf', 'poly', 'sigmoid', 'cosine'];

/** Parameters of the kernels: γ, degree and coef0, as scikit-learn's. */
export interface KernelOptions {
  /** rbf, poly, sigmoid: the scale of the inputs' products or squared distances; default 1/D. */
  gamma?: number;
  /** poly: the exponent (default 3). */
  degree?: number;
  /** poly, sigmoid: the constant added before the exponent or tanh (default 1). */
  coef0?: number;
}

/** k(x, y) = x·y. */
export function linearKernel(x: Tensor, y?: Tensor): Tensor {
  checkPair(x, y, 'linearKernel');
  return products(x, y);
}

/**
 * k(x, y) = exp(−γ‖x − y‖²). Squared distances come from −2x·y + ‖x‖² + ‖y‖² clamped at 0, as
 * sklearn's euclidean_distances; when y is omitted the diagonal is set to exactly 1, as sklearn
 * sets a point's distance to itself to exactly 0. Apart from the product, every step works in
 * place on its [M, N] result: for kernel PCA of thousands of points each copy would be hundreds
 * of megabytes and a pass over memory.
 */
export function rbfKernel(x: Tensor, y?: Tensor, gamma?: number): Tensor {
  const other = checkPair(x, y, 'rbfKernel');
  const g = checkGamma(gamma, x, 'rbfKernel');
  return tidy(() => {
    const xx = x.square().sum({ dim: 1, keepdim: true }); // [M, 1]
    const yy = y === undefined ? xx.T : other.square().sum({ dim: 1 }).unsqueeze(0); // [1, N]
    const squared = products(x, y).mul_(-2).add_(xx).add_(yy).clamp_(0);
    if (y === undefined) squared.diagonal().zero_(); // a view: zeroes the diagonal in place
    return squared.mul_(-g).exp_();
  });
}

/** k(x, y) = (γ x·y + coef0)^degree; defaults γ = 1/D, coef0 = 1, degree 3. */
export function polynomialKernel(x: Tensor, y?: Tensor, options: KernelOptions = {}): Tensor {
  checkPair(x, y, 'polynomialKernel');
  const g = checkGamma(options.gamma, x, 'polynomialKernel');
  const { degree = 3, coef0 = 1 } = options;
  if (!Number.isFinite(degree)) throw new ArgumentError(`polynomialKernel: degree must be a finite number, got ${degree}`);
  checkFinite(coef0, 'coef0', 'polynomialKernel');
  return tidy(() => products(x, y).mul_(g).add_(coef0).pow_(degree));
}

/** k(x, y) = tanh(γ x·y + coef0); defaults γ = 1/D, coef0 = 1. Not positive semi-definite in general. */
export function sigmoidKernel(x: Tensor, y?: Tensor, options: Omit<KernelOptions, 'degree'> = {}): Tensor {
  checkPair(x, y, 'sigmoidKernel');
  const g = checkGamma(options.gamma, x, 'sigmoidKernel');
  const { coef0 = 1 } = options;
  checkFinite(coef0, 'coef0', 'sigmoidKernel');
  return tidy(() => products(x, y).mul_(g).add_(coef0).tanh_());
}

/**
 * k(x, y) = x·y / (‖x‖‖y‖). A row of zeros has similarity 0 with everything (itself included),
 * as sklearn's cosine_similarity, which leaves zero rows unscaled when it normalises.
 */
export function cosineSimilarity(x: Tensor, y?: Tensor): Tensor {
  const other = checkPair(x, y, 'cosineSimilarity');
  return tidy(() => {
    const unit = (t: Tensor) => {
      const norms = t.norm(2, { dim: 1, keepdim: true });
      return t.div(norms.maskedFill(norms.eq(0), 1));
    };
    const left = unit(x);
    return products(left, y === undefined ? undefined : unit(other));
  });
}

/**
 * The [M, N] kernel matrix between the rows of x [M, D] and y [N, D] (y omitted: x itself), by
 * name, as sklearn's pairwise_kernels(x, y, metric=kernel, filter_params=True, ...): options a
 * kernel does not use are ignored. The result has the inputs' dtype (float32 or float64, the same for both).
 */
export function pairwiseKernels(x: Tensor, y: Tensor | undefined, kernel: KernelName, options: KernelOptions = {}): Tensor {
  switch (kernel) {
    case 'linear':
      return linearKernel(x, y);
    case 'rbf':
      return rbfKernel(x, y, options.gamma);
    case 'poly':
      return polynomialKernel(x, y, options);
    case 'sigmoid':
      return sigmoidKernel(x, y, options);
    case 'cosine':
      return cosineSimilarity(x, y);
    default:
      throw new ArgumentError(`unknown kernel '${String(kernel)}': choose one of ${kernelNames.join(', ')}`);
  }
}

/** Below this many rows a Gram matrix is one product: blocks would not pay for their copies. */
const BLOCKED_GRAM_ROWS = 1024;

/**
 * x·yᵀ, [M, N]. Without y, the Gram matrix x·xᵀ: it is symmetric, so above BLOCKED_GRAM_ROWS
 * rows only the blocks on and right of the diagonal are multiplied (4 row blocks: 10 of 16
 * products) and mirrored below, what BLAS's syrk does for numpy's x @ x.T. It saves a quarter of
 * the product's time, the largest cost of kernel PCA on thousands of points.
 */
function products(x: Tensor, y: Tensor | undefined): Tensor {
  if (y !== undefined) return x.matmul(y.T);
  const n = x.shape[0]!;
  if (n < BLOCKED_GRAM_ROWS) return x.matmul(x.T);
  const size = Math.ceil(n / 4);
  const gram = empty([n, n], { dtype: x.dtype, device: x.device });
  for (let start = 0; start < n; start += size) {
    const rows = Math.min(size, n - start);
    const rest = n - start - rows;
    tidy(() => {
      const band = x.narrow(0, start, rows).matmul(x.narrow(0, start, n - start).T); // [rows, n − start]: the diagonal block and right of it
      gram.narrow(0, start, rows).narrow(1, start, n - start).copy_(band);
      if (rest > 0) gram.narrow(0, start + rows, rest).narrow(1, start, rows).copy_(band.narrow(1, rows, rest).T);
    });
  }
  return gram;
}

function checkPair(x: Tensor, y: Tensor | undefined, context: string): Tensor {
  if (x.ndim !== 2) throw new ArgumentError(`${context} expects points as a matrix [M, D], got shape [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ArgumentError(`${context} expects float32 or float64 points, got ${x.dtype}`);
  if (y === undefined) return x;
  if (y.ndim !== 2 || y.shape[1] !== x.shape[1]) {
    throw new ArgumentError(`${context}: x has shape [${x.shape.join(', ')}] but y has [${y.shape.join(', ')}]: both need ${x.shape[1]} features`);
  }
  if (y.dtype !== x.dtype) throw new ArgumentError(`${context}: x is ${x.dtype} but y is ${y.dtype}: convert one so both have the same dtype`);
  return y;
}

// sklearn's default γ is 1/D, D counted on the inputs of each call: kernel PCA's pre-image kernel
// on the embedding so gets 1/nComponents, not the input space's 1/D.
function checkGamma(gamma: number | undefined, x: Tensor, context: string): number {
  if (gamma === undefined) return 1 / x.shape[1]!;
  checkFinite(gamma, 'gamma', context);
  return gamma;
}

function checkFinite(value: number, name: string, context: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ArgumentError(`${context}: ${name} must be a finite number, got ${value}`);
}
