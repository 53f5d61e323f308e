// Weight initialisers, as torch.nn.init. Each fills a tensor in place without recording
// gradients and draws from libtorch's generator in the same order as PyTorch, so the same
// seed gives the same initial weights in both.
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import { empty, tensor } from '../tensor/creation.js';
import { qr } from '../tensor/linalg.js';
import type { Tensor } from '../tensor/tensor.js';

/** The nonlinearities calculateGain() knows, as torch.nn.init names them. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu' | 'conv' | 'identity';

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
    case 'conv':
    case 'identity':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + negativeSlope ** 2));
    case 'selu':
      return 3 / 4;
  }
}

/** fan_in and fan_out of a weight [out, in, ...kernel] (for transposed convs: [in, out, ...]). */
export function fans(tensor: Tensor): { fanIn: number; fanOut: number } {
  const shape = tensor.shape;
  if (shape.length < 2) throw new ArgumentError(`fan in/out need a tensor with at least 2 dimensions, got shape [${shape.join(', ')}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Fills with draws from U(low, high), in place. */
export function uniform_(tensor: Tensor, low = 0, high = 1): Tensor {
  return noGrad(() => tensor.uniform_(low, high));
}

/** Fills with draws from N(mean, std²), in place. */
export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => tensor.normal_(mean, std));
}

/** Fills with `value`, in place. */
export function constant_(tensor: Tensor, value: number): Tensor {
  return noGrad(() => tensor.fill_(value));
}

/** Fills with zeros, in place. */
export function zeros_(tensor: Tensor): Tensor {
  return constant_(tensor, 0);
}

/** Fills with ones, in place. */
export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/** Glorot/Xavier uniform: U(−a, a), a = gain·√(6 / (fan_in + fan_out)). */
export function xavierUniform_(tensor: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(tensor);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(tensor, -bound, bound);
}

/** Glorot/Xavier normal: N(0, gain²·2 / (fan_in + fan_out)). */
export function xavierNormal_(tensor: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(tensor);
  return normal_(tensor, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Fan mode, nonlinearity and negative slope of the Kaiming initialisers. */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(tensor: Tensor, options: KaimingOptions): number {
  const { fanIn, fanOut } = fans(tensor);
  const fan = options.mode === 'fanOut' ? fanOut : fanIn;
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/** He/Kaiming uniform: U(−b, b), b = gain·√(3 / fan). */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(tensor, options);
  return uniform_(tensor, -bound, bound);
}

/** He/Kaiming normal: N(0, gain² / fan). */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  return normal_(tensor, 0, kaimingStd(tensor, options));
}

/** LeCun uniform (for SELU networks): U(−b, b), b = √(3 / fan_in). */
export function lecunUniform_(tensor: Tensor): Tensor {
  const bound = Math.sqrt(3 / fans(tensor).fanIn);
  return uniform_(tensor, -bound, bound);
}

/** LeCun normal: N(0, 1 / fan_in). */
export function lecunNormal_(tensor: Tensor): Tensor {
  return normal_(tensor, 0, Math.sqrt(1 / fans(tensor).fanIn));
}

/** A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one (Saxe et al. 2013). */
export function orthogonal_(tensor: Tensor, gain = 1): Tensor {
  const rows = tensor.shape[0] ?? 0;
  const cols = rows === 0 ? 0 : tensor.numel / rows;
  return noGrad(() =>
    tidy(() => {
      let flat = empty([rows, cols], { dtype: tensor.dtype }).normal_(0, 1);
      if (rows < cols) flat = flat.t();
      let { Q, R } = qr(flat);
      Q = Q.mul(R.diagonal().sign());
      if (rows < cols) Q = Q.t();
      tensor.copy_(Q.reshape(tensor.shape).mul(gain));
      return tensor;
    }),
  );
}

/** Output bias for an imbalanced classifier: log class priors, so the first predictions match the class frequencies. */
export function biasFromClassPriors_(bias: Tensor, classCounts: readonly number[]): Tensor {
  const total = classCounts.reduce((a, b) => a + b, 0);
  if (classCounts.length !== bias.numel || total <= 0 || classCounts.some((c) => c <= 0)) {
    throw new ArgumentError(`expected ${bias.numel} positive class counts, got [${classCounts.join(', ')}]`);
  }
  const priors = tensor(classCounts.map((c) => Math.log(c / total)), { dtype: 'float64' });
  noGrad(() => bias.copy_(priors));
  priors.dispose();
  return bias;
}
