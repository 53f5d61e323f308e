// Creating tensors: from JavaScript data, filled, ranges, identity, and random.
import { native } from './native.js';
import { aten, translateNativeError } from './ops.js';
import { defaultFloatDType, dtypeOfTypedArray, scalarTypeOf, type DType } from './dtype.js';
import { ArgumentError } from './errors.js';
import { Tensor, checkDevice, wrap, type NestedArray, type Scalar, type Shape } from './tensor.js';

/** The dtype, device and requiresGrad of a new tensor. */
export interface CreateOptions {
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}

const op = {
  zeros: aten('zeros'), ones: aten('ones'), full: aten('full'), empty: aten('empty.memory_format'),
  eye: aten('eye'), eyeM: aten('eye.m'), arange: aten('arange.start_step'), linspace: aten('linspace'),
  rand: aten('rand'), randn: aten('randn'), randint: aten('randint.low'), randperm: aten('randperm'),
  zerosLike: aten('zeros_like'), onesLike: aten('ones_like'), fullLike: aten('full_like'),
  emptyLike: aten('empty_like'), randLike: aten('rand_like'), randnLike: aten('randn_like'), standardGamma: aten('_standard_gamma'),
  scalarTensor: aten('scalar_tensor'), to: aten('to.dtype_layout'),
};

function finish(tensor: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad) tensor.requiresGrad = true;
  return tensor;
}

function checkShape(shape: Shape, what: string): readonly number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(`${what}: shape must be an array of sizes`);
  for (const size of shape) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new ArgumentError(`${what}: shape [${shape.join(', ')}] must hold non-negative integers`);
    }
  }
  return shape;
}

// (dtype, layout, device, pin_memory) as the tail of ATen factory functions.
function factoryTail(options: CreateOptions, fallback?: DType): [number | undefined, undefined, string | undefined] {
  const dtype = options.dtype ?? fallback;
  if (options.device) checkDevice(options.device);
  return [dtype === undefined ? undefined : scalarTypeOf(dtype), undefined, options.device];
}

/**
 * A tensor from a typed array (shape defaults to 1-d), nested arrays or a scalar. JavaScript
 * numbers become float32 unless `dtype` says otherwise; booleans become bool.
 */
export function tensor(data: ArrayBufferView | NestedArray, options: CreateOptions & { shape?: Shape } = {}): Tensor {
  let result: Tensor;
  if (ArrayBuffer.isView(data)) {
    const shape = checkShape(options.shape ?? [(data as unknown as { length: number }).length], 'tensor');
    result = new Tensor(fromBuffer(data, shape, dtypeOfTypedArray(data)));
    if (options.dtype && options.dtype !== result.dtype) result = convert(result, options.dtype);
  } else {
    const shape: number[] = [];
    const flat: (number | boolean)[] = [];
    flattenNested(data, 0, shape, flat);
    const dtype = options.dtype ?? (typeof flat[0] === 'boolean' ? 'bool' : defaultFloatDType);
    result = new Tensor(fromBuffer(toTypedArray(flat, dtype), options.shape ? checkShape(options.shape, 'tensor') : shape, dtype));
  }
  if (options.device && options.device !== 'cpu') result = convert(result, options.device);
  return finish(result, options);
}

/** A 0-d tensor holding one value. */
export function scalar(value: Scalar, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.scalarTensor(value, ...factoryTail(options, typeof value === 'boolean' ? 'bool' : defaultFloatDType))), options);
}

function fromBuffer(data: ArrayBufferView, shape: readonly number[], dtype: DType) {
  try {
    return native.fromBuffer(data, shape, scalarTypeOf(dtype));
  } catch (error) {
    translateNativeError(error, 'tensor');
  }
}

function convert(source: Tensor, target: string): Tensor {
  const converted = source.to(target);
  if (converted !== source) source.dispose();
  return converted;
}

function flattenNested(data: NestedArray, depth: number, shape: number[], flat: (number | boolean)[]): void {
  if (!Array.isArray(data)) {
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new ArgumentError(`tensor data must be numbers, booleans or arrays of them, got ${typeof data}`);
    }
    if (depth < shape.length) throw new ArgumentError('tensor data is ragged: every row must have the same length');
    flat.push(data);
    return;
  }
  if (depth === shape.length) {
    // Once a number has been seen the shape is complete: a deeper array here is ragged ([1, [2]]).
    if (flat.length > 0) throw new ArgumentError(`tensor data is ragged: an array at depth ${depth} where numbers were found before`);
    shape.push(data.length);
  } else if (shape[depth] !== data.length) {
    throw new ArgumentError(`tensor data is ragged: expected ${shape[depth]} elements at depth ${depth}, got ${data.length}`);
  }
  for (const item of data) flattenNested(item, depth + 1, shape, flat);
}

function toTypedArray(flat: (number | boolean)[], dtype: DType): ArrayBufferView {
  const numbers = flat.map(Number);
  switch (dtype) {
    case 'float32':
      return Float32Array.from(numbers);
    case 'float64':
      return Float64Array.from(numbers);
    case 'int64':
      return BigInt64Array.from(numbers, (v) => BigInt(Math.trunc(v)));
    case 'int32':
      return Int32Array.from(numbers);
    case 'int16':
      return Int16Array.from(numbers);
    case 'int8':
      return Int8Array.from(numbers);
    case 'uint8':
      return Uint8Array.from(numbers);
    case 'bool':
      return Uint8Array.from(numbers, (v) => (v ? 1 : 0));
  }
}

/** A tensor of zeros of the given shape (float32 by default). */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.zeros(checkShape(shape, 'zeros'), ...factoryTail(options, defaultFloatDType))), options);
}
/** A tensor of ones of the given shape. */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.ones(checkShape(shape, 'ones'), ...factoryTail(options, defaultFloatDType))), options);
}
/** A tensor of the given shape filled with `value`. */
export function full(shape: Shape, value: Scalar, options: CreateOptions = {}): Tensor {
  const fallback = typeof value === 'boolean' ? 'bool' : defaultFloatDType;
  return finish(wrap(op.full(checkShape(shape, 'full'), value, ...factoryTail(options, fallback))), options);
}
/** Uninitialised memory: fast, for tensors that are about to be overwritten. */
export function empty(shape: Shape, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.empty(checkShape(shape, 'empty'), ...factoryTail(options, defaultFloatDType))), options);
}
/** The n × m identity matrix (m = n by default). */
export function eye(n: number, m?: number, options: CreateOptions = {}): Tensor {
  const tail = factoryTail(options, defaultFloatDType);
  return finish(wrap(m === undefined ? op.eye(n, ...tail) : op.eyeM(n, m, ...tail)), options);
}
/** Values from `start` to `end` (exclusive) by `step`; int64 when all three are integers. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new ArgumentError('arange: step must not be zero');
  return finish(wrap(op.arange(start, end, step, ...factoryTail(options))), options);
}
/** `steps` values evenly spaced from start to end, both included. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError('linspace: steps must be a non-negative integer');
  return finish(wrap(op.linspace(start, end, steps, ...factoryTail(options, defaultFloatDType))), options);
}
/** Uniform on [0, 1). */
export function rand(shape: Shape, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.rand(checkShape(shape, 'rand'), ...factoryTail(options, defaultFloatDType))), options);
}
/**
 * Uniform on [0, 1) as rand, float32 on the CPU, drawn on all of libtorch's threads: each pair of
 * draws is SplitMix64's hash of its index and a key drawn from the default generator (native/random.cc),
 * so manualSeed and the saved RNG state determine it as they do rand (other numbers than rand's).
 * For large draws in a training step, where rand's one serial generator is the cost (an RBM's
 * Bernoulli samples).
 */
export function randParallel(shape: Shape): Tensor {
  return wrap(native.randParallel(checkShape(shape, 'randParallel')));
}
/** Standard normal. */
export function randn(shape: Shape, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.randn(checkShape(shape, 'randn'), ...factoryTail(options, defaultFloatDType))), options);
}
/** Integers uniform on [low, high). */
export function randint(low: number, high: number, shape: Shape, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.randint(low, high, checkShape(shape, 'randint'), ...factoryTail(options, 'int64'))), options);
}
/** A random permutation of 0..n-1. */
export function randperm(n: number, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.randperm(n, ...factoryTail(options, 'int64'))), options);
}

/** Zeros of the shape (and by default dtype) of `like`. */
export function zerosLike(like: Tensor, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.zerosLike(like.handle, ...factoryTail(options))), options);
}
/** Ones of the shape (and by default dtype) of `like`. */
export function onesLike(like: Tensor, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.onesLike(like.handle, ...factoryTail(options))), options);
}
/** `value` in the shape (and by default dtype) of `like`. */
export function fullLike(like: Tensor, value: Scalar, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.fullLike(like.handle, value, ...factoryTail(options))), options);
}
/** An uninitialised tensor of the shape of `like`. */
export function emptyLike(like: Tensor, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.emptyLike(like.handle, ...factoryTail(options))), options);
}
/** Draws from U(0, 1) in the shape of `like`. */
export function randLike(like: Tensor, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.randLike(like.handle, ...factoryTail(options))), options);
}
/** Draws from N(0, 1) in the shape of `like`. */
export function randnLike(like: Tensor, options: CreateOptions = {}): Tensor {
  return finish(wrap(op.randnLike(like.handle, ...factoryTail(options))), options);
}
/** Gamma(α, 1) draws, one per element of `concentration` (α > 0), as torch._standard_gamma. */
export function standardGamma(concentration: Tensor): Tensor {
  return wrap(op.standardGamma(concentration.handle, null));
}
