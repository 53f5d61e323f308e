// Convolution layers over images [N, C, H, W]: Conv2d and ConvTranspose2d, initialised as in PyTorch.
import { empty } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { conv2d, convTranspose2d } from './functional.js';
import { fans, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';

type Size2 = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  groups?: number;
  bias?: boolean;
}

function pair(size: Size2): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

abstract class ConvBase extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly groups: number;

  constructor(weightShape: number[], outChannels: number, options: Conv2dOptions) {
    super();
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.groups = options.groups ?? 1;
    this.weight = this.registerParameter('weight', empty(weightShape));
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    this.bias = options.bias === false ? null : this.registerParameter('bias', empty([outChannels]));
    if (this.bias) {
      const bound = 1 / Math.sqrt(fans(this.weight).fanIn);
      uniform_(this.bias, -bound, bound);
    }
  }

  protected abstract channels(): [number, number];

  protected override describe(): string {
    const [, , kh, kw] = this.weight.shape;
    const [inChannels, outChannels] = this.channels();
    return `${inChannels}, ${outChannels}, kernel=${kh}x${kw}, stride=${pair(this.stride).join('x')}, padding=${pair(this.padding).join('x')}`;
  }
}

export class Conv2d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions = {}) {
    const groups = options.groups ?? 1;
    super([outChannels, inChannels / groups, ...pair(kernelSize)], outChannels, options);
  }

  protected channels(): [number, number] {
    return [this.weight.shape[1]! * this.groups, this.weight.shape[0]!];
  }

  forward(x: Tensor): Tensor {
    // [N, Cin, H, W] → [N, Cout, ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1, ...]
    return conv2d(x, this.weight, this.bias, this);
  }
}

export class ConvTranspose2d extends ConvBase {
  readonly outputPadding: Size2;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions & { outputPadding?: Size2 } = {}) {
    const groups = options.groups ?? 1;
    // PyTorch stores transposed-conv weights as [in, out/groups, kH, kW].
    super([inChannels, outChannels / groups, ...pair(kernelSize)], outChannels, options);
    this.outputPadding = options.outputPadding ?? 0;
  }

  protected channels(): [number, number] {
    return [this.weight.shape[0]!, this.weight.shape[1]! * this.groups];
  }

  forward(x: Tensor): Tensor {
    // [N, Cin, H, W] → [N, Cout, (H − 1)s − 2p + d(k−1) + op + 1, ...]
    return convTranspose2d(x, this.weight, this.bias, this);
  }
}
