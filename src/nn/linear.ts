// Fully connected layers: Linear (y = x Wᵀ + b) and TiedLinear, which reuses another Linear's
// weight transposed (the decoder of a tied autoencoder).
import { checkBoolean, checkInteger, checkOptions, describeValue } from '../tensor/arguments.js';
import { empty } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { linear } from './functional.js';
import { kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    checkInteger(inFeatures, 'Linear inFeatures', { min: 1 });
    // As in PyTorch, no outputs is allowed (an empty layer); no inputs is not (its init divides by fan-in).
    checkInteger(outFeatures, 'Linear outFeatures', { min: 0 });
    checkBiasOption(options, 'Linear');
    // PyTorch's default: kaiming_uniform(a=√5) gives U(±1/√fan_in) for weight and bias alike.
    this.weight = this.registerParameter('weight', empty([outFeatures, inFeatures]));
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    this.bias = options.bias === false ? null : this.registerParameter('bias', empty([outFeatures]));
    if (this.bias) uniform_(this.bias, -1 / Math.sqrt(inFeatures), 1 / Math.sqrt(inFeatures));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias); // [N, in] → [N, out]
  }

  protected override describe(): string {
    return `in=${this.inFeatures}, out=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** y = x Wᵀ' + b with W' = source.weightᵀ: shares storage with `source`, so both train together. */
export class TiedLinear extends Module {
  readonly bias: Tensor | null;

  constructor(
    readonly source: Linear,
    options: { bias?: boolean } = {},
  ) {
    super();
    if (!(source instanceof Linear)) throw new ArgumentError(`TiedLinear source must be the Linear layer whose weight it shares, got ${describeValue(source)}`);
    checkBiasOption(options, 'TiedLinear');
    this.bias = options.bias === false ? null : this.registerParameter('bias', empty([source.inFeatures]));
    if (this.bias) uniform_(this.bias, -1 / Math.sqrt(source.outFeatures), 1 / Math.sqrt(source.outFeatures));
  }

  /** The transposed view of the source weight, [in of source, out of source]ᵀ. */
  get weight(): Tensor {
    return this.source.weight.t();
  }

  forward(x: Tensor): Tensor {
    const weight = this.weight;
    const y = linear(x, weight, this.bias); // [N, out of source] → [N, in of source]
    weight.dispose();
    return y;
  }

  protected override describe(): string {
    return `in=${this.source.outFeatures}, out=${this.source.inFeatures}, tied to weight of Linear(${this.source.inFeatures}→${this.source.outFeatures})`;
  }
}

function checkBiasOption(options: unknown, layer: string): void {
  checkOptions(options, `${layer} options`, ['bias']);
  if (options.bias !== undefined) checkBoolean(options.bias, `${layer} bias`);
}
