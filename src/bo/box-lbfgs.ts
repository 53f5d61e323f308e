// L-BFGS within a box (projected, with an active set), for the small smooth problems of Bayesian
// optimisation: the GP's log marginal likelihood over its log hyper-parameters, and an
// acquisition function over a batch of candidate points. Plain JavaScript on Float64Array: the
// objective (evaluated through the engine's autograd) dominates the cost, not this bookkeeping.

/** Value and gradient at x. */
export type ValueAndGradient = (x: Float64Array) => { value: number; gradient: Float64Array };

/** Iterations, stopping tolerances and memory of boxLbfgs. */
export interface BoxLbfgsOptions {
  maxIterations?: number;
  /** Stop when the projected gradient's largest entry is below this. */
  gradientTolerance?: number;
  /** Stop when an iteration improves the value by less than this (relative). */
  valueTolerance?: number;
  /** Pairs kept for the inverse-Hessian approximation. */
  memory?: number;
}

/** Where boxLbfgs stopped: the point, its value and the iterations run. */
export interface BoxLbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
}

const project = (x: Float64Array, lower: Float64Array, upper: Float64Array): Float64Array =>
  x.map((v, i) => Math.min(upper[i]!, Math.max(lower[i]!, v)));

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Minimises f over lower ≤ x ≤ upper from x0. Coordinates at a bound whose gradient pushes
 * outward are held fixed for the step (the active set); the step is a projected backtracking
 * line search along the L-BFGS direction of the free coordinates. A non-finite value counts as
 * "too far" for the line search, so f may return NaN/Infinity where it is undefined.
 */
export function boxLbfgs(f: ValueAndGradient, x0: Float64Array, lower: Float64Array, upper: Float64Array, options: BoxLbfgsOptions = {}): BoxLbfgsResult {
  const maxIterations = options.maxIterations ?? 100;
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const valueTolerance = options.valueTolerance ?? 1e-12;
  const memory = options.memory ?? 10;
  const n = x0.length;
  let x = project(x0, lower, upper);
  let { value, gradient } = f(x);
  if (!Number.isFinite(value)) return { x, value, iterations: 0 };
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    // Active set: at a bound with the gradient pointing out of the box.
    const free = new Uint8Array(n);
    let projectedNorm = 0;
    for (let i = 0; i < n; i++) {
      const g = gradient[i]!;
      const atLower = x[i]! <= lower[i]! && g > 0;
      const atUpper = x[i]! >= upper[i]! && g < 0;
      free[i] = atLower || atUpper ? 0 : 1;
      if (free[i]) projectedNorm = Math.max(projectedNorm, Math.abs(g));
    }
    if (projectedNorm < gradientTolerance) break;
    const direction = twoLoop(gradient, steps, changes, free);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs gone stale): fall back to steepest descent.
      for (let i = 0; i < n; i++) direction[i] = free[i] ? -gradient[i]! : 0;
      slope = dot(direction, gradient);
      steps.length = 0;
      changes.length = 0;
    }
    // The first step of a fresh memory is scaled so that it moves at most one unit.
    let t = steps.length === 0 ? Math.min(1, 1 / Math.max(...direction.map(Math.abs))) : 1;
    let accepted: { x: Float64Array; value: number; gradient: Float64Array } | null = null;
    for (let trial = 0; trial < 30; trial++, t *= 0.5) {
      const candidate = project(x.map((v, i) => v + t * direction[i]!), lower, upper);
      const moved = candidate.map((v, i) => v - x[i]!);
      const result = f(candidate);
      // Armijo on the projected path: the decrease the gradient predicts for the actual move.
      if (Number.isFinite(result.value) && result.value <= value + 1e-4 * dot(gradient, moved)) {
        accepted = { x: candidate, ...result };
        break;
      }
    }
    if (!accepted) break;
    const step = accepted.x.map((v, i) => v - x[i]!);
    const change = accepted.gradient.map((g, i) => g - gradient[i]!);
    if (dot(step, change) > 1e-12 * dot(change, change)) {
      steps.push(step);
      changes.push(change);
      if (steps.length > memory) {
        steps.shift();
        changes.shift();
      }
    }
    const improvement = value - accepted.value;
    x = accepted.x;
    value = accepted.value;
    gradient = accepted.gradient;
    if (improvement <= valueTolerance * Math.max(1, Math.abs(value))) {
      iteration++;
      break;
    }
  }
  return { x, value, iterations: iteration };
}

// −H·g over the free coordinates, H the L-BFGS inverse Hessian (Nocedal & Wright, alg. 7.4).
function twoLoop(gradient: Float64Array, steps: Float64Array[], changes: Float64Array[], free: Uint8Array): Float64Array {
  const q = gradient.map((g, i) => (free[i] ? g : 0));
  const mask = (v: Float64Array) => v.map((e, i) => (free[i] ? e : 0));
  const alphas: number[] = [];
  const s = steps.map(mask);
  const y = changes.map(mask);
  for (let k = s.length - 1; k >= 0; k--) {
    const rho = dot(y[k]!, s[k]!);
    const alpha = rho > 0 ? dot(s[k]!, q) / rho : 0;
    alphas[k] = alpha;
    for (let i = 0; i < q.length; i++) q[i] = q[i]! - alpha * y[k]![i]!;
  }
  if (s.length > 0) {
    const last = s.length - 1;
    const yy = dot(y[last]!, y[last]!);
    const gamma = yy > 0 ? dot(s[last]!, y[last]!) / yy : 1;
    if (gamma > 0) for (let i = 0; i < q.length; i++) q[i] = q[i]! * gamma;
  }
  for (let k = 0; k < s.length; k++) {
    const rho = dot(y[k]!, s[k]!);
    const beta = rho > 0 ? dot(y[k]!, q) / rho : 0;
    for (let i = 0; i < q.length; i++) q[i] = q[i]! + s[k]![i]! * (alphas[k]! - beta);
  }
  return q.map((v, i) => (free[i] ? -v : 0));
}
