// CIFAR-10 (Krizhevsky 2009) from its binary version (cifar-10-binary.tar.gz): data_batch_1..5.bin
// for training and test_batch.bin, each a run of 3073-byte records: one label byte, then the
// 32×32 image as 1024 red, 1024 green and 1024 blue bytes, rows top to bottom.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { cat } from '../tensor/combine.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ImageSplit, Split } from './idx-images.js';

/** CIFAR-10's class names, by label. */
export const cifar10Classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

export const cifar10Files = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;

/** The folder the archive unpacks into, looked for inside the folder the user names. */
export const cifar10ArchiveFolder = 'cifar-10-batches-bin';

const recordBytes = 1 + 3 * 32 * 32;

/** One binary batch file: images uint8 [N, 3, 32, 32] and labels int64 [N]. */
export function readCifar10Batch(path: string): { images: Tensor; labels: Tensor } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? `CIFAR-10 file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytes.length === 0 || bytes.length % recordBytes !== 0) {
    throw new FileFormatError(
      `${path} is not a CIFAR-10 binary batch: its ${bytes.length} bytes are not a whole number of ${recordBytes}-byte records (the file is truncated, or it is the Python pickle version: use cifar-10-binary.tar.gz)`,
    );
  }
  const count = bytes.length / recordBytes;
  return tidy(() => {
    const records = tensor(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { shape: [count, recordBytes] });
    const labels = records.select(1, 0).long();
    const largest = labels.max().item();
    if (largest > 9) {
      throw new FileFormatError(`${path} is not a CIFAR-10 binary batch: a record has label ${largest}, beyond the 10 classes (CIFAR-100's binary files have two label bytes and are not read here)`);
    }
    return { images: records.narrow(1, 1, recordBytes - 1).reshape(count, 3, 32, 32), labels };
  });
}

/** The folder holding the batch files: `dir` itself or its cifar-10-batches-bin subfolder. */
export function findCifar10Dir(dir: string): string | null {
  for (const candidate of [dir, join(dir, cifar10ArchiveFolder)]) {
    if (existsSync(join(candidate, cifar10Files.test[0])) || existsSync(join(candidate, cifar10Files.train[0]))) return candidate;
  }
  return null;
}

/** One split of CIFAR-10 (50,000 / 10,000): images float32 [N, 3, 32, 32] in [0, 1], labels int64. */
export function loadCifar10(split: Split, options: { dir: string; limit?: number }): ImageSplit {
  if (split !== 'train' && split !== 'test') throw new ArgumentError(`split must be 'train' or 'test', got '${String(split)}'`);
  const folder = findCifar10Dir(options.dir);
  const hint = "download cifar-10-binary.tar.gz (downloadDataset('cifar10', { dir }) fetches and unpacks it) and point the data folder at it";
  if (!folder) throw new FileFormatError(`no CIFAR-10 batch files (${cifar10Files.train[0]}, ${cifar10Files.test[0]}, …) in ${options.dir} or its ${cifar10ArchiveFolder} folder: ${hint}`);
  return tidy(() => {
    const images: Tensor[] = [];
    const labels: Tensor[] = [];
    let count = 0;
    for (const name of cifar10Files[split]) {
      if (options.limit !== undefined && count >= options.limit) break;
      const path = join(folder, name);
      if (!existsSync(path)) throw new FileFormatError(`CIFAR-10 file ${name} not found in ${folder}: ${hint}`);
      const batch = readCifar10Batch(path);
      images.push(batch.images);
      labels.push(batch.labels);
      count += batch.labels.shape[0]!;
    }
    let allImages = images.length === 1 ? images[0]! : cat(images);
    let allLabels = labels.length === 1 ? labels[0]! : cat(labels);
    if (options.limit !== undefined && options.limit < count) {
      allImages = allImages.narrow(0, 0, options.limit);
      allLabels = allLabels.narrow(0, 0, options.limit);
    }
    return { images: allImages.float().div(255), labels: allLabels };
  });
}
