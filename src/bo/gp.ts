// Gaussian-process regression (Rasmussen & Williams 2006, alg. 2.1) in float64 on the engine:
// kernel k = σ²·f(r; ℓ) plus a white-noise term, hyper-parameters θ = log(σ², ℓ₁..ℓd, noise)
// fitted by maximising the log marginal likelihood with gradients from autograd, from several
// starts, within bounds (in log space, as scikit-learn). Predictions give mean and variance.
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { enableGrad, eye, grad, keep, linalg, noGrad, tensor, tidy, type Tensor } from '../tensor/index.js';
import { seededRandom } from '../tensor/random.js';
import { boxLbfgs } from './box-lbfgs.js';
import { checkKernel, covariance, type KernelName } from './kernels.js';

/** The GP's kernel hyper-parameters: signal variance, one length scale per input coordinate (ARD), and noise variance. */
export interface Hyperparameters {
  signalVariance: number;
  lengthScales: number[];
  noise: number;
}

/** Lower and upper bounds of the hyper-parameters searched when fitting a GaussianProcess. */
export interface Bounds {
  signalVariance: [number, number];
  lengthScale: [number, number];
  noise: [number, number];
}

/** Options of GaussianProcess.fit: kernel, output normalisation, fixed or initial hyper-parameters, bounds, restarts, seed and an input transform. */
export interface GaussianProcessOptions {
  kernel?: KernelName;
  /** Standardise y before fitting (predictions are mapped back). Default true. */
  normalize?: boolean;
  /** Fixed hyper-parameters: no fitting. */
  hyperparameters?: Hyperparameters;
  /** Bounds of the fitted hyper-parameters. */
  bounds?: Partial<Bounds>;
  /** Optimiser starts besides the first one (from `initial`, or the middle of the bounds). */
  restarts?: number;
  /** Where the first start begins (e.g. the previous fit, in a Bayesian-optimisation loop). */
  initial?: Hyperparameters;
  seed?: number;
  /** Maps inputs [m, d] before the kernel (a search space's canonical encoding). */
  inputTransform?: (x: Tensor) => Tensor;
}

/** Unit-cube inputs, standardised outputs: the defaults suit both, as in BoTorch and skopt. */
export const defaultBounds: Bounds = { signalVariance: [1e-3, 1e3], lengthScale: [1e-2, 1e2], noise: [1e-8, 1] };

/** The Cholesky factor that failed for every jitter tried. */
export class NotPositiveDefiniteError extends LatentlabError {}

/**
 * Lower Cholesky factor of K; when the factorisation fails (K numerically singular: duplicate
 * inputs, tiny noise) adds jitter to the diagonal, from 1e-10 of its mean, ten times more each
 * try, up to 1e-2 of it.
 */
export function choleskyWithJitter(k: Tensor): { factor: Tensor; jitter: number } {
  try {
    return { factor: linalg.cholesky(k), jitter: 0 };
  } catch (error) {
    if (!(error instanceof LatentlabError)) throw error;
  }
  const n = k.shape[0]!;
  // A zero or negative mean diagonal (an indefinite matrix) still gets a positive jitter scale.
  const scale = Math.max(Math.abs(noGrad(() => k.diagonal().mean().item())), 1e-12);
  for (let jitter = 1e-10 * scale; jitter <= 1e-2 * scale; jitter *= 10) {
    try {
      return { factor: linalg.cholesky(k.add(eye(n, undefined, { dtype: 'float64' }).mul(jitter))), jitter };
    } catch (error) {
      if (!(error instanceof LatentlabError)) throw error;
    }
  }
  throw new NotPositiveDefiniteError(`the ${n}×${n} kernel matrix is not positive definite even with jitter ${1e-2 * scale}: check the inputs for NaN, or raise the noise bound`);
}

interface Data {
  x: Tensor; // [n, d], transformed
  y: Tensor; // [n, 1], normalised
}

// −½ yᵀK⁻¹y − ½ log|K| − n/2 log 2π, θ as a tensor so that autograd reaches it.
function logMarginalLikelihoodTensor(kernel: KernelName, data: Data, theta: Tensor): Tensor {
  const d = data.x.shape[1]!;
  const n = data.x.shape[0]!;
  const parameters = theta.exp();
  const signalVariance = parameters.narrow(0, 0, 1).squeeze();
  const lengthScales = parameters.narrow(0, 1, d);
  const noise = parameters.narrow(0, d + 1, 1).squeeze();
  const k = covariance(kernel, data.x, data.x, lengthScales, signalVariance).add(eye(n, undefined, { dtype: 'float64' }).mul(noise));
  const { factor } = choleskyWithJitter(k);
  const alpha = linalg.choleskySolve(data.y, factor);
  const fit = data.y.mul(alpha).sum().mul(-0.5);
  const complexity = factor.diagonal().log().sum().neg();
  return fit.add(complexity).sub((n / 2) * Math.log(2 * Math.PI));
}

const thetaOf = (h: Hyperparameters) => Float64Array.from([h.signalVariance, ...h.lengthScales, h.noise], Math.log);
const hyperparametersOf = (theta: ArrayLike<number>, d: number): Hyperparameters => ({
  signalVariance: Math.exp(theta[0]!),
  lengthScales: Array.from({ length: d }, (_, i) => Math.exp(theta[i + 1]!)),
  noise: Math.exp(theta[d + 1]!),
});

function toMatrix(x: readonly ArrayLike<number>[] | Tensor, what: string): Tensor {
  if (!Array.isArray(x)) return (x as Tensor).to('float64');
  if (x.length === 0) throw new ArgumentError(`${what}: no points given`);
  const d = x[0]!.length;
  const flat = new Float64Array(x.length * d);
  x.forEach((row, i) => {
    if (row.length !== d) throw new ArgumentError(`${what}: point ${i} has ${row.length} coordinates, expected ${d}`);
    for (let j = 0; j < d; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new ArgumentError(`${what}: point ${i} holds ${v}`);
      flat[i * d + j] = v;
    }
  });
  return tensor(flat, { shape: [x.length, d] });
}

/**
 * Log marginal likelihood and its gradient with respect to θ = log(σ², ℓ₁..ℓd, noise), for
 * fixed data (no normalisation): the quantity scikit-learn's `log_marginal_likelihood(theta,
 * eval_gradient=True)` returns for ConstantKernel·K + WhiteKernel.
 */
export function logMarginalLikelihood(kernel: KernelName, x: readonly ArrayLike<number>[], y: ArrayLike<number>, hyperparameters: Hyperparameters): { value: number; gradient: Float64Array } {
  return tidy(() => {
    const data = { x: toMatrix(x, 'logMarginalLikelihood'), y: tensor(Float64Array.from(y), { shape: [y.length, 1] }) };
    return evaluate(checkKernel(kernel), data, thetaOf(hyperparameters));
  });
}

function evaluate(kernel: KernelName, data: Data, theta: Float64Array): { value: number; gradient: Float64Array } {
  return tidy(() =>
    enableGrad(() => {
      const parameters = tensor(theta, { dtype: 'float64', requiresGrad: true });
      const value = logMarginalLikelihoodTensor(kernel, data, parameters);
      const [gradient] = grad(value, [parameters]);
      return { value: value.item(), gradient: gradient!.toTypedArray() as Float64Array };
    }),
  );
}

/** A Gaussian-process regressor fitted by GaussianProcess.fit (hyper-parameters by maximum marginal likelihood), as scikit-learn's GaussianProcessRegressor. */
export class GaussianProcess {
  readonly kernel: KernelName;
  readonly hyperparameters: Hyperparameters;
  /** Log marginal likelihood at the hyper-parameters (of the normalised outputs when normalised). */
  readonly logMarginalLikelihood: number;
  readonly #x: Tensor;
  readonly #factor: Tensor;
  readonly #alpha: Tensor;
  readonly #yMean: number;
  readonly #yScale: number;
  readonly #transform: (x: Tensor) => Tensor;

  private constructor(fields: { kernel: KernelName; hyperparameters: Hyperparameters; lml: number; x: Tensor; factor: Tensor; alpha: Tensor; yMean: number; yScale: number; transform: (x: Tensor) => Tensor }) {
    this.kernel = fields.kernel;
    this.hyperparameters = fields.hyperparameters;
    this.logMarginalLikelihood = fields.lml;
    this.#x = keep(fields.x);
    this.#factor = keep(fields.factor);
    this.#alpha = keep(fields.alpha);
    this.#yMean = fields.yMean;
    this.#yScale = fields.yScale;
    this.#transform = fields.transform;
  }

  /** Fits a GP to points x [n][d] (or a [n, d] tensor) and values y [n]. */
  static fit(x: readonly ArrayLike<number>[] | Tensor, y: ArrayLike<number>, options: GaussianProcessOptions = {}): GaussianProcess {
    const kernel = checkKernel(options.kernel ?? 'matern52');
    const values = Float64Array.from(y);
    if (values.some((v) => !Number.isFinite(v))) throw new ArgumentError('GaussianProcess.fit: y holds a non-finite value (NaN or ±Infinity)');
    const normalize = options.normalize ?? true;
    const yMean = normalize ? values.reduce((s, v) => s + v, 0) / values.length : 0;
    const spread = normalize ? Math.sqrt(values.reduce((s, v) => s + (v - yMean) ** 2, 0) / values.length) : 1;
    const yScale = spread > 0 ? spread : 1;
    const transform = options.inputTransform ?? ((t: Tensor) => t);
    return tidy(() => {
      const raw = toMatrix(x, 'GaussianProcess.fit');
      const [n, d] = raw.shape as [number, number];
      if (n !== values.length) throw new ArgumentError(`GaussianProcess.fit: ${n} points but ${values.length} values`);
      const data = { x: noGrad(() => transform(raw)), y: tensor(values.map((v) => (v - yMean) / yScale), { shape: [n, 1] }) };
      const hyperparameters = options.hyperparameters ?? fitHyperparameters(kernel, data, d, options);
      const theta = thetaOf(hyperparameters);
      return noGrad(() => {
        const parameters = tensor(theta.map(Math.exp), { dtype: 'float64' });
        const k = covariance(kernel, data.x, data.x, parameters.narrow(0, 1, d), parameters.narrow(0, 0, 1).squeeze())
          .add(eye(n, undefined, { dtype: 'float64' }).mul(hyperparameters.noise));
        const { factor } = choleskyWithJitter(k);
        const alpha = linalg.choleskySolve(data.y, factor);
        const lml = logMarginalLikelihoodTensor(kernel, data, tensor(theta, { dtype: 'float64' })).item();
        return new GaussianProcess({ kernel, hyperparameters, lml, x: data.x, factor, alpha, yMean, yScale, transform });
      });
    });
  }

  /**
   * Posterior mean and variance at x [m, d] as tensors, differentiable with respect to x (for
   * acquisition gradients). `includeNoise` adds the white-noise variance (the predictive
   * distribution of a new observation, as scikit-learn's predict with a WhiteKernel).
   */
  predictTensor(x: Tensor, options: { includeNoise?: boolean } = {}): { mean: Tensor; variance: Tensor } {
    const h = this.hyperparameters;
    const lengthScales = tensor(Float64Array.from(h.lengthScales), { dtype: 'float64' });
    const signalVariance = tensor([h.signalVariance], { dtype: 'float64' }).squeeze();
    const cross = covariance(this.kernel, this.#transform(x), this.#x, lengthScales, signalVariance); // [m, n]
    const mean = cross.matmul(this.#alpha).squeeze(1).mul(this.#yScale).add(this.#yMean);
    const solved = linalg.choleskySolve(cross.t(), this.#factor); // [n, m]
    const reduction = cross.t().mul(solved).sum({ dim: 0 });
    // Rounding can make the posterior variance slightly negative where it is ~0: floor it.
    let variance = reduction.neg().add(h.signalVariance).clamp(0);
    if (options.includeNoise) variance = variance.add(h.noise);
    return { mean, variance: variance.mul(this.#yScale ** 2) };
  }

  /** Posterior mean and variance at the points x [m][d]. */
  predict(x: readonly ArrayLike<number>[], options: { includeNoise?: boolean } = {}): { mean: Float64Array; variance: Float64Array } {
    return tidy(() =>
      noGrad(() => {
        const { mean, variance } = this.predictTensor(toMatrix(x, 'GaussianProcess.predict'), options);
        return { mean: mean.toTypedArray() as Float64Array, variance: variance.toTypedArray() as Float64Array };
      }),
    );
  }

  /** Number of training points. */
  get size(): number {
    return this.#x.shape[0]!;
  }

  /** Frees the training inputs and the fitted Cholesky factor and weights. */
  dispose(): void {
    this.#x.dispose();
    this.#factor.dispose();
    this.#alpha.dispose();
  }
}

function fitHyperparameters(kernel: KernelName, data: Data, d: number, options: GaussianProcessOptions): Hyperparameters {
  const bounds = { ...defaultBounds, ...options.bounds };
  for (const [name, [lo, hi]] of Object.entries(bounds)) {
    if (!(lo > 0 && hi >= lo)) throw new ArgumentError(`GaussianProcess bounds: ${name} must be positive with low ≤ high, got [${lo}, ${hi}]`);
  }
  const lower = Float64Array.from([bounds.signalVariance[0], ...Array(d).fill(bounds.lengthScale[0]), bounds.noise[0]], Math.log);
  const upper = Float64Array.from([bounds.signalVariance[1], ...Array(d).fill(bounds.lengthScale[1]), bounds.noise[1]], Math.log);
  const random = seededRandom(options.seed ?? 0, 0x9b);
  const starts: Float64Array[] = [options.initial ? thetaOf(options.initial) : lower.map((lo, i) => (lo + upper[i]!) / 2)];
  for (let r = 0; r < (options.restarts ?? 3); r++) starts.push(lower.map((lo, i) => lo + random() * (upper[i]! - lo)));
  let best: { x: Float64Array; value: number } | null = null;
  for (const start of starts) {
    // Minimise −LML; a matrix that stays singular counts as infinitely bad.
    const result = boxLbfgs(
      (theta) => {
        try {
          const { value, gradient } = evaluate(kernel, data, theta);
          return { value: -value, gradient: gradient.map((g) => -g) };
        } catch (error) {
          if (error instanceof NotPositiveDefiniteError) return { value: Infinity, gradient: new Float64Array(theta.length) };
          throw error;
        }
      },
      start, lower, upper, { maxIterations: 200, gradientTolerance: 1e-6, valueTolerance: 1e-10 },
    );
    if (Number.isFinite(result.value) && (best === null || result.value < best.value)) best = result;
  }
  if (best === null) throw new NotPositiveDefiniteError('GaussianProcess.fit: the kernel matrix was singular at every start: check the inputs for duplicates with different values, or raise the noise bound');
  return hyperparametersOf(best.x, d);
}
