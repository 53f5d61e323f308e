// Functional neural-network operations, as torch.nn.functional: layers, activations, losses.
// Images are [N, C, H, W]; sizes given as one number apply to every spatial dimension.
import { aten, translateNativeError } from '../tensor/ops.js';
import { native } from '../tensor/native.js';
import { ArgumentError, BatchStatisticsError } from '../tensor/errors.js';
import { checkNumber } from '../tensor/arguments.js';
import { Tensor, wrap, wrapAll } from '../tensor/tensor.js';

/** How a loss reduces over the batch: mean, sum, or none (one value per element). */
export type Reduction = 'mean' | 'sum' | 'none';
type Size2 = number | readonly [number, number];

const op = {
  conv1d: aten('conv1d'), conv2d: aten('conv2d'),
  maxPool1d: aten('max_pool1d'), maxPool2d: aten('max_pool2d'), avgPool1d: aten('avg_pool1d'), avgPool2d: aten('avg_pool2d'),
  adaptiveAvgPool2d: aten('adaptive_avg_pool2d'), adaptiveMaxPool2d: aten('adaptive_max_pool2d'),
  nearest1d: aten('upsample_nearest1d.vec'), linear1d: aten('upsample_linear1d.vec'),
  nearest2d: aten('upsample_nearest2d.vec'), bilinear2d: aten('upsample_bilinear2d.vec'),
  bicubic2d: aten('upsample_bicubic2d.vec'), batchNorm: aten('batch_norm'), layerNorm: aten('layer_norm'),
  dropout: aten('dropout'), embedding: aten('embedding'), embeddingBag: aten('embedding_bag.padding_idx'),
  constantPad: aten('constant_pad_nd'), relu: aten('relu'), leakyRelu: aten('leaky_relu'),
  prelu: aten('prelu'), elu: aten('elu'), selu: aten('selu'), gelu: aten('gelu'), sigmoid: aten('sigmoid'),
  tanh: aten('tanh'), softplus: aten('softplus'), softmax: aten('softmax.int'), logSoftmax: aten('log_softmax.int'),
  l1Loss: aten('l1_loss'), smoothL1Loss: aten('smooth_l1_loss'), huberLoss: aten('huber_loss'),
  bce: aten('binary_cross_entropy'),
  crossEntropy: aten('cross_entropy_loss'), nllLoss: aten('nll_loss_nd'), klDiv: aten('kl_div'),
  div: aten('div.Scalar'),
};

// at::Reduction enumerators.
function reductionCode(reduction: Reduction): number {
  switch (reduction) {
    case 'none':
      return 0;
    case 'mean':
      return 1;
    case 'sum':
      return 2;
    default:
      throw new ArgumentError(`reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

// ---- layers ------------------------------------------------------------------------------
/** x Wᵀ + b, with W of shape [out, in]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  try {
    return new Tensor(native.linear(x.handle, weight.handle, bias?.handle ?? null));
  } catch (error) {
    translateNativeError(error, 'linear');
  }
}

/** Stride, padding, dilation and groups of a convolution. */
export interface ConvOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  groups?: number;
}

/** 1-D convolution of [N, C, L] inputs, as torch.nn.functional.conv1d. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  return wrap(op.conv1d(x.handle, weight.handle, bias?.handle ?? null, [first(stride)], [first(padding)], [first(dilation)], groups));
}

/** 2-D convolution of [N, C, H, W] inputs, as torch.nn.functional.conv2d. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  return wrap(op.conv2d(x.handle, weight.handle, bias?.handle ?? null, stride, padding, dilation, groups));
}

/** Transposed convolution; weight is [in, out/groups, kH, kW]. Output (n−1)s − 2p + d(k−1) + op + 1. */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions & { outputPadding?: Size2 } = {},
): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1, outputPadding = 0 } = options;
  try {
    const [s, p, outPad, d] = [pair(stride, 'stride'), pair(padding, 'padding'), pair(outputPadding, 'outputPadding'), pair(dilation, 'dilation')];
    return new Tensor(native.convTranspose2d(x.handle, weight.handle, bias?.handle ?? null, s, p, outPad, groups, d));
  } catch (error) {
    translateNativeError(error, 'conv_transpose2d');
  }
}

/** Stride, padding and ceil mode of a pooling. */
export interface PoolOptions {
  stride?: Size2;
  padding?: Size2;
  ceilMode?: boolean;
}

/** 2-D max pooling, as torch.nn.functional.max_pool2d. */
export function maxPool2d(x: Tensor, kernelSize: Size2, options: PoolOptions & { dilation?: Size2 } = {}): Tensor {
  return wrap(op.maxPool2d(x.handle, kernelSize, options.stride ?? kernelSize, options.padding ?? 0, options.dilation ?? 1, options.ceilMode ?? false));
}

/** 1-D max pooling, as torch.nn.functional.max_pool1d. */
export function maxPool1d(x: Tensor, kernelSize: number, options: PoolOptions = {}): Tensor {
  return wrap(op.maxPool1d(x.handle, [kernelSize], [first(options.stride ?? kernelSize)], [first(options.padding ?? 0)], [1], options.ceilMode ?? false));
}

/** 2-D average pooling, as torch.nn.functional.avg_pool2d. */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: PoolOptions & { countIncludePad?: boolean } = {}): Tensor {
  return wrap(op.avgPool2d(x.handle, kernelSize, options.stride ?? kernelSize, options.padding ?? 0, options.ceilMode ?? false, options.countIncludePad ?? true));
}

/** 1-D average pooling, as torch.nn.functional.avg_pool1d. */
export function avgPool1d(x: Tensor, kernelSize: number, options: PoolOptions = {}): Tensor {
  return wrap(op.avgPool1d(x.handle, [kernelSize], [first(options.stride ?? kernelSize)], [first(options.padding ?? 0)], options.ceilMode ?? false));
}

/** Average pooling to a given output size, as torch.nn.functional.adaptive_avg_pool2d. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Size2): Tensor {
  return wrap(op.adaptiveAvgPool2d(x.handle, outputSize));
}

/** Max pooling to a given output size, as torch.nn.functional.adaptive_max_pool2d. */
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2): Tensor {
  const [values, indices] = op.adaptiveMaxPool2d(x.handle, outputSize) as never[];
  wrap(indices).dispose();
  return wrap(values);
}

/** The resampling methods of interpolate(). */
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear' | 'bicubic';

/** Resizes [N, C, L] (nearest, linear) or [N, C, H, W] (nearest, bilinear, bicubic) inputs. */
export function interpolate(
  x: Tensor,
  options: { size?: number | readonly number[]; scaleFactor?: number | readonly number[]; mode?: InterpolateMode; alignCorners?: boolean },
): Tensor {
  const mode = options.mode ?? 'nearest';
  const spatial = x.ndim - 2;
  if (spatial !== 1 && spatial !== 2) throw new ArgumentError(`interpolate expects a 3-d or 4-d input, got shape [${x.shape.join(', ')}]`);
  if ((options.size === undefined) === (options.scaleFactor === undefined)) {
    throw new ArgumentError('interpolate takes exactly one of size and scaleFactor');
  }
  const expand = (v: number | readonly number[]) => (typeof v === 'number' ? Array<number>(spatial).fill(v) : [...v]);
  const size = options.size === undefined ? null : expand(options.size);
  const scale = options.scaleFactor === undefined ? null : expand(options.scaleFactor);
  const alignCorners = options.alignCorners ?? false;
  if (spatial === 1) {
    if (mode === 'nearest') return wrap(op.nearest1d(x.handle, size, scale));
    if (mode === 'linear') return wrap(op.linear1d(x.handle, size, alignCorners, scale));
  } else {
    if (mode === 'nearest') return wrap(op.nearest2d(x.handle, size, scale));
    if (mode === 'bilinear') return wrap(op.bilinear2d(x.handle, size, alignCorners, scale));
    if (mode === 'bicubic') return wrap(op.bicubic2d(x.handle, size, alignCorners, scale));
  }
  throw new ArgumentError(`interpolate mode '${mode}' does not apply to a ${x.ndim}-d input`);
}

/** Training mode, momentum, eps and affine parameters of batchNorm(). */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch normalisation; in training mode the running statistics are updated in place. */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = options;
  // libtorch returns zeros and writes NaN into the running variance (the unbiased variance of
  // one value is 0/0); PyTorch checks this in Python, before the kernel, as here.
  if (training && x.ndim >= 2 && valuesPerChannel(x.shape) === 1) {
    throw new BatchStatisticsError(
      `batch norm in training mode needs more than 1 value per channel, got input of shape [${x.shape.join(', ')}]: ` +
        'train on batches of at least 2 samples, or call eval() to normalise with the running statistics',
    );
  }
  return wrap(op.batchNorm(x.handle, weight?.handle ?? null, bias?.handle ?? null, runningMean?.handle ?? null, runningVar?.handle ?? null, training, momentum, eps, true));
}

// N·(spatial sizes): the values each channel's batch statistics are computed from.
function valuesPerChannel(shape: readonly number[]): number {
  return shape.reduce((product, size, dim) => (dim === 1 ? product : product * size), 1);
}

/** Layer normalisation over the last dimensions, as torch.nn.functional.layer_norm. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  return wrap(op.layerNorm(x.handle, normalizedShape, weight?.handle ?? null, bias?.handle ?? null, eps, true));
}

/** Zeroes elements with probability p and scales the rest by 1/(1−p), in training only. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkNumber(p, 'dropout probability p', { min: 0, max: 1 });
  return wrap(op.dropout(x.handle, p, training));
}

/** Rows of `weight` at `indices`, as torch.nn.functional.embedding. */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx = -1): Tensor {
  return wrap(op.embedding(weight.handle, indices.handle, paddingIdx));
}

/** Reduction mode, per-sample weights and padding of embeddingBag(). */
export interface EmbeddingBagOptions {
  /** How each bag's rows combine; 'sum' by default. */
  mode?: 'sum' | 'mean' | 'max';
  /** One weight per index, multiplying its row (mode 'sum' only). */
  perSampleWeights?: Tensor;
}

/**
 * Sums (or averages, or maxes) bags of rows of `weight` without materialising them, as
 * torch.nn.functional.embedding_bag: bag b holds the rows indices[offsets[b]] up to the next
 * offset. Result [bags, columns].
 */
export function embeddingBag(indices: Tensor, weight: Tensor, offsets: Tensor, options: EmbeddingBagOptions = {}): Tensor {
  const { mode = 'sum', perSampleWeights } = options;
  const modeCode = { sum: 0, mean: 1, max: 2 }[mode];
  if (modeCode === undefined) throw new ArgumentError(`embeddingBag mode must be 'sum', 'mean' or 'max', got '${String(mode)}'`);
  const [output, ...workspace] = wrapAll(op.embeddingBag(weight.handle, indices.handle, offsets.handle, false, modeCode, false, perSampleWeights?.handle ?? null, false, null));
  for (const tensor of workspace) tensor.dispose(); // offsets and counts for the backward, unused here
  return output!;
}

/**
 * Pads the last dimensions with a constant, as torch.nn.functional.pad in 'constant' mode:
 * padding lists (before, after) pairs from the last dimension backwards, e.g. [left, right, top, bottom].
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim || !padding.every(Number.isInteger)) {
    throw new ArgumentError(`pad needs whole-number (before, after) pairs for at most ${x.ndim} dimensions, got [${padding.join(', ')}]`);
  }
  return wrap(op.constantPad(x.handle, padding, value));
}

// ---- activations -------------------------------------------------------------------------
/** max(x, 0), element-wise. */
export const relu = (x: Tensor): Tensor => wrap(op.relu(x.handle));
/** x where positive, negativeSlope·x elsewhere. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => wrap(op.leakyRelu(x.handle, negativeSlope));
/** Leaky ReLU with a learned slope per channel. */
export const prelu = (x: Tensor, weight: Tensor): Tensor => wrap(op.prelu(x.handle, weight.handle));
/** x where positive, α(eˣ − 1) elsewhere. */
export const elu = (x: Tensor, alpha = 1): Tensor => wrap(op.elu(x.handle, alpha));
/** Scaled ELU with the self-normalising constants of Klambauer et al. (2017). */
export const selu = (x: Tensor): Tensor => wrap(op.selu(x.handle));
/** x·Φ(x), exact or with the tanh approximation. */
export const gelu = (x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor => wrap(op.gelu(x.handle, approximate));
/** The logistic function 1/(1 + e^−x). */
export const sigmoid = (x: Tensor): Tensor => wrap(op.sigmoid(x.handle));
/** The hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => wrap(op.tanh(x.handle));
/** log(1 + e^(βx))/β, linear above the threshold. */
export const softplus = (x: Tensor, beta = 1, threshold = 20): Tensor => wrap(op.softplus(x.handle, beta, threshold));
/** exp(x) normalised to sum 1 along `dim`. */
export const softmax = (x: Tensor, dim: number): Tensor => wrap(op.softmax(x.handle, dim));
/** log softmax(x) along `dim`, computed stably. */
export const logSoftmax = (x: Tensor, dim: number): Tensor => wrap(op.logSoftmax(x.handle, dim));

// ---- losses --------------------------------------------------------------------------------
/** Mean squared error; on a sigmoid's output its backward and the sigmoid's are one pass. */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const code = reductionCode(reduction);
  try {
    return new Tensor(native.mseLoss(input.handle, target.handle, code));
  } catch (error) {
    translateNativeError(error, 'mse_loss');
  }
}

/** What `contrastiveDivergence` gives: the CD objective and the two terms an RBM records. */
export interface ContrastiveDivergenceTerms {
  /** mean F(v_data) − mean F(v_model); its gradient with respect to the parameters is the CD statistics */
  total: Tensor;
  /** squared error per sample of the chain's first visible means (the mean-field E[v | E[h | v]] with a chain) */
  reconstruction: Tensor;
  /** mean free energy of the data */
  freeEnergy: Tensor;
}

/**
 * A Bernoulli–Bernoulli RBM's CD-k objective of a batch v0 [N, visible] in one native call (the
 * terms of RestrictedBoltzmannMachine.loss, which documents them). Without `chain` the Gibbs chain
 * starts at a hidden sample given v0; with a persistent chain [chains, hidden] it starts there and
 * the chain receives its last hidden sample. `uniforms` are the draws in the order the step makes
 * them (the start's hidden sample without a chain, then each step's visible and hidden samples,
 * less the last hidden one without a chain): 2·steps tensors.
 */
export function contrastiveDivergence(
  v0: Tensor,
  params: { weight: Tensor; visibleBias: Tensor; hiddenBias: Tensor },
  chain: Tensor | null,
  uniforms: readonly Tensor[],
  steps: number,
): ContrastiveDivergenceTerms {
  try {
    const [total, reconstruction, freeEnergy] = native.contrastiveDivergence(
      v0.handle, params.weight.handle, params.visibleBias.handle, params.hiddenBias.handle, chain?.handle ?? null, uniforms.map((u) => u.handle), steps,
    );
    return { total: new Tensor(total), reconstruction: new Tensor(reconstruction), freeEnergy: new Tensor(freeEnergy) };
  } catch (error) {
    translateNativeError(error, 'contrastiveDivergence');
  }
}

/** Mean (or sum) absolute difference, as torch.nn.functional.l1_loss. */
export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return wrap(op.l1Loss(input.handle, target.handle, reductionCode(reduction)));
}

/** Quadratic below beta, linear above (divided by beta, as torch's smooth_l1_loss). */
export function smoothL1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean', beta = 1): Tensor {
  return wrap(op.smoothL1Loss(input.handle, target.handle, reductionCode(reduction), beta));
}

/** Quadratic below delta, linear above (not divided by delta, as torch's huber_loss). */
export function huberLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean', delta = 1): Tensor {
  return wrap(op.huberLoss(input.handle, target.handle, reductionCode(reduction), delta));
}

/** Binary cross-entropy of probabilities in [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { weight?: Tensor; reduction?: Reduction } = {}): Tensor {
  return wrap(op.bce(input.handle, target.handle, options.weight?.handle ?? null, reductionCode(options.reduction ?? 'mean')));
}

/** Binary cross-entropy of logits (numerically stable sigmoid + BCE). */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  options: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {},
): Tensor {
  const code = reductionCode(options.reduction ?? 'mean');
  try {
    return new Tensor(native.bceWithLogits(logits.handle, target.handle, options.weight?.handle ?? null, options.posWeight?.handle ?? null, code));
  } catch (error) {
    translateNativeError(error, 'binary_cross_entropy_with_logits');
  }
}

/** Reduction, class weights, ignored index and label smoothing of crossEntropy(). */
export interface CrossEntropyOptions {
  /** Per-class weights, shape [C]. */
  weight?: Tensor;
  reduction?: Reduction;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/** Cross-entropy of logits [N, C] against class indices [N] (or class probabilities [N, C]). */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new ArgumentError(`labelSmoothing must be in [0, 1], got ${smoothing}`);
  return wrap(op.crossEntropy(logits.handle, target.handle, options.weight?.handle ?? null, reductionCode(options.reduction ?? 'mean'), options.ignoreIndex ?? -100, smoothing));
}

/** Negative log-likelihood of log-probabilities [N, C] against class indices [N]. */
export function nllLoss(logProbabilities: Tensor, target: Tensor, options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {}): Tensor {
  return wrap(op.nllLoss(logProbabilities.handle, target.handle, options.weight?.handle ?? null, reductionCode(options.reduction ?? 'mean'), options.ignoreIndex ?? -100));
}

/** KL(target ‖ input) with input as log-probabilities; 'batchmean' divides the sum by the batch size. */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'batchmean') {
    const total = wrap(op.klDiv(input.handle, target.handle, reductionCode('sum'), options.logTarget ?? false));
    const result = wrap(op.div(total.handle, input.shape[0] ?? 1));
    total.dispose();
    return result;
  }
  return wrap(op.klDiv(input.handle, target.handle, reductionCode(reduction), options.logTarget ?? false));
}

function first(size: Size2): number {
  return typeof size === 'number' ? size : size[0];
}

/** A 2-D size as [height, width] (one number stands for both). */
function pair(size: Size2, name: string): number[] {
  if (typeof size === 'number') return [size, size];
  if (Array.isArray(size) && size.length === 2) return [...(size as readonly number[])];
  throw new ArgumentError(`${name} must be a number or two numbers, got ${JSON.stringify(size)}`);
}
