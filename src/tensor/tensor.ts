// The Tensor class: a typed TypeScript face over one libtorch tensor. Method names follow
// PyTorch in camelCase (`x.logSoftmax`, `x.maskedFill`); in-place variants end in `_`.
// Every method is a thin call of one ATen operator through the native dispatcher.
import { inspect } from 'node:util';
import { native, type Handle, type OpResult } from './native.js';
import { aten, translateNativeError } from './ops.js';
import { track } from './scope.js';
import { dtypeOf, scalarTypeOf, typedArrayFor, type DType, type TypedArray } from './dtype.js';
import { ArgumentError, DeviceError, DisposedTensorError } from './errors.js';
import { argumentError, describeValue } from './arguments.js';

/** A number or boolean used where a tensor is allowed. */
export type Scalar = number | boolean;
/** The sizes of a tensor's dimensions. */
export type Shape = readonly number[];
/** Elements as nested arrays, as toArray() returns them. */
export type NestedArray = number | boolean | NestedArray[];
export type Device = 'cpu' | 'cuda' | `cuda:${number}` | (string & {});
/** One entry of `index()`: a number selects, null inserts an axis, '...' fills, a slice string
 *  ('1:5', '::2', ':') or {start, end, step} slices, a tensor indexes by mask or positions. */
export type IndexSpec = number | null | string | { start?: number; end?: number; step?: number } | Tensor;

// The result of a non-mutating op is always a handle of its own (ops.ts, ownResult); in-place
// methods return `this`, so a result never needs mapping back to the Tensor that owns it.
export function wrap(result: OpResult): Tensor {
  return new Tensor(result as Handle);
}

export function wrapAll(result: OpResult): Tensor[] {
  return (result as Handle[]).map(wrap);
}

export function handles(tensors: readonly Tensor[]): Handle[] {
  return tensors.map((t) => t.handle);
}

const op = {
  abs: aten('abs'), abs_: aten('abs_'), acos: aten('acos'), add: aten('add.Tensor'), addS: aten('add.Scalar'),
  add_: aten('add_.Tensor'), addS_: aten('add_.Scalar'), addcdiv_: aten('addcdiv_'), addcmul_: aten('addcmul_'),
  addmm: aten('addmm'), all: aten('all'), allDim: aten('all.dim'), allclose: aten('allclose'), any: aten('any'),
  anyDim: aten('any.dim'), argmax: aten('argmax'), argmin: aten('argmin'), asin: aten('asin'), atan: aten('atan'),
  atan2: aten('atan2'), bernoulli_: aten('bernoulli_.float'), bmm: aten('bmm'), ceil: aten('ceil'),
  chunk: aten('chunk'), clamp: aten('clamp'), clampT: aten('clamp.Tensor'), clamp_: aten('clamp_'),
  clone: aten('clone'), contiguous: aten('contiguous'), copy_: aten('copy_'), cos: aten('cos'), cosh: aten('cosh'),
  cumprod: aten('cumprod'), cumsum: aten('cumsum'), detach: aten('detach'), detach_: aten('detach_'),
  diag: aten('diag'), diagonal: aten('diagonal'), div: aten('div.Tensor'), divMode: aten('div.Tensor_mode'), divSMode: aten('div.Scalar_mode'),
  divS: aten('div.Scalar'), div_: aten('div_.Tensor'), divS_: aten('div_.Scalar'), dot: aten('dot'),
  eq: aten('eq.Tensor'), eqS: aten('eq.Scalar'), equal: aten('equal'), erf: aten('erf'), exp: aten('exp'),
  exp_: aten('exp_'), expand: aten('expand'), expm1: aten('expm1'), fill_: aten('fill_.Scalar'),
  flatten: aten('flatten.using_ints'), flip: aten('flip'), floor: aten('floor'), fmod: aten('fmod.Tensor'),
  fmodS: aten('fmod.Scalar'), frac: aten('frac'), gather: aten('gather'), ge: aten('ge.Tensor'),
  geS: aten('ge.Scalar'), gt: aten('gt.Tensor'), gtS: aten('gt.Scalar'), index: aten('index.Tensor'),
  indexAdd: aten('index_add'), indexPut_: aten('index_put_'), indexSelect: aten('index_select'), isfinite: aten('isfinite'),
  isinf: aten('isinf'), isnan: aten('isnan'), item: aten('item'), le: aten('le.Tensor'), leS: aten('le.Scalar'),
  lerp_: aten('lerp_.Scalar'), lerp: aten('lerp.Scalar'), log: aten('log'), log10: aten('log10'),
  log1p: aten('log1p'), log2: aten('log2'), log_: aten('log_'), logicalAnd: aten('logical_and'),
  logicalNot: aten('logical_not'), logicalOr: aten('logical_or'), logsumexp: aten('logsumexp'),
  lt: aten('lt.Tensor'), ltS: aten('lt.Scalar'), maskedFill: aten('masked_fill.Scalar'),
  maskedFillT: aten('masked_fill.Tensor'), maskedFill_: aten('masked_fill_.Scalar'), matmul: aten('matmul'),
  max: aten('max'), maxDim: aten('max.dim'), maximum: aten('maximum'), mean: aten('mean'),
  meanDim: aten('mean.dim'), min: aten('min'), minDim: aten('min.dim'), minimum: aten('minimum'), mm: aten('mm'),
  mul: aten('mul.Tensor'), mulS: aten('mul.Scalar'), mul_: aten('mul_.Tensor'), mulS_: aten('mul_.Scalar'),
  mv: aten('mv'), narrow: aten('narrow'), ne: aten('ne.Tensor'), neS: aten('ne.Scalar'), neg: aten('neg'),
  neg_: aten('neg_'), normal_: aten('normal_'), outer: aten('outer'), permute: aten('permute'),
  pow: aten('pow.Tensor_Tensor'), powS: aten('pow.Tensor_Scalar'), pow_: aten('pow_.Scalar'),
  prod: aten('prod'), prodDim: aten('prod.dim_int'), reciprocal: aten('reciprocal'), relu: aten('relu'),
  relu_: aten('relu_'), remainder: aten('remainder.Tensor'), remainderS: aten('remainder.Scalar'),
  repeat: aten('repeat'), reshape: aten('reshape'), roll: aten('roll'), round: aten('round'),
  rsqrt: aten('rsqrt'), scatter: aten('scatter.src'), scatterS: aten('scatter.value'),
  scatterAdd: aten('scatter_add'), scatter_: aten('scatter_.src'), select: aten('select.int'),
  sigmoid: aten('sigmoid'), sigmoid_: aten('sigmoid_'), sign: aten('sign'), sin: aten('sin'), sinh: aten('sinh'),
  slice: aten('slice.Tensor'), sort: aten('sort'), split: aten('split.Tensor'),
  splitSizes: aten('split_with_sizes'), sqrt: aten('sqrt'), sqrt_: aten('sqrt_'), square: aten('square'),
  squeeze: aten('squeeze'), squeezeDim: aten('squeeze.dim'), std: aten('std.correction'), sub: aten('sub.Tensor'),
  subS: aten('sub.Scalar'), sub_: aten('sub_.Tensor'), subS_: aten('sub_.Scalar'), sum: aten('sum'),
  sumDim: aten('sum.dim_IntList'), t: aten('t'), tan: aten('tan'), tanh: aten('tanh'), tanh_: aten('tanh_'),
  to: aten('to.dtype_layout'), topk: aten('topk'), trace: aten('trace'), transpose: aten('transpose.int'),
  tril: aten('tril'), triu: aten('triu'), trunc: aten('trunc'), unflatten: aten('unflatten.int'),
  uniform_: aten('uniform_'), unsqueeze: aten('unsqueeze'), var: aten('var.correction'), view: aten('view'),
  where: aten('where.self'), zero_: aten('zero_'), floorDivide: aten('floor_divide'),
  nonzero: aten('nonzero'), repeatInterleave: aten('repeat_interleave.self_Tensor'), indexAdd_: aten('index_add_'),
  repeatInterleaveS: aten('repeat_interleave.self_int'), segmentReduce: aten('segment_reduce'), searchsorted: aten('searchsorted.Tensor'),
  floorDivideS: aten('floor_divide.Scalar'), vectorNorm: aten('linalg_vector_norm'),
  matrixNorm: aten('linalg_matrix_norm'), matrixNormStr: aten('linalg_matrix_norm.str_ord'),
  setData: aten('set_data'),
};

/** The dimensions a reduction runs over, and whether they stay as size 1. */
export interface ReduceOptions {
  dim?: number | readonly number[];
  keepdim?: boolean;
}

/** Options of var() and std(). */
export interface VarianceOptions extends ReduceOptions {
  /** Bessel's correction: 1 (default) for the unbiased estimate, 0 for the population variance. */
  correction?: number;
}

function dims(dim: number | readonly number[] | undefined): number[] | undefined {
  return dim === undefined ? undefined : typeof dim === 'number' ? [dim] : [...dim];
}

function parseSlice(spec: string): { start?: number; end?: number; step?: number } {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) throw new ArgumentError(`bad slice '${spec}': expected 'start:end' or 'start:end:step'`);
  const number = (text: string | undefined) => {
    if (text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value)) throw new ArgumentError(`bad slice '${spec}': '${text}' is not an integer`);
    return value;
  };
  return { start: number(parts[0]), end: number(parts[1]), step: number(parts[2]) };
}

/** An n-dimensional array in libtorch's memory, with autograd; free it with dispose(), tidy() or `using`. */
export class Tensor {
  readonly #handle: Handle;
  #disposed = false;

  /** Wraps a native handle; use `tensor()`, `zeros()` etc. to create tensors. */
  constructor(handle: Handle) {
    this.#handle = handle;
    track(this);
  }

  get handle(): Handle {
    return this.#handle;
  }

  // ---- metadata -------------------------------------------------------------------------
  get shape(): number[] {
    try {
      return native.shape(this.#handle);
    } catch (error) {
      translateNativeError(error, 'shape');
    }
  }
  get dtype(): DType {
    try {
      return dtypeOf(native.scalarType(this.#handle));
    } catch (error) {
      translateNativeError(error, 'dtype');
    }
  }
  get device(): string {
    try {
      return native.device(this.#handle);
    } catch (error) {
      translateNativeError(error, 'device');
    }
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** The size of one dimension, or the whole shape, as torch.Tensor.size. */
  size(dim?: number): number {
    const shape = this.shape;
    if (dim === undefined) return this.numel;
    const d = dim < 0 ? dim + shape.length : dim;
    if (d < 0 || d >= shape.length) throw new ArgumentError(`dimension ${dim} out of range for a ${shape.length}-d tensor`);
    return shape[d]!;
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }

  // ---- lifetime -------------------------------------------------------------------------
  /** Frees the native tensor now. Safe to call twice; any later use throws DisposedTensorError. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    native.dispose(this.#handle);
  }
  /** Frees the native memory at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- data out -------------------------------------------------------------------------
  /** A copy of the elements, row-major, in the typed array of the dtype (bool → Uint8Array). */
  toTypedArray(): TypedArray {
    const dtype = this.dtype;
    try {
      return typedArrayFor(dtype, native.toBuffer(this.#handle));
    } catch (error) {
      translateNativeError(error, 'toTypedArray');
    }
  }
  /** The elements as nested arrays of numbers (booleans for bool tensors). */
  toArray(): NestedArray {
    const dtype = this.dtype;
    const flat = Array.from(this.toTypedArray() as ArrayLike<number | bigint>, (v) =>
      dtype === 'bool' ? v !== 0 : Number(v),
    );
    const shape = this.shape;
    if (shape.length === 0) return flat[0]!;
    const build = (dim: number, offset: number): NestedArray[] => {
      const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: shape[dim]! }, (_, i) =>
        dim === shape.length - 1 ? flat[offset + i]! : build(dim + 1, offset + i * stride),
      );
    };
    return build(0, 0);
  }
  /** The value of a one-element tensor. */
  item(): number {
    return Number(op.item(this.#handle));
  }

  // ---- conversion and devices ----------------------------------------------------------
  /** A copy converted to another dtype or moved to another device. */
  to(target: DType | Device): Tensor {
    if (isDType(target)) return wrap(op.to(this.#handle, scalarTypeOf(target)));
    checkDevice(target);
    return wrap(op.to(this.#handle, undefined, undefined, target));
  }
  /** A float32 copy (a new handle when it is float32 already). */
  float(): Tensor {
    return this.to('float32');
  }
  /** A float64 copy. */
  double(): Tensor {
    return this.to('float64');
  }
  /** An int64 copy. */
  long(): Tensor {
    return this.to('int64');
  }
  /** An int32 copy. */
  int(): Tensor {
    return this.to('int32');
  }
  /** A bool copy (non-zero is true). */
  bool(): Tensor {
    return this.to('bool');
  }
  /** This tensor on the CPU (a new handle to the same data when it is there already). */
  cpu(): Tensor {
    return this.to('cpu');
  }
  /** A copy on the given CUDA device (CUDA builds only). */
  cuda(index = 0): Tensor {
    return this.to(`cuda:${index}`);
  }
  /** A copy with its own storage, recorded by autograd. */
  clone(): Tensor {
    return wrap(op.clone(this.#handle));
  }
  /** The same values in row-major contiguous storage. */
  contiguous(): Tensor {
    return wrap(op.contiguous(this.#handle));
  }
  /** A second Tensor object for the same native tensor (same storage and autograd identity). */
  share(): Tensor {
    return new Tensor(guard(() => native.share(this.#handle), 'share'));
  }
  /** Address of the first element: equal for tensors that share storage at the same offset. */
  dataPointer(): bigint {
    return guard(() => native.dataPointer(this.#handle), 'dataPointer');
  }

  // ---- autograd -------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return guard(() => native.requiresGrad(this.#handle), 'requiresGrad');
  }
  set requiresGrad(value: boolean) {
    // libtorch's C++ API does not check this; PyTorch does, and a silent no-op confuses.
    if (!this.isLeaf) {
      throw new ArgumentError(
        `requiresGrad can only be changed on leaf tensors, and this one was computed (by ${this.gradFn}): use x.detach() for a copy outside the graph`,
      );
    }
    try {
      native.setRequiresGrad(this.#handle, value);
    } catch (error) {
      translateNativeError(error, 'requiresGrad');
    }
  }
  /** Sets whether autograd records operations on this tensor; returns this tensor. */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }
  /** The accumulated gradient (a new Tensor object on each access), or null. */
  get grad(): Tensor | null {
    const grad = guard(() => native.getGrad(this.#handle), 'grad');
    return grad ? new Tensor(grad) : null;
  }
  set grad(value: Tensor | null) {
    try {
      native.setGrad(this.#handle, value ? value.handle : null);
    } catch (error) {
      translateNativeError(error, 'grad');
    }
  }
  get isLeaf(): boolean {
    return guard(() => native.isLeaf(this.#handle), 'isLeaf');
  }
  /** Name of the autograd node that produced this tensor (e.g. 'AddBackward0'), or null. */
  get gradFn(): string | null {
    return guard(() => native.gradFnName(this.#handle), 'gradFn');
  }
  /** Keeps the gradient of this non-leaf tensor after backward(). */
  retainGrad(): this {
    guard(() => native.retainGrad(this.#handle), 'retainGrad');
    return this;
  }
  /** Computes the gradients of this tensor (a scalar, or given `gradient`) into the leaves' .grad. */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    try {
      native.backward([this.#handle], gradient ? [gradient.handle] : null, options.retainGraph, options.createGraph);
    } catch (error) {
      translateNativeError(error, 'backward');
    }
  }
  /** The same data, outside the autograd graph. */
  detach(): Tensor {
    return wrap(op.detach(this.#handle));
  }
  /** Takes this tensor out of the autograd graph, in place. */
  detach_(): this {
    op.detach_(this.#handle);
    return this;
  }
  /**
   * Makes this tensor use `source`'s data (shape, dtype, device) while staying the same object,
   * as PyTorch's `param.data = source`: a module's parameters move or change dtype this way and
   * optimizers holding them keep working.
   */
  setData(source: Tensor): this {
    op.setData(this.#handle, source.handle);
    return this;
  }

  // ---- shape ----------------------------------------------------------------------------
  /** The same elements in another shape (a view where possible); one size may be -1. */
  reshape(...shape: number[] | [Shape]): Tensor {
    return wrap(op.reshape(this.#handle, shapeArg(shape)));
  }
  /** A view with another shape of the same contiguous storage. */
  view(...shape: number[] | [Shape]): Tensor {
    return wrap(op.view(this.#handle, shapeArg(shape)));
  }
  /** Dimensions startDim..endDim joined into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(op.flatten(this.#handle, startDim, endDim));
  }
  /** Dimension `dim` split into the given sizes. */
  unflatten(dim: number, sizes: Shape): Tensor {
    return wrap(op.unflatten(this.#handle, dim, sizes));
  }
  /** Without the dimensions of size 1 (or only `dim`). */
  squeeze(dim?: number): Tensor {
    return wrap(dim === undefined ? op.squeeze(this.#handle) : op.squeezeDim(this.#handle, dim));
  }
  /** With a new dimension of size 1 at `dim`. */
  unsqueeze(dim: number): Tensor {
    return wrap(op.unsqueeze(this.#handle, dim));
  }
  /** A view with the dimensions in the given order. */
  permute(...dims: number[] | [Shape]): Tensor {
    return wrap(op.permute(this.#handle, shapeArg(dims)));
  }
  /** A view with two dimensions swapped. */
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(op.transpose(this.#handle, dim0, dim1));
  }
  /** Transpose of a matrix (0-d and 1-d tensors are returned as they are). */
  t(): Tensor {
    return wrap(op.t(this.#handle));
  }
  get T(): Tensor {
    return this.t();
  }
  /** A view broadcast to the given sizes (-1 keeps a size). */
  expand(...sizes: number[] | [Shape]): Tensor {
    return wrap(op.expand(this.#handle, shapeArg(sizes)));
  }
  /** A view broadcast to the shape of `other`. */
  expandAs(other: Tensor): Tensor {
    return this.expand(other.shape);
  }
  /** The tensor tiled `repeats` times along each dimension. */
  repeat(...repeats: number[] | [Shape]): Tensor {
    return wrap(op.repeat(this.#handle, shapeArg(repeats)));
  }
  /** Pieces along `dim` of the given size, or of the given sizes. */
  split(sizeOrSections: number | Shape, dim = 0): Tensor[] {
    return wrapAll(
      typeof sizeOrSections === 'number'
        ? op.split(this.#handle, sizeOrSections, dim)
        : op.splitSizes(this.#handle, sizeOrSections, dim),
    );
  }
  /** At most `chunks` pieces of near-equal size along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return wrapAll(op.chunk(this.#handle, chunks, dim));
  }
  /** A view of `length` elements from `start` along `dim`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(op.narrow(this.#handle, dim, start, length));
  }
  /** A view of index `index` along `dim`, without that dimension. */
  select(dim: number, index: number): Tensor {
    return wrap(op.select(this.#handle, dim, index));
  }
  /** A view of start..end (step) along `dim`. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return wrap(op.slice(this.#handle, dim, start, end, step));
  }
  /** The elements in reverse order along the given dimensions. */
  flip(...dims: number[] | [Shape]): Tensor {
    return wrap(op.flip(this.#handle, shapeArg(dims)));
  }
  /** The elements shifted cyclically along the given dimensions. */
  roll(shifts: number | Shape, dims: number | Shape): Tensor {
    return wrap(op.roll(this.#handle, typeof shifts === 'number' ? [shifts] : shifts, typeof dims === 'number' ? [dims] : dims));
  }

  /** NumPy-style indexing: x.index(0, ':', null, '1:5:2', mask). Views where PyTorch gives views. */
  index(...specs: IndexSpec[]): Tensor {
    specs.forEach(checkIndexSpec);
    const ellipsis = specs.indexOf('...');
    // A bool mask consumes as many dimensions as it has.
    const consuming = specs
      .filter((s) => s !== null && s !== '...')
      .reduce((n: number, s) => n + (s instanceof Tensor && s.dtype === 'bool' ? s.ndim : 1), 0);
    if (ellipsis >= 0) {
      specs = [...specs.slice(0, ellipsis), ...Array<IndexSpec>(Math.max(0, this.ndim - consuming)).fill(':'), ...specs.slice(ellipsis + 1)];
    }
    if (consuming > this.ndim) throw new ArgumentError(`too many indices (${consuming}) for a ${this.ndim}-d tensor`);
    let result: Tensor = this;
    const advanced: (Tensor | null)[] = [];
    let dim = 0;
    // Each basic step makes a view of the previous one; the intermediate views are freed.
    const step = (next: Tensor) => {
      if (result !== this) result.dispose();
      result = next;
    };
    for (const spec of specs) {
      if (typeof spec === 'number') {
        step(result.select(dim, spec));
      } else if (spec === null) {
        step(result.unsqueeze(dim));
        advanced.push(null);
        dim++;
      } else if (spec instanceof Tensor) {
        while (advanced.length < dim) advanced.push(null);
        advanced.push(spec);
        dim += spec.dtype === 'bool' ? spec.ndim : 1;
      } else {
        const { start, end, step: by } = typeof spec === 'string' ? parseSlice(spec) : spec;
        if (start !== undefined || end !== undefined || (by ?? 1) !== 1) step(result.slice(dim, start, end, by ?? 1));
        advanced.push(null);
        dim++;
      }
    }
    if (advanced.some((a) => a instanceof Tensor)) {
      const indexed = wrap(op.index(result.handle, advanced.map((a) => (a ? a.handle : null))));
      if (result !== this) result.dispose();
      return indexed;
    }
    return result === this ? this.view(this.shape) : result;
  }
  /** In-place `x[indices] = values` with tensor indices (null entries take whole dimensions). */
  indexPut_(indices: readonly (Tensor | null)[], values: Tensor, accumulate = false): this {
    op.indexPut_(this.#handle, indices.map((i) => (i ? i.handle : null)), values.handle, accumulate);
    return this;
  }
  /** The entries at `index` (int64) along `dim`. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return wrap(op.indexSelect(this.#handle, dim, index.handle));
  }
  /** Positions of the non-zero (true) elements, one row each, [count, ndim] int64 (as torch.nonzero). */
  nonzero(): Tensor {
    return wrap(op.nonzero(this.#handle));
  }
  /**
   * Each slice along `dim` repeated `repeats` times (a number, or an int64 tensor of one count per
   * slice), consecutively: [a, b].repeatInterleave([2, 1]) = [a, a, b]. Without `dim`, of the
   * flattened tensor.
   */
  repeatInterleave(repeats: Tensor | number, dim?: number): Tensor {
    return wrap(
      repeats instanceof Tensor
        ? op.repeatInterleave(this.#handle, repeats.handle, dim ?? null, null)
        : op.repeatInterleaveS(this.#handle, repeats, dim ?? null, null),
    );
  }
  /**
   * Reduces consecutive segments along `axis`: segment i covers the next lengths[i] slices
   * (int64 `lengths`, one row of lengths per index of the dimensions before `axis`, as
   * torch.segment_reduce); an empty segment gives 0 for 'sum'. Faster than scatterAdd with sorted
   * indices, since no index is read per element.
   */
  segmentReduce(reduce: 'sum' | 'mean' | 'max' | 'min' | 'prod', lengths: Tensor, axis = 0): Tensor {
    return wrap(op.segmentReduce(this.#handle, reduce, lengths.handle, null, null, axis, false, reduce === 'sum' ? 0 : null));
  }
  /**
   * For each value of `values`, the index at which it would be inserted into this sorted 1-d
   * tensor to keep it sorted: before equal elements, or after them with `right` (torch.searchsorted).
   */
  searchsorted(values: Tensor, right = false): Tensor {
    return wrap(op.searchsorted(this.#handle, values.handle, false, right, null, null));
  }
  /** A copy with alpha·source's slices added at `index` along dim (repeated indices accumulate). */
  indexAdd(dim: number, index: Tensor, source: Tensor, alpha: number = 1): Tensor {
    return wrap(op.indexAdd(this.#handle, dim, index.handle, source.handle, alpha));
  }
  /** In place, this[index[i]] += alpha · source[i] along `dim` (duplicates in index accumulate). */
  indexAdd_(dim: number, index: Tensor, source: Tensor, alpha: number = 1): this {
    op.indexAdd_(this.#handle, dim, index.handle, source.handle, alpha);
    return this;
  }
  /** Values gathered along `dim` at `index`, as torch.gather. */
  gather(dim: number, index: Tensor): Tensor {
    return wrap(op.gather(this.#handle, dim, index.handle));
  }
  /** A copy with `src` written along `dim` at `index`, as torch.scatter. */
  scatter(dim: number, index: Tensor, source: Tensor | Scalar): Tensor {
    return wrap(
      source instanceof Tensor
        ? op.scatter(this.#handle, dim, index.handle, source.handle)
        : op.scatterS(this.#handle, dim, index.handle, source),
    );
  }
  /** Writes `src` along `dim` at `index`, in place. */
  scatter_(dim: number, index: Tensor, source: Tensor): this {
    op.scatter_(this.#handle, dim, index.handle, source.handle);
    return this;
  }
  /** A copy with `src` added along `dim` at `index`, as torch.scatter_add. */
  scatterAdd(dim: number, index: Tensor, source: Tensor): Tensor {
    return wrap(op.scatterAdd(this.#handle, dim, index.handle, source.handle));
  }
  /** A copy with `value` where `mask` is true. */
  maskedFill(mask: Tensor, value: Scalar | Tensor): Tensor {
    return wrap(
      value instanceof Tensor
        ? op.maskedFillT(this.#handle, mask.handle, value.handle)
        : op.maskedFill(this.#handle, mask.handle, value),
    );
  }
  /** Writes `value` where `mask` is true, in place. */
  maskedFill_(mask: Tensor, value: Scalar): this {
    op.maskedFill_(this.#handle, mask.handle, value);
    return this;
  }
  /** Elements of `this` where `condition` holds, else of `other`. */
  where(condition: Tensor, other: Tensor): Tensor {
    return wrap(op.where(condition.handle, this.#handle, other.handle));
  }
  /** The lower triangle (below `diagonal`), the rest zero. */
  tril(diagonal = 0): Tensor {
    return wrap(op.tril(this.#handle, diagonal));
  }
  /** The upper triangle (above `diagonal`), the rest zero. */
  triu(diagonal = 0): Tensor {
    return wrap(op.triu(this.#handle, diagonal));
  }
  /** The diagonal of a matrix, or the diagonal matrix of a vector. */
  diag(diagonal = 0): Tensor {
    return wrap(op.diag(this.#handle, diagonal));
  }
  /** A view of the diagonal between dim1 and dim2, at `offset`. */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return wrap(op.diagonal(this.#handle, offset, dim1, dim2));
  }

  // ---- arithmetic (broadcasting; numbers are Scalars) ----------------------------------
  /** this + alpha·other, with broadcasting. */
  add(other: Tensor | Scalar, alpha: number = 1): Tensor {
    return wrap(other instanceof Tensor ? op.add(this.#handle, other.handle, alpha) : op.addS(this.#handle, other, alpha));
  }
  /** this − alpha·other, with broadcasting. */
  sub(other: Tensor | Scalar, alpha: number = 1): Tensor {
    return wrap(other instanceof Tensor ? op.sub(this.#handle, other.handle, alpha) : op.subS(this.#handle, other, alpha));
  }
  /** Element-wise product, with broadcasting. */
  mul(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.mul(this.#handle, other.handle) : op.mulS(this.#handle, other));
  }
  /** True division; roundingMode 'trunc' or 'floor' for integer-style division. */
  div(other: Tensor | Scalar, roundingMode?: 'trunc' | 'floor'): Tensor {
    if (roundingMode) {
      return wrap(
        other instanceof Tensor
          ? op.divMode(this.#handle, other.handle, roundingMode)
          : op.divSMode(this.#handle, other, roundingMode),
      );
    }
    return wrap(other instanceof Tensor ? op.div(this.#handle, other.handle) : op.divS(this.#handle, other));
  }
  /** Element-wise division rounded down. */
  floorDivide(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.floorDivide(this.#handle, other.handle) : op.floorDivideS(this.#handle, other));
  }
  /** Element-wise remainder with the sign of the divisor (Python's %). */
  remainder(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.remainder(this.#handle, other.handle) : op.remainderS(this.#handle, other));
  }
  /** Element-wise remainder with the sign of the dividend (C's fmod). */
  fmod(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.fmod(this.#handle, other.handle) : op.fmodS(this.#handle, other));
  }
  /** Element-wise power. */
  pow(exponent: Tensor | number): Tensor {
    return wrap(exponent instanceof Tensor ? op.pow(this.#handle, exponent.handle) : op.powS(this.#handle, exponent));
  }
  /** Element-wise negation. */
  neg(): Tensor {
    return wrap(op.neg(this.#handle));
  }
  /** Element-wise 1/x. */
  reciprocal(): Tensor {
    return wrap(op.reciprocal(this.#handle));
  }
  /** Element-wise maximum of two tensors. */
  maximum(other: Tensor): Tensor {
    return wrap(op.maximum(this.#handle, other.handle));
  }
  /** Element-wise minimum of two tensors. */
  minimum(other: Tensor): Tensor {
    return wrap(op.minimum(this.#handle, other.handle));
  }
  /** Linear interpolation this + weight·(end − this). */
  lerp(end: Tensor, weight: number): Tensor {
    return wrap(op.lerp(this.#handle, end.handle, weight));
  }
  /** Values limited to [min, max]. */
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    if (min != null && max != null && min instanceof Tensor !== max instanceof Tensor) {
      // No ATen overload takes one tensor and one number bound: clamp below, then above.
      const lower = this.clamp(min, null);
      const result = lower.clamp(null, max);
      lower.dispose();
      return result;
    }
    if (min instanceof Tensor || max instanceof Tensor) {
      return wrap(op.clampT(this.#handle, min instanceof Tensor ? min.handle : null, max instanceof Tensor ? max.handle : null));
    }
    return wrap(op.clamp(this.#handle, min ?? null, max ?? null));
  }
  /** Values limited to at least `min`. */
  clampMin(min: number): Tensor {
    return this.clamp(min, null);
  }
  /** Values limited to at most `max`. */
  clampMax(max: number): Tensor {
    return this.clamp(null, max);
  }

  // in place
  /** In-place add; returns this tensor. */
  add_(other: Tensor | Scalar, alpha: number = 1): this {
    if (other instanceof Tensor) op.add_(this.#handle, other.handle, alpha);
    else op.addS_(this.#handle, other, alpha);
    return this;
  }
  /** In-place subtract; returns this tensor. */
  sub_(other: Tensor | Scalar, alpha: number = 1): this {
    if (other instanceof Tensor) op.sub_(this.#handle, other.handle, alpha);
    else op.subS_(this.#handle, other, alpha);
    return this;
  }
  /** In-place multiply; returns this tensor. */
  mul_(other: Tensor | Scalar): this {
    if (other instanceof Tensor) op.mul_(this.#handle, other.handle);
    else op.mulS_(this.#handle, other);
    return this;
  }
  /** In-place divide; returns this tensor. */
  div_(other: Tensor | Scalar): this {
    if (other instanceof Tensor) op.div_(this.#handle, other.handle);
    else op.divS_(this.#handle, other);
    return this;
  }
  /** In-place power; returns this tensor. */
  pow_(exponent: number): this {
    op.pow_(this.#handle, exponent);
    return this;
  }
  /** this += value * tensor1 * tensor2 */
  addcmul_(tensor1: Tensor, tensor2: Tensor, value = 1): this {
    op.addcmul_(this.#handle, tensor1.handle, tensor2.handle, value);
    return this;
  }
  /** this += value * tensor1 / tensor2 */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, value = 1): this {
    op.addcdiv_(this.#handle, tensor1.handle, tensor2.handle, value);
    return this;
  }
  /** In-place linear interpolation toward `end`; returns this tensor. */
  lerp_(end: Tensor, weight: number): this {
    op.lerp_(this.#handle, end.handle, weight);
    return this;
  }
  /** In-place clamp to [min, max]; returns this tensor. */
  clamp_(min?: number | null, max?: number | null): this {
    op.clamp_(this.#handle, min ?? null, max ?? null);
    return this;
  }
  /** In-place negation; returns this tensor. */
  neg_(): this {
    op.neg_(this.#handle);
    return this;
  }
  /** In-place absolute value; returns this tensor. */
  abs_(): this {
    op.abs_(this.#handle);
    return this;
  }
  /** In-place exponential; returns this tensor. */
  exp_(): this {
    op.exp_(this.#handle);
    return this;
  }
  /** In-place natural logarithm; returns this tensor. */
  log_(): this {
    op.log_(this.#handle);
    return this;
  }
  /** In-place square root; returns this tensor. */
  sqrt_(): this {
    op.sqrt_(this.#handle);
    return this;
  }
  /** In-place ReLU; returns this tensor. */
  relu_(): this {
    op.relu_(this.#handle);
    return this;
  }
  /** In-place logistic sigmoid; returns this tensor. */
  sigmoid_(): this {
    op.sigmoid_(this.#handle);
    return this;
  }
  /** In-place tanh; returns this tensor. */
  tanh_(): this {
    op.tanh_(this.#handle);
    return this;
  }
  /** Fills with zeros, in place; returns this tensor. */
  zero_(): this {
    op.zero_(this.#handle);
    return this;
  }
  /** Fills with `value`, in place; returns this tensor. */
  fill_(value: Scalar): this {
    op.fill_(this.#handle, value);
    return this;
  }
  /** Copies `source` (broadcast) into this tensor; returns this tensor. */
  copy_(source: Tensor): this {
    op.copy_(this.#handle, source.handle);
    return this;
  }
  /** Fills with draws from U(from, to) of the global generator; returns this tensor. */
  uniform_(from = 0, to = 1): this {
    op.uniform_(this.#handle, from, to);
    return this;
  }
  /** Fills with draws from N(mean, std²) of the global generator; returns this tensor. */
  normal_(mean = 0, std = 1): this {
    op.normal_(this.#handle, mean, std);
    return this;
  }
  /** Fills with 0/1 draws of probability p; returns this tensor. */
  bernoulli_(p = 0.5): this {
    op.bernoulli_(this.#handle, p);
    return this;
  }

  // ---- comparisons (bool tensors) --------------------------------------------------------
  /** Element-wise ==, as a bool tensor. */
  eq(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.eq(this.#handle, other.handle) : op.eqS(this.#handle, other));
  }
  /** Element-wise !=, as a bool tensor. */
  ne(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.ne(this.#handle, other.handle) : op.neS(this.#handle, other));
  }
  /** Element-wise <, as a bool tensor. */
  lt(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.lt(this.#handle, other.handle) : op.ltS(this.#handle, other));
  }
  /** Element-wise <=, as a bool tensor. */
  le(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.le(this.#handle, other.handle) : op.leS(this.#handle, other));
  }
  /** Element-wise >, as a bool tensor. */
  gt(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.gt(this.#handle, other.handle) : op.gtS(this.#handle, other));
  }
  /** Element-wise >=, as a bool tensor. */
  ge(other: Tensor | Scalar): Tensor {
    return wrap(other instanceof Tensor ? op.ge(this.#handle, other.handle) : op.geS(this.#handle, other));
  }
  /** Element-wise logical and, as a bool tensor. */
  logicalAnd(other: Tensor): Tensor {
    return wrap(op.logicalAnd(this.#handle, other.handle));
  }
  /** Element-wise logical or, as a bool tensor. */
  logicalOr(other: Tensor): Tensor {
    return wrap(op.logicalOr(this.#handle, other.handle));
  }
  /** Element-wise logical not, as a bool tensor. */
  logicalNot(): Tensor {
    return wrap(op.logicalNot(this.#handle));
  }
  /** Where the elements are NaN, as a bool tensor. */
  isnan(): Tensor {
    return wrap(op.isnan(this.#handle));
  }
  /** Where the elements are ±Infinity, as a bool tensor. */
  isinf(): Tensor {
    return wrap(op.isinf(this.#handle));
  }
  /** Where the elements are finite, as a bool tensor. */
  isfinite(): Tensor {
    return wrap(op.isfinite(this.#handle));
  }
  /** Elementwise |this − other| ≤ atol + rtol·|other| everywhere (as torch.allclose). */
  allclose(other: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
    return op.allclose(this.#handle, other.handle, rtol, atol) as boolean;
  }
  /** Same shape and same elements. */
  equal(other: Tensor): boolean {
    return op.equal(this.#handle, other.handle) as boolean;
  }

  // ---- pointwise functions ----------------------------------------------------------------
  /** Element-wise absolute value. */
  abs(): Tensor { return wrap(op.abs(this.#handle)); }
  /** Element-wise sign (−1, 0 or 1). */
  sign(): Tensor { return wrap(op.sign(this.#handle)); }
  /** Element-wise exponential. */
  exp(): Tensor { return wrap(op.exp(this.#handle)); }
  /** Element-wise exp(x) − 1, exact near 0. */
  expm1(): Tensor { return wrap(op.expm1(this.#handle)); }
  /** Element-wise natural logarithm. */
  log(): Tensor { return wrap(op.log(this.#handle)); }
  /** Element-wise log(1 + x), exact near 0. */
  log1p(): Tensor { return wrap(op.log1p(this.#handle)); }
  /** Element-wise base-2 logarithm. */
  log2(): Tensor { return wrap(op.log2(this.#handle)); }
  /** Element-wise base-10 logarithm. */
  log10(): Tensor { return wrap(op.log10(this.#handle)); }
  /** Element-wise square root. */
  sqrt(): Tensor { return wrap(op.sqrt(this.#handle)); }
  /** Element-wise 1/√x. */
  rsqrt(): Tensor { return wrap(op.rsqrt(this.#handle)); }
  /** Element-wise square. */
  square(): Tensor { return wrap(op.square(this.#handle)); }
  /** Element-wise sine. */
  sin(): Tensor { return wrap(op.sin(this.#handle)); }
  /** Element-wise cosine. */
  cos(): Tensor { return wrap(op.cos(this.#handle)); }
  /** Element-wise tangent. */
  tan(): Tensor { return wrap(op.tan(this.#handle)); }
  /** Element-wise arcsine. */
  asin(): Tensor { return wrap(op.asin(this.#handle)); }
  /** Element-wise arccosine. */
  acos(): Tensor { return wrap(op.acos(this.#handle)); }
  /** Element-wise arctangent. */
  atan(): Tensor { return wrap(op.atan(this.#handle)); }
  /** Element-wise atan2(this, other): the angle of the point (other, this). */
  atan2(other: Tensor): Tensor { return wrap(op.atan2(this.#handle, other.handle)); }
  /** Element-wise hyperbolic sine. */
  sinh(): Tensor { return wrap(op.sinh(this.#handle)); }
  /** Element-wise hyperbolic cosine. */
  cosh(): Tensor { return wrap(op.cosh(this.#handle)); }
  /** Element-wise hyperbolic tangent. */
  tanh(): Tensor { return wrap(op.tanh(this.#handle)); }
  /** Element-wise logistic sigmoid 1/(1 + e^−x). */
  sigmoid(): Tensor { return wrap(op.sigmoid(this.#handle)); }
  /** Element-wise max(x, 0). */
  relu(): Tensor { return wrap(op.relu(this.#handle)); }
  /** Element-wise error function. */
  erf(): Tensor { return wrap(op.erf(this.#handle)); }
  /** Element-wise rounding down. */
  floor(): Tensor { return wrap(op.floor(this.#handle)); }
  /** Element-wise rounding up. */
  ceil(): Tensor { return wrap(op.ceil(this.#handle)); }
  /** Element-wise rounding to the nearest integer, half to even. */
  round(): Tensor { return wrap(op.round(this.#handle)); }
  /** Element-wise rounding toward zero. */
  trunc(): Tensor { return wrap(op.trunc(this.#handle)); }
  /** Element-wise fractional part x − trunc(x). */
  frac(): Tensor { return wrap(op.frac(this.#handle)); }

  // ---- reductions --------------------------------------------------------------------------
  /** Sum of all elements, or over `dim` (keepdim to keep it as size 1). */
  sum(options: ReduceOptions & { dtype?: DType } = {}): Tensor {
    const dtype = options.dtype && scalarTypeOf(options.dtype);
    if (options.dim === undefined) return wrap(op.sum(this.#handle, dtype));
    return wrap(op.sumDim(this.#handle, dims(options.dim), options.keepdim ?? false, dtype));
  }
  /** Mean of all elements, or over `dim`. */
  mean(options: ReduceOptions = {}): Tensor {
    if (options.dim === undefined) return wrap(op.mean(this.#handle));
    return wrap(op.meanDim(this.#handle, dims(options.dim), options.keepdim ?? false));
  }
  /** Product of all elements, or over `dim`. */
  prod(options: { dim?: number; keepdim?: boolean } = {}): Tensor {
    if (options.dim === undefined) return wrap(op.prod(this.#handle));
    return wrap(op.prodDim(this.#handle, options.dim, options.keepdim ?? false));
  }
  /** Variance, with Bessel's correction by default (correction 1). */
  var(options: VarianceOptions = {}): Tensor {
    return wrap(op.var(this.#handle, dims(options.dim), options.correction ?? 1, options.keepdim ?? false));
  }
  /** Standard deviation, with Bessel's correction by default (correction 1). */
  std(options: VarianceOptions = {}): Tensor {
    return wrap(op.std(this.#handle, dims(options.dim), options.correction ?? 1, options.keepdim ?? false));
  }
  /** Largest element, or with a dim the largest values and their indices along it. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return wrap(op.max(this.#handle));
    const [values, indices] = wrapAll(op.maxDim(this.#handle, dim, keepdim));
    return { values: values!, indices: indices! };
  }
  /** Smallest element, or with a dim the smallest values and their indices along it. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return wrap(op.min(this.#handle));
    const [values, indices] = wrapAll(op.minDim(this.#handle, dim, keepdim));
    return { values: values!, indices: indices! };
  }
  /** Index of the largest element (flattened), or along `dim`. */
  argmax(dim?: number, keepdim = false): Tensor {
    return wrap(op.argmax(this.#handle, dim ?? null, keepdim));
  }
  /** Index of the smallest element (flattened), or along `dim`. */
  argmin(dim?: number, keepdim = false): Tensor {
    return wrap(op.argmin(this.#handle, dim ?? null, keepdim));
  }
  /** log Σ exp(x) over `dim`, computed without overflow. */
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return wrap(op.logsumexp(this.#handle, dims(dim), keepdim));
  }
  /** Vector p-norm over `dim` (all elements by default); 'fro' and 'nuc' are matrix norms. */
  norm(p: number | 'fro' | 'nuc' = 2, options: ReduceOptions = {}): Tensor {
    if (p === 'nuc') return wrap(op.matrixNormStr(this.#handle, 'nuc', dims(options.dim) ?? [-2, -1], options.keepdim ?? false));
    return wrap(op.vectorNorm(this.#handle, p === 'fro' ? 2 : p, dims(options.dim), options.keepdim ?? false));
  }
  /** Whether every element is true (non-zero), overall or along `dim`. */
  all(dim?: number, keepdim = false): Tensor {
    return wrap(dim === undefined ? op.all(this.#handle) : op.allDim(this.#handle, dim, keepdim));
  }
  /** Whether some element is true (non-zero), overall or along `dim`. */
  any(dim?: number, keepdim = false): Tensor {
    return wrap(dim === undefined ? op.any(this.#handle) : op.anyDim(this.#handle, dim, keepdim));
  }
  /** Cumulative sum along `dim`. */
  cumsum(dim: number): Tensor {
    return wrap(op.cumsum(this.#handle, dim));
  }
  /** Cumulative product along `dim`. */
  cumprod(dim: number): Tensor {
    return wrap(op.cumprod(this.#handle, dim));
  }
  /** Values sorted along `dim` and their original indices. */
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = wrapAll(op.sort(this.#handle, dim, descending));
    return { values: values!, indices: indices! };
  }
  /** The k largest (or smallest) values along `dim` and their indices. */
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = wrapAll(op.topk(this.#handle, k, dim, largest, sorted));
    return { values: values!, indices: indices! };
  }
  /** Sum of the diagonal of a matrix. */
  trace(): Tensor {
    return wrap(op.trace(this.#handle));
  }

  // ---- products ----------------------------------------------------------------------------
  /** Matrix product with broadcasting of batch dimensions, as torch.matmul. */
  matmul(other: Tensor): Tensor {
    return wrap(op.matmul(this.#handle, other.handle));
  }
  /** Product of two matrices. */
  mm(other: Tensor): Tensor {
    return wrap(op.mm(this.#handle, other.handle));
  }
  /** Product of a matrix and a vector. */
  mv(vector: Tensor): Tensor {
    return wrap(op.mv(this.#handle, vector.handle));
  }
  /** Batched matrix product [B, n, m] × [B, m, p]. */
  bmm(other: Tensor): Tensor {
    return wrap(op.bmm(this.#handle, other.handle));
  }
  /** Dot product of two vectors. */
  dot(other: Tensor): Tensor {
    return wrap(op.dot(this.#handle, other.handle));
  }
  /** Outer product of two vectors. */
  outer(other: Tensor): Tensor {
    return wrap(op.outer(this.#handle, other.handle));
  }
  /** beta·this + alpha·(mat1 @ mat2) */
  addmm(mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
    return wrap(op.addmm(this.#handle, mat1.handle, mat2.handle, options.beta ?? 1, options.alpha ?? 1));
  }

  // ---- printing ---------------------------------------------------------------------------
  /** A short description: shape, dtype, and the values of small tensors. */
  toString(): string {
    if (this.#disposed) return 'tensor(<disposed>)';
    const shape = this.shape;
    const body = this.numel <= 1000 ? JSON.stringify(this.toArray()) : `[... ${this.numel} elements]`;
    const grad = this.requiresGrad ? ', requiresGrad=true' : '';
    return `tensor(${body}, shape=[${shape.join(', ')}], dtype=${this.dtype}${this.device === 'cpu' ? '' : `, device=${this.device}`}${grad})`;
  }
  /** What console.log and util.inspect show: toString(). */
  [inspect.custom](): string {
    return this.toString();
  }
}

// Native calls outside the dispatcher: their errors get the same translation as operators'.
function guard<T>(fn: () => T, context: string): T {
  try {
    return fn();
  } catch (error) {
    translateNativeError(error, context);
  }
}

function shapeArg(args: number[] | [Shape]): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as Shape) : (args as number[]);
}

const dtypeNames = new Set<string>(['float32', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']);
export function isDType(value: string): value is DType {
  return dtypeNames.has(value);
}

/**
 * Throws unless `value` is a live Tensor: ArgumentError naming `name` for anything else,
 * DisposedTensorError for a disposed one.
 */
export function checkTensor(value: unknown, name: string): asserts value is Tensor {
  if (!(value instanceof Tensor)) argumentError(name, Array.isArray(value) ? 'a Tensor (tensor([...]) makes one from an array)' : 'a Tensor', value);
  if (value.isDisposed) throw new DisposedTensorError(`${name} was disposed: keep() it or move it out of the tidy() scope that freed it`);
}

const sliceKeys = new Set(['start', 'end', 'step']);

// Each kind of IndexSpec, checked before any view is made: an object with other keys than a
// slice's would otherwise pass as ':' and return the whole tensor.
function checkIndexSpec(spec: unknown, position: number): void {
  const name = `index ${position}`;
  if (spec === null || spec === '...') return;
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec)) argumentError(name, 'an integer', spec);
    return;
  }
  if (typeof spec === 'string') return; // parseSlice names a malformed slice
  if (spec instanceof Tensor) {
    checkTensor(spec, name);
    const dtype = spec.dtype;
    if (dtype !== 'bool' && dtype !== 'int64' && dtype !== 'int32' && dtype !== 'uint8') {
      throw new ArgumentError(`${name} must be a bool mask or an int64 tensor of positions, got a ${dtype} Tensor`);
    }
    return;
  }
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    for (const [key, value] of Object.entries(spec)) {
      if (!sliceKeys.has(key)) throw new ArgumentError(`${name}: a slice object takes start, end and step, got '${key}'`);
      if (value !== undefined && !Number.isInteger(value)) argumentError(`${name} ${key}`, 'an integer', value);
    }
    return;
  }
  throw new ArgumentError(
    `${name} must be an integer, null, '...', a slice ('1:5:2' or { start, end, step }) or a Tensor, got ${describeValue(spec)}${Array.isArray(spec) ? ': pass positions as a tensor' : ''}`,
  );
}

/** Throws a DeviceError for a device this libtorch build or machine cannot use. */
export function checkDevice(device: string): void {
  if (device === 'cpu' || device === 'meta') return;
  const match = typeof device === 'string' ? /^cuda(?::(\d+))?$/.exec(device) : null;
  if (!match) {
    throw new DeviceError(
      `unknown device '${String(device)}': use 'cpu', 'cuda' or 'cuda:N' (to() also takes a dtype: ${[...dtypeNames].join(', ')})`,
    );
  }
  const count = native.cudaDeviceCount();
  if (count === 0) {
    throw new DeviceError(
      `device '${device}' requested but this libtorch has no CUDA support or sees no GPU: rebuild with LIBTORCH pointing at a CUDA build of libtorch, or use 'cpu'`,
    );
  }
  const index = Number(match[1] ?? 0);
  if (index >= count) throw new DeviceError(`device '${device}' requested but only ${count} CUDA device(s) are visible`);
}
