// Restricted Boltzmann machines (Hinton's practical guide, 2010): binary hidden units over binary
// (Bernoulli–Bernoulli) or real-valued, unit-variance (Gaussian–Bernoulli) visible units, trained
// by contrastive divergence (CD-k) or persistent CD (Tieleman 2008).
//
// Training is not backpropagation of a reconstruction loss; it still goes through the Trainer's
// ordinary path. The CD estimate of the log-likelihood gradient is exactly the gradient of
// F(v_data) − F(v_model), with F the free energy and the chain's samples v_model held fixed (the
// statistics ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model, hidden probabilities for h). So loss() returns that
// difference as `total`, with the CD statistics (computed in closed form) as its gradient:
// backward() puts the CD gradient in .grad, and any optimizer steps it: SGD with momentum as in
// the guide, whose "weight-cost" (L2 on the weights, not the biases) is the `weightCost` option.
//
// Random draws: every Bernoulli sample compares a uniform draw with a probability (u < p), the
// uniforms coming from `uniform` (randParallel by default: rand's serial generator was a ninth of
// a CD-1 step); the scikit-learn parity test feeds the draws scikit-learn made, so the two run the
// same chain.
import { noGrad } from '../tensor/autograd.js';
import { randParallel, randn, zeros } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from '../nn/functional.js';
import { Module } from '../nn/module.js';
import { normal_ } from '../nn/init.js';
import type { Batch } from '../data/loader.js';
import type { Autoencoder, LossTerms } from './autoencoder.js';
import type { GenerativeModel } from './generative.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';

/** The visible units an RBM can have: Bernoulli (data in [0, 1]) or Gaussian (standardised real values). */
export const visibleUnits = ['bernoulli', 'gaussian'] as const;
/** One of visibleUnits. */
export type VisibleUnits = (typeof visibleUnits)[number];

/** Options of the restricted Boltzmann machine: sample shape, hidden units, visible units and contrastive-divergence training. */
export interface RbmOptions {
  /** Shape of one sample, e.g. [1, 28, 28]; flattened inside. */
  inputShape: readonly number[];
  /** Hidden units. */
  latent: number;
  /** 'bernoulli' for data in [0, 1]; 'gaussian' for real values standardised to mean 0, variance 1 per input. */
  visible?: VisibleUnits;
  /** Gibbs steps of the negative phase (CD-k). */
  cd?: number;
  /** Persistent CD: the negative chains continue from one update to the next instead of restarting at the data. */
  persistent?: boolean;
  /** Persistent chains (fantasy particles); scikit-learn's BernoulliRBM keeps one per batch sample. */
  chains?: number;
  /** L2 penalty on the weights only, as the guide's weight-cost (its suggested range 1e-5 to 1e-2). */
  weightCost?: number;
  /** Hidden units of the top RBM of a deep autoencoder's stack may be linear with unit-variance noise (Hinton & Salakhutdinov 2006). */
  hiddenUnits?: 'bernoulli' | 'gaussian';
}

/** Defaults of RbmOptions: Bernoulli visible units, CD-1, not persistent, 100 chains, no weight decay. */
export const rbmDefaults = { visible: 'bernoulli', cd: 1, persistent: false, chains: 100, weightCost: 0 } as const satisfies Partial<RbmOptions>;

/** Gibbs steps of `sample()` when none are given: enough for a trained MNIST RBM's chains to leave their random start. */
export const defaultGibbsSteps = 1000;

/**
 * A warning when data [N, ...] for Gaussian visible units is far from standardised (each input
 * mean 0, variance 1, as the model's fixed unit variance assumes: otherwise its samples and
 * free energies are off, and learning is slow or diverges); null when it looks standardised.
 */
export function gaussianInputWarning(inputs: Tensor, dataset: string): string | null {
  const [mean, std] = noGrad(() =>
    tidy(() => {
      const flat = inputs.flatten(1);
      return [flat.mean({ dim: 0 }).abs().mean().item(), flat.std({ dim: [0], correction: 0 }).mean().item()];
    }),
  );
  if (mean! < 0.1 && std! > 0.7 && std! < 1.4) return null;
  return (
    `warning: Gaussian visible units assume each input has mean 0 and variance 1, and ${dataset}'s have mean |μ| ${mean!.toPrecision(2)} and standard deviation ${std!.toPrecision(2)} on average: ` +
    'standardise the data first (subtract each input\'s mean, divide by its standard deviation), or use --visible bernoulli for data in [0, 1]'
  );
}

/**
 * An RBM's own test metrics over samples [N, ...inputShape]: the mean free energy and, for
 * Bernoulli visibles, the mean pseudo-log-likelihood (draws the flipped inputs from the generator).
 */
export function rbmTestMetrics(rbm: RestrictedBoltzmannMachine, inputs: Tensor, batchSize = 500): Record<string, number> {
  const sums = { test_free_energy: 0, test_pseudo_log_likelihood: 0 };
  const count = inputs.shape[0]!;
  noGrad(() => {
    for (let start = 0; start < count; start += batchSize) {
      tidy(() => {
        const x = inputs.narrow(0, start, Math.min(batchSize, count - start));
        sums.test_free_energy += rbm.freeEnergy(x.flatten(1)).sum().item();
        if (rbm.visible === 'bernoulli') sums.test_pseudo_log_likelihood += rbm.pseudoLogLikelihood(x).sum().item();
      });
    }
  });
  return rbm.visible === 'bernoulli' ? { test_free_energy: sums.test_free_energy / count, test_pseudo_log_likelihood: sums.test_pseudo_log_likelihood / count } : { test_free_energy: sums.test_free_energy / count };
}

export class RestrictedBoltzmannMachine extends Module implements Autoencoder, GenerativeModel {
  readonly conditional = false;
  readonly numClasses = 0;
  readonly inputShape: readonly number[];
  readonly latent: number;
  readonly visible: VisibleUnits;
  readonly hiddenUnits: 'bernoulli' | 'gaussian';
  readonly cd: number;
  readonly persistent: boolean;
  readonly weightCost: number;
  /** [hidden, visible], as scikit-learn's components_ and nn.Linear's weight. */
  readonly weight: Tensor;
  readonly visibleBias: Tensor;
  readonly hiddenBias: Tensor;
  /** Persistent CD: the chains' hidden states [chains, hidden], saved with checkpoints so that a resumed run continues the same chains. */
  readonly chain: Tensor | null;
  /**
   * Whether loss() of a Bernoulli RBM runs as one native call (the default) rather than operator by
   * operator; both give the same values (test/models/rbm.test.ts compares them).
   */
  fused = true;
  /** Uniform draws in [0, 1) of a shape, for Bernoulli samples (u < p); a parity test feeds its own. */
  uniform: (shape: number[]) => Tensor = (shape) => randParallel(shape);

  constructor(options: RbmOptions) {
    super();
    const d = rbmDefaults;
    const { inputShape, latent, visible = d.visible, cd = d.cd, persistent = d.persistent, chains = d.chains, weightCost = d.weightCost, hiddenUnits = 'bernoulli' } = options;
    checkPositiveInteger(latent, 'latent (the hidden units)');
    if (!Number.isInteger(cd) || cd < 1) throw new ArgumentError(`cd (Gibbs steps of contrastive divergence) must be a positive integer, got ${cd}: CD-1 (--cd 1) is the usual choice`);
    checkPositiveInteger(chains, 'chains (persistent chains)');
    if (!(weightCost >= 0 && Number.isFinite(weightCost))) throw new ArgumentError(`weightCost must be a finite number ≥ 0, got ${weightCost}`);
    if (!visibleUnits.includes(visible)) throw new ArgumentError(`visible units must be one of ${visibleUnits.join(', ')}, got ${String(visible)}`);
    this.inputShape = [...inputShape];
    this.latent = latent;
    this.visible = visible;
    this.hiddenUnits = hiddenUnits;
    this.cd = cd;
    this.persistent = persistent;
    this.weightCost = weightCost;
    const size = sampleSize(inputShape);
    // N(0, 0.01²) weights and zero biases, as the guide (§8) and scikit-learn.
    this.weight = this.registerParameter('weight', noGrad(() => normal_(zeros([latent, size]), 0, 0.01)));
    this.visibleBias = this.registerParameter('visible_bias', zeros([size]));
    this.hiddenBias = this.registerParameter('hidden_bias', zeros([latent]));
    this.chain = persistent ? this.registerBuffer('chain', zeros([chains, latent])) : null;
  }

  /** Hidden pre-activations c + vWᵀ [N, hidden] of flat visibles [N, visible]. */
  hiddenInput(v: Tensor): Tensor {
    return F.linear(v, this.weight, this.hiddenBias);
  }

  /** E[h | v] [N, hidden]: σ(c + vWᵀ), or the linear mean for Gaussian hidden units. */
  hiddenMean(v: Tensor): Tensor {
    return tidy(() => (this.hiddenUnits === 'gaussian' ? this.hiddenInput(v) : this.hiddenInput(v).sigmoid()));
  }

  /** E[v | h] [N, visible]: σ(b + hW) for Bernoulli visibles, b + hW for Gaussian ones. */
  visibleMean(h: Tensor): Tensor {
    return tidy(() => {
      const input = F.linear(h, this.weight.t(), this.visibleBias); // b + hW in one addmm
      return this.visible === 'gaussian' ? input : input.sigmoid();
    });
  }

  /** A sample of h given its mean. */
  sampleHidden(mean: Tensor): Tensor {
    return tidy(() => (this.hiddenUnits === 'gaussian' ? mean.add(randn(mean.shape)) : this.uniform(mean.shape).lt(mean).float()));
  }

  /** A sample of v given its mean. */
  sampleVisible(mean: Tensor): Tensor {
    return tidy(() => (this.visible === 'gaussian' ? mean.add(randn(mean.shape)) : this.uniform(mean.shape).lt(mean).float()));
  }

  /**
   * Free energy F(v) = −log Σ_h exp(−E(v, h)) of flat visibles [N, visible] → [N]:
   * −b·v − Σ_j softplus(c_j + v·W_j) for Bernoulli visibles, ½‖v − b‖² − Σ_j softplus(...) for
   * Gaussian ones (Gaussian hidden units: −½ (c_j + v·W_j)² in place of the softplus).
   */
  freeEnergy(v: Tensor): Tensor {
    return tidy(() => this.#freeEnergy(v, this.hiddenInput(v)));
  }

  #freeEnergy(v: Tensor, hiddenInput: Tensor): Tensor {
    const hiddenTerm = this.hiddenUnits === 'gaussian' ? hiddenInput.square().mul(0.5).sum({ dim: 1 }) : F.softplus(hiddenInput).sum({ dim: 1 });
    const visibleTerm = this.visible === 'gaussian' ? v.sub(this.visibleBias).square().mul(0.5).sum({ dim: 1 }) : v.matmul(this.visibleBias).neg();
    return visibleTerm.sub(hiddenTerm);
  }

  /** [N, ...inputShape] → E[h | v], [N, hidden]: the features an RBM gives a classifier. */
  encode(x: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'RestrictedBoltzmannMachine');
    return tidy(() => this.hiddenMean(x.flatten(1)));
  }

  /** [N, hidden] → E[v | h], [N, ...inputShape]. */
  decode(h: Tensor): Tensor {
    return tidy(() => this.visibleMean(h).unflatten(1, this.inputShape));
  }

  /** The mean-field reconstruction E[v | E[h | x]]: deterministic, as the guide's reconstruction error reads it. */
  reconstruct(x: Tensor): Tensor {
    return tidy(() => this.decode(this.encode(x)));
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** E[h | v] from the hidden pre-activations c + vWᵀ. */
  #hiddenMeanOf(input: Tensor): Tensor {
    return this.hiddenUnits === 'gaussian' ? input : input.sigmoid();
  }

  /**
   * k Gibbs steps from hidden states h [N, hidden]: each draws v ~ p(v | h), then h ~ p(h | v).
   * Returns the last visible sample with its hidden pre-activations and means, the last hidden
   * sample (null with `sampleLast` false: CD-k does not need it), and the first step's visible
   * means E[v | h] (a CD chain's reconstruction of the data).
   */
  gibbs(h: Tensor, steps: number, sampleLast = true): { visible: Tensor; hiddenInput: Tensor; hiddenMean: Tensor; hidden: Tensor | null; firstVisibleMean: Tensor } {
    if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`Gibbs steps must be a positive integer, got ${steps}`);
    return noGrad(() =>
      tidy(() => {
        let state: Tensor | null = h;
        let result!: { visible: Tensor; hiddenInput: Tensor; hiddenMean: Tensor; hidden: Tensor | null; firstVisibleMean: Tensor };
        for (let step = 0; step < steps; step++) {
          const previous: typeof result | undefined = result;
          result = tidy(() => {
            const visibleMean = this.visibleMean(state!);
            const visible = this.sampleVisible(visibleMean);
            const hiddenInput = this.hiddenInput(visible);
            const hiddenMean = this.#hiddenMeanOf(hiddenInput);
            const hidden = step < steps - 1 || sampleLast ? this.sampleHidden(hiddenMean) : null;
            return { visible, hiddenInput, hiddenMean, hidden, firstVisibleMean: previous ? previous.firstVisibleMean : visibleMean };
          });
          if (previous) for (const key of ['visible', 'hiddenInput', 'hiddenMean', 'hidden'] as const) previous[key]?.dispose();
          state = result.hidden;
        }
        return result;
      }),
    );
  }

  /**
   * The CD-k (or PCD) objective of a batch. `total` has the value mean F(v_data) − mean F(v_model)
   * (+ the weight-cost) and, as its gradient, the CD statistics ⟨v hᵀ⟩_model − ⟨v hᵀ⟩_data (hidden
   * means for h) and their bias counterparts: the exact gradient of that difference with the
   * model's samples held fixed. They are computed in closed form and reach .grad through a linear carrier Σ θ⊙g minus its detached copy, whose value is 0
   * and whose gradient is g: cheaper than differentiating the free energies, the same numbers.
   * Recorded beside it: `reconstruction`, the squared error per sample of E[v | h] for h sampled
   * given the data (a CD chain's first step, as the reconstruction error of Hinton's rbm.m;
   * E[v | E[h | v]] for a persistent chain), and `free_energy`, the data's mean free energy. In
   * eval mode (validation) the chains start at the data and the persistent ones are left as they are.
   */
  loss(batch: Batch): LossTerms {
    if (this.visible === 'bernoulli' && this.hiddenUnits === 'bernoulli' && this.fused) return this.#fusedLoss(batch);
    return tidy((): LossTerms => {
      const persistent = this.persistent && this.training;
      const terms = noGrad(() => {
        const v0 = batch.inputs.flatten(1); // [N, visible]
        const input0 = this.hiddenInput(v0); // [N, hidden]
        const h0 = this.#hiddenMeanOf(input0);
        const chain = this.gibbs(persistent ? this.chain! : this.sampleHidden(h0), this.cd, persistent);
        if (persistent) this.chain!.copy_(chain.hidden!);
        const [n0, n1] = [v0.shape[0]!, chain.visible.shape[0]!];
        // ⟨h vᵀ⟩_model − ⟨h vᵀ⟩_data [hidden, visible]: the second product accumulates into the first inside BLAS (no difference pass)
        const weightGradient = chain.hiddenMean.t().matmul(chain.visible).addmm(h0.t(), v0, { beta: 1 / n1, alpha: -1 / n0 });
        const visibleGradient = chain.visible.mean({ dim: 0 }).sub(v0.mean({ dim: 0 }));
        const hiddenGradient = chain.hiddenMean.mean({ dim: 0 }).sub(h0.mean({ dim: 0 }));
        const dataEnergy = this.#freeEnergy(v0, input0).mean();
        const gap = dataEnergy.sub(this.#freeEnergy(chain.visible, chain.hiddenInput).mean());
        // a persistent chain does not start at the data: its reconstruction is the mean-field one, which draws nothing
        const reconstructed = persistent ? this.visibleMean(h0) : chain.firstVisibleMean;
        const reconstruction = reconstructed.sub(v0).square().sum({ dim: 1 }).mean();
        return { weightGradient, visibleGradient, hiddenGradient, gap, dataEnergy, reconstruction };
      });
      const carrier = this.weight.flatten().dot(terms.weightGradient.flatten()).add(this.visibleBias.dot(terms.visibleGradient)).add(this.hiddenBias.dot(terms.hiddenGradient));
      let total = carrier.sub(carrier.detach()).add(terms.gap);
      if (this.weightCost > 0) total = total.add(this.weight.square().sum().mul(this.weightCost / 2));
      return { total, reconstruction: terms.reconstruction, free_energy: terms.dataEnergy };
    });
  }

  /**
   * loss() for Bernoulli units in one native call (nn/functional's contrastiveDivergence): the
   * same operations, without a boundary crossing per operation. The uniforms are drawn here, in
   * the order the unfused path draws them, so that a seed (or a test's own draws) gives the same chain.
   */
  #fusedLoss(batch: Batch): LossTerms {
    return tidy((): LossTerms => {
      const persistent = this.persistent && this.training;
      const v0 = batch.inputs.flatten(1); // [N, visible]
      const rows = persistent ? this.chain!.shape[0]! : v0.shape[0]!;
      const [visible, hidden] = [v0.shape[1]!, this.latent];
      const uniforms = noGrad(() => {
        const draws = persistent ? [] : [this.uniform([rows, hidden])];
        for (let step = 0; step < this.cd; step++) {
          draws.push(this.uniform([rows, visible]));
          if (step < this.cd - 1 || persistent) draws.push(this.uniform([rows, hidden]));
        }
        return draws;
      });
      const terms = F.contrastiveDivergence(v0, this, persistent ? this.chain : null, uniforms, this.cd);
      let total = terms.total;
      if (this.weightCost > 0) total = total.add(this.weight.square().sum().mul(this.weightCost / 2));
      return { total, reconstruction: terms.reconstruction, free_energy: terms.freeEnergy };
    });
  }

  /**
   * n samples [n, ...inputShape] from defaultGibbsSteps Gibbs steps of chains started at random visibles
   * (uniform bits, or N(0, 1) for Gaussian visibles); the last step's visible means are returned.
   */
  sample(n: number): Tensor {
    return this.sampleGibbs(n, defaultGibbsSteps);
  }

  /** n samples after `steps` Gibbs steps (0: the random starts themselves). */
  sampleGibbs(n: number, steps: number): Tensor {
    checkPositiveInteger(n, 'the number of samples');
    if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`the Gibbs steps must be a non-negative integer, got ${steps}`);
    return noGrad(() =>
      tidy(() => {
        const size = sampleSize(this.inputShape);
        const start = this.visible === 'gaussian' ? randn([n, size]) : this.uniform([n, size]).lt(0.5).float();
        let h = this.sampleHidden(this.hiddenMean(start));
        if (steps === 0) return start.unflatten(1, this.inputShape);
        for (let step = 1; step < steps; step++) h = tidy(() => this.sampleHidden(this.hiddenMean(this.sampleVisible(this.visibleMean(h)))));
        return this.visibleMean(h).unflatten(1, this.inputShape);
      }),
    );
  }

  /**
   * The first `count` filters (rows of W) as images [count, ...inputShape], each scaled to [0, 1]
   * on its own range: the pen strokes and blobs an MNIST RBM learns (the guide's §15 display).
   */
  filters(count: number = this.latent): Tensor {
    checkPositiveInteger(count, 'the number of filters');
    return noGrad(() =>
      tidy(() => {
        const rows = this.weight.narrow(0, 0, Math.min(count, this.latent)); // [n, visible]
        const low = rows.min(1, true).values;
        const range = rows.max(1, true).values.sub(low).clampMin(1e-12);
        return rows.sub(low).div(range).unflatten(1, this.inputShape);
      }),
    );
  }

  /**
   * The pseudo-log-likelihood of binary samples [N, ...inputShape] → [N], as scikit-learn's
   * BernoulliRBM.score_samples: D · log σ(F(ṽ) − F(v)), where ṽ is v with one input flipped, input
   * `indices[i]` of sample i (drawn uniformly when not given).
   */
  pseudoLogLikelihood(x: Tensor, indices?: Tensor): Tensor {
    if (this.visible !== 'bernoulli') throw new ArgumentError('the pseudo-log-likelihood flips binary inputs: it applies to Bernoulli visible units only');
    checkBatch(x, this.inputShape, 'RestrictedBoltzmannMachine');
    return noGrad(() =>
      tidy(() => {
        const v = x.flatten(1);
        const [n, size] = v.shape as [number, number];
        const which = indices ?? this.uniform([n]).mul(size).floor().clampMax(size - 1).long();
        const flip = zeros([n, size]).scatter(1, which.reshape([n, 1]), 1); // [N, visible], one 1 per row
        const flipped = v.add(flip.mul(v.mul(-2).add(1)));
        // log σ(d) = −softplus(−d)
        return F.softplus(this.freeEnergy(v).sub(this.freeEnergy(flipped))).mul(-size);
      }),
    );
  }
}
