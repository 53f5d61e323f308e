// Operations over lists of tensors, as torch's `_foreach_*` functions: one native call updates
// every tensor of the list, so an optimizer step or a gradient clip costs a handful of calls
// whatever the number of parameters. Also the fused Adam step over a parameter list.
import { ArgumentError, DisposedTensorError } from './errors.js';
import { native, type Handle } from './native.js';
import { aten, translateNativeError } from './ops.js';
import { track } from './scope.js';
import { Tensor, wrap } from './tensor.js';

const op = {
  add: aten('_foreach_add.List'), add_: aten('_foreach_add_.List'), addScalar_: aten('_foreach_add_.Scalar'),
  mul_: aten('_foreach_mul_.List'), mulScalar_: aten('_foreach_mul_.Scalar'), div_: aten('_foreach_div_.Scalar'),
  addcmul: aten('_foreach_addcmul.Scalar'), addcmul_: aten('_foreach_addcmul_.Scalar'),
  addcdiv_: aten('_foreach_addcdiv_.Scalar'), sqrt: aten('_foreach_sqrt'), sqrt_: aten('_foreach_sqrt_'),
  maximum_: aten('_foreach_maximum_.List'), minimum_: aten('_foreach_minimum_.List'), norm: aten('_foreach_norm.Scalar'),
  stack: aten('stack'),
};

let listHandles: (list: TensorList) => Handle[];

/**
 * A list of tensors held as one object: what the out-of-place operations here return, and a
 * parameter list's gradients. A step over dozens of parameters would otherwise make dozens of
 * Tensor objects each time, which costs more than the native calls themselves (measured: an
 * Adam step over 24 small parameters took 2.5x as long). Freed by dispose() or the enclosing
 * tidy(); `at(i)` and `toTensors()` give Tensor objects where one is needed.
 */
export class TensorList {
  readonly #handles: Handle[];
  readonly #owner: TensorList | null;
  #disposed = false;

  static {
    listHandles = (list) => {
      if (list.isDisposed) throw new DisposedTensorError('a tensor list was used after it was disposed: keep() it or move it out of the tidy() scope that freed it');
      return list.#handles;
    };
  }

  /** Takes ownership of the handles (the result of a native call); `owner` for a selection of another list's. */
  private constructor(handles: Handle[], owner: TensorList | null) {
    this.#handles = handles;
    this.#owner = owner;
    if (!owner) track(this);
  }

  /** @internal A list owning the handles an operation returned. */
  static fromHandles(handles: Handle[]): TensorList {
    return new TensorList(handles, null);
  }

  get length(): number {
    return this.#handles.length;
  }

  get isDisposed(): boolean {
    return this.#disposed || (this.#owner?.isDisposed ?? false);
  }

  /** Element i as a Tensor sharing its storage (dispose it, or let a tidy() do it). */
  at(index: number): Tensor {
    const handle = listHandles(this)[index];
    if (handle === undefined) throw new ArgumentError(`index ${index} is out of range for a list of ${this.length} tensors`);
    return new Tensor(native.share(handle));
  }

  /** Every element as a Tensor sharing its storage. */
  toTensors(): Tensor[] {
    return listHandles(this).map((handle) => new Tensor(native.share(handle)));
  }

  /** The elements at those positions, still owned (and freed) by this list. */
  select(indices: readonly number[]): TensorList {
    const handles = listHandles(this);
    return new TensorList(indices.map((i) => handles[i]!), this.#owner ?? this);
  }

  /** The elements stacked along a new dimension, as torch.stack. */
  stack(dim = 0): Tensor {
    return wrap(op.stack(listHandles(this), dim));
  }

  /** Frees the elements now (a selection frees nothing: its list owns them). Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#owner) for (const handle of this.#handles) native.dispose(handle);
  }

  /** Frees the list at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** A list of tensors: Tensor objects, or a TensorList. */
export type List = readonly Tensor[] | TensorList;

function handlesOf(list: List): Handle[] {
  return list instanceof TensorList ? listHandles(list) : list.map((t) => t.handle);
}

const result = (handles: unknown) => TensorList.fromHandles(handles as Handle[]);

/** tensors[i] + alpha·others[i], as a new list. */
export function add(tensors: List, others: List, alpha = 1): TensorList {
  return result(op.add(handlesOf(tensors), handlesOf(others), alpha));
}

/** tensors[i] += alpha·others[i] (others a list), or tensors[i] += others (a number). */
export function add_(tensors: List, others: List | number, alpha = 1): void {
  if (typeof others === 'number') op.addScalar_(handlesOf(tensors), others);
  else op.add_(handlesOf(tensors), handlesOf(others), alpha);
}

/** tensors[i] *= factor (a number), or tensors[i] *= factors[i] (a list; 0-d tensors broadcast). */
export function mul_(tensors: List, factors: List | number): void {
  if (typeof factors === 'number') op.mulScalar_(handlesOf(tensors), factors);
  else op.mul_(handlesOf(tensors), handlesOf(factors));
}

/** tensors[i] /= divisor. */
export function div_(tensors: List, divisor: number): void {
  op.div_(handlesOf(tensors), divisor);
}

/** tensors[i] + value·a[i]·b[i], as a new list. */
export function addcmul(tensors: List, a: List, b: List, value = 1): TensorList {
  return result(op.addcmul(handlesOf(tensors), handlesOf(a), handlesOf(b), value));
}

/** tensors[i] += value·a[i]·b[i]. */
export function addcmul_(tensors: List, a: List, b: List, value = 1): void {
  op.addcmul_(handlesOf(tensors), handlesOf(a), handlesOf(b), value);
}

/** tensors[i] += value·a[i]/b[i]. */
export function addcdiv_(tensors: List, a: List, b: List, value = 1): void {
  op.addcdiv_(handlesOf(tensors), handlesOf(a), handlesOf(b), value);
}

/** √tensors[i], as a new list. */
export function sqrt(tensors: List): TensorList {
  return result(op.sqrt(handlesOf(tensors)));
}

/** tensors[i] = √tensors[i]. */
export function sqrt_(tensors: List): void {
  op.sqrt_(handlesOf(tensors));
}

/** tensors[i] = max(tensors[i], others[i]) elementwise (0-d others broadcast). */
export function maximum_(tensors: List, others: List): void {
  op.maximum_(handlesOf(tensors), handlesOf(others));
}

/** tensors[i] = min(tensors[i], others[i]) elementwise (0-d others broadcast). */
export function minimum_(tensors: List, others: List): void {
  op.minimum_(handlesOf(tensors), handlesOf(others));
}

/** The p-norm of each tensor (Infinity: the largest absolute value), as a list of 0-d tensors. */
export function norm(tensors: List, p = 2): TensorList {
  return result(op.norm(handlesOf(tensors), p));
}

/**
 * The gradients of those tensors that have one (`grads`, a list sharing the gradients' storage:
 * disposing it leaves the gradients in place) and those tensors (`tensors`), in order.
 */
export function gradients(tensors: readonly Tensor[]): { tensors: Tensor[]; grads: TensorList } {
  const withGrad: Tensor[] = [];
  const handles: Handle[] = [];
  try {
    for (const tensor of tensors) {
      const grad = native.getGrad(tensor.handle);
      if (grad === null) continue;
      withGrad.push(tensor);
      handles.push(grad);
    }
  } catch (error) {
    for (const handle of handles) native.dispose(handle);
    translateNativeError(error, 'gradients');
  }
  return { tensors: withGrad, grads: TensorList.fromHandles(handles) };
}

/** Hyper-parameters of one Adam step; `step` is the step count after this step (1 for the first). */
export interface AdamStepOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's decoupled weight decay instead of L2 added to the gradient. */
  decoupled: boolean;
  step: number;
}

/** Whether this CPU runs the fused Adam kernel (x86-64 with AVX2 and FMA). */
export function fusedAdamAvailable(): boolean {
  return native.fusedAdamAvailable();
}

/**
 * One Adam (or AdamW) step over a whole parameter list in one native pass per parameter, with
 * PyTorch 1.13's operations in its order, so the result equals torch.optim.Adam's bit for bit.
 * Returns false, changing nothing, when some tensor is not a contiguous float32 CPU tensor (the
 * caller then takes the per-operation path). Without AVX2 it runs a portable kernel: correct,
 * but slower than libtorch's operations, so check `fusedAdamAvailable()` first.
 */
export function adamStep(params: List, grads: List, expAvgs: List, expAvgSqs: List, options: AdamStepOptions): boolean {
  const count = params.length;
  if (grads.length !== count || expAvgs.length !== count || expAvgSqs.length !== count) {
    throw new ArgumentError(`adamStep needs as many gradients and moments as parameters (${count}), got ${grads.length}, ${expAvgs.length} and ${expAvgSqs.length}`);
  }
  try {
    return native.fusedAdamStep(handlesOf(params), handlesOf(grads), handlesOf(expAvgs), handlesOf(expAvgSqs), options);
  } catch (error) {
    translateNativeError(error, 'adamStep');
  }
}

/** Hyper-parameters of one SGD step with momentum, as torch.optim.SGD's. */
export interface SgdStepOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

/**
 * One SGD step with momentum over a parameter list whose momentum buffers exist (every step but
 * the first), in one native pass per parameter with PyTorch 1.13's operations in its order, so
 * the result equals the per-tensor path bit for bit. Returns false, changing nothing, when some
 * tensor is not a contiguous float32 CPU tensor. As adamStep, check `fusedAdamAvailable()` first:
 * without AVX2 the portable kernel is correct but slower than libtorch's operations.
 */
export function sgdStep(params: List, grads: List, momentumBuffers: List, options: SgdStepOptions): boolean {
  const count = params.length;
  if (grads.length !== count || momentumBuffers.length !== count) {
    throw new ArgumentError(`sgdStep needs as many gradients and momentum buffers as parameters (${count}), got ${grads.length} and ${momentumBuffers.length}`);
  }
  try {
    return native.fusedSgdStep(handlesOf(params), handlesOf(grads), handlesOf(momentumBuffers), options);
  } catch (error) {
    translateNativeError(error, 'sgdStep');
  }
}
