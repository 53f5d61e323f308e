// The labelled train and test splits a study's classifier tasks share: loaded once, on the first
// task that runs (a study whose tasks are all reused never loads them), and freed by the study.
import { loadDataset, type DatasetName, type LoadedDataset } from '../data/datasets.js';
import type { TensorDataset } from '../data/loader.js';

export interface ClassificationData {
  train: TensorDataset & { targets: NonNullable<TensorDataset['targets']> };
  test: TensorDataset & { targets: NonNullable<TensorDataset['targets']> };
  numClasses: number;
}

export interface SharedClassificationData {
  get(): ClassificationData;
  dispose(): void;
}

/** The image sets, whose labels are classes with names. */
export type ImageDatasetName = Extract<DatasetName, 'mnist' | 'fashion-mnist' | 'cifar10'>;

/** The first `trainLimit` / `testLimit` samples of each split (all when not given). */
export function sharedClassificationData(dataset: ImageDatasetName, limits: { trainLimit?: number; testLimit?: number } = {}): SharedClassificationData {
  let data: ClassificationData | undefined;
  return {
    get() {
      if (data) return data;
      const train = loadDataset(dataset, { split: 'train', limit: limits.trainLimit });
      let test: LoadedDataset;
      try {
        test = loadDataset(dataset, { split: 'test', limit: limits.testLimit });
      } catch (error) {
        [train.inputs, train.targets].forEach((tensor) => tensor.dispose());
        throw error;
      }
      data = { train: { inputs: train.inputs, targets: train.targets }, test: { inputs: test.inputs, targets: test.targets }, numClasses: train.classes!.length };
      return data;
    },
    dispose() {
      if (!data) return;
      for (const tensor of [data.train.inputs, data.train.targets, data.test.inputs, data.test.targets]) tensor.dispose();
      data = undefined;
    },
  };
}
