// Layers that only change shape: Flatten and Unflatten.
import { argumentError, checkInteger } from '../tensor/arguments.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    checkInteger(startDim, 'Flatten startDim');
    checkInteger(endDim, 'Flatten endDim');
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly sizes: number[],
  ) {
    super();
    checkInteger(dim, 'Unflatten dim');
    if (!Array.isArray(sizes) || sizes.length === 0) argumentError('Unflatten sizes', 'the sizes to unflatten into, e.g. [64, 7, 7]', sizes);
    sizes.forEach((size) => (size === -1 ? undefined : checkInteger(size, 'Unflatten sizes', { min: 1 })));
    if (sizes.filter((size) => size === -1).length > 1) throw new ArgumentError(`Unflatten sizes may hold one -1 (the size inferred), got [${sizes.join(', ')}]`);
  }
  forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.sizes);
  }
  protected override describe(): string {
    return `dim=${this.dim}, sizes=[${this.sizes.join(', ')}]`;
  }
}
