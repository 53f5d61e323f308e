// The size of a step's gradient, recorded every step and watched by gradientNormBelow.
import * as foreach from '../tensor/foreach.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** ‖all gradients‖₂ in a few native calls (foreach norms, then the norm of the norms). */
export function gradientNorm(parameters: readonly Tensor[]): number {
  return tidy(() => {
    const { grads } = foreach.gradients(parameters);
    if (grads.length === 0) return 0;
    return foreach.norm(grads, 2).stack().norm().item();
  });
}
