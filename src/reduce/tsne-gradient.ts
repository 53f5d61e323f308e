// t-SNE's objective, the Kullback–Leibler divergence KL(P ‖ Q) of the input affinities P and the
// embedding's Student-t affinities Q, with its gradient: exactly over all pairs (O(N²)), or with
// P sparse and the repulsion interpolated on a grid (tsne-fft.ts), as scikit-learn's exact and
// Barnes–Hut objectives (sklearn.manifold._t_sne._kl_divergence and _kl_divergence_bh).
import { ArgumentError } from '../tensor/errors.js';
import { cat, keep, ones, tidy, zeros, type Tensor } from '../tensor/index.js';
import { MACHINE_EPSILON, type SparseAffinities } from './tsne-affinities.js';
import { FftRepulsion, type FftRepulsionOptions } from './tsne-fft.js';

/** np.finfo(np.float32).tiny: the floor sklearn's Barnes–Hut error puts under p and q. */
const FLOAT32_TINY = 2 ** -126;

export interface Evaluation {
  /** ∂KL/∂y, [N, d] in the embedding's dtype. */
  gradient: Tensor;
  /** KL(P ‖ Q) when asked for (with P as given, so exaggerated P during early exaggeration), else NaN. */
  error: number;
}

/** An objective the gradient descent can call: P is fixed, exaggeration scales it. */
export interface Objective {
  evaluate(y: Tensor, exaggeration: number, computeError: boolean): Evaluation;
  dispose(): void;
}

/**
 * KL(P ‖ Q) and its gradient over all pairs, for a dense symmetric P [N, N] with zero diagonal
 * (jointProbabilities) and an embedding y [N, d]. Q uses sklearn's Student-t with
 * α = max(d − 1, 1) degrees of freedom: w_ij = (1 + ‖yᵢ − yⱼ‖²/α)^(−(α+1)/2), q_ij = w_ij / Σ_{k≠l} w_kl,
 * and KL = Σ_{i≠j} p_ij log(max(p_ij, ε) / max(q_ij, ε)) (ε = float64 epsilon, sklearn's floor).
 *
 * The gradient is (2(α + 1)/α) Σⱼ (p_ij − q_ij)(1 + ‖yᵢ − yⱼ‖²/α)⁻¹ (yᵢ − yⱼ). At α = 1 (one or two
 * components) that is sklearn's; for three or more components sklearn 1.2 multiplies by w_ij
 * instead of (1 + d²/α)⁻¹, which is not the derivative of its KL, and this function keeps the
 * true derivative. Computed in y's dtype.
 */
export function exactKlGradient(y: Tensor, p: Tensor, exaggeration = 1, computeError = true): Evaluation {
  const [n, d] = y.shape as [number, number];
  if (p.ndim !== 2 || p.shape[0] !== n || p.shape[1] !== n) {
    throw new ArgumentError(`P must be [${n}, ${n}] for an embedding of ${n} points, got [${p.shape.join(', ')}]`);
  }
  const dof = Math.max(d - 1, 1);
  return tidy(() => {
    const scaled = exaggeration === 1 ? p : p.mul(exaggeration);
    const probabilities = scaled.dtype === y.dtype ? scaled : scaled.to(y.dtype);
    // Squared distances coordinate by coordinate: [N, N] tensors only, exact differences.
    let squared: Tensor | null = null;
    for (let k = 0; k < d; k++) {
      const column = y.select(1, k);
      const difference = column.unsqueeze(1).sub(column.unsqueeze(0));
      squared = squared ? squared.addcmul_(difference, difference) : difference.square();
    }
    const inverse = squared!.div_(dof).add_(1).pow_(-1); // (1 + d²/α)⁻¹
    const kernel = dof === 1 ? inverse : inverse.pow((dof + 1) / 2); // w
    kernel.diagonal().zero_(); // no self-pairs (for α = 1 this zeroes inverse's diagonal too; p − q is 0 there anyway)
    const q = kernel.div(kernel.sum());
    let error = NaN;
    if (computeError) {
      error = probabilities.mul(probabilities.clampMin(MACHINE_EPSILON).div(q.clampMin(MACHINE_EPSILON)).log()).sum().item();
    }
    const weights = probabilities.sub(q).mul_(inverse); // [N, N]
    const gradient = y.mul(weights.sum({ dim: 1, keepdim: true })).sub_(weights.matmul(y)).mul_((2 * (dof + 1)) / dof);
    return { gradient, error };
  });
}

/** The exact objective over a dense P (kept by the objective, freed by dispose). */
export class ExactObjective implements Objective {
  #p: Tensor;
  constructor(p: Tensor) {
    this.#p = keep(p);
  }
  evaluate(y: Tensor, exaggeration: number, computeError: boolean): Evaluation {
    if (this.#p.dtype !== y.dtype) {
      // P in the embedding's dtype once, not a conversion per iteration.
      const converted = keep(this.#p.to(y.dtype));
      this.#p.dispose();
      this.#p = converted;
    }
    return exactKlGradient(y, this.#p, exaggeration, computeError);
  }
  dispose(): void {
    this.#p.dispose();
  }
}

/**
 * The approximate objective of 2-D embeddings: attraction exactly over the sparse P (each
 * unordered pair once), repulsion and its normalisation Z by FFT interpolation (FftRepulsion).
 * Gradient 4(Σⱼ p_ij w_ij (yᵢ − yⱼ) − Σⱼ w_ij² (yᵢ − yⱼ) / Z) with w_ij = (1 + ‖yᵢ − yⱼ‖²)⁻¹, and
 * the error as sklearn's Barnes–Hut one, KL = Σ p_ij log(max(p_ij, tiny) / max(w_ij / Z, tiny))
 * over the stored pairs (tiny = float32's smallest normal).
 *
 * Runs in float32, as sklearn's Barnes–Hut code does: gradients only steer a descent with
 * per-coordinate gains, and float32's 1e-7 relative rounding is far below the interpolation's
 * error. Works coordinate-major ([2, N] and flat [2N] vectors) because libtorch's CPU gathers,
 * scatters and reductions are several times faster on long 1-D runs than on [E, 2] rows.
 */
export class FftObjective implements Objective {
  /** Positions of the pairs' ends in the flat [2N] embedding: x then y coordinates, [2E] each. */
  readonly #first: Tensor;
  readonly #second: Tensor;
  readonly #values: Tensor;
  /** Pairs per point as their first end, for both coordinates: [2, N] int64 (pairs are sorted by first end). */
  readonly #lengths: Tensor;
  readonly #repulsion: FftRepulsion;

  constructor(p: SparseAffinities, options: FftRepulsionOptions = {}) {
    this.#repulsion = new FftRepulsion(options);
    // Keep one entry per unordered pair: P is symmetric, and each pair's force acts on both ends.
    const [first, second, values, lengths] = tidy(() => {
      const upper = p.rows.lt(p.columns);
      const rows = p.rows.index(upper); // sorted, as P's entries are
      const columns = p.columns.index(upper);
      const lengths = zeros([p.size], { dtype: 'int64' }).scatterAdd(0, rows, ones(rows.shape, { dtype: 'int64' }));
      return [cat([rows, rows.add(p.size)]), cat([columns, columns.add(p.size)]), p.values.index(upper).float(), lengths.unsqueeze(0).expand(2, p.size).contiguous()];
    });
    this.#first = keep(first);
    this.#second = keep(second);
    this.#values = keep(values);
    this.#lengths = keep(lengths);
  }

  evaluate(y: Tensor, exaggeration: number, computeError: boolean): Evaluation {
    return tidy(() => {
      const n = y.shape[0]!;
      const pairs = this.#values.shape[0]!;
      const columns = y.T.contiguous(); // [2, N]
      const flat = columns.view(2 * n);
      // Each pass over the pairs allocates [2E] floats: in-place steps keep the passes few.
      const difference = flat.gather(0, this.#first).sub_(flat.gather(0, this.#second)).view(2, pairs); // yᵢ − yⱼ
      const [dx, dy] = [difference.select(0, 0), difference.select(0, 1)];
      const w = dx.square().addcmul_(dy, dy).add_(1).pow_(-1); // (1 + d²)⁻¹, [E]
      const pull = difference.mul_(this.#values.mul(w)); // p_ij w_ij (yᵢ − yⱼ), [2, E]
      // Onto the first ends by runs (the pairs are sorted by them), onto the second by scatter.
      const onSecond = zeros([2 * n], { dtype: y.dtype }).scatterAdd(0, this.#second, pull.view(2 * pairs)).view(2, n);
      const attraction = pull.segmentReduce('sum', this.#lengths, 1).sub_(onSecond);
      const { forces, z } = this.#repulsion.compute(columns);
      const gradient = attraction.mul(4 * exaggeration).sub(forces.mul(z.reciprocal().mul(4))).T.contiguous(); // [N, 2]
      let error = NaN;
      if (computeError) {
        // In float64: p/q can pass float32's range where q sits at the floor, and this sums ~10⁶
        // terms. Each stored pair stands for (i, j) and (j, i).
        const p = this.#values.double().mul(exaggeration).clampMin(FLOAT32_TINY);
        const q = w.double().div(z.double()).clampMin(FLOAT32_TINY);
        error = p.mul(p.div(q).log()).sum().item() * 2;
      }
      return { gradient, error };
    });
  }

  dispose(): void {
    this.#first.dispose();
    this.#second.dispose();
    this.#values.dispose();
    this.#lengths.dispose();
    this.#repulsion.dispose();
  }
}
