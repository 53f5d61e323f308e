// Adam and AdamW (Kingma & Ba 2015; Loshchilov & Hutter 2019), with the exact operation order of
// PyTorch 1.13's implementation so trajectories match it to rounding.
import { ArgumentError } from '../tensor/errors.js';
import { argumentError, checkBoolean, checkNumber, checkOneOf } from '../tensor/arguments.js';
import { zerosLike } from '../tensor/creation.js';
import * as foreach from '../tensor/foreach.js';
import { libmPow } from '../tensor/libm.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkOptionNames, groupByStep, type GradientBatch, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Settings of Adam and AdamW, as torch.optim.Adam's. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /**
   * 'fused' (the default) updates each parameter in one native pass where the CPU allows
   * (x86-64 with AVX2/FMA, float32); 'foreach' runs libtorch's per-tensor operations. Both
   * give PyTorch's results bit for bit; fused is faster.
   */
  implementation: 'fused' | 'foreach';
}

/** Adam (Kingma & Ba 2015), as torch.optim.Adam, bit for bit. */
export class Adam extends Optimizer<AdamOptions> {
  /** Decoupled weight decay (AdamW) instead of L2 added to the gradient. */
  protected readonly decoupledWeightDecay: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, implementation: 'fused' };
    checkOptionNames(new.target.name, options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected override validate(group: AdamOptions): void {
    super.validate(group);
    const name = this.constructor.name;
    if (!Array.isArray(group.betas) || group.betas.length !== 2) argumentError(`${name} betas`, 'a pair [beta1, beta2] such as [0.9, 0.999]', group.betas);
    group.betas.forEach((beta, i) => checkNumber(beta, `${name} betas[${i}]`, { min: 0, below: 1 }));
    this.checkHyperParameter(group, 'eps', { min: 0 });
    this.checkHyperParameter(group, 'weightDecay', { min: 0 });
    checkBoolean(group.amsgrad, `${name} amsgrad`);
    checkOneOf(group.implementation, `${name} implementation`, ['fused', 'foreach']);
  }

  protected initialState(param: Tensor, group: ParamGroup<AdamOptions>): Record<string, Tensor> {
    const state: Record<string, Tensor> = { exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) };
    if (group.amsgrad) state.max_exp_avg_sq = zerosLike(param);
    return state;
  }

  protected update(group: ParamGroup<AdamOptions>, batch: GradientBatch): void {
    // Parameters that joined the group later have a smaller step count: update them separately.
    for (const [step, subset] of groupByStep(batch)) this.#adam(group, subset, step);
  }

  #adam(group: ParamGroup<AdamOptions>, batch: GradientBatch, step: number): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad } = group;
    const expAvg = batch.states.map((s) => s.tensors.exp_avg!);
    const expAvgSq = batch.states.map((s) => s.tensors.exp_avg_sq!);
    if (group.implementation === 'fused' && !amsgrad && foreach.fusedAdamAvailable()) {
      const options = { lr, beta1, beta2, eps, weightDecay, decoupled: this.decoupledWeightDecay, step };
      if (foreach.adamStep(batch.params, batch.grads, expAvg, expAvgSq, options)) return;
    }
    const temporaries: foreach.TensorList[] = [];
    let grads = batch.grads;
    if (weightDecay !== 0) {
      if (this.decoupledWeightDecay) foreach.mul_(batch.params, 1 - lr * weightDecay);
      else temporaries.push((grads = foreach.add(grads, batch.params, weightDecay)));
    }
    foreach.mul_(expAvg, beta1);
    foreach.add_(expAvg, grads, 1 - beta1);
    foreach.mul_(expAvgSq, beta2);
    foreach.addcmul_(expAvgSq, grads, grads, 1 - beta2);
    const biasCorrection1 = 1 - libmPow(beta1, step);
    const biasCorrection2Sqrt = Math.sqrt(1 - libmPow(beta2, step));
    let second = expAvgSq;
    if (amsgrad) {
      second = batch.states.map((s) => s.tensors.max_exp_avg_sq!);
      foreach.maximum_(second, expAvgSq);
    }
    const denom = foreach.sqrt(second); // √v̂ computed as √v / √(1 − β₂ᵗ), then + eps
    temporaries.push(denom);
    foreach.div_(denom, biasCorrection2Sqrt);
    foreach.add_(denom, eps);
    foreach.addcdiv_(batch.params, expAvg, denom, -lr / biasCorrection1);
    for (const list of temporaries) list.dispose();
  }
}

/** AdamW: weight decay applied to the weights directly (p ← p·(1 − lr·λ)), not through the moments. */
export class AdamW extends Adam {
  protected override readonly decoupledWeightDecay = true;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options });
  }
}
