// The data of the linear-ae-vs-pca study: MNIST digits as [N, 784] rows, centred by the training
// mean, and the eigen-decomposition of the training covariance that sets the optimum.
import { loadDataset } from '../data/datasets.js';
import { keep, linalg, tidy, type Tensor } from '../tensor/index.js';

export interface PcaStudyData {
  /** Training and test digits [N, 784] in [0, 1], for PCA, which centres them itself. */
  train: Tensor;
  test: Tensor;
  /** The same, minus the training mean, for the linear autoencoders (which have no biases). */
  trainCentred: Tensor;
  testCentred: Tensor;
  /**
   * Eigenvalues λ₁ ≥ λ₂ ≥ … of the training covariance XᵀX/N of the centred data (N, not N − 1,
   * in the denominator): Σ_{i>k} λᵢ is then exactly the least mean squared training error of any
   * rank-k linear reconstruction.
   */
  eigenvalues: number[];
  /** The matching unit eigenvectors as columns, [784, 784] float64: the principal axes. */
  axes: Tensor;
  dispose(): void;
}

export function loadPcaStudyData(limits: { trainLimit?: number; testLimit?: number }): PcaStudyData {
  const rows = (split: 'train' | 'test', limit?: number): Tensor => {
    const set = loadDataset('mnist', { split, limit });
    set.targets.dispose();
    const flat = keep(set.inputs.flatten(1)); // [N, 784]
    set.inputs.dispose();
    return flat;
  };
  const train = rows('train', limits.trainLimit);
  const test = rows('test', limits.testLimit);
  const parts = tidy(() => {
    const mean = train.to('float64').mean({ dim: 0 }); // in float64: the mean of up to 60,000 rows must not lose digits
    const centred = train.to('float64').sub(mean);
    const { eigenvalues, eigenvectors } = linalg.eigh(centred.T.matmul(centred).div(train.shape[0]!)); // ascending
    return {
      trainCentred: centred.to('float32'),
      testCentred: test.to('float64').sub(mean).to('float32'),
      eigenvalues: eigenvalues.flip([0]),
      axes: eigenvectors.flip([1]).contiguous(),
    };
  });
  const eigenvalues = Array.from(parts.eigenvalues.toTypedArray() as Float64Array, (value) => Math.max(0, value)); // rounding can leave −1e-16
  parts.eigenvalues.dispose();
  const { trainCentred, testCentred, axes } = parts;
  return { train, test, trainCentred, testCentred, eigenvalues, axes, dispose: () => [train, test, trainCentred, testCentred, axes].forEach((t) => t.dispose()) };
}

/** Σ_{i>k} λᵢ: the least mean squared training error of a rank-k linear reconstruction. */
export function discardedVariance(eigenvalues: readonly number[], k: number): number {
  return eigenvalues.slice(k).reduce((sum, value) => sum + value, 0);
}
