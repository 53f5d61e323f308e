// The versions recorded with every run, so that a result can be traced to the code that made it,
// and the stamp of each data set it read, so that a run of an older copy of a data set (`mnist`
// was 8,000 training digits before it became the 60,000) is told apart from one of today's.
import { createHash } from 'node:crypto';
import { buildInfo } from '../tensor/runtime.js';
import { arange } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { loadDataset } from '../data/datasets.js';
import type { RunRecord } from '../track/store.js';
import { packageVersion } from '../util/package-version.js';

export { packageVersion } from '../util/package-version.js';

/** The versions of the code, and under `data:<name>` the stamp of each data set in `data` (see datasetStamp). */
export function runVersions(data: Readonly<Record<string, string>> = {}): Record<string, string> {
  const info = buildInfo();
  const stamps = Object.fromEntries(Object.entries(data).map(([name, stamp]) => [dataStampKey(name), stamp]));
  return { latentlab: packageVersion(), node: process.versions.node, libtorch: info.torchVersion, blas: `${info.blas} (${info.blasThreading})`, ...stamps };
}

/** The key of a run's versions that holds the stamp of data set (or folder) `name`. */
export function dataStampKey(name: string): string {
  return `data:${name}`;
}

// Every this-many-th image enters the checksum: a fingerprint that reads 1/64 of the pixels
// (MNIST's in a few milliseconds) besides every label and the sizes.
const imageStride = 64;

/**
 * A fingerprint of labelled images `parts` ([N, C, H, W] in [0, 1], labels [N]): the sample
 * counts and shape, then the first 16 hex digits of a sha256 over every label and every 64th
 * image's pixels as bytes. E.g. "60000+10000 [1, 28, 28] sha256:1e35582d42a90940".
 */
export function imagesStamp(parts: readonly { images: Tensor; labels: Tensor }[]): string {
  const hash = createHash('sha256');
  for (const { images, labels } of parts) {
    hash.update(`${images.shape.join('x')}\n`);
    const values = tidy(() => labels.contiguous().toTypedArray());
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    const pixels = tidy(() => images.indexSelect(0, arange(0, images.shape[0]!, imageStride)).mul(255).round().to('uint8').contiguous().toTypedArray());
    hash.update(pixels as Uint8Array);
  }
  const shape = parts[0]?.images.shape.slice(1) ?? [];
  return `${parts.map((part) => part.images.shape[0]).join('+')} [${shape.join(', ')}] sha256:${hash.digest('hex').slice(0, 16)}`;
}

const stamps = new Map<string, string | undefined>();

/**
 * The stamp of data set `name` as it loads now (from `dataDir` where given): imagesStamp of its
 * whole train and test splits; undefined for a set of points (generated from a seed, nothing to
 * change) or a csv file. Loads the data once per process.
 */
export function datasetStamp(name: string, dataDir?: string): string | undefined {
  const key = `${name}\0${dataDir ?? ''}`;
  if (stamps.has(key)) return stamps.get(key);
  if (name === 'csv') return undefined; // the user's own file, read with the run's --target: nothing shipped that could change under it
  const splits = (['train', 'test'] as const).map((split) => loadDataset(name, { split, ...(dataDir !== undefined ? { dataDir } : {}) }));
  try {
    const images = splits.every((set) => set.inputs.shape.length === 4 && set.targetKind === 'class');
    const stamp = images ? imagesStamp(splits.map((set) => ({ images: set.inputs, labels: set.targets }))) : undefined;
    stamps.set(key, stamp);
    return stamp;
  } finally {
    for (const set of splits) [set.inputs, set.targets].forEach((t) => t.dispose());
  }
}

/** The stamp of a training run's data set by its name (none for a set of points). */
export function trainingStamps(config: { training: { dataset: string; dataDir?: string } }): Record<string, string> {
  const stamp = datasetStamp(config.training.dataset, config.training.dataDir);
  return stamp !== undefined ? { [config.training.dataset]: stamp } : {};
}

/**
 * Why run `run`'s numbers may not be those its data sets give today: one line for each data set
 * of `current` (name → today's stamp) whose stamp the run lacks (recorded before stamps were) or
 * records otherwise. Empty where every stamp matches.
 */
export function dataStampWarnings(run: Pick<RunRecord, 'id' | 'versions'>, current: Readonly<Record<string, string | undefined>>): string[] {
  const warnings: string[] = [];
  for (const [name, stamp] of Object.entries(current)) {
    if (stamp === undefined) continue;
    const recorded = run.versions[dataStampKey(name)];
    if (recorded === undefined) {
      warnings.push(
        `warning: run ${run.id} records no stamp of the data set ${name} (it predates data stamps): it may have been trained on another copy of ${name} ` +
          `(mnist was the 8,000/2,000 digits of mnist-10k before it became 60,000/10,000); today's ${name} is ${stamp}`,
      );
    } else if (recorded !== stamp) {
      warnings.push(`warning: run ${run.id} was trained on ${name} as ${recorded}, and ${name} is now ${stamp}: its numbers are not comparable with runs on today's ${name}; train it again to compare`);
    }
  }
  return warnings;
}
