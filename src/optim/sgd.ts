// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
// in PyTorch 1.13's operation order.
import { aten } from '../tensor/ops.js';
import { checkBoolean } from '../tensor/arguments.js';
import { ArgumentError } from '../tensor/errors.js';
import { native, type Handle } from '../tensor/native.js';
import { Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/scope.js';
import { Optimizer, checkOptionNames, type GradientBatch, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

const foreach = {
  add: aten('_foreach_add.List'), add_: aten('_foreach_add_.List'), mul_: aten('_foreach_mul_.Scalar'),
};
const clone = aten('clone');

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    // torch.optim.SGD has no default learning rate either.
    if (options === undefined) throw new ArgumentError('SGD needs a learning rate: new SGD(params, { lr: 0.01 })');
    const defaults: SGDOptions = { lr: options.lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
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
  }

  protected initialState(): Record<string, Tensor> {
    return {};
  }

  protected update(group: ParamGroup<SGDOptions>, batch: GradientBatch): void {
    const { lr, momentum, dampening, nesterov, weightDecay } = group;
    const temporaries: Handle[] = [];
    let directions = batch.grads;
    if (weightDecay !== 0) temporaries.push(...(directions = foreach.add(directions, batch.paramHandles, weightDecay) as Handle[]));
    if (momentum !== 0) {
      const buffers = batch.states.map((state, i) => {
        // The first step's buffer is the gradient itself, undamped.
        if (!state.tensors.momentum_buffer) {
          state.tensors.momentum_buffer = keep(new Tensor(clone(directions[i]!) as Handle));
          return null;
        }
        return state.tensors.momentum_buffer.handle;
      });
      const existing = buffers.filter((b): b is Handle => b !== null);
      const existingDirections = directions.filter((_, i) => buffers[i] !== null);
      if (existing.length > 0) {
        foreach.mul_(existing, momentum);
        foreach.add_(existing, existingDirections, 1 - dampening);
      }
      const momenta = batch.states.map((s) => s.tensors.momentum_buffer!.handle);
      if (nesterov) temporaries.push(...(directions = foreach.add(directions, momenta, momentum) as Handle[]));
      else directions = momenta;
    }
    foreach.add_(batch.paramHandles, directions, -lr);
    for (const handle of temporaries) native.dispose(handle);
  }
}
