// Sequential: applies its children in order; children are named '0', '1', ... as in PyTorch.
import { describeValue } from '../tensor/arguments.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Module)) throw new ArgumentError(`Sequential layer ${i} must be a Module such as new nn.ReLU(), got ${describeValue(layer)}`);
    });
    this.layers = layers.map((layer, i) => this.registerModule(String(i), layer));
  }

  /** Runs the layers in order, freeing each intermediate result that the next layer no longer needs. */
  forward(x: Tensor): Tensor {
    let current = x;
    for (const layer of this.layers) {
      const next = layer.forward(current);
      // Intermediates stay alive when autograd needs them: libtorch holds its own reference.
      if (current !== x && next !== current) current.dispose();
      current = next;
    }
    return current;
  }
}
