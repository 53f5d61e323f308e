// Latent optimisation on a recorded run: the class prototype of one class of the run's training
// data (beside its mean-code decoding and pixel mean), or the projection of an image file into
// the run's latent space. What `latentlab optimize-latent` draws.
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { loadDataset } from '../data/datasets.js';
import { readPngImage } from '../data/png-file.js';
import { classPrototype, optimizeLatent, type LatentOptimizationOptions } from '../analysis/latent-optimization.js';
import type { RunStore } from '../track/store.js';
import { loadRun } from './load.js';

export type LatentTarget = { kind: 'class'; label: number } | { kind: 'image'; path: string };

export interface RunLatentOptimization {
  runId: string;
  /** Rows of images to draw: [prototype, mean-code decoding, pixel mean] for a class; [target], [projection] for an image. */
  rows: Tensor[];
  /** Mean MSE per image drawn, named. */
  losses: Record<string, number>;
  /** The optimised code. */
  code: number[];
  /** The loss at the random start, for comparison. */
  startLoss: number;
  /** Images the loss was taken over. */
  images: number;
  dispose(): void;
}

export function optimizeRunLatent(store: RunStore, id: string, target: LatentTarget, options: LatentOptimizationOptions = {}): RunLatentOptimization {
  const loaded = loadRun(store, id);
  try {
    const { model, config } = loaded;
    if (target.kind === 'image') {
      if (model.conditional) throw new ArgumentError(`run ${loaded.run.id} is a conditional model: its decoder needs a class, give --class instead of --image`);
      const channels = model.inputShape[0];
      if (model.inputShape.length !== 3 || (channels !== 1 && channels !== 3)) throw new ArgumentError(`run ${loaded.run.id} models [${model.inputShape.join(', ')}] samples, not images: --image needs an image model`);
      const image = readPngImage(target.path, channels);
      try {
        const found = optimizeLatent(model, image, options);
        const code = Array.from(found.code.toTypedArray() as Float32Array);
        found.code.dispose();
        return { runId: loaded.run.id, rows: [image, found.image], losses: { projection: found.loss }, startLoss: found.history[0] ?? found.loss, code, images: 1, dispose: () => [image, found.image].forEach((t) => t.dispose()) };
      } catch (error) {
        image.dispose();
        throw error;
      }
    }
    const { training } = config;
    const classes = loaded.test.classes;
    if (loaded.test.targetKind !== 'class') throw new ArgumentError(`${training.dataset} has no classes: --class needs a labelled data set; use --image`);
    const count = classes?.length ?? 0;
    if (!Number.isInteger(target.label) || target.label < 0 || target.label >= count) {
      throw new ArgumentError(`--class ${target.label} is not a class of ${training.dataset}: its classes are 0 to ${count - 1}${classes ? ` (${classes.join(', ')})` : ''}`);
    }
    const train = loadDataset(training.dataset, { split: 'train', dataDir: training.dataDir, limit: training.trainLimit, seed: training.seed, target: training.target });
    try {
      const found = classPrototype(model, train.inputs, train.targets, target.label, options);
      const code = Array.from(found.code.toTypedArray() as Float32Array);
      return {
        runId: loaded.run.id,
        rows: [found.prototype, found.meanCodeDecoding, found.pixelMean],
        losses: { prototype: found.losses.prototype, mean_code: found.losses.meanCode, pixel_mean: found.losses.pixelMean },
        code,
        startLoss: found.startLoss,
        images: found.images,
        dispose: () => found.dispose(),
      };
    } finally {
      [train.inputs, train.targets].forEach((t) => t.dispose());
    }
  } finally {
    loaded.dispose();
  }
}
