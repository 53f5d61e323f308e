// Pooling and resizing layers: MaxPool2d, AvgPool2d, Upsample (used with Conv2d for resize-conv).
import type { Tensor } from '../tensor/tensor.js';
import { avgPool2d, interpolate, maxPool2d, type InterpolateMode } from './functional.js';
import { Module } from './module.js';

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly stride = kernelSize,
    readonly padding = 0,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly stride = kernelSize,
    readonly padding = 0,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
}

export class Upsample extends Module {
  constructor(
    readonly scaleFactor: number,
    readonly mode: Exclude<InterpolateMode, 'linear'> = 'nearest',
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, { scaleFactor: this.scaleFactor, mode: this.mode });
  }
  protected override describe(): string {
    return `scaleFactor=${this.scaleFactor}, mode=${this.mode}`;
  }
}
