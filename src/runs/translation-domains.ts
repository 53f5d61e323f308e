// The two labelled image domains of a translation: a built-in data set by name (mnist,
// fashion-mnist, ...) or a folder with one sub-folder of PNGs per class. A folder has no split:
// its images serve for training and for the metrics alike.
import { existsSync } from 'node:fs';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { datasetNames, loadDataset } from '../data/datasets.js';
import { readImageFolder } from '../data/png-folder.js';

export interface Domain {
  /** The name or folder given. */
  spec: string;
  kind: 'dataset' | 'folder';
  /** Images [N, C, H, W] in [0, 1]. */
  images: Tensor;
  labels: Tensor;
  classes: readonly string[];
  dispose(): void;
}

export interface DomainOptions {
  split: 'train' | 'test';
  limit?: number;
  /** Folders: 1 or 3 channels, or 'auto'. */
  channels?: 1 | 3 | 'auto';
}

export function loadDomain(spec: string, role: 'source' | 'target', options: DomainOptions): Domain {
  if ((datasetNames as readonly string[]).includes(spec)) {
    const set = loadDataset(spec, { split: options.split, ...(options.limit !== undefined ? { limit: options.limit } : {}) });
    const dispose = () => [set.inputs, set.targets].forEach((t) => t.dispose());
    if (set.targetKind !== 'class' || set.inputs.shape.length !== 4 || !set.classes) {
      dispose();
      throw new ArgumentError(`--${role} ${spec} is not a labelled image data set: a translation needs images with classes (mnist, fashion-mnist, cifar10, or a folder of class folders)`);
    }
    return { spec, kind: 'dataset', images: set.inputs, labels: set.targets, classes: set.classes, dispose };
  }
  if (!existsSync(spec)) throw new ArgumentError(`--${role} ${spec} is neither a data set (${datasetNames.join(', ')}) nor an existing folder`);
  // No limit here: readImageFolder's limit takes files in class order and would drop whole classes.
  const folder = readImageFolder(spec, { channels: options.channels ?? 'auto' });
  const images = options.channels === undefined || options.channels === 'auto' ? greyIfGrey(folder.images) : folder.images;
  return { spec, kind: 'folder', images, labels: folder.labels, classes: folder.classes, dispose: () => [images, folder.labels].forEach((t) => t.dispose()) };
}

/** Throws one clear line where the two domains cannot be paired class by class and pixel by pixel. */
export function checkPairable(source: Domain, target: Domain): void {
  if (source.classes.length !== target.classes.length) {
    throw new ArgumentError(`the source ${source.spec} has ${source.classes.length} classes and the target ${target.spec} has ${target.classes.length}: a translation pairs class k with class k, so both need the same number of classes`);
  }
  const [s, t] = [source.images.shape.slice(1), target.images.shape.slice(1)];
  if (s.length !== t.length || s.some((size, i) => size !== t[i])) {
    throw new ArgumentError(`the source ${source.spec} holds [${s.join(', ')}] images and the target ${target.spec} holds [${t.join(', ')}]: the translator maps images of one shape to that shape, so resize one set to the other's size`);
  }
}

// Grey images saved as RGB(A) PNGs (what most tools write) decode with colour type RGB: where every
// pixel has R = G = B they are grey, and the translator (and the 28×28 grey classifier) read one channel.
function greyIfGrey(images: Tensor): Tensor {
  if (images.shape[1] !== 3) return images;
  const grey = tidy(() => {
    const r = images.narrow(1, 0, 1);
    return r.sub(images.narrow(1, 1, 1)).abs().max().item() === 0 && r.sub(images.narrow(1, 2, 1)).abs().max().item() === 0;
  });
  if (!grey) return images;
  const single = tidy(() => images.narrow(1, 0, 1).contiguous());
  images.dispose();
  return single;
}
