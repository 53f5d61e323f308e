// The linear optimum of the activation-table study: the best bias-free rank-k linear
// reconstruction of the training digits, the projection onto the top k eigenvectors of their
// uncentred second-moment matrix XᵀX/N (no mean is removed: the model has no biases to remove it).
import { loadDataset } from '../data/datasets.js';
import { linalg, tidy, type Tensor } from '../tensor/index.js';

/**
 * For each k: the test loss ½‖x − VₖVₖᵀx‖² per digit of that projection (Vₖ from the training
 * subset), on the test subset of MNIST; one eigendecomposition serves every k.
 */
export function linearOptimumTestLosses(dataset: string, limits: { trainLimit?: number; testLimit?: number }, ks: readonly number[]): number[] {
  const rows = (split: 'train' | 'test', limit?: number): Tensor => {
    const set = loadDataset(dataset, { split, limit });
    try {
      return tidy(() => set.inputs.flatten(1).to('float64')); // [N, 784], float64: 60,000 rows summed
    } finally {
      [set.inputs, set.targets].forEach((t) => t.dispose());
    }
  };
  const train = rows('train', limits.trainLimit);
  const test = rows('test', limits.testLimit);
  try {
    const axes = tidy(() => linalg.eigh(train.T.matmul(train).div(train.shape[0]!)).eigenvectors.flip([1]).contiguous()); // [784, 784], descending
    try {
      return ks.map((k) =>
        tidy(() => {
          const v = axes.narrow(1, 0, k); // [784, k]
          return test.matmul(v).matmul(v.T).sub(test).square().sum({ dim: 1 }).mean().item() / 2;
        }),
      );
    } finally {
      axes.dispose();
    }
  } finally {
    [train, test].forEach((t) => t.dispose());
  }
}
