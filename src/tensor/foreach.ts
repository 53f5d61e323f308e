// Operations over lists of tensors, as torch's `_foreach_*` functions: one native call updates
// every tensor of the list, so an optimizer step or a gradient clip costs a handful of calls
// whatever the number of parameters. Also the fused Adam step over a parameter list.
import { ArgumentError } from './errors.js';
import { native } from './native.js';
import { aten, translateNativeError } from './ops.js';
import { handles, wrapAll, type Tensor } from './tensor.js';

const op = {
  add: aten('_foreach_add.List'), add_: aten('_foreach_add_.List'), addScalar_: aten('_foreach_add_.Scalar'),
  mul_: aten('_foreach_mul_.List'), mulScalar_: aten('_foreach_mul_.Scalar'), div_: aten('_foreach_div_.Scalar'),
  addcmul: aten('_foreach_addcmul.Scalar'), addcmul_: aten('_foreach_addcmul_.Scalar'),
  addcdiv_: aten('_foreach_addcdiv_.Scalar'), sqrt: aten('_foreach_sqrt'), sqrt_: aten('_foreach_sqrt_'),
  maximum_: aten('_foreach_maximum_.List'), minimum_: aten('_foreach_minimum_.List'), norm: aten('_foreach_norm.Scalar'),
};

type List = readonly Tensor[];

/** tensors[i] + alpha·others[i], as new tensors. */
export function add(tensors: List, others: List, alpha = 1): Tensor[] {
  return wrapAll(op.add(handles(tensors), handles(others), alpha));
}

/** tensors[i] += alpha·others[i] (others a list), or tensors[i] += others (a number). */
export function add_(tensors: List, others: List | number, alpha = 1): void {
  if (typeof others === 'number') op.addScalar_(handles(tensors), others);
  else op.add_(handles(tensors), handles(others), alpha);
}

/** tensors[i] *= factor (a number), or tensors[i] *= factors[i] (a list; 0-d tensors broadcast). */
export function mul_(tensors: List, factors: List | number): void {
  if (typeof factors === 'number') op.mulScalar_(handles(tensors), factors);
  else op.mul_(handles(tensors), handles(factors));
}

/** tensors[i] /= divisor. */
export function div_(tensors: List, divisor: number): void {
  op.div_(handles(tensors), divisor);
}

/** tensors[i] + value·a[i]·b[i], as new tensors. */
export function addcmul(tensors: List, a: List, b: List, value = 1): Tensor[] {
  return wrapAll(op.addcmul(handles(tensors), handles(a), handles(b), value));
}

/** tensors[i] += value·a[i]·b[i]. */
export function addcmul_(tensors: List, a: List, b: List, value = 1): void {
  op.addcmul_(handles(tensors), handles(a), handles(b), value);
}

/** tensors[i] += value·a[i]/b[i]. */
export function addcdiv_(tensors: List, a: List, b: List, value = 1): void {
  op.addcdiv_(handles(tensors), handles(a), handles(b), value);
}

/** √tensors[i], as new tensors. */
export function sqrt(tensors: List): Tensor[] {
  return wrapAll(op.sqrt(handles(tensors)));
}

/** tensors[i] = √tensors[i]. */
export function sqrt_(tensors: List): void {
  op.sqrt_(handles(tensors));
}

/** tensors[i] = max(tensors[i], others[i]) elementwise (0-d others broadcast). */
export function maximum_(tensors: List, others: List): void {
  op.maximum_(handles(tensors), handles(others));
}

/** tensors[i] = min(tensors[i], others[i]) elementwise (0-d others broadcast). */
export function minimum_(tensors: List, others: List): void {
  op.minimum_(handles(tensors), handles(others));
}

/** The p-norm of each tensor (Infinity: the largest absolute value), as 0-d tensors. */
export function norm(tensors: List, p = 2): Tensor[] {
  return wrapAll(op.norm(handles(tensors), p));
}

/** The gradients of those tensors that have one, in order. */
export function gradients(tensors: List): Tensor[] {
  const grads: Tensor[] = [];
  for (const tensor of tensors) {
    const grad = tensor.grad;
    if (grad) grads.push(grad);
  }
  return grads;
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
    return native.fusedAdamStep(handles(params), handles(grads), handles(expAvgs), handles(expAvgSqs), options);
  } catch (error) {
    translateNativeError(error, 'adamStep');
  }
}
