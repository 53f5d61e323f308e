// The size of a step's gradient, recorded every step and watched by gradientNormBelow.
import { stack } from '../tensor/combine.js';
import { aten } from '../tensor/ops.js';
import { handles, wrapAll, type Tensor } from '../tensor/tensor.js';

const foreachNorm = aten('_foreach_norm.Scalar');

/** ‖all gradients‖₂ in a few native calls (foreach norms, then the norm of the norms). */
export function gradientNorm(parameters: readonly Tensor[]): number {
  const grads = parameters.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  return stack(wrapAll(foreachNorm(handles(grads), 2))).norm().item();
}
