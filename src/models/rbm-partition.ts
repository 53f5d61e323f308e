// The log partition function log Z of an RBM, for its log-likelihood log p(v) = −F(v) − log Z:
// exactly by summing over every hidden configuration (small hidden layers only), and by annealed
// importance sampling (Neal 2001; Salakhutdinov & Murray 2008, "On the quantitative analysis of
// deep belief networks") for the sizes that matter.
import { noGrad } from '../tensor/autograd.js';
import { arange, linspace, tensor, zeros } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from '../nn/functional.js';
import type { RestrictedBoltzmannMachine } from './rbm.js';

/** Hidden layers up to this size are summed over exactly (2^20 configurations, in chunks). */
export const maxExactHidden = 20;

/**
 * log Z by enumerating the 2^H hidden configurations: log Σ_h exp(c·h + Σ_i softplus(b_i + (hW)_i))
 * for Bernoulli visibles; c·h + ½‖b + hW‖² − ½‖b‖² + (D/2) log 2π for Gaussian ones.
 */
export function exactLogPartition(rbm: RestrictedBoltzmannMachine): number {
  const hidden = rbm.latent;
  if (hidden > maxExactHidden || rbm.hiddenUnits !== 'bernoulli') {
    throw new ArgumentError(`the exact partition function sums over 2^hidden configurations: it needs at most ${maxExactHidden} Bernoulli hidden units, got ${hidden}; use annealedLogPartition`);
  }
  const total = 2 ** hidden;
  const chunk = Math.min(total, 1 << 14);
  const parts: number[] = [];
  noGrad(() => {
    for (let start = 0; start < total; start += chunk) {
      parts.push(
        tidy(() => {
          const codes = arange(start, start + chunk, 1, { dtype: 'int64' }).reshape([chunk, 1]); // [C, 1]
          const bits = arange(0, hidden, 1, { dtype: 'int64' }); // [H]
          const h = codes.div(tensor([2], { dtype: 'int64' }).pow(bits), 'floor').remainder(2).float(); // [C, H]
          const input = h.matmul(rbm.weight).add(rbm.visibleBias); // [C, D]
          const hiddenTerm = h.matmul(rbm.hiddenBias);
          const visibleTerm =
            rbm.visible === 'gaussian'
              ? input.square().sum({ dim: 1 }).sub(rbm.visibleBias.square().sum()).mul(0.5).add((input.shape[1]! / 2) * Math.log(2 * Math.PI))
              : F.softplus(input).sum({ dim: 1 });
          return hiddenTerm.add(visibleTerm).logsumexp(0).item();
        }),
      );
    }
  });
  const top = Math.max(...parts);
  return top + Math.log(parts.reduce((sum, part) => sum + Math.exp(part - top), 0));
}

/** Runs, intermediate distributions and base-rate model of annealed importance sampling (AIS) for an RBM's log Z. */
export interface AnnealingOptions {
  /** Independent annealing runs (their weights are averaged). */
  runs?: number;
  /** Intermediate distributions, β from 0 to 1 evenly spaced. */
  steps?: number;
  /**
   * Visible biases of the base-rate model p_A(v) ∝ exp(b_A·v) the annealing starts from; give the
   * logits of the training data's pixel means (baseRateBiases) to start close to the data.
   * Zeros (uniform bits) by default.
   */
  baseVisibleBias?: Tensor;
}

/** An AIS estimate of an RBM's log partition function, with a rough ±3 standard error interval. */
export interface AnnealingEstimate {
  /** The estimate of log Z. */
  logZ: number;
  /** log Z from the mean weight ± 3 standard errors (a rough interval; −Infinity when the lower end is ≤ 0). */
  low: number;
  high: number;
}

/** Logits of the mean of binary data [N, ...] (clamped away from 0 and 1): the base-rate model's biases. */
export function baseRateBiases(data: Tensor): Tensor {
  return noGrad(() =>
    tidy(() => {
      const mean = data.flatten(1).mean({ dim: 0 }).clamp(1e-3, 1 - 1e-3);
      return mean.log().sub(mean.neg().add(1).log());
    }),
  );
}

/**
 * log Z of a Bernoulli–Bernoulli RBM by annealed importance sampling from the base-rate model
 * (W = 0, c = 0, b = b_A) along p_β(v) ∝ exp((1 − β) b_A·v + β b·v) Π_j (1 + exp(β (c_j + v·W_j))),
 * each step one Gibbs transition at β. Draws from libtorch's generator.
 */
export function annealedLogPartition(rbm: RestrictedBoltzmannMachine, options: AnnealingOptions = {}): AnnealingEstimate {
  const { runs = 100, steps = 1000 } = options;
  if (rbm.visible !== 'bernoulli' || rbm.hiddenUnits !== 'bernoulli') throw new ArgumentError('annealed importance sampling is implemented for Bernoulli–Bernoulli RBMs only: for a Gaussian RBM with few hidden units use exactLogPartition');
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(steps) || steps < 1) throw new ArgumentError(`runs and steps must be positive integers, got ${runs} and ${steps}`);
  const size = rbm.weight.shape[1]!;
  return noGrad(() =>
    tidy(() => {
      const base = options.baseVisibleBias ? options.baseVisibleBias.flatten() : zeros([size]);
      if (base.shape[0] !== size) throw new ArgumentError(`baseVisibleBias must have ${size} elements (one per input), got ${base.shape[0]}`);
      const betas = linspace(0, 1, steps + 1).toArray() as number[];
      let v = rbm.uniform([runs, size]).lt(base.sigmoid()).float();
      let logWeights = zeros([runs]);
      for (let k = 1; k <= steps; k++) {
        const beta = betas[k]!;
        const previous = betas[k - 1]!;
        [v, logWeights] = tidy(() => {
          // log p*_β(v) − log p*_β′(v) from one product c + vWᵀ [M, hidden]
          const input = rbm.hiddenInput(v);
          const [baseTerm, modelTerm] = [v.matmul(base), v.matmul(rbm.visibleBias)];
          const logp = (b: number) => baseTerm.mul(1 - b).add(modelTerm.mul(b)).add(F.softplus(input.mul(b)).sum({ dim: 1 }));
          const weights = logWeights.add(logp(beta)).sub(logp(previous));
          // one Gibbs transition at β
          const h = rbm.uniform([runs, rbm.latent]).lt(input.mul(beta).sigmoid()).float();
          const mean = h.matmul(rbm.weight).add(rbm.visibleBias).mul(beta).add(base.mul(1 - beta)).sigmoid();
          return [rbm.uniform([runs, size]).lt(mean).float(), weights];
        });
      }
      const logZA = F.softplus(base).sum().item() + rbm.latent * Math.log(2);
      const w = logWeights.toArray() as number[];
      const top = Math.max(...w);
      const scaled = w.map((x) => Math.exp(x - top));
      const mean = scaled.reduce((a, b) => a + b, 0) / runs;
      const spread = runs > 1 ? Math.sqrt(scaled.reduce((a, x) => a + (x - mean) ** 2, 0) / (runs - 1) / runs) : 0;
      const at = (value: number) => (value > 0 ? logZA + top + Math.log(value) : -Infinity);
      return { logZ: at(mean), low: at(mean - 3 * spread), high: at(mean + 3 * spread) };
    }),
  );
}

/** Mean log-likelihood per sample of data [N, ...inputShape] given log Z: mean of −F(v) − log Z. */
export function meanLogLikelihood(rbm: RestrictedBoltzmannMachine, data: Tensor, logZ: number): number {
  return noGrad(() => tidy(() => rbm.freeEnergy(data.flatten(1)).mean().item() * -1 - logZ));
}
