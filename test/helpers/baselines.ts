// Baselines a trained model must beat, computed in the test from the same data the model saw:
// a model that learned nothing, or only the average image, does not pass a check against them.
import { loadDataset, type LoadDatasetOptions } from '../../src/data/datasets.js';
import { tidy } from '../../src/tensor/scope.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** MSE per pixel of predicting the training images' mean image for every test image. */
export function meanImageMse(train: Tensor, test: Tensor): number {
  return tidy(() => test.sub(train.mean({ dim: 0 })).square().mean().item());
}

/** meanImageMse of a data set by name, on the splits `latentlab train --train-limit/--test-limit` would load. */
export function datasetMeanImageMse(name: string, limits: { train?: number; test?: number }, options: Omit<LoadDatasetOptions, 'split' | 'limit'> = {}): number {
  const train = loadDataset(name, { ...options, split: 'train', limit: limits.train });
  const test = loadDataset(name, { ...options, split: 'test', limit: limits.test });
  try {
    return meanImageMse(train.inputs, test.inputs);
  } finally {
    for (const tensor of [train.inputs, train.targets, test.inputs, test.targets]) tensor.dispose();
  }
}
