// Parameter counts of the MLP autoencoder in closed form, and the hidden width at which a deeper
// one has as many parameters as a reference: how depth-sweep varies depth without varying size.
import { ArgumentError } from '../tensor/errors.js';

/**
 * Weights and biases of mlp-ae (untied, no batch norm) with encoder widths input → hidden… →
 * latent and the mirrored decoder: each consecutive pair (a, b) gives a·b + b in the encoder and
 * b·a + a in the decoder.
 */
export function mlpAutoencoderParameters(input: number, hidden: readonly number[], latent: number): number {
  const widths = [input, ...hidden, latent];
  let total = 0;
  for (let i = 0; i + 1 < widths.length; i++) total += 2 * widths[i]! * widths[i + 1]! + widths[i]! + widths[i + 1]!;
  return total;
}

/**
 * The width w for `depth` hidden layers of w units each whose parameter count is nearest to
 * `target`. The count is quadratic in w, 2(depth − 1)w² + (2·input + 2·latent + 2·depth)w +
 * input + latent, so w is the positive root, rounded to the better of its two integer neighbours.
 */
export function equalParameterWidth(input: number, latent: number, depth: number, target: number): number {
  if (!Number.isInteger(depth) || depth < 1) throw new ArgumentError(`depth must be a positive integer, got ${depth}`);
  const a = 2 * (depth - 1);
  const b = 2 * input + 2 * latent + 2 * depth;
  const c = input + latent - target;
  const root = a === 0 ? -c / b : (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  if (!(root >= 1)) throw new ArgumentError(`no width reaches ${target} parameters with ${depth} hidden layers: the target is below the smallest such model`);
  const count = (w: number) => mlpAutoencoderParameters(input, new Array<number>(depth).fill(w), latent);
  const [low, high] = [Math.max(1, Math.floor(root)), Math.ceil(root)];
  return Math.abs(count(low) - target) <= Math.abs(count(high) - target) ? low : high;
}
