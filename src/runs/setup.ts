// Builds everything a run configuration describes: the data sets, the model, the optimizer and
// the loaders. A resumed run calls it with the stored configuration and gets the same objects.
import type { Tensor } from '../tensor/tensor.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import { DataLoader } from '../data/loader.js';
import { loadDataset, type LoadedDataset } from '../data/datasets.js';
import type { Optimizer } from '../optim/optimizer.js';
import { createOptimizer } from '../optim/registry.js';
import { createLabModel, type LabModel } from '../models/registry.js';
import { isAdversarial } from '../models/adversarial.js';
import { ArgumentError } from '../tensor/errors.js';
import { formatNumber } from '../train/progress.js';
import type { RunConfig, TrainingConfig } from './config.js';
import { adversarialModelNames } from '../models/registry.js';
import type { TensorDataset } from '../data/loader.js';
import { labelledTraining } from './labels.js';
import { datasetTasks } from './tasks.js';
import type { TargetTask } from '../data/csv-dataset.js';
import { InverseTimeLR } from '../optim/schedulers/inverse-time.js';
import type { SchedulerConfig } from '../train/scheduler.js';

/** The train and test splits a run reads, with the sample shape and class count. */
export interface RunData {
  train: LoadedDataset;
  test: LoadedDataset;
  /** Shape of one sample, e.g. [1, 28, 28]. */
  inputShape: number[];
  numClasses?: number;
  /** The targets a model can predict (multitask-ae's heads): the classes, a value, or the csv columns. */
  tasks?: TargetTask[];
  /** Frees the splits' tensors. */
  dispose(): void;
}

/** Everything a run trains with, built from its configuration: data, model, optimizers and loaders. */
export interface PreparedRun {
  config: RunConfig;
  data: RunData;
  model: LabModel;
  /** The optimizer of an autoencoder; an adversarial model's first player's (see optimizers). */
  optimizer: Optimizer<{ lr: number }>;
  /** An adversarial model's optimizers by player ({ d, g }); null for an autoencoder. */
  optimizers: Record<string, Optimizer<{ lr: number }>> | null;
  trainLoader: DataLoader;
  testLoader: DataLoader;
  /** The labelled training samples of a --labels run (the head on the code trains on them); null otherwise. */
  labelled: TensorDataset | null;
  /** Frees the model, the optimizers' state and the data. */
  dispose(): void;
}

/**
 * The run's learning-rate schedule for a trainer over `train` (every rank's loader in a
 * data-parallel job, so that all step alike): lr / (1 + lrDecay·epochs), set every step; none
 * without lrDecay.
 */
export function runScheduler(config: RunConfig, optimizer: Optimizer<{ lr: number }>, train: DataLoader): SchedulerConfig | undefined {
  const decay = config.training.lrDecay;
  if (!decay) return undefined;
  return { scheduler: new InverseTimeLR(optimizer, { decay: decay / train.length }), interval: 'step' };
}

/** Loads the train and test splits of the configured data set. */
export function loadRunData(training: TrainingConfig): RunData {
  const train = loadDataset(training.dataset, { split: 'train', dataDir: training.dataDir, limit: training.trainLimit, seed: training.seed, target: training.target });
  let test: LoadedDataset;
  try {
    test = loadDataset(training.dataset, { split: 'test', dataDir: training.dataDir, limit: training.testLimit, seed: training.seed, target: training.target });
  } catch (error) {
    disposeDataset(train);
    throw error;
  }
  // a csv class column counts its classes over the whole file (the train split may lack the last)
  const numClasses = train.targetKind === 'class' ? (train.classes?.length ?? train.tasks?.[0]?.numClasses ?? maxLabel(train.targets) + 1) : undefined;
  return {
    train,
    test,
    inputShape: train.inputs.shape.slice(1),
    tasks: datasetTasks(train, numClasses),
    ...(numClasses !== undefined ? { numClasses } : {}),
    dispose: () => [train, test].forEach(disposeDataset),
  };
}

/** Data, model (initialised from the run's seed), optimizer and loaders of a run. */
export function prepareRun(config: RunConfig): PreparedRun {
  const { training } = config;
  const data = loadRunData(training);
  let labels: ReturnType<typeof labelledTraining> = null;
  try {
    if (config.model.conditional && data.numClasses === undefined) {
      throw new ArgumentError(`a conditional model needs class labels, and ${training.dataset} has none: drop --conditional or choose a labelled data set`);
    }
    if (training.batch > data.train.inputs.shape[0]!) {
      throw new ArgumentError(`batch size ${training.batch} is larger than the ${data.train.inputs.shape[0]} training samples: use a smaller --batch`);
    }
    checkLikelihoodRange(config, data.train);
    checkAdversarialRange(config, data.train);
    labels = labelledTraining(config.model.model, data.train, data.numClasses, training.labels, training.seed);
    manualSeed(training.seed); // the same seed gives the same initial weights
    const model = createLabModel(config.model, { inputShape: data.inputShape, tasks: data.tasks, ...(data.numClasses !== undefined ? { numClasses: data.numClasses } : {}) });
    const optimizers = isAdversarial(model) ? playerOptimizers(model.players(), training) : null;
    const optimizer = optimizers ? Object.values(optimizers)[0]! : createOptimizer(training.optimizer, model.parameters(), { ...training, betas: training.betas as [number, number] | undefined });
    // multitask-ae's heads read every kind of target; the other models only class labels.
    const withTargets = (set: LoadedDataset) => set.targetKind === 'class' || config.model.model === 'multitask-ae';
    const labelled = (set: LoadedDataset) => (withTargets(set) ? { inputs: set.inputs, targets: set.targets } : { inputs: set.inputs });
    const trainLoader = new DataLoader(labels?.train ?? labelled(data.train), { batchSize: training.batch, shuffle: true, seed: training.seed });
    const testLoader = new DataLoader(labelled(data.test), { batchSize: Math.max(training.batch, 256) });
    return {
      config,
      data,
      model,
      optimizer,
      optimizers,
      trainLoader,
      testLoader,
      labelled: labels?.labelled ?? null,
      dispose: () => {
        labels?.dispose();
        for (const o of optimizers ? Object.values(optimizers) : [optimizer]) o.dispose(); // their moments, before finalizers would get to them
        model.dispose();
        data.dispose();
      },
    };
  } catch (error) {
    labels?.dispose();
    data.dispose();
    throw error;
  }
}

/** Adversarial models' betas when none are given: DCGAN's (Radford et al. 2016), the field's usual choice. */
export const adversarialBetas: [number, number] = [0.5, 0.999];

// One optimizer per player, each over its own parameters: g at lrG, d at lrD, others at lr.
function playerOptimizers(players: Record<string, Tensor[]>, training: TrainingConfig): Record<string, Optimizer<{ lr: number }>> {
  const rates: Record<string, number | undefined> = { g: training.lrG, d: training.lrD };
  const betas = (training.betas as [number, number] | undefined) ?? adversarialBetas;
  return Object.fromEntries(
    Object.entries(players).map(([name, params]) => [name, createOptimizer(training.optimizer, params, { ...training, lr: rates[name] ?? training.lr, betas })]),
  );
}

/** Adversarial models see images in [0, 1] (scaled to [−1, 1] for their tanh output inside): other data is refused at set-up. */
function checkAdversarialRange(config: RunConfig, train: LoadedDataset): void {
  if (!adversarialModelNames.includes(config.model.model)) return;
  const [low, high] = tidy(() => [train.inputs.min().item(), train.inputs.max().item()]);
  if (low! >= 0 && high! <= 1) return;
  throw new ArgumentError(
    `${config.model.model} generates images in [0, 1] (${config.model.model === 'aae' ? 'a sigmoid output' : 'a tanh output over data scaled to [-1, 1]'}), and ${config.training.dataset} spans [${formatNumber(low!)}, ${formatNumber(high!)}]: train it on an image data set (mnist, fashion-mnist)`,
  );
}

/**
 * Binary cross-entropy (an AE's bce loss, a VAE's Bernoulli decoder) is a likelihood of targets in
 * [0, 1]: on other data it goes negative and the run trains toward nothing. Refused at set-up.
 */
function checkLikelihoodRange(config: RunConfig, train: LoadedDataset): void {
  const { model } = config;
  const bernoulli = model.model === 'm2' || model.model === 'm1m2' || (model.decoder !== undefined ? model.decoder === 'bernoulli' : model.reconstruction === 'bce'); // decoder: the VAE families
  if (!bernoulli) return;
  const [low, high] = tidy(() => [train.inputs.min().item(), train.inputs.max().item()]);
  if (low! >= 0 && high! <= 1) return;
  const range = `[${formatNumber(low!)}, ${formatNumber(high!)}]`;
  if (model.model === 'm2' || model.model === 'm1m2') throw new ArgumentError(`${model.model}'s Bernoulli decoder needs data in [0, 1], and ${config.training.dataset} spans ${range}: use semi-ae (--loss mse) for this data`);
  const what = model.reconstruction === 'bce' ? "reconstruction loss 'bce' (--loss bce)" : "decoder 'bernoulli' (the VAE default)";
  const fix = model.reconstruction === 'bce' ? "use --loss mse (reconstruction 'mse')" : "use --decoder gaussian (decoder 'gaussian')";
  throw new ArgumentError(`${what} needs data in [0, 1], and ${config.training.dataset} spans ${range}: ${fix}`);
}

/**
 * A warning line for a csv run whose decoder ends in a sigmoid while the file's inputs leave
 * [0, 1]: the reconstruction cannot reach them (mlp-ae's default suits images, not one's own
 * columns). Null otherwise.
 */
export function outputRangeWarning(config: RunConfig, train: LoadedDataset): string | null {
  if (config.training.dataset !== 'csv' || config.model.outputActivation !== 'sigmoid') return null;
  const [low, high] = tidy(() => [train.inputs.min().item(), train.inputs.max().item()]);
  if (low! >= 0 && high! <= 1) return null;
  return `warning: ${config.model.model}'s sigmoid output spans (0, 1), and the csv inputs span [${formatNumber(low!)}, ${formatNumber(high!)}]: add --output-activation identity (or scale the columns to [0, 1])`;
}

function disposeDataset(set: LoadedDataset): void {
  set.inputs.dispose();
  set.targets.dispose();
}

function maxLabel(targets: Tensor): number {
  return tidy(() => targets.max().item());
}
