// The four-file IDX layout that MNIST and its drop-in replacements (Fashion-MNIST, KMNIST) share:
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
// each optionally gzipped, read into float32 images in [0, 1] and int64 labels.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { contentMismatch, type ExpectedContent } from './content-check.js';
import { readIdxFile } from './idx.js';

/** Images with class labels: what the image loaders (IDX, CIFAR-10, PNG folders) return. */
export interface ImageSplit {
  /** float32 in [0, 1], [N, C, H, W] ([N, 1, 28, 28] for the MNIST family) */
  images: Tensor;
  /** int64 class indices, [N] */
  labels: Tensor;
}

/** The two splits of a data set. */
export type Split = 'train' | 'test';

/** The IDX file names of the MNIST-style data sets, per split (images, labels). */
export const idxFileNames = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

export type IdxFileName = (typeof idxFileNames)[Split][number];

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
  /** What to do when a file is missing or not the expected one, e.g. 'run latentlab download mnist'. */
  hint: string;
  /** The published content of each file (decompressed); a file that differs is refused before it is read. */
  expected?: Readonly<Record<IdxFileName, ExpectedContent>>;
}

/**
 * One split from `dir`, optionally only its first `limit` samples (read alone from plain files,
 * whatever the files' size).
 */
export function loadIdxImages(dir: string, split: Split, options: IdxImageOptions): ImageSplit {
  const locate = (name: IdxFileName): string => {
    const path = findIdxFile(dir, name);
    if (path === null) throw new FileFormatError(`${options.dataset} file ${name}(.gz) not found in ${dir}: ${options.hint}`);
    const why = options.expected ? contentMismatch(path, options.expected[name]) : null;
    if (why !== null) throw new FileFormatError(`${options.dataset} file ${path} ${why}: ${options.hint}`);
    return path;
  };
  const [imageFile, labelFile] = idxFileNames[split];
  const imagePath = locate(imageFile);
  const labelPath = locate(labelFile);
  return tidy(() => {
    const images = readIdxFile(imagePath, { limit: options.limit });
    const labels = readIdxFile(labelPath, { limit: options.limit });
    if (images.shape.length !== 3 || labels.shape.length !== 1 || images.shape[0] !== labels.shape[0]) {
      throw new FileFormatError(
        `${imagePath} and ${labelPath} do not form a data set: images [${images.shape.join(', ')}] need shape [N, H, W] and labels [${labels.shape.join(', ')}] shape [N] with the same N`,
      );
    }
    return { images: images.data.unsqueeze(1).float().div(255), labels: labels.data.long() };
  });
}
