// Fashion-MNIST (Xiao et al. 2017) from the four standard IDX files, by default the copy that
// Debian's dataset-fashion-mnist package installs (npm run setup installs it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { readIdx } from './idx.js';

export const debianFashionMnistDir = '/usr/share/datasets/fashion-mnist';

export interface ImageSplit {
  /** float32 in [0, 1], [N, 1, 28, 28] */
  images: Tensor;
  /** int64 class indices, [N] */
  labels: Tensor;
}

const files = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

function locate(dir: string, name: string): string {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(candidate)) return candidate;
  throw new FileFormatError(
    `Fashion-MNIST file ${name}(.gz) not found in ${dir}: install Debian's dataset-fashion-mnist (npm run setup does) or point --data-dir at the four IDX files`,
  );
}

/** One split of Fashion-MNIST, optionally only its first `limit` samples. */
export function loadFashionMnist(split: 'train' | 'test', options: { dir?: string; limit?: number } = {}): ImageSplit {
  const dir = options.dir ?? process.env.LATENTLAB_FASHION_MNIST ?? debianFashionMnistDir;
  const [imageFile, labelFile] = files[split];
  return tidy(() => {
    let images = readIdx(locate(dir, imageFile));
    let labels = readIdx(locate(dir, labelFile));
    if (options.limit !== undefined && options.limit < images.shape[0]!) {
      images = images.narrow(0, 0, options.limit);
      labels = labels.narrow(0, 0, options.limit);
    }
    return { images: images.unsqueeze(1).float().div(255), labels: labels.long() };
  });
}
