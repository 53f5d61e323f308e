// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
// in PyTorch 1.13's operation order.
import { ArgumentError } from '../tensor/errors.js';
import * as foreach from '../tensor/foreach.js';
import type { Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/scope.js';
import { Optimizer, checkOptionNames, type GradientBatch, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    const defaults: SGDOptions = { lr: options.lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
    checkOptionNames('SGD', options, defaults);
    super(params, { ...defaults, ...options });
  }

  protected override validate(group: SGDOptions): void {
    super.validate(group);
    if (!(group.momentum >= 0)) throw new ArgumentError(`momentum must be >= 0, got ${group.momentum}`);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ArgumentError('Nesterov momentum requires momentum > 0 and dampening 0');
    }
  }

  protected initialState(): Record<string, Tensor> {
    return {};
  }

  protected update(group: ParamGroup<SGDOptions>, batch: GradientBatch): void {
    const { lr, momentum, dampening, nesterov, weightDecay } = group;
    const temporaries: Tensor[] = [];
    let directions = batch.grads;
    if (weightDecay !== 0) temporaries.push(...(directions = foreach.add(directions, batch.params, weightDecay)));
    if (momentum !== 0) {
      const buffers = batch.states.map((state, i) => {
        // The first step's buffer is the gradient itself, undamped.
        if (!state.tensors.momentum_buffer) {
          state.tensors.momentum_buffer = keep(directions[i]!.clone());
          return null;
        }
        return state.tensors.momentum_buffer;
      });
      const existing = buffers.filter((b): b is Tensor => b !== null);
      const existingDirections = directions.filter((_, i) => buffers[i] !== null);
      if (existing.length > 0) {
        foreach.mul_(existing, momentum);
        foreach.add_(existing, existingDirections, 1 - dampening);
      }
      const momenta = batch.states.map((s) => s.tensors.momentum_buffer!);
      if (nesterov) temporaries.push(...(directions = foreach.add(directions, momenta, momentum)));
      else directions = momenta;
    }
    foreach.add_(batch.params, directions, -lr);
    for (const tensor of temporaries) tensor.dispose();
  }
}
