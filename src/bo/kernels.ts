// Stationary covariance functions with automatic relevance determination (one length scale per
// input coordinate), as scikit-learn's RBF and Matern: k(x, x') = σ² f(r), r the distance
// between x/ℓ and x'/ℓ. Tensor operations, so autograd gives the gradients with respect to the
// hyper-parameters (for the marginal likelihood) and to the inputs (for the acquisition).
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/index.js';

/** One of kernelNames. */
export type KernelName = 'rbf' | 'matern12' | 'matern32' | 'matern52';
/** The covariance kernels of the Gaussian process: RBF and Matérn with ν = 1/2, 3/2, 5/2 (as scikit-learn's). */
export const kernelNames: readonly KernelName[] = ['rbf', 'matern12', 'matern32', 'matern52'];

/** Returns `name` as a GP kernel name, or throws an ArgumentError listing the kernels. */
export function checkKernel(name: unknown): KernelName {
  if (!kernelNames.includes(name as KernelName)) {
    throw new ArgumentError(`unknown kernel '${String(name)}': expected one of ${kernelNames.join(', ')}`);
  }
  return name as KernelName;
}

/**
 * Cross-covariance [n, m] of the rows of a [n, d] and b [m, d] for length scales ℓ [d] and
 * signal variance σ² (0-d). Matérn's r is √(r²) with r² floored at 1e-30: the square root's
 * derivative is infinite at 0 (a point against itself), the floor makes it zero instead, which
 * is the true derivative of these kernels there.
 */
export function covariance(kernel: KernelName, a: Tensor, b: Tensor, lengthScales: Tensor, signalVariance: Tensor): Tensor {
  const scaledA = a.div(lengthScales);
  const scaledB = b.div(lengthScales);
  const squared = scaledA.unsqueeze(1).sub(scaledB.unsqueeze(0)).square().sum({ dim: -1 }); // [n, m]
  return shape(kernel, squared).mul(signalVariance);
}

function shape(kernel: KernelName, squared: Tensor): Tensor {
  if (kernel === 'rbf') return squared.mul(-0.5).exp();
  const r = squared.clamp(1e-30).sqrt();
  switch (kernel) {
    case 'matern12':
      return r.neg().exp();
    case 'matern32': {
      const s = r.mul(Math.sqrt(3));
      return s.add(1).mul(s.neg().exp());
    }
    case 'matern52': {
      const s = r.mul(Math.sqrt(5));
      return s.add(1).add(squared.mul(5 / 3)).mul(s.neg().exp());
    }
  }
}
