// The von Mises–Fisher distribution vMF(μ, κ) on the unit sphere S^{d−1} ⊂ R^d, density
// C_d(κ) exp(κ μᵀz), and what the hyperspherical VAE (Davidson et al. 2018) needs of it:
// reparameterised sampling by Wood's (1994) rejection sampler with the correction term of
// acceptance–rejection gradients (Naesseth et al. 2017), and the closed-form KL to the uniform
// distribution on the sphere. The Bessel functions are computed in doubles (bessel.ts) and enter
// autograd through their exact first derivatives.
import { cat } from '../tensor/combine.js';
import { full, ones, rand, randn, standardGamma, tensor, zeros } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { besselRatio, logBesselI, logGamma } from './bessel.js';

function checkDimension(d: number): void {
  if (!Number.isInteger(d) || d < 2) {
    throw new ArgumentError(`a von Mises–Fisher distribution needs a sphere S^(d−1) with d ≥ 2 (a latent size of at least 2), got d = ${d}`);
  }
}

/** log of the area 2π^{d/2}/Γ(d/2) of S^{d−1}: minus the log density of the uniform distribution on it. */
export function logSphereArea(d: number): number {
  return Math.log(2) + (d / 2) * Math.log(Math.PI) - logGamma(d / 2);
}

/** log C_d(κ) = (d/2 − 1) log κ − (d/2) log 2π − log I_{d/2−1}(κ), the log normaliser of vMF on S^{d−1}. */
export function logNormalizer(d: number, kappa: number): number {
  const nu = d / 2 - 1;
  return nu * Math.log(kappa) - (d / 2) * Math.log(2 * Math.PI) - logBesselI(nu, kappa);
}

/** KL(vMF(μ, κ) ‖ U(S^{d−1})) = κ A_d(κ) + log C_d(κ) + log |S^{d−1}|, in nats. */
export function klToUniformValue(d: number, kappa: number): number {
  return kappa * besselRatio(d / 2 - 1, kappa) + logNormalizer(d, kappa) + logSphereArea(d);
}

/**
 * The KL of each row's vMF(μ, κ) to the uniform distribution on S^{d−1}, [N], differentiable in
 * κ [N]: its value from klToUniformValue and its derivative dKL/dκ = κ A'(κ) = κ − κA² − (d − 1)A
 * (A' = 1 − A² − (d − 1)A/κ), joined as value + (κ − stop(κ))·stop(dKL/dκ).
 */
export function klVonMisesFisherToUniform(kappa: Tensor, d: number): Tensor {
  checkDimension(d);
  return tidy(() => {
    const values = kappa.detach().double().toTypedArray() as Float64Array;
    const slopes = values.map((k) => {
      const a = besselRatio(d / 2 - 1, k);
      return k - k * a * a - (d - 1) * a;
    });
    const kl = values.map((k) => klToUniformValue(d, k));
    const options = { dtype: kappa.dtype, device: kappa.device };
    return kappa.sub(kappa.detach()).mul(tensor(slopes, options)).add(tensor(kl, options));
  });
}

// b of Wood's sampler, (d−1)/(2κ + √(4κ² + (d−1)²)): the usual (−2κ + √(4κ² + (d−1)²))/(d−1)
// without its cancellation at large κ.
function woodB(kappa: number, d: number): number {
  return (d - 1) / (2 * kappa + Math.sqrt(4 * kappa * kappa + (d - 1) ** 2));
}

/**
 * One accepted proposal of Wood's (1994) rejection sampler per κ: ε ~ Beta((d−1)/2, (d−1)/2)
 * kept with probability ∝ the vMF density of w = h(ε, κ) = (1 − (1+b)ε)/(1 − (1−b)ε) over the
 * proposal's. Returns ε and 1 − ε (each exact: a ratio of two Gamma draws), from libtorch's
 * generator, so manualSeed fixes them.
 */
export function acceptedProposals(kappa: ArrayLike<number>, d: number): { epsilon: Float64Array; complement: Float64Array } {
  checkDimension(d);
  const n = kappa.length;
  for (let i = 0; i < n; i++) {
    // A NaN would be rejected forever: fail instead (in training, a sign of divergence).
    if (!(kappa[i]! > 0 && Number.isFinite(kappa[i]!))) throw new ArgumentError(`a von Mises–Fisher concentration κ must be a positive finite number, got ${kappa[i]} (if training diverged, lower the learning rate)`);
  }
  const epsilon = new Float64Array(n);
  const complement = new Float64Array(n);
  let pending = Array.from({ length: n }, (_, i) => i);
  while (pending.length > 0) {
    const m = pending.length;
    const [gammas, uniforms] = noGrad(() =>
      tidy(() => [standardGamma(full([2 * m], (d - 1) / 2, { dtype: 'float64' })).toTypedArray(), rand([m], { dtype: 'float64' }).toTypedArray()]),
    ) as [Float64Array, Float64Array];
    const rejected: number[] = [];
    pending.forEach((i, j) => {
      const k = kappa[i]!;
      const b = woodB(k, d);
      const x0 = (1 - b) / (1 + b);
      const c = k * x0 + (d - 1) * Math.log((4 * b) / (1 + b) ** 2); // κx₀ + (d−1)log(1 − x₀²)
      const sum = gammas[j]! + gammas[m + j]!;
      const e = sum > 0 ? Math.max(gammas[j]! / sum, 1e-300) : 0.5;
      const eComplement = sum > 0 ? Math.max(gammas[m + j]! / sum, 1e-300) : 0.5;
      const oneMinusW = (2 * b * e) / (eComplement + b * e);
      const w = 1 - oneMinusW;
      // log(1 − x₀w) with 1 − x₀ = 2b/(1+b) kept exact
      if (k * w + (d - 1) * Math.log((2 * b) / (1 + b) + x0 * oneMinusW) - c >= Math.log(uniforms[j]!)) {
        epsilon[i] = e;
        complement[i] = eComplement;
      } else rejected.push(i);
    });
    pending = rejected;
  }
  return { epsilon, complement };
}

export interface VonMisesFisherDraw {
  /** The draws, [N, d], on the unit sphere; differentiable in μ and κ (the reparameterisation gradient). */
  z: Tensor;
  /**
   * log(q(w)/r(w)) of each draw's cosine w = μᵀz under the target q and the proposal r, [N]:
   * its gradient in κ (ε fixed) times f(z) is the correction term of the rejection sampler's
   * gradient (Davidson et al. 2018, eq. 13; Naesseth et al. 2017). Apply with withRejectionCorrection.
   */
  logAcceptanceRatio: Tensor;
}

/**
 * z ~ vMF(μ, κ) for rows of μ [N, d] (unit vectors) and κ [N] (positive): w = h(ε, κ) from
 * Wood's sampler, v uniform on S^{d−2}, z' = (w, √(1−w²) v) about e₁, then the Householder
 * reflection taking e₁ to μ. The cosine part is computed in float64 (1 − w and 1 + w from ε and
 * 1 − ε, so nothing cancels at large κ) and z returned in μ's dtype.
 */
export function rsampleVonMisesFisher(mu: Tensor, kappa: Tensor): VonMisesFisherDraw {
  if (mu.ndim !== 2 || kappa.ndim !== 1 || kappa.shape[0] !== mu.shape[0]) {
    throw new ArgumentError(`rsampleVonMisesFisher expects μ [N, d] and κ [N], got [${mu.shape.join(', ')}] and [${kappa.shape.join(', ')}]`);
  }
  const [n, d] = mu.shape as [number, number];
  checkDimension(d);
  return tidy(() => {
    const kappaValues = kappa.detach().double().toTypedArray() as Float64Array;
    const { epsilon, complement } = acceptedProposals(kappaValues, d);
    const double = { dtype: 'float64' as const, device: mu.device };
    const e = tensor(epsilon, double);
    const eComplement = tensor(complement, double);
    const meanLength = tensor(kappaValues.map((k) => besselRatio(d / 2 - 1, k)), double); // A_d(κ), a constant
    const k = kappa.double();
    const b = k.mul(2).add(k.square().mul(4).add((d - 1) ** 2).sqrt()).reciprocal().mul(d - 1); // (N)
    const be = b.mul(e);
    const denominator = eComplement.add(be); // 1 − (1−b)ε
    const oneMinusW = be.mul(2).div(denominator);
    const onePlusW = eComplement.mul(2).div(denominator);
    const w = oneMinusW.neg().add(1); // (N)
    const radius = be.mul(eComplement).sqrt().mul(2).div(denominator); // √(1 − w²)
    const gaussian = randn([n, d - 1], double);
    const v = gaussian.div(gaussian.norm(2, { dim: 1, keepdim: true })); // (N, d−1) uniform on S^{d−2}
    const aboutE1 = cat([w.unsqueeze(1), v.mul(radius.unsqueeze(1))], 1).to(mu.dtype); // (N, d)
    const e1 = cat([ones([n, 1], { dtype: mu.dtype, device: mu.device }), zeros([n, d - 1], { dtype: mu.dtype, device: mu.device })], 1);
    const z = householder(aboutE1, mu, e1);
    // log q(w|κ) + log|∂h/∂ε| up to terms free of κ: κw + ((d−3)/2)log(1−w²) − log I_ν(κ) + ν log κ
    // + log b − 2 log(1 − (1−b)ε); the Bessel part enters through its derivative A_d(κ).
    const logAcceptanceRatio = k
      .mul(w)
      .add(oneMinusW.log().add(onePlusW.log()).mul((d - 3) / 2))
      .sub(k.mul(meanLength))
      .add(b.log())
      .sub(denominator.log().mul(2))
      .to(mu.dtype);
    return { z, logAcceptanceRatio };
  });
}

// Reflects rows of x across the hyperplane that swaps e₁ and μ: H = I − 2uuᵀ, u = (e₁ − μ)/‖e₁ − μ‖.
// Where μ = e₁ already, u = 0 and the rows pass unchanged.
function householder(x: Tensor, mu: Tensor, e1: Tensor): Tensor {
  const difference = e1.sub(mu);
  const u = difference.div(difference.norm(2, { dim: 1, keepdim: true }).clampMin(1e-12)); // (N, d)
  return x.sub(u.mul(x.mul(u).sum({ dim: 1, keepdim: true }).mul(2)));
}

/**
 * f + stop(f)·(ℓ − stop(ℓ)): the value of f [N], and the gradient of the rejection sampler's
 * expectation E[f(z)]: the reparameterisation part through f, the correction stop(f)·∇ℓ with ℓ
 * the draws' logAcceptanceRatio.
 */
export function withRejectionCorrection(f: Tensor, logAcceptanceRatio: Tensor): Tensor {
  return tidy(() => f.add(f.detach().mul(logAcceptanceRatio.sub(logAcceptanceRatio.detach()))));
}
