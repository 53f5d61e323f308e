// Functions of several tensors: concatenation, stacking, selection and Einstein summation.
import { aten } from './ops.js';
import { Tensor, handles, wrap, type Scalar } from './tensor.js';

const op = {
  cat: aten('cat'), stack: aten('stack'), where: aten('where.self'), whereScalarOther: aten('where.ScalarOther'),
  whereScalarSelf: aten('where.ScalarSelf'), whereScalar: aten('where.Scalar'), einsum: aten('einsum'),
  cdist: aten('cdist'), broadcastTensors: aten('broadcast_tensors'),
};

/** Tensors joined along an existing dimension. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(op.cat(handles(tensors), dim));
}

/** Tensors of one shape stacked along a new dimension. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(op.stack(handles(tensors), dim));
}

/** Elementwise `condition ? x : y`; x and y may be numbers. */
export function where(condition: Tensor, x: Tensor | Scalar, y: Tensor | Scalar): Tensor {
  if (x instanceof Tensor && y instanceof Tensor) return wrap(op.where(condition.handle, x.handle, y.handle));
  if (x instanceof Tensor) return wrap(op.whereScalarOther(condition.handle, x.handle, y as Scalar));
  if (y instanceof Tensor) return wrap(op.whereScalarSelf(condition.handle, x, y.handle));
  return wrap(op.whereScalar(condition.handle, x, y));
}

/** Einstein summation, e.g. einsum('bij,bjk->bik', a, b). */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  return wrap(op.einsum(equation, handles(tensors)));
}

/** Pairwise p-norm distances between the rows of x1 [.., P, M] and x2 [.., R, M]. */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  return wrap(op.cdist(x1.handle, x2.handle, p));
}

/** The tensors broadcast to their common shape. */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  return (op.broadcastTensors(handles(tensors)) as unknown[]).map((h) => wrap(h as never));
}
