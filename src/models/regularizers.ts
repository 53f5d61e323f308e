// The regularisers of the deterministic autoencoders, written as short strings in configurations:
// denoising ('gaussian:0.3', 'mask:0.25') corrupts the input in training (Vincent et al. 2008);
// sparsity ('l1:1e-3', 'kl:0.05') penalises the code (Ng 2011, "Sparse autoencoder" notes).
import { randLike, randnLike } from '../tensor/creation.js';
import { where } from '../tensor/combine.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** Input corruption of a denoising autoencoder: Gaussian noise of std `std`, or masking a `fraction` of the inputs to 0. */
export type Denoise = { kind: 'gaussian'; std: number } | { kind: 'mask'; fraction: number };
/** Code sparsity penalty: L1 on the code times `weight`, or KL between a target mean activation and the units' mean activations. */
export type Sparsity = { kind: 'l1'; weight: number } | { kind: 'kl'; target: number; weight: number };

/**
 * Weight of the KL sparsity penalty when 'kl:<target>' gives none. The penalty sums over code
 * units while the default reconstruction (mse) averages over pixels, so it needs a weight well
 * below 1 not to drown the reconstruction: at 0.1 a 32-unit code at twice its target (0.1 vs
 * 0.05) costs ≈ 0.06, the size of an untrained model's mse on images.
 */
export const defaultKLSparsityWeight = 0.1;

// 'name:a[:b]' → name and finite numbers, or null when the text has another form.
function splitSpec(text: string): { kind: string; values: number[] } | null {
  const [kind = '', ...parts] = text.split(':');
  const values = parts.map((part) => (part.trim() === '' ? NaN : Number(part)));
  return values.length > 0 && values.every(Number.isFinite) ? { kind, values } : null;
}

/** Parses a denoising spec, 'gaussian:<std>' or 'mask:<fraction>', or throws an ArgumentError naming the forms. */
export function parseDenoise(text: string): Denoise {
  const spec = splitSpec(text);
  if (spec?.values.length === 1) {
    const [amount] = spec.values as [number];
    if (spec.kind === 'gaussian' && amount > 0) return { kind: 'gaussian', std: amount };
    if (spec.kind === 'mask' && amount > 0 && amount < 1) return { kind: 'mask', fraction: amount };
  }
  throw new ArgumentError(`--denoise expects gaussian:<std> (std > 0) or mask:<fraction> (0 < fraction < 1), got '${text}'`);
}

/** Parses a sparsity spec, 'l1:<weight>' or 'kl:<target>[:<weight>]', or throws an ArgumentError naming the forms. */
export function parseSparse(text: string): Sparsity {
  const spec = splitSpec(text);
  if (spec?.kind === 'l1' && spec.values.length === 1 && spec.values[0]! > 0) return { kind: 'l1', weight: spec.values[0]! };
  if (spec?.kind === 'kl' && spec.values.length <= 2) {
    const [target, weight = defaultKLSparsityWeight] = spec.values as [number, number?];
    if (target > 0 && target < 1 && weight > 0) return { kind: 'kl', target, weight };
  }
  throw new ArgumentError(`--sparse expects l1:<weight> or kl:<target activation>[:<weight>] (0 < target < 1, weight > 0), got '${text}'`);
}

/**
 * A corrupted copy of x: Gaussian noise of the given std, or each value zeroed independently
 * with probability `fraction`. Images (clampToUnit) stay in [0, 1], the range of their pixels.
 */
export function corrupt(x: Tensor, denoise: Denoise, options: { clampToUnit: boolean }): Tensor {
  return tidy(() => {
    if (denoise.kind === 'mask') return where(randLike(x).lt(denoise.fraction), 0, x);
    const noisy = x.add(randnLike(x).mul(denoise.std));
    return options.clampToUnit ? noisy.clamp(0, 1) : noisy;
  });
}

/**
 * The sparsity penalty of a code [N, latent], weighted:
 * - l1: weight · mean over samples of ‖z‖₁ (Keras' activity-regulariser convention);
 * - kl: weight · Σⱼ KL(ρ ‖ ρ̂ⱼ) between Bernoulli variables, ρ̂ⱼ the batch-mean activation of unit
 *   j. That needs activations in (0, 1): codes that are not (`codeInUnitInterval` false) go
 *   through a sigmoid first.
 */
export function sparsityPenalty(code: Tensor, sparse: Sparsity, codeInUnitInterval: boolean): Tensor {
  return tidy(() => {
    if (sparse.kind === 'l1') return code.abs().sum().mul(sparse.weight / code.shape[0]!);
    const rho = sparse.target;
    // Clamped so that a dead or saturated unit gives a large finite penalty, not inf or NaN.
    const rhoHat = (codeInUnitInterval ? code : code.sigmoid()).mean({ dim: 0 }).clamp(1e-6, 1 - 1e-6);
    const kl = rhoHat.log().neg().add(Math.log(rho)).mul(rho).add(rhoHat.neg().add(1).log().neg().add(Math.log(1 - rho)).mul(1 - rho));
    return kl.sum().mul(sparse.weight);
  });
}
