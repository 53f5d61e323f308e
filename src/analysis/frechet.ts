// Fréchet distance between two sets of features, each taken as a Gaussian of its mean and
// covariance (Heusel et al. 2017's FID, here on the reference classifier's penultimate features):
//   FD = |μ1 − μ2|² + tr(C1) + tr(C2) − 2 tr((C1 C2)^½)
// tr((C1 C2)^½) is computed as tr((C1^½ C2 C1^½)^½): C1^½ C2 C1^½ is symmetric positive
// semi-definite with the same eigenvalues as C1 C2, so two symmetric eigendecompositions replace
// the general matrix square root (scipy's sqrtm) and its complex round-off.
import { ArgumentError } from '../tensor/errors.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import * as linalg from '../tensor/linalg.js';

/** Mean and covariance of a feature set, in float64: the statistics the Fréchet distance compares. */
export interface FeatureStatistics {
  /** [D] float64 */
  mean: Tensor;
  /** [D, D] float64, unbiased (n − 1), as numpy's cov. */
  covariance: Tensor;
  /** Samples the statistics were taken over. */
  count: number;
  /** Frees the mean and covariance tensors. */
  dispose(): void;
}

/** Mean and covariance of features [N, D] (N ≥ 2), in float64. */
export function featureStatistics(features: Tensor): FeatureStatistics {
  if (features.ndim !== 2) throw new ArgumentError(`featureStatistics expects features [N, D], got shape [${features.shape.join(', ')}]`);
  const n = features.shape[0]!;
  if (n < 2) throw new ArgumentError(`a covariance needs at least 2 samples, got ${n}`);
  const [mean, covariance] = tidy(() => {
    const x = features.double(); // [N, D]
    const mean = x.mean({ dim: 0 }); // [D]
    const centred = x.sub(mean);
    return [keep(mean), keep(centred.t().matmul(centred).div(n - 1))]; // [D, D]
  });
  return { mean, covariance, count: n, dispose: () => [mean, covariance].forEach((t) => t.dispose()) };
}

/** The square root of a symmetric positive semi-definite matrix, through its eigendecomposition (negative round-off eigenvalues clipped to 0). */
export function psdSquareRoot(matrix: Tensor): Tensor {
  return tidy(() => {
    const symmetric = matrix.add(matrix.t()).div(2);
    const { eigenvalues, eigenvectors } = linalg.eigh(symmetric);
    return eigenvectors.mul(eigenvalues.clampMin(0).sqrt()).matmul(eigenvectors.t()); // V diag(√λ) Vᵀ
  });
}

/** The Fréchet distance between the Gaussians of two feature statistics. */
export function frechetDistance(a: Pick<FeatureStatistics, 'mean' | 'covariance'>, b: Pick<FeatureStatistics, 'mean' | 'covariance'>): number {
  if (a.mean.shape[0] !== b.mean.shape[0]) throw new ArgumentError(`the feature statistics have ${a.mean.shape[0]} and ${b.mean.shape[0]} dimensions: compare features of one classifier`);
  return tidy(() => {
    const [m1, m2, c1, c2] = [a.mean, b.mean, a.covariance, b.covariance].map((t) => t.double());
    const difference = m1!.sub(m2!).square().sum().item();
    const root1 = psdSquareRoot(c1!);
    const inner = root1.matmul(c2!).matmul(root1); // C1^½ C2 C1^½, PSD
    const crossTrace = linalg.eigvalsh(inner.add(inner.t()).div(2)).clampMin(0).sqrt().sum().item();
    // Round-off can take an identical pair a hair below 0.
    return Math.max(0, difference + c1!.trace().item() + c2!.trace().item() - 2 * crossTrace);
  });
}

/** The Fréchet distance between two feature sets [N, D] and [M, D]. */
export function frechetDistanceOf(a: Tensor, b: Tensor): number {
  const first = featureStatistics(a);
  try {
    const second = featureStatistics(b);
    try {
      return frechetDistance(first, second);
    } finally {
      second.dispose();
    }
  } finally {
    first.dispose();
  }
}
