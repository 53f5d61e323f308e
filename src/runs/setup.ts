// Builds everything a run configuration describes: the data sets, the model, the optimizer and
// the loaders. A resumed run calls it with the stored configuration and gets the same objects.
import type { Tensor } from '../tensor/tensor.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import { DataLoader } from '../data/loader.js';
import { loadDataset, type LoadedDataset } from '../data/datasets.js';
import type { Optimizer } from '../optim/optimizer.js';
import { createOptimizer } from '../optim/registry.js';
import { createModel } from '../models/registry.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { ArgumentError } from '../tensor/errors.js';
import { formatNumber } from '../train/progress.js';
import type { RunConfig, TrainingConfig } from './config.js';

export interface RunData {
  train: LoadedDataset;
  test: LoadedDataset;
  /** Shape of one sample, e.g. [1, 28, 28]. */
  inputShape: number[];
  numClasses?: number;
  dispose(): void;
}

export interface PreparedRun {
  config: RunConfig;
  data: RunData;
  model: Autoencoder;
  optimizer: Optimizer<{ lr: number }>;
  trainLoader: DataLoader;
  testLoader: DataLoader;
  dispose(): void;
}

/** Loads the train and test splits of the configured data set. */
export function loadRunData(training: TrainingConfig): RunData {
  const train = loadDataset(training.dataset, { split: 'train', dataDir: training.dataDir, limit: training.trainLimit, seed: training.seed });
  let test: LoadedDataset;
  try {
    test = loadDataset(training.dataset, { split: 'test', dataDir: training.dataDir, limit: training.testLimit, seed: training.seed });
  } catch (error) {
    disposeDataset(train);
    throw error;
  }
  const numClasses = train.targetKind === 'class' ? (train.classes?.length ?? maxLabel(train.targets) + 1) : undefined;
  return {
    train,
    test,
    inputShape: train.inputs.shape.slice(1),
    ...(numClasses !== undefined ? { numClasses } : {}),
    dispose: () => [train, test].forEach(disposeDataset),
  };
}

/** Data, model (initialised from the run's seed), optimizer and loaders of a run. */
export function prepareRun(config: RunConfig): PreparedRun {
  const { training } = config;
  const data = loadRunData(training);
  try {
    if (config.model.conditional && data.numClasses === undefined) {
      throw new ArgumentError(`a conditional model needs class labels, and ${training.dataset} has none: drop --conditional or choose a labelled data set`);
    }
    if (training.batch > data.train.inputs.shape[0]!) {
      throw new ArgumentError(`batch size ${training.batch} is larger than the ${data.train.inputs.shape[0]} training samples: use a smaller --batch`);
    }
    checkLikelihoodRange(config, data.train);
    manualSeed(training.seed); // the same seed gives the same initial weights
    const model = createModel(config.model, { inputShape: data.inputShape, ...(data.numClasses !== undefined ? { numClasses: data.numClasses } : {}) });
    const optimizer = createOptimizer(training.optimizer, model.parameters(), training);
    const labelled = (set: LoadedDataset) => (set.targetKind === 'class' ? { inputs: set.inputs, targets: set.targets } : { inputs: set.inputs });
    const trainLoader = new DataLoader(labelled(data.train), { batchSize: training.batch, shuffle: true, seed: training.seed });
    const testLoader = new DataLoader(labelled(data.test), { batchSize: Math.max(training.batch, 256) });
    return {
      config,
      data,
      model,
      optimizer,
      trainLoader,
      testLoader,
      dispose: () => {
        optimizer.dispose(); // its moments, before finalizers would get to them
        model.dispose();
        data.dispose();
      },
    };
  } catch (error) {
    data.dispose();
    throw error;
  }
}

/**
 * Binary cross-entropy (an AE's bce loss, a VAE's Bernoulli decoder) is a likelihood of targets in
 * [0, 1]: on other data it goes negative and the run trains toward nothing. Refused at set-up.
 */
function checkLikelihoodRange(config: RunConfig, train: LoadedDataset): void {
  const { model } = config;
  const bernoulli = model.model === 'vae' || model.model === 'conv-vae' ? model.decoder === 'bernoulli' : model.reconstruction === 'bce';
  if (!bernoulli) return;
  const [low, high] = tidy(() => [train.inputs.min().item(), train.inputs.max().item()]);
  if (low! >= 0 && high! <= 1) return;
  const range = `[${formatNumber(low!)}, ${formatNumber(high!)}]`;
  const what = model.reconstruction === 'bce' ? "reconstruction loss 'bce' (--loss bce)" : "decoder 'bernoulli' (the VAE default)";
  const fix = model.reconstruction === 'bce' ? "use --loss mse (reconstruction 'mse')" : "use --decoder gaussian (decoder 'gaussian')";
  throw new ArgumentError(`${what} needs data in [0, 1], and ${config.training.dataset} spans ${range}: ${fix}`);
}

function disposeDataset(set: LoadedDataset): void {
  set.inputs.dispose();
  set.targets.dispose();
}

function maxLabel(targets: Tensor): number {
  return tidy(() => targets.max().item());
}
