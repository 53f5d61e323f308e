// Acquisition functions for minimisation, from the GP's posterior mean μ and std σ at a point
// and the incumbent (best value so far) f*: with z = (f* − μ − ξ)/σ,
//   expected improvement   EI  = σ·h(z),  h(z) = φ(z) + zΦ(z)   (Jones et al. 1998)
//   log EI                      = log σ + log h(z), stable for z → −∞ (Ament et al. 2023)
//   probability of improvement PI = Φ(z)                           (Kushner 1964)
//   upper confidence bound UCB = −μ + κσ  (a lower bound on f, negated; Srinivas et al. 2010)
// All are maximised: by many random starts, the best of which are refined by box L-BFGS with
// gradients from autograd through the GP's prediction.
import { ArgumentError } from '../tensor/errors.js';
import { enableGrad, grad, noGrad, tensor, tidy, where, type Tensor } from '../tensor/index.js';
import { boxLbfgs } from './box-lbfgs.js';
import type { GaussianProcess } from './gp.js';
import type { Space } from './space.js';

/** One of acquisitionNames. */
export type AcquisitionName = 'ei' | 'log-ei' | 'pi' | 'ucb';
/** The acquisition functions: expected improvement (and its logarithm, stabler far from the best), probability of improvement, upper confidence bound. */
export const acquisitionNames: readonly AcquisitionName[] = ['ei', 'log-ei', 'pi', 'ucb'];

/** Exploration parameters of the acquisition functions: ξ for EI and PI, κ for UCB. */
export interface AcquisitionOptions {
  /** Exploration margin ξ of EI and PI (in units of y). Default 0. */
  xi?: number;
  /** Weight κ of σ in UCB. Default 2. */
  kappa?: number;
}

/** Returns `name` as an acquisition name, or throws an ArgumentError listing them. */
export function checkAcquisition(name: unknown): AcquisitionName {
  if (!acquisitionNames.includes(name as AcquisitionName)) {
    throw new ArgumentError(`unknown acquisition '${String(name)}': expected one of ${acquisitionNames.join(', ')}`);
  }
  return name as AcquisitionName;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Below this z, log h comes from the continued fraction; above it, from φ and Φ directly. */
const SWITCH = -3;
/**
 * Depth of the continued fraction for x = −z at least the given value: the terms needed for
 * 1e-15 relative accuracy in log(c/(x + c)), measured against 2000 terms (49 at x = 3, 8 at
 * x = 20), plus a margin. Fewer terms for batches far from the incumbent keep the autograd
 * graph short.
 */
const DEPTHS: readonly [number, number][] = [[20, 10], [12, 12], [8, 17], [5, 28], [4, 38], [0, 56]];

/** Φ(z) from erf: accurate to ~1e-16 absolute, so only above z ≈ −5 in relative terms. */
export function normalCdf(z: Tensor): Tensor {
  return z.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
}

/**
 * log h(z) = log(φ(z) + zΦ(z)). Directly above −3 (cancellation costs at most one digit there).
 * Below, with x = −z: h = φ(x)·(1 − x·R(x)), R the Mills ratio, and writing
 * R = 1/(x + c) with the Laplace continued fraction c = 1/(x + 2/(x + 3/(x + …))) gives
 * 1 − xR = c/(x + c) without cancellation, so log h = −x²/2 − log √(2π) + log c − log(x + c).
 * Each branch gets its input clamped to its own region so that neither produces NaN gradients
 * where `where` discards it.
 */
export function logH(z: Tensor): Tensor {
  const near = z.clamp(SWITCH);
  const direct = near.mul(near).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI)).add(near.mul(normalCdf(near))).log();
  const x = z.neg().clamp(-SWITCH);
  // Only the points in the tail decide the depth (the others take the direct branch).
  const nearest = noGrad(() => where(z.gt(SWITCH), Infinity, x).min().item());
  const depth = DEPTHS.find(([from]) => nearest >= from)![1];
  let tail = x; // innermost level of the fraction
  for (let k = depth; k >= 2; k--) tail = x.add(tail.reciprocal().mul(k));
  const c = tail.reciprocal();
  const far = x.square().mul(-0.5).sub(LOG_SQRT_2PI).add(c.log()).sub(x.add(c).log());
  return where(z.gt(SWITCH), direct, far);
}

/** The acquisition at points with posterior mean and variance [m], for incumbent `best` (to be maximised). */
export function acquisitionValue(name: AcquisitionName, mean: Tensor, variance: Tensor, best: number, options: AcquisitionOptions = {}): Tensor {
  // σ floored at 1e-9·(scale): at a training point of a noiseless GP σ is ~0 and z would be ±∞.
  const std = variance.clamp(1e-18).sqrt();
  if (name === 'ucb') return std.mul(options.kappa ?? 2).sub(mean);
  const z = mean.neg().add(best - (options.xi ?? 0)).div(std);
  switch (name) {
    case 'pi':
      return normalCdf(z);
    case 'ei': {
      // σ·(φ(z) + zΦ(z)) directly: it underflows to 0 where log EI is still informative.
      const density = z.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
      return std.mul(density.add(z.mul(normalCdf(z))).clamp(0));
    }
    case 'log-ei':
      return std.log().add(logH(z));
  }
}

/** How maximizeAcquisition searches: the random source, raw samples scored, gradient-refined starts and their iterations. */
export interface MaximizeOptions extends AcquisitionOptions {
  /** Uniform random numbers in [0, 1) for the raw samples (a seeded generator makes the search repeatable). */
  random: () => number;
  /** Random points scored first. Default 512. */
  rawSamples?: number;
  /** The best raw points refined by gradient steps. Default 5. */
  starts?: number;
  maxIterations?: number;
}

/**
 * Maximises the acquisition over the space's unit cube. Returns canonical candidates ranked by
 * acquisition value, best first, without duplicates, so that a caller that must avoid some
 * points (already evaluated, already handed to another worker) can take the first one it may.
 */
export function maximizeAcquisition(gp: GaussianProcess, space: Space, name: AcquisitionName, best: number, options: MaximizeOptions): { point: Float64Array; value: number }[] {
  const width = space.width;
  const rawCount = options.rawSamples ?? 512;
  const startCount = Math.min(options.starts ?? 5, rawCount);
  const score = (points: Float64Array[]): Float64Array =>
    tidy(() =>
      noGrad(() => {
        const x = tensor(concat(points, width), { shape: [points.length, width] });
        const { mean, variance } = gp.predictTensor(x);
        return acquisitionValue(name, mean, variance, best, options).toTypedArray() as Float64Array;
      }),
    );
  const raw = Array.from({ length: rawCount }, () => Float64Array.from({ length: width }, options.random));
  const rawValues = score(raw);
  const order = [...rawValues.keys()].sort((a, b) => rawValues[b]! - rawValues[a]!);
  const starts = order.slice(0, startCount).map((i) => raw[i]!);
  // One L-BFGS run over all starts at once: the objective is a sum of independent terms, so
  // each start follows its own gradient (as BoTorch's gen_candidates_scipy).
  const refined = boxLbfgs(
    (flat) => {
      const { values, gradient } = acquisitionWithGradient(gp, name, best, flat, width, options);
      return { value: -values.reduce((sum, v) => sum + v, 0), gradient: gradient.map((g) => -g) };
    },
    concat(starts, width), new Float64Array(startCount * width), new Float64Array(startCount * width).fill(1),
    { maxIterations: options.maxIterations ?? 30, gradientTolerance: 1e-9, valueTolerance: 1e-9 },
  );
  const candidates = [
    ...Array.from({ length: startCount }, (_, i) => space.canonical(refined.x.subarray(i * width, (i + 1) * width))),
    // The best raw points too (their canonical forms may differ from them), as fallbacks.
    ...order.slice(0, 64).map((i) => space.canonical(raw[i]!)),
  ];
  const values = score(candidates);
  const seen = new Set<string>();
  return [...values.keys()]
    .sort((a, b) => values[b]! - values[a]!)
    .filter((i) => {
      const key = keyOf(candidates[i]!);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((i) => ({ point: candidates[i]!, value: values[i]! }));
}

/** The acquisition at the points packed in `flat` ([m·width]), and its gradient there. */
export function acquisitionWithGradient(gp: GaussianProcess, name: AcquisitionName, best: number, flat: Float64Array, width: number, options: AcquisitionOptions = {}): { values: Float64Array; gradient: Float64Array } {
  return tidy(() =>
    enableGrad(() => {
      const x = tensor(flat, { shape: [flat.length / width, width], requiresGrad: true });
      const { mean, variance } = gp.predictTensor(x);
      const values = acquisitionValue(name, mean, variance, best, options);
      const [gradient] = grad(values.sum(), [x]);
      return { values: values.detach().toTypedArray() as Float64Array, gradient: gradient!.toTypedArray() as Float64Array };
    }),
  );
}

/** A point's identity for "never the same suggestion twice": its canonical coordinates. */
export function keyOf(point: ArrayLike<number>): string {
  return Array.from(point, (v) => v.toPrecision(12)).join(',');
}

function concat(points: readonly Float64Array[], width: number): Float64Array {
  const flat = new Float64Array(points.length * width);
  points.forEach((p, i) => flat.set(p, i * width));
  return flat;
}

/** The acquisition's values at points [m][d] of the unit cube (for plots; no gradient). */
export function acquisitionAt(gp: GaussianProcess, name: AcquisitionName, best: number, points: readonly ArrayLike<number>[], options: AcquisitionOptions = {}): Float64Array {
  checkAcquisition(name);
  const { mean, variance } = gp.predict(points);
  return tidy(() => noGrad(() => acquisitionValue(name, tensor(mean, { dtype: 'float64' }), tensor(variance, { dtype: 'float64' }), best, options).toTypedArray() as Float64Array));
}
