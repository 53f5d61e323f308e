// Distances between distributions that the losses in losses.ts lack: the Hellinger distance of
// probability vectors and the exact 1-D Wasserstein distance of two samples. Differentiable.
import { tensor } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Reduction } from './functional.js';

/** Dimension and reduction of hellinger, the Hellinger distance between probability vectors. */
export interface HellingerOptions {
  /** The dimension holding each distribution (default −1). */
  dim?: number;
  /** Over the remaining dimensions (default 'mean'). */
  reduction?: Reduction;
}

// Square roots at 0 have an infinite slope, and 0·∞ is NaN in the backward pass: below this the
// root is taken of the floor instead (value off by 1e-15 at most), where the gradient is 0.
const rootFloor = 1e-30;

/**
 * Hellinger distance H(p, q) = ‖√p − √q‖₂/√2 of probability vectors along `dim`: 0 for equal
 * distributions, 1 for disjoint supports; H² = 1 − Σ √(p q) (the Bhattacharyya coefficient's complement).
 */
export function hellinger(p: Tensor, q: Tensor, options: HellingerOptions = {}): Tensor {
  const { dim = -1, reduction = 'mean' } = options;
  if (p.shape.join() !== q.shape.join()) throw new ArgumentError(`hellinger needs p and q of the same shape, got [${p.shape.join(', ')}] and [${q.shape.join(', ')}]`);
  return tidy(() => {
    const squared = p.clampMin(rootFloor).sqrt().sub(q.clampMin(rootFloor).sqrt()).square().sum({ dim }).mul(0.5);
    const distance = squared.clampMin(rootFloor).sqrt();
    if (reduction === 'none') return distance;
    if (reduction === 'sum') return distance.sum();
    if (reduction === 'mean') return distance.mean();
    throw new ArgumentError(`reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  });
}

/**
 * The p-Wasserstein distance between the empirical distributions of two 1-D samples x [N] and
 * y [M], exactly: W_p^p = ∫₀¹ |F⁻¹(t) − G⁻¹(t)|^p dt, the quantile functions being step functions,
 * so the integral is a sum over the merged steps t = i/N and j/M (equal sizes: sorted pairs).
 * p = 1 equals scipy.stats.wasserstein_distance. Differentiable in the sample values.
 */
export function wasserstein1d(x: Tensor, y: Tensor, p = 1): Tensor {
  if (x.ndim !== 1 || y.ndim !== 1 || x.shape[0] === 0 || y.shape[0] === 0) {
    throw new ArgumentError(`wasserstein1d compares two non-empty 1-D samples [N] and [M], got [${x.shape.join(', ')}] and [${y.shape.join(', ')}]: flatten them, or use slicedWasserstein for points in several dimensions`);
  }
  if (!(p >= 1 && Number.isFinite(p))) throw new ArgumentError(`wasserstein1d needs p ≥ 1, got ${p}`);
  const [n, m] = [x.shape[0]!, y.shape[0]!];
  const { weights, xIndex, yIndex } = quantileSteps(n, m);
  return tidy(() => {
    const long = { dtype: 'int64' as const, device: x.device };
    const xs = x.sort(0).values.indexSelect(0, tensor(xIndex, long));
    const ys = y.sort(0).values.indexSelect(0, tensor(yIndex, long));
    const power = xs.sub(ys).abs().pow(p).mul(tensor(weights, { dtype: x.dtype, device: x.device })).sum();
    return p === 1 ? power : power.pow(1 / p);
  });
}

// The steps of the two quantile functions merged: step k covers (t_{k−1}, t_k] with width
// weights[k], where F⁻¹ = x₍xIndex[k]₎ and G⁻¹ = y₍yIndex[k]₎ (0-based order statistics).
function quantileSteps(n: number, m: number): { weights: Float64Array; xIndex: BigInt64Array; yIndex: BigInt64Array } {
  const weights: number[] = [];
  const xIndex: bigint[] = [];
  const yIndex: bigint[] = [];
  let [i, j, t] = [0, 0, 0];
  // Compare i/n with j/m as integers (i·m vs j·n) so that equal levels merge exactly.
  while (i < n && j < m) {
    const next = Math.min((i + 1) / n, (j + 1) / m);
    weights.push(next - t);
    xIndex.push(BigInt(i));
    yIndex.push(BigInt(j));
    const [xEnds, yEnds] = [(i + 1) * m <= (j + 1) * n, (j + 1) * n <= (i + 1) * m];
    if (xEnds) i++;
    if (yEnds) j++;
    t = next;
  }
  return { weights: Float64Array.from(weights), xIndex: BigInt64Array.from(xIndex), yIndex: BigInt64Array.from(yIndex) };
}
