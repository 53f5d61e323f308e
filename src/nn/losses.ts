// Losses: the functional forms ATen lacks (log-cosh, closed-form Gaussian KLs, MMD, sliced
// Wasserstein, Jensen–Shannon, circular), and a Module form of every loss, as torch.nn.*Loss.
// Each function frees its intermediates (tidy) and is differentiable through autograd.
import { tensor, randn } from '../tensor/creation.js';
import { where } from '../tensor/combine.js';
import { checkOneOf } from '../tensor/arguments.js';
import { ArgumentError } from '../tensor/errors.js';
import { seededGaussians } from '../tensor/random.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import type { CrossEntropyOptions, Reduction } from './functional.js';
import { Module } from './module.js';

export type { Reduction } from './functional.js';

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new ArgumentError(`reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

// A loss module's reduction, checked when it is built rather than at its first forward.
function checkReduction(reduction: unknown, loss: string): void {
  checkOneOf(reduction, `${loss} reduction`, ['mean', 'sum', 'none']);
}

function shapeOf(x: Tensor): string {
  return `[${x.shape.join(', ')}]`;
}

// ---- regression --------------------------------------------------------------------------
/**
 * log(cosh(input − target)): quadratic (d²/2) near 0, linear (|d| − ln 2) far away. Written as
 * |d| + softplus(−2|d|) − ln 2 because cosh overflows past |d| ≈ 89 in float32 (710 in float64).
 */
export function logCoshLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return tidy(() => {
    const distance = input.sub(target).abs();
    return reduce(distance.add(F.softplus(distance.mul(-2))).sub(Math.LN2), reduction);
  });
}

// ---- closed-form KL divergences -----------------------------------------------------------
/**
 * KL(N(mu1, exp(logvar1)) ‖ N(mu2, exp(logvar2))) of diagonal Gaussians over the last
 * (latent) dimension: ½ Σ [logvar2 − logvar1 + (exp(logvar1) + (mu1 − mu2)²)/exp(logvar2) − 1].
 * 'none' gives one value per sample; 'mean' averages those over the samples (not over
 * latent dimensions as well, which would weaken the KL term by the latent size).
 * mu2 and logvar2 may be numbers (a fixed prior).
 */
export function klDiagonalGaussians(
  mu1: Tensor,
  logvar1: Tensor,
  mu2: Tensor | number,
  logvar2: Tensor | number,
  reduction: Reduction = 'mean',
): Tensor {
  return tidy(() => {
    const logRatio = typeof logvar2 === 'number' ? logvar1.neg().add(logvar2) : logvar2.sub(logvar1);
    const inversePriorVariance = typeof logvar2 === 'number' ? Math.exp(-logvar2) : logvar2.neg().exp();
    const spread = logvar1.exp().add(mu1.sub(mu2).square()).mul(inversePriorVariance);
    return reduce(logRatio.add(spread).sub(1).sum({ dim: -1 }).mul(0.5), reduction);
  });
}

/**
 * KL(N(mu, exp(logvar)) ‖ N(0, I)) = −½ Σ (1 + logvar − mu² − exp(logvar)) over the last
 * dimension (Kingma & Welling 2014, appendix B); reductions as klDiagonalGaussians.
 */
export function klToStandardNormal(mu: Tensor, logvar: Tensor, reduction: Reduction = 'mean'): Tensor {
  return tidy(() => reduce(logvar.exp().add(mu.square()).sub(logvar).sub(1).sum({ dim: -1 }).mul(0.5), reduction));
}

// ---- sample-based distances -----------------------------------------------------------------
/** The kernels of the MMD: Gaussian (rbf) or inverse multiquadratic (imq). */
export type MMDKernel = 'rbf' | 'imq';

/** Kernel and scales of mmd (the maximum mean discrepancy). */
export interface MMDOptions {
  /** 'rbf': exp(−‖a−b‖²/(2σ²)); 'imq' (inverse multiquadric): C/(C + ‖a−b‖²). */
  kernel?: MMDKernel;
  /**
   * σ (rbf) or C (imq); several scales sum their kernels, which covers distances of several
   * sizes. Default: the scale 2·D (σ² for rbf, C for imq), the expected squared distance of
   * two standard-normal samples in D dimensions, as Tolstikhin et al. (2018) choose for a
   * N(0, I) prior.
   */
  scales?: number | readonly number[];
}

/** ‖a_i − b_j‖² for rows of a [N, D] and b [M, D], through one matrix product. */
function squaredDistances(a: Tensor, b: Tensor): Tensor {
  const aa = a.square().sum({ dim: 1, keepdim: true }); // (N, 1)
  const bb = b.square().sum({ dim: 1 }); // (M)
  // Cancellation can leave tiny negatives where a_i = b_j; a distance is never negative.
  return aa.add(bb).sub(a.matmul(b.t()).mul(2)).clampMin(0); // (N, M)
}

function checkSamples(x: Tensor, y: Tensor, what: string): void {
  if (x.ndim !== 2 || y.ndim !== 2 || x.shape[1] !== y.shape[1]) {
    throw new ArgumentError(`${what} expects two sample matrices [N, D] and [M, D], got ${shapeOf(x)} and ${shapeOf(y)}: flatten each sample to one row`);
  }
}

/**
 * Unbiased estimate of MMD² between the distributions of the rows of x [N, D] and y [M, D]
 * (Gretton et al. 2012, eq. 3): the within-sample kernel means leave out i = j. Being
 * unbiased it can be slightly negative when the two distributions are equal.
 */
export function mmd(x: Tensor, y: Tensor, options: MMDOptions = {}): Tensor {
  checkSamples(x, y, 'mmd');
  const [n, dims] = x.shape as [number, number];
  const m = y.shape[0]!;
  if (n < 2 || m < 2) throw new ArgumentError(`mmd needs at least 2 samples on each side to leave out i = j, got ${n} and ${m}`);
  const kernel = options.kernel ?? 'rbf';
  if (kernel !== 'rbf' && kernel !== 'imq') throw new ArgumentError(`mmd kernel must be 'rbf' or 'imq', got '${String(kernel)}'`);
  const scales = [options.scales ?? (kernel === 'rbf' ? Math.sqrt(2 * dims) : 2 * dims)].flat();
  if (scales.length === 0 || !scales.every((s) => Number.isFinite(s) && s > 0)) {
    throw new ArgumentError(`mmd scales must be positive numbers, got [${scales.join(', ')}]`);
  }
  return tidy(() => {
    const gram = (a: Tensor, b: Tensor): Tensor => {
      const distances = squaredDistances(a, b);
      const terms = scales.map((s) => (kernel === 'rbf' ? distances.div(-2 * s * s).exp() : distances.add(s).reciprocal().mul(s)));
      return terms.reduce((total, term) => total.add(term));
    };
    const offDiagonalMean = (k: Tensor, size: number) => k.sum().sub(k.diagonal().sum()).div(size * (size - 1));
    return offDiagonalMean(gram(x, x), n).add(offDiagonalMean(gram(y, y), m)).sub(gram(x, y).mean().mul(2));
  });
}

/** Number and seed of the random directions of slicedWasserstein. */
export interface SlicedWassersteinOptions {
  /** Number of random unit directions (default 50). */
  projections?: number;
  /**
   * Seed of the directions. Without one they come from libtorch's generator (manualSeed),
   * so a training loop draws fresh directions every step; with one every call uses the same.
   */
  seed?: number;
}

/**
 * Sliced Wasserstein distance: the squared 1-D Wasserstein-2 distance between the projections
 * of x [N, D] and y [N, D] onto random unit directions θ, averaged over θ. In 1-D, W2² between
 * two equal-size samples pairs them in sorted order (Kolouri et al. 2019).
 */
export function slicedWasserstein(x: Tensor, y: Tensor, options: SlicedWassersteinOptions = {}): Tensor {
  checkSamples(x, y, 'slicedWasserstein');
  const [n, dims] = x.shape as [number, number];
  if (y.shape[0] !== n) {
    throw new ArgumentError(`slicedWasserstein pairs samples in sorted order, so x and y need the same number of rows, got ${n} and ${y.shape[0]}: subsample the larger one`);
  }
  const projections = options.projections ?? 50;
  if (!Number.isInteger(projections) || projections < 1) throw new ArgumentError(`projections must be a positive integer, got ${projections}`);
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0)) {
    throw new ArgumentError(`seed must be a non-negative integer, got ${options.seed}`);
  }
  return tidy(() => {
    const gaussian =
      options.seed === undefined
        ? randn([dims, projections], { dtype: x.dtype, device: x.device })
        : tensor(seededGaussians(dims * projections, options.seed), { shape: [dims, projections], dtype: x.dtype, device: x.device });
    const directions = gaussian.div(gaussian.norm(2, { dim: 0, keepdim: true })); // (D, P), unit columns
    const sorted = (samples: Tensor) => samples.matmul(directions).sort(0).values; // (N, P)
    return sorted(x).sub(sorted(y)).square().mean();
  });
}


// ---- divergences between probability vectors ----------------------------------------------
/** Dimension, input form (probabilities or log-probabilities) and reduction of jensenShannon. */
export interface JensenShannonOptions {
  /** The dimension holding each distribution (default −1). */
  dim?: number;
  /** p and q are log-probabilities (e.g. logSoftmax outputs). */
  logInputs?: boolean;
  /** Over the remaining dimensions (default 'mean'). */
  reduction?: Reduction;
}

/**
 * Jensen–Shannon divergence ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, in nats: 0 for equal
 * distributions, ln 2 for disjoint supports. Terms with p = 0 count as 0 (0·log 0 = 0), and
 * their gradient is that of the zero term rather than the infinite one-sided slope.
 */
export function jensenShannon(p: Tensor, q: Tensor, options: JensenShannonOptions = {}): Tensor {
  const { dim = -1, logInputs = false, reduction = 'mean' } = options;
  return tidy(() => {
    const probabilityP = logInputs ? p.exp() : p;
    const probabilityQ = logInputs ? q.exp() : q;
    const mixture = probabilityP.add(probabilityQ).mul(0.5);
    // Masked branches must stay finite: where() passes a zero gradient to the branch it drops,
    // and 0·inf in that backward pass would still be NaN. Hence the "safe" logs.
    const logMixture = where(mixture.gt(0), mixture, 1).log();
    const side = (probability: Tensor, given: Tensor) => {
      const present = probability.gt(0);
      const logProbability = logInputs ? where(present, given, 0) : where(present, probability, 1).log();
      return where(present, probability.mul(logProbability.sub(logMixture)), 0);
    };
    return reduce(side(probabilityP, p).add(side(probabilityQ, q)).sum({ dim }).mul(0.5), reduction);
  });
}

// ---- angles (radians) ---------------------------------------------------------------------
/** 1 − cos(θ − θ̂): 0 when equal, 2 when opposite, blind to whole turns. */
export function circularLoss(theta: Tensor, thetaHat: Tensor, reduction: Reduction = 'mean'): Tensor {
  return tidy(() => reduce(theta.sub(thetaHat).cos().neg().add(1), reduction));
}

/** atan2(mean sin, mean cos) along `dim` (all elements without one), in (−π, π]. */
export function circularMean(angles: Tensor, dim?: number, keepdim = false): Tensor {
  return tidy(() => {
    const { sine, cosine } = meanResultant(angles, dim, keepdim);
    return sine.atan2(cosine);
  });
}

/** 1 − R̄, R̄ the mean resultant length: 0 for identical angles, 1 for angles spread evenly. */
export function circularVariance(angles: Tensor, dim?: number, keepdim = false): Tensor {
  return tidy(() => {
    const { sine, cosine } = meanResultant(angles, dim, keepdim);
    return sine.square().add(cosine.square()).sqrt().neg().add(1);
  });
}

function meanResultant(angles: Tensor, dim: number | undefined, keepdim: boolean): { sine: Tensor; cosine: Tensor } {
  return { sine: angles.sin().mean({ dim, keepdim }), cosine: angles.cos().mean({ dim, keepdim }) };
}

// ---- Module forms: thin wrappers over src/nn/functional.ts ---------------------------------
export class MSELoss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
    checkReduction(reduction, 'MSELoss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.reduction);
  }
}

export class L1Loss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
    checkReduction(reduction, 'L1Loss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.reduction);
  }
}

/** Quadratic below delta, linear above: delta·(|d| − delta/2). */
export class HuberLoss extends Module {
  readonly reduction: Reduction;
  readonly delta: number;
  constructor(options: { reduction?: Reduction; delta?: number } = {}) {
    super();
    checkReduction(options.reduction ?? 'mean', 'HuberLoss');
    this.reduction = options.reduction ?? 'mean';
    this.delta = options.delta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.reduction, this.delta);
  }
  protected override describe(): string {
    return `delta=${this.delta}`;
  }
}

/** Huber divided by beta: ½d²/beta below beta, |d| − beta/2 above. */
export class SmoothL1Loss extends Module {
  readonly reduction: Reduction;
  readonly beta: number;
  constructor(options: { reduction?: Reduction; beta?: number } = {}) {
    super();
    checkReduction(options.reduction ?? 'mean', 'SmoothL1Loss');
    this.reduction = options.reduction ?? 'mean';
    this.beta = options.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.reduction, this.beta);
  }
  protected override describe(): string {
    return `beta=${this.beta}`;
  }
}

// Weights are buffers, as PyTorch's, so they follow to() and appear in stateDict().
export class BCELoss extends Module {
  readonly reduction: Reduction;
  readonly weight: Tensor | null;
  constructor(options: { weight?: Tensor; reduction?: Reduction } = {}) {
    super();
    checkReduction(options.reduction ?? 'mean', 'BCELoss');
    this.reduction = options.reduction ?? 'mean';
    this.weight = this.registerBuffer('weight', options.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight ?? undefined, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Module {
  readonly reduction: Reduction;
  readonly weight: Tensor | null;
  /** Weight of the positive term per class: > 1 favours recall. */
  readonly posWeight: Tensor | null;
  constructor(options: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {}) {
    super();
    checkReduction(options.reduction ?? 'mean', 'BCEWithLogitsLoss');
    this.reduction = options.reduction ?? 'mean';
    this.weight = this.registerBuffer('weight', options.weight ?? null);
    this.posWeight = this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  forward(logits: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(logits, target, {
      weight: this.weight ?? undefined,
      posWeight: this.posWeight ?? undefined,
      reduction: this.reduction,
    });
  }
}

export class CrossEntropyLoss extends Module {
  readonly options: Omit<CrossEntropyOptions, 'weight'>;
  readonly weight: Tensor | null;
  constructor(options: CrossEntropyOptions = {}) {
    super();
    const { weight, ...rest } = options;
    this.options = rest;
    this.weight = this.registerBuffer('weight', weight ?? null);
  }
  forward(logits: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(logits, target, { ...this.options, weight: this.weight ?? undefined });
  }
  protected override describe(): string {
    return this.options.labelSmoothing ? `labelSmoothing=${this.options.labelSmoothing}` : '';
  }
}

export class NLLLoss extends Module {
  readonly options: Omit<CrossEntropyOptions, 'weight' | 'labelSmoothing'>;
  readonly weight: Tensor | null;
  constructor(options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {}) {
    super();
    const { weight, ...rest } = options;
    this.options = rest;
    this.weight = this.registerBuffer('weight', weight ?? null);
  }
  forward(logProbabilities: Tensor, target: Tensor): Tensor {
    return F.nllLoss(logProbabilities, target, { ...this.options, weight: this.weight ?? undefined });
  }
}

/** KL(target ‖ input), input as log-probabilities; prefer reduction 'batchmean' (the true KL per sample). */
export class KLDivLoss extends Module {
  constructor(readonly options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
}

export class LogCoshLoss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
    checkReduction(reduction, 'LogCoshLoss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return logCoshLoss(input, target, this.reduction);
  }
}

/** forward(mu1, logvar1, mu2, logvar2): KL between two diagonal Gaussians, see klDiagonalGaussians. */
export class KLDiagonalGaussiansLoss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
    checkReduction(reduction, 'KLDiagonalGaussiansLoss');
  }
  forward(mu1: Tensor, logvar1: Tensor, mu2: Tensor, logvar2: Tensor): Tensor {
    return klDiagonalGaussians(mu1, logvar1, mu2, logvar2, this.reduction);
  }
}

/** forward(mu, logvar): the VAE's KL term against N(0, I), see klToStandardNormal. */
export class KLToStandardNormalLoss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
    checkReduction(reduction, 'KLToStandardNormalLoss');
  }
  forward(mu: Tensor, logvar: Tensor): Tensor {
    return klToStandardNormal(mu, logvar, this.reduction);
  }
}

export class MMDLoss extends Module {
  constructor(readonly options: MMDOptions = {}) {
    super();
  }
  forward(x: Tensor, y: Tensor): Tensor {
    return mmd(x, y, this.options);
  }
  protected override describe(): string {
    return `kernel=${this.options.kernel ?? 'rbf'}`;
  }
}

export class SlicedWassersteinLoss extends Module {
  constructor(readonly options: SlicedWassersteinOptions = {}) {
    super();
  }
  forward(x: Tensor, y: Tensor): Tensor {
    return slicedWasserstein(x, y, this.options);
  }
  protected override describe(): string {
    return `projections=${this.options.projections ?? 50}`;
  }
}

export class JensenShannonLoss extends Module {
  constructor(readonly options: JensenShannonOptions = {}) {
    super();
  }
  forward(p: Tensor, q: Tensor): Tensor {
    return jensenShannon(p, q, this.options);
  }
}

export class CircularLoss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
    checkReduction(reduction, 'CircularLoss');
  }
  forward(theta: Tensor, thetaHat: Tensor): Tensor {
    return circularLoss(theta, thetaHat, this.reduction);
  }
}
