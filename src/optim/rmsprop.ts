// RMSprop (Hinton's lecture 6e; centered variant from Graves 2013), with momentum and weight
// decay, in PyTorch 1.13's operation order so trajectories match torch.optim.RMSprop.
import { ArgumentError } from '../tensor/errors.js';
import { checkBoolean } from '../tensor/arguments.js';
import { zerosLike } from '../tensor/creation.js';
import * as foreach from '../tensor/foreach.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkOptionNames, type GradientBatch, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Settings of RMSprop, as torch.optim.RMSprop's. */
export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the running average of squared gradients. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalise by the estimated variance (E[g²] − E[g]²) instead of E[g²]. */
  centered: boolean;
}

/** RMSprop (Tieleman & Hinton 2012), as torch.optim.RMSprop. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const defaults: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };
    checkOptionNames('RMSprop', options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected override validate(group: RMSpropOptions): void {
    super.validate(group);
    this.checkHyperParameter(group, 'alpha', { min: 0, below: 1 });
    this.checkHyperParameter(group, 'eps', { min: 0 });
    this.checkHyperParameter(group, 'momentum', { min: 0 });
    this.checkHyperParameter(group, 'weightDecay', { min: 0 });
    checkBoolean(group.centered, 'RMSprop centered');
  }

  protected initialState(param: Tensor, group: ParamGroup<RMSpropOptions>): Record<string, Tensor> {
    const state: Record<string, Tensor> = { square_avg: zerosLike(param) };
    if (group.momentum > 0) state.momentum_buffer = zerosLike(param);
    if (group.centered) state.grad_avg = zerosLike(param);
    return state;
  }

  protected update(group: ParamGroup<RMSpropOptions>, batch: GradientBatch): void {
    const { lr, alpha, eps, weightDecay, momentum, centered } = group;
    const temporaries: foreach.TensorList[] = [];
    let grads = batch.grads;
    if (weightDecay !== 0) temporaries.push((grads = foreach.add(grads, batch.params, weightDecay)));
    const squareAvg = batch.states.map((s) => s.tensors.square_avg!);
    foreach.mul_(squareAvg, alpha);
    foreach.addcmul_(squareAvg, grads, grads, 1 - alpha);
    let avg: foreach.TensorList;
    if (centered) {
      const gradAvg = batch.states.map((s) => s.tensors.grad_avg!);
      foreach.mul_(gradAvg, alpha);
      foreach.add_(gradAvg, grads, 1 - alpha);
      avg = foreach.addcmul(squareAvg, gradAvg, gradAvg, -1);
      foreach.sqrt_(avg);
    } else {
      avg = foreach.sqrt(squareAvg);
    }
    temporaries.push(avg);
    foreach.add_(avg, eps);
    if (momentum > 0) {
      const buffers = batch.states.map((s) => s.tensors.momentum_buffer!);
      foreach.mul_(buffers, momentum);
      foreach.addcdiv_(buffers, grads, avg, 1);
      foreach.add_(batch.params, buffers, -lr);
    } else {
      foreach.addcdiv_(batch.params, grads, avg, -lr);
    }
    for (const list of temporaries) list.dispose();
  }
}
