// Paths between latent codes: straight lines, or great circles as White (2016, "Sampling
// generative networks") recommends for Gaussian latents, whose mass lies near a sphere.
import { ArgumentError } from '../tensor/errors.js';
import { linspace, tidy, where, type Tensor } from '../tensor/index.js';

/** How interpolate walks between two codes: along the straight line, or along the great circle (slerp, for Gaussian or spherical codes). */
export type InterpolationMethod = 'linear' | 'slerp';

// Below this sin ω the two directions are (anti)parallel to rounding: the great circle through
// them is undefined (antiparallel) or indistinguishable from the chord (parallel).
const parallelSine = 1e-6;

/**
 * `steps` points from a to b, both endpoints included: a [d] and b [d] give [steps, d]; pairs
 * stacked as [..., d] give [..., steps, d].
 *
 * 'linear': (1 − t)·a + t·b.
 * 'slerp': the direction moves along the great circle from a/‖a‖ to b/‖b‖ at constant angular
 * speed, sin((1 − t)ω)/sin ω · â + sin(tω)/sin ω · b̂ with ω the angle between them, while the
 * norm goes linearly from ‖a‖ to ‖b‖. For endpoints of equal norm this is White's slerp exactly;
 * for unequal norms White's formula would bend the norm, this keeps it linear. Where the
 * vectors are (nearly) parallel or antiparallel (sin ω < 1e-6), or one is zero, the path is
 * the linear one.
 */
export function interpolate(a: Tensor, b: Tensor, steps: number, method: InterpolationMethod = 'linear'): Tensor {
  if (a.ndim === 0 || a.shape.join() !== b.shape.join()) {
    throw new ArgumentError(`interpolate needs endpoints of the same shape [..., d], got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  if (!Number.isInteger(steps) || steps < 2) throw new ArgumentError(`interpolate needs an integer steps ≥ 2 (both endpoints are included), got ${steps}`);
  if (method !== 'linear' && method !== 'slerp') throw new ArgumentError(`interpolation method must be 'linear' or 'slerp', got '${String(method)}'`);
  return tidy(() => {
    const t = linspace(0, 1, steps, { dtype: a.dtype, device: a.device }).unsqueeze(1); // [steps, 1]
    const from = a.unsqueeze(-2); // [..., 1, d]
    const to = b.unsqueeze(-2);
    const line = from.mul(t.neg().add(1)).add(to.mul(t)); // [..., steps, d]; exact at both ends
    return method === 'linear' ? line : slerp(from, to, t, line);
  });
}

function slerp(from: Tensor, to: Tensor, t: Tensor, line: Tensor): Tensor {
  const normFrom = from.norm(2, { dim: -1, keepdim: true }); // [..., 1, 1]
  const normTo = to.norm(2, { dim: -1, keepdim: true });
  const unitFrom = from.div(normFrom);
  const unitTo = to.div(normTo);
  // ω = 2·atan2(‖â − b̂‖, ‖â + b̂‖): accurate at every angle, where acos(â·b̂) loses half the
  // digits near 0 and π.
  const omega = unitFrom.sub(unitTo).norm(2, { dim: -1, keepdim: true }).atan2(unitFrom.add(unitTo).norm(2, { dim: -1, keepdim: true })).mul(2);
  const sine = omega.sin();
  const direction = t.neg().add(1).mul(omega).sin().mul(unitFrom).add(t.mul(omega).sin().mul(unitTo)).div(sine);
  const norm = normFrom.mul(t.neg().add(1)).add(normTo.mul(t)); // [..., steps, 1]
  // A zero endpoint gives NaN here, which fails ≥ and so falls back to the line too.
  const curved = sine.ge(parallelSine);
  return where(curved, direction.mul(norm), line);
}
