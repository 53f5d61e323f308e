// Convolution layers over images [N, C, H, W]: Conv2d and ConvTranspose2d, initialised as in PyTorch.
import { argumentError, checkBoolean, checkInteger, checkOptions } from '../tensor/arguments.js';
import { empty } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { conv2d, convTranspose2d } from './functional.js';
import { fans, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';

type Size2 = number | readonly [number, number];

/** Stride, padding, dilation, groups and bias of a 2-D convolution. */
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

// A size, one number or [height, width], of integers at least `min`.
function checkSize2(value: unknown, name: string, min: number): void {
  if (Array.isArray(value)) {
    if (value.length !== 2) argumentError(name, `a number or [height, width]`, value);
    value.forEach((v: unknown) => checkInteger(v, name, { min }));
  } else checkInteger(value, name, { min });
}

// Everything libtorch would otherwise reject in its own words at the first forward (or accept
// and fail on later, as a channel count that groups do not divide).
function checkConv(layer: string, inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions & { outputPadding?: Size2 }): void {
  const transposed = layer === 'ConvTranspose2d';
  checkInteger(inChannels, `${layer} inChannels`, { min: 1 });
  checkInteger(outChannels, `${layer} outChannels`, { min: 1 });
  checkSize2(kernelSize, `${layer} kernelSize`, 1);
  checkOptions(options as unknown, `${layer} options`, ['stride', 'padding', 'dilation', 'groups', 'bias', ...(transposed ? ['outputPadding'] : [])]);
  const { stride = 1, padding = 0, dilation = 1, groups = 1, bias } = options;
  checkSize2(stride, `${layer} stride`, 1);
  checkSize2(padding, `${layer} padding`, 0);
  checkSize2(dilation, `${layer} dilation`, 1);
  checkInteger(groups, `${layer} groups`, { min: 1 });
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ArgumentError(`${layer} groups (${groups}) must divide both inChannels (${inChannels}) and outChannels (${outChannels})`);
  }
  if (bias !== undefined) checkBoolean(bias, `${layer} bias`);
  if (transposed && options.outputPadding !== undefined) {
    checkSize2(options.outputPadding, `${layer} outputPadding`, 0);
    const [oh, ow] = pair(options.outputPadding);
    const [sh, sw] = pair(stride);
    const [dh, dw] = pair(dilation);
    if ((oh >= sh && oh >= dh) || (ow >= sw && ow >= dw)) {
      throw new ArgumentError(`${layer} outputPadding must be smaller than stride or dilation, got outputPadding ${oh}x${ow} with stride ${sh}x${sw} and dilation ${dh}x${dw}`);
    }
  }
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

  /** Input and output channels, in the order the weight's shape needs them. */
  protected abstract channels(): [number, number];

  protected override describe(): string {
    const [, , kh, kw] = this.weight.shape;
    const [inChannels, outChannels] = this.channels();
    return `${inChannels}, ${outChannels}, kernel=${kh}x${kw}, stride=${pair(this.stride).join('x')}, padding=${pair(this.padding).join('x')}`;
  }
}

/** 2-D convolution, as torch.nn.Conv2d (weights [out, in/groups, kh, kw]). */
export class Conv2d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions = {}) {
    checkConv('Conv2d', inChannels, outChannels, kernelSize, options);
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

/** 2-D transposed convolution, as torch.nn.ConvTranspose2d (weights [in, out/groups, kh, kw]). */
export class ConvTranspose2d extends ConvBase {
  readonly outputPadding: Size2;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions & { outputPadding?: Size2 } = {}) {
    checkConv('ConvTranspose2d', inChannels, outChannels, kernelSize, options);
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
