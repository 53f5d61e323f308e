// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
// in PyTorch 1.13's operation order.
import { checkBoolean, checkOneOf } from '../tensor/arguments.js';
import { ArgumentError } from '../tensor/errors.js';
import * as foreach from '../tensor/foreach.js';
import type { Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/scope.js';
import { Optimizer, checkOptionNames, type GradientBatch, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Settings of SGD, as torch.optim.SGD's. */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /**
   * 'fused' (the default) updates each parameter in one native pass once its momentum buffer
   * exists, where the CPU allows (x86-64 with AVX2/FMA, float32); 'foreach' runs libtorch's
   * per-tensor operations. Both give the same results bit for bit; fused is faster.
   */
  implementation: 'fused' | 'foreach';
}

/** Stochastic gradient descent with momentum and Nesterov, as torch.optim.SGD. */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    // torch.optim.SGD has no default learning rate either.
    if (options === undefined) throw new ArgumentError('SGD needs a learning rate: new SGD(params, { lr: 0.01 })');
    const defaults: SGDOptions = { lr: options.lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, implementation: 'fused' };
    checkOptionNames('SGD', options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected override validate(group: SGDOptions): void {
    super.validate(group);
    this.checkHyperParameter(group, 'momentum', { min: 0 });
    this.checkHyperParameter(group, 'dampening');
    this.checkHyperParameter(group, 'weightDecay', { min: 0 });
    checkBoolean(group.nesterov, 'SGD nesterov');
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ArgumentError('Nesterov momentum requires momentum > 0 and dampening 0');
    }
    checkOneOf(group.implementation, 'SGD implementation', ['fused', 'foreach']);
  }

  protected initialState(): Record<string, Tensor> {
    return {};
  }

  protected update(group: ParamGroup<SGDOptions>, batch: GradientBatch): void {
    const { lr, momentum, dampening, nesterov, weightDecay } = group;
    if (group.implementation === 'fused' && momentum !== 0 && batch.states.every((s) => s.tensors.momentum_buffer) && foreach.fusedAdamAvailable()) {
      const buffers = batch.states.map((s) => s.tensors.momentum_buffer!);
      if (foreach.sgdStep(batch.params, batch.grads, buffers, { lr, momentum, dampening, nesterov, weightDecay })) return;
    }
    const temporaries: foreach.TensorList[] = [];
    let gradients = batch.grads;
    if (weightDecay !== 0) temporaries.push((gradients = foreach.add(gradients, batch.params, weightDecay)));
    let directions: foreach.List = gradients;
    if (momentum !== 0) {
      const existing: Tensor[] = [];
      const positions: number[] = [];
      batch.states.forEach((state, i) => {
        if (state.tensors.momentum_buffer) {
          existing.push(state.tensors.momentum_buffer);
          positions.push(i);
        } else {
          // The first step's buffer is the gradient itself, undamped.
          const direction = gradients.at(i);
          state.tensors.momentum_buffer = keep(direction.clone());
          direction.dispose();
        }
      });
      if (existing.length > 0) {
        foreach.mul_(existing, momentum);
        foreach.add_(existing, positions.length === gradients.length ? gradients : gradients.select(positions), 1 - dampening);
      }
      const momenta = batch.states.map((s) => s.tensors.momentum_buffer!);
      if (nesterov) temporaries.push((directions = foreach.add(gradients, momenta, momentum)));
      else directions = momenta;
    }
    foreach.add_(batch.params, directions, -lr);
    for (const list of temporaries) list.dispose();
  }
}
