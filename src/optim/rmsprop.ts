// RMSprop (Hinton's lecture 6e; centered variant from Graves 2013), with momentum and weight
// decay, in PyTorch 1.13's operation order so trajectories match torch.optim.RMSprop.
import { aten } from '../tensor/ops.js';
import { checkBoolean } from '../tensor/arguments.js';
import { zerosLike } from '../tensor/creation.js';
import { native, type Handle } from '../tensor/native.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkOptionNames, type GradientBatch, type ParamGroup, type ParamsInput } from './optimizer.js';

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

const foreach = {
  add: aten('_foreach_add.List'), add_: aten('_foreach_add_.List'), addScalar_: aten('_foreach_add_.Scalar'),
  mul_: aten('_foreach_mul_.Scalar'), addcmul: aten('_foreach_addcmul.Scalar'), addcmul_: aten('_foreach_addcmul_.Scalar'),
  addcdiv_: aten('_foreach_addcdiv_.Scalar'), sqrt: aten('_foreach_sqrt'), sqrt_: aten('_foreach_sqrt_'),
};

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
    const temporaries: Handle[] = [];
    let grads = batch.grads;
    if (weightDecay !== 0) temporaries.push(...(grads = foreach.add(grads, batch.paramHandles, weightDecay) as Handle[]));
    const squareAvg = batch.states.map((s) => s.tensors.square_avg!.handle);
    foreach.mul_(squareAvg, alpha);
    foreach.addcmul_(squareAvg, grads, grads, 1 - alpha);
    let avg: Handle[];
    if (centered) {
      const gradAvg = batch.states.map((s) => s.tensors.grad_avg!.handle);
      foreach.mul_(gradAvg, alpha);
      foreach.add_(gradAvg, grads, 1 - alpha);
      avg = foreach.addcmul(squareAvg, gradAvg, gradAvg, -1) as Handle[];
      foreach.sqrt_(avg);
    } else {
      avg = foreach.sqrt(squareAvg) as Handle[];
    }
    temporaries.push(...avg);
    foreach.addScalar_(avg, eps);
    if (momentum > 0) {
      const buffers = batch.states.map((s) => s.tensors.momentum_buffer!.handle);
      foreach.mul_(buffers, momentum);
      foreach.addcdiv_(buffers, grads, avg, 1);
      foreach.add_(batch.paramHandles, buffers, -lr);
    } else {
      foreach.addcdiv_(batch.paramHandles, grads, avg, -lr);
    }
    for (const handle of temporaries) native.dispose(handle);
  }
}
