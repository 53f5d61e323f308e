// ATen's `out=` variants for loops that reuse preallocated buffers: each writes its result into
// `out` (resized if needed) instead of allocating a tensor, and returns `out`.
import { aten } from './ops.js';
import type { Tensor } from './tensor.js';

const op = { indexSelect: aten('index_select.out'), mul: aten('mul.out'), log: aten('log.out') };

/** source.indexSelect(dim, index), written into out. */
export function indexSelectOut(source: Tensor, dim: number, index: Tensor, out: Tensor): Tensor {
  op.indexSelect(source.handle, dim, index.handle, out.handle);
  return out;
}

/** a·b elementwise, written into out. */
export function mulOut(a: Tensor, b: Tensor, out: Tensor): Tensor {
  op.mul(a.handle, b.handle, out.handle);
  return out;
}

/** The natural logarithm of x, written into out. */
export function logOut(x: Tensor, out: Tensor): Tensor {
  op.log(x.handle, out.handle);
  return out;
}
