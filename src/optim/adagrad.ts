// Adagrad (Duchi, Hazan & Singer 2011) with learning-rate decay and weight decay, in PyTorch
// 1.13's operation order so trajectories match torch.optim.Adagrad.
import { ArgumentError } from '../tensor/errors.js';
import { fullLike } from '../tensor/creation.js';
import * as foreach from '../tensor/foreach.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkOptionNames, groupByStep, type GradientBatch, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Settings of Adagrad, as torch.optim.Adagrad's. */
export interface AdagradOptions {
  lr: number;
  /** The step size at step t is lr / (1 + (t − 1)·lrDecay). */
  lrDecay: number;
  weightDecay: number;
  /** Starting value of the sum of squared gradients. */
  initialAccumulatorValue: number;
  eps: number;
}

/** Adagrad (Duchi et al. 2011), as torch.optim.Adagrad. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const defaults: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 };
    checkOptionNames('Adagrad', options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected override validate(group: AdagradOptions): void {
    super.validate(group);
    this.checkHyperParameter(group, 'lrDecay', { min: 0 });
    this.checkHyperParameter(group, 'weightDecay', { min: 0 });
    this.checkHyperParameter(group, 'initialAccumulatorValue', { min: 0 });
    this.checkHyperParameter(group, 'eps', { min: 0 });
  }

  protected initialState(param: Tensor, group: ParamGroup<AdagradOptions>): Record<string, Tensor> {
    return { sum: fullLike(param, group.initialAccumulatorValue) };
  }

  protected update(group: ParamGroup<AdagradOptions>, batch: GradientBatch): void {
    // The decayed step size depends on each parameter's own step count.
    for (const [step, subset] of groupByStep(batch)) this.#adagrad(group, subset, step);
  }

  #adagrad(group: ParamGroup<AdagradOptions>, batch: GradientBatch, step: number): void {
    const { lr, lrDecay, weightDecay, eps } = group;
    const temporaries: foreach.TensorList[] = [];
    let grads = batch.grads;
    if (weightDecay !== 0) temporaries.push((grads = foreach.add(grads, batch.params, weightDecay)));
    const clr = lr / (1 + (step - 1) * lrDecay);
    const sums = batch.states.map((s) => s.tensors.sum!);
    foreach.addcmul_(sums, grads, grads, 1);
    const std = foreach.sqrt(sums);
    temporaries.push(std);
    foreach.add_(std, eps);
    foreach.addcdiv_(batch.params, grads, std, -clr);
    for (const list of temporaries) list.dispose();
  }
}
