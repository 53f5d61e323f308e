// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_: a handful of
// `_foreach_` calls over all gradients at once, whatever the number of parameters.
import { aten } from '../tensor/ops.js';
import { ArgumentError } from '../tensor/errors.js';
import { native, type Handle } from '../tensor/native.js';
import type { Tensor } from '../tensor/tensor.js';

const op = {
  norm: aten('_foreach_norm.Scalar'), mul_: aten('_foreach_mul_.List'), maximum_: aten('_foreach_maximum_.List'),
  minimum_: aten('_foreach_minimum_.List'), stack: aten('stack'), vectorNorm: aten('linalg_vector_norm'),
  max: aten('max'), addScalar: aten('add.Scalar'), reciprocal: aten('reciprocal'), mulScalar: aten('mul.Scalar'),
  clamp: aten('clamp'), scalarTensor: aten('scalar_tensor'), item: aten('item'),
};

/**
 * Scales all gradients together so that their total norm (as if concatenated into one vector)
 * is at most maxNorm, and returns the total norm before clipping. normType is the p of the
 * p-norm (Infinity for the largest absolute value). Parameters without a gradient are skipped.
 */
export function clipGradNorm(parameters: readonly Tensor[], maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new ArgumentError(`clipGradNorm maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new ArgumentError(`clipGradNorm normType must be > 0 (or Infinity), got ${normType}`);
  return withGradients(parameters, (grads) => {
    if (grads.length === 0) return 0;
    const temporaries: Handle[] = [];
    const track = (handle: Handle): Handle => (temporaries.push(handle), handle);
    try {
      const norms = op.norm(grads, normType) as Handle[];
      temporaries.push(...norms);
      const stacked = track(op.stack(norms, 0) as Handle);
      const total = track((normType === Infinity ? op.max(stacked) : op.vectorNorm(stacked, normType, null, false, null)) as Handle);
      // PyTorch computes the coefficient in the gradients' precision: maxNorm / (total + 1e-6),
      // which Tensor.__rtruediv__ evaluates as reciprocal × maxNorm, capped at 1.
      const coefficient = track(op.clamp(track(op.mulScalar(track(op.reciprocal(track(op.addScalar(total, 1e-6, 1) as Handle)) as Handle), maxNorm) as Handle), null, 1) as Handle);
      op.mul_(grads, grads.map(() => coefficient));
      return Number(op.item(total));
    } finally {
      for (const handle of temporaries) native.dispose(handle);
    }
  });
}

/** Clamps every gradient element to [−clipValue, clipValue]. */
export function clipGradValue(parameters: readonly Tensor[], clipValue: number): void {
  if (!(clipValue >= 0)) throw new ArgumentError(`clipGradValue clipValue must be >= 0, got ${clipValue}`);
  withGradients(parameters, (grads) => {
    const bounds = new Map<string, [Handle, Handle]>();
    // One pair of 0-d bounds per dtype and device, broadcast over every gradient of that kind.
    const boundsOf = (grad: Handle): [Handle, Handle] => {
      const scalarType = native.scalarType(grad);
      const device = native.device(grad);
      const key = `${scalarType}@${device}`;
      let pair = bounds.get(key);
      if (!pair) {
        pair = [op.scalarTensor(-clipValue, scalarType, null, device) as Handle, op.scalarTensor(clipValue, scalarType, null, device) as Handle];
        bounds.set(key, pair);
      }
      return pair;
    };
    try {
      const pairs = grads.map(boundsOf);
      op.maximum_(grads, pairs.map(([low]) => low));
      op.minimum_(grads, pairs.map(([, high]) => high));
    } finally {
      for (const [low, high] of bounds.values()) native.dispose(low), native.dispose(high);
    }
  });
}

// The parameters' gradient handles (sharing the gradients' storage), disposed after `fn`.
function withGradients<T>(parameters: readonly Tensor[], fn: (grads: Handle[]) => T): T {
  const grads = parameters.map((p) => native.getGrad(p.handle)).filter((g): g is Handle => g !== null);
  try {
    return fn(grads);
  } finally {
    for (const grad of grads) native.dispose(grad);
  }
}
