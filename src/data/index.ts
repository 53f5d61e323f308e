// torch.utils.data for latentlab: readers, built-in datasets, loaders and splits.
export { readIdx, decodeIdx } from './idx.js';
export { loadFashionMnist, type ImageSplit } from './fashion-mnist.js';
export { DataLoader, type Batch, type DataLoaderOptions, type TensorDataset } from './loader.js';
export { randomSplit, fewLabelSubset } from './split.js';
export { seededRandom, permutation } from './random.js';
