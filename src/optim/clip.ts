// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_: a handful of
// `_foreach_` calls over all gradients at once, whatever the number of parameters.
import { ArgumentError } from '../tensor/errors.js';
import { scalar } from '../tensor/creation.js';
import * as foreach from '../tensor/foreach.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales all gradients together so that their total norm (as if concatenated into one vector)
 * is at most maxNorm, and returns the total norm before clipping. normType is the p of the
 * p-norm (Infinity for the largest absolute value). Parameters without a gradient are skipped.
 */
export function clipGradNorm(parameters: readonly Tensor[], maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new ArgumentError(`clipGradNorm maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new ArgumentError(`clipGradNorm normType must be > 0 (or Infinity), got ${normType}`);
  // tidy frees the gradient handles and the temporaries; the gradients themselves stay.
  return tidy(() => {
    const { grads } = foreach.gradients(parameters);
    if (grads.length === 0) return 0;
    const stacked = foreach.norm(grads, normType).stack();
    const total = normType === Infinity ? stacked.max() : stacked.norm(normType);
    // PyTorch computes the coefficient in the gradients' precision: maxNorm / (total + 1e-6),
    // which Tensor.__rtruediv__ evaluates as reciprocal × maxNorm, capped at 1.
    const coefficient = total.add(1e-6).reciprocal().mul(maxNorm).clamp(undefined, 1);
    foreach.mul_(grads, Array<Tensor>(grads.length).fill(coefficient));
    return total.item();
  });
}

/** Clamps every gradient element to [−clipValue, clipValue]. */
export function clipGradValue(parameters: readonly Tensor[], clipValue: number): void {
  if (!(clipValue >= 0)) throw new ArgumentError(`clipGradValue clipValue must be >= 0, got ${clipValue}`);
  tidy(() => {
    const { grads } = foreach.gradients(parameters);
    // One pair of 0-d bounds per dtype and device, broadcast over every gradient of that kind.
    const bounds = new Map<string, [Tensor, Tensor]>();
    const boundsOf = (grad: Tensor): [Tensor, Tensor] => {
      const { dtype, device } = grad;
      const key = `${dtype}@${device}`;
      let pair = bounds.get(key);
      if (!pair) bounds.set(key, (pair = [scalar(-clipValue, { dtype, device }), scalar(clipValue, { dtype, device })]));
      return pair;
    };
    const pairs = grads.toTensors().map(boundsOf);
    foreach.maximum_(grads, pairs.map(([low]) => low));
    foreach.minimum_(grads, pairs.map(([, high]) => high));
  });
}
