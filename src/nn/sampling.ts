// Pooling and resizing layers: MaxPool2d, AvgPool2d, Upsample (used with Conv2d for resize-conv).
import { checkInteger, checkNumber, checkOneOf } from '../tensor/arguments.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { avgPool2d, interpolate, maxPool2d, type InterpolateMode } from './functional.js';
import { Module } from './module.js';

// Both pools take the same window options; they differ only in the reduction applied.
abstract class Pool2d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly stride = kernelSize,
    readonly padding = 0,
  ) {
    super();
    const layer = new.target.name;
    checkInteger(kernelSize, `${layer} kernelSize`, { min: 1 });
    checkInteger(stride, `${layer} stride`, { min: 1 });
    checkInteger(padding, `${layer} padding`, { min: 0 });
    if (padding > kernelSize / 2) throw new ArgumentError(`${layer} padding must be at most half the kernel size (${kernelSize}), got ${padding}`);
  }

  /** The functional pooling the layer applies. */
  protected abstract pool: typeof maxPool2d;

  forward(x: Tensor): Tensor {
    return this.pool(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }

  protected override describe(): string {
    return `kernel=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

/** 2-D max pooling, as torch.nn.MaxPool2d. */
export class MaxPool2d extends Pool2d {
  protected pool = maxPool2d;
}

/** 2-D average pooling, as torch.nn.AvgPool2d. */
export class AvgPool2d extends Pool2d {
  protected pool = avgPool2d;
}

export class Upsample extends Module {
  constructor(
    readonly scaleFactor: number,
    readonly mode: Exclude<InterpolateMode, 'linear'> = 'nearest',
  ) {
    super();
    checkNumber(scaleFactor, 'Upsample scaleFactor', { above: 0 });
    checkOneOf(mode, 'Upsample mode', ['nearest', 'bilinear', 'bicubic']);
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, { scaleFactor: this.scaleFactor, mode: this.mode });
  }
  protected override describe(): string {
    return `scaleFactor=${this.scaleFactor}, mode=${this.mode}`;
  }
}
