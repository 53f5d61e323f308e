// The four-file IDX layout that MNIST and its drop-in replacements (Fashion-MNIST, KMNIST) share:
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
// each optionally gzipped, read into float32 images in [0, 1] and int64 labels.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { readIdx } from './idx.js';

/** Images with class labels: what the image loaders (IDX, CIFAR-10, PNG folders) return. */
export interface ImageSplit {
  /** float32 in [0, 1], [N, C, H, W] ([N, 1, 28, 28] for the MNIST family) */
  images: Tensor;
  /** int64 class indices, [N] */
  labels: Tensor;
}

export type Split = 'train' | 'test';

export const idxFileNames = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The path of `name` or `name.gz` in `dir`, or null when neither exists. */
export function findIdxFile(dir: string, name: string): string | null {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(candidate)) return candidate;
  return null;
}

/** Whether `dir` holds all four files of the layout (plain or gzipped). */
export function hasIdxImageFiles(dir: string): boolean {
  return [...idxFileNames.train, ...idxFileNames.test].every((name) => findIdxFile(dir, name) !== null);
}

export interface IdxImageOptions {
  limit?: number;
  /** The data set's name for messages, e.g. 'Fashion-MNIST'. */
  dataset: string;
  /** What to do when a file is missing, e.g. 'run latentlab download mnist'. */
  hint: string;
}

/** One split from `dir`, optionally only its first `limit` samples. */
export function loadIdxImages(dir: string, split: Split, options: IdxImageOptions): ImageSplit {
  const locate = (name: string): string =>
    findIdxFile(dir, name) ?? (() => {
      throw new FileFormatError(`${options.dataset} file ${name}(.gz) not found in ${dir}: ${options.hint}`);
    })();
  const [imageFile, labelFile] = idxFileNames[split];
  return tidy(() => {
    const imagePath = locate(imageFile);
    const labelPath = locate(labelFile);
    let images = readIdx(imagePath);
    let labels = readIdx(labelPath);
    if (images.ndim !== 3 || labels.ndim !== 1 || images.shape[0] !== labels.shape[0]) {
      throw new FileFormatError(
        `${imagePath} and ${labelPath} do not form a data set: images [${images.shape.join(', ')}] need shape [N, H, W] and labels [${labels.shape.join(', ')}] shape [N] with the same N`,
      );
    }
    if (options.limit !== undefined && options.limit < images.shape[0]!) {
      images = images.narrow(0, 0, options.limit);
      labels = labels.narrow(0, 0, options.limit);
    }
    return { images: images.unsqueeze(1).float().div(255), labels: labels.long() };
  });
}
