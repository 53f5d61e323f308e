// Runs with few labels (--labels N): which training samples keep their label (class-balanced,
// seeded), the training set each kind of model sees, and the classifier head on the code whose
// test accuracy the run records (test_head_accuracy).
import { ArgumentError } from '../tensor/errors.js';
import { randn, tensor } from '../tensor/creation.js';
import { cat } from '../tensor/combine.js';
import { noGrad } from '../tensor/autograd.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { permutation, seededRandom } from '../tensor/random.js';
import type { TensorDataset } from '../data/loader.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { VariationalAutoencoder } from '../models/vae.js';
import { MlpClassifier } from '../models/classifier.js';
import { isLabelledAutoencoder, unlabelledTarget, type ClassifyingAutoencoder } from '../models/supervised-ae.js';
import { trainClassifier } from '../train/classifier.js';
import type { TrainingConfig } from './config.js';
import { loadDataset } from '../data/datasets.js';

/** What a head on the code reads: the code (a VAE's posterior mean), a sample z ~ q(z|x), or (μ, log σ²). */
export type HeadInput = 'mean' | 'sample' | 'moments';

/** One line for a label count that cannot be honoured. */
export function checkLabelCount(labels: number, samples: number, numClasses: number): void {
  if (labels > samples) throw new ArgumentError(`--labels ${labels} is more than the ${samples} training samples: use at most ${samples}`);
  if (labels < numClasses) throw new ArgumentError(`--labels ${labels} is fewer than the ${numClasses} classes: use at least ${numClasses} (one label per class)`);
}

/**
 * Positions (ascending) of `count` training samples that keep their label: count/C of each class
 * (the remainder one more for the first classes in a seeded order), drawn in a seeded order, as
 * fewLabelSubset in src/data/split.ts does for whole per-class counts.
 */
export function labelledPositions(targets: Tensor, count: number, numClasses: number, seed: number): number[] {
  const labels = Array.from(targets.toTypedArray() as ArrayLike<number | bigint>, Number);
  checkLabelCount(count, labels.length, numClasses);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (const i of permutation(labels.length, seededRandom(seed))) byClass[labels[i]!]?.push(i);
  const extra = new Set(Array.from(permutation(numClasses, seededRandom(seed + 1))).slice(0, count % numClasses));
  const chosen: number[] = [];
  byClass.forEach((members, label) => {
    const wanted = Math.floor(count / numClasses) + (extra.has(label) ? 1 : 0);
    if (members.length < wanted) throw new ArgumentError(`class ${label} has only ${members.length} training samples, fewer than the ${wanted} that --labels ${count} takes of each: use fewer labels`);
    chosen.push(...members.slice(0, wanted));
  });
  return chosen.sort((a, b) => a - b);
}

function select(set: TensorDataset, positions: readonly number[]): TensorDataset {
  return tidy(() => {
    const index = tensor(BigInt64Array.from(positions, (i) => BigInt(i)));
    return { inputs: set.inputs.indexSelect(0, index), targets: set.targets!.indexSelect(0, index) };
  });
}

/** The labelled part of a training set. */
export function labelledSubset(train: TensorDataset, positions: readonly number[]): TensorDataset {
  return select(train, positions);
}

/** About this fraction of a semi-supervised training set is labelled copies, so that most batches hold some. */
export const labelledShare = 0.1;

/**
 * A semi-supervised training set: every sample, unlabelled ones with target −1, and the labelled
 * ones repeated so that they make up about a tenth of it (with 100 labels among 60,000 a batch of
 * 128 would hold one labelled sample in five batches otherwise).
 */
export function semiSupervisedSet(train: TensorDataset, positions: readonly number[]): TensorDataset {
  const n = train.inputs.shape[0]!;
  const unlabelled = n - positions.length;
  const repeats = Math.max(1, Math.round((labelledShare * unlabelled) / ((1 - labelledShare) * positions.length)));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let r = 1; r < repeats; r++) order.push(...positions);
  const kept = new Set(positions);
  const original = Array.from(train.targets!.toTypedArray() as ArrayLike<number | bigint>, Number);
  const targets = BigInt64Array.from(order, (i, k) => BigInt(k >= n || kept.has(i) ? original[i]! : unlabelledTarget));
  return tidy(() => {
    const index = tensor(BigInt64Array.from(order, (i) => BigInt(i)));
    return { inputs: train.inputs.indexSelect(0, index), targets: tensor(targets) };
  });
}

/** Test accuracy of a model's own head (supervised-ae, semi-ae, m2), in eval mode. */
export function headAccuracy(model: ClassifyingAutoencoder, test: TensorDataset, batchSize = 500): number {
  const wasTraining = model.training;
  model.eval();
  try {
    const n = test.inputs.shape[0]!;
    let correct = 0;
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        correct += tidy(() => model.classify(test.inputs.narrow(0, start, size)).argmax(1).eq(test.targets!.narrow(0, start, size)).sum().item());
      }
    });
    return correct / n;
  } finally {
    model.train(wasTraining);
  }
}

/** The features a head reads of a batch's codes, in eval mode, without a graph. */
export function codeFeatures(model: Autoencoder, inputs: Tensor, input: HeadInput, batchSize = 500): Tensor {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const parts: Tensor[] = [];
      const n = inputs.shape[0]!;
      for (let start = 0; start < n; start += batchSize) {
        parts.push(tidy(() => codeBatch(model, inputs.narrow(0, start, Math.min(batchSize, n - start)), input)));
      }
      const all = cat(parts, 0);
      parts.forEach((part) => part.dispose());
      return all;
    });
  } finally {
    model.train(wasTraining);
  }
}

function codeBatch(model: Autoencoder, x: Tensor, input: HeadInput): Tensor {
  if (input === 'mean') return model.encode(x);
  if (!(model instanceof VariationalAutoencoder)) throw new ArgumentError(`--head-input ${input} reads a Gaussian posterior q(z|x), which this model does not have: use --head-input mean`);
  const { mu, logvar } = model.posterior(x);
  if (input === 'moments') return cat([mu, logvar], 1); // [N, 2·latent]
  return mu.add(logvar.mul(0.5).exp().mul(randn(mu.shape, { dtype: mu.dtype, device: mu.device }))); // z = μ + σ·ε
}

export interface ProbeOptions {
  input: HeadInput;
  seed: number;
  /** Optimizer steps of the head (Adam, full batches of at most 256). */
  steps?: number;
}

/**
 * Trains a linear softmax head on the frozen codes of the labelled samples and returns its test
 * accuracy: what --labels gives any autoencoder run. A sampled input draws 10 codes per labelled
 * sample to train on and one per test sample.
 */
export async function probeHeadAccuracy(model: Autoencoder, labelled: TensorDataset, test: TensorDataset, options: ProbeOptions): Promise<number> {
  const { input, seed, steps = 500 } = options;
  manualSeed(seed);
  const draws = input === 'sample' ? 10 : 1;
  const trainInputs = draws > 1 ? labelled.inputs.repeat(draws, ...labelled.inputs.shape.slice(1).map(() => 1)) : labelled.inputs;
  const features = codeFeatures(model, trainInputs, input);
  if (trainInputs !== labelled.inputs) trainInputs.dispose();
  const trainTargets = draws > 1 ? labelled.targets!.repeat(draws) : labelled.targets!;
  const testFeatures = codeFeatures(model, test.inputs, input);
  const numClasses = tidy(() => Math.max(labelled.targets!.max().item(), test.targets!.max().item()) + 1);
  const head = new MlpClassifier({ inputShape: [features.shape[1]!], numClasses, hidden: [] });
  try {
    const outcome = await trainClassifier({
      model: head,
      parameters: head.parameters(),
      optimizer: { name: 'adam', lr: 1e-2 },
      train: { inputs: features, targets: trainTargets },
      test: { inputs: testFeatures, targets: test.targets! },
      batch: 256,
      seed,
      steps,
    });
    return outcome.testAccuracy;
  } finally {
    head.dispose();
    features.dispose();
    testFeatures.dispose();
    if (trainTargets !== labelled.targets) trainTargets.dispose();
  }
}

/** The run's test_head_accuracy: the model's own head, or a head trained on the codes of the labelled samples; none without labels. */
export async function headMetrics(model: Autoencoder, labelled: TensorDataset | null, test: TensorDataset, options: ProbeOptions): Promise<Record<string, number>> {
  if (isLabelledAutoencoder(model)) return { test_head_accuracy: headAccuracy(model, test) };
  if (!labelled || !test.targets) return {};
  return { test_head_accuracy: await probeHeadAccuracy(model, labelled, test, options) };
}

/** The training set of a --labels run and its labelled part; dispose() frees what was made here. */
export interface LabelledTraining {
  /** What the model trains on: the labelled part (supervised-ae, multitask-ae), every sample with the labelled ones repeated (semi-ae), or null for the data set unchanged. */
  train: TensorDataset | null;
  labelled: TensorDataset;
  dispose(): void;
}

/** For a run with `labels`: the labelled samples, and the training set its model sees. Null without --labels. */
export function labelledTraining(model: string, train: TensorDataset, numClasses: number | undefined, labels: number | undefined, seed: number): LabelledTraining | null {
  if (labels === undefined) return null;
  if (numClasses === undefined || !train.targets) throw new ArgumentError(`--labels ${labels} needs class labels, and the data set has none: choose a labelled data set (mnist, fashion-mnist, ...)`);
  const positions = labelledPositions(train.targets, labels, numClasses, seed);
  const labelled = labelledSubset(train, positions);
  const own = model === 'semi-ae' || model === 'm2' || model === 'm1m2' ? semiSupervisedSet(train, positions) : model === 'supervised-ae' || model === 'multitask-ae' ? labelled : null;
  const free = (set: TensorDataset) => [set.inputs, set.targets].forEach((t) => t?.dispose());
  return { train: own, labelled, dispose: () => (free(labelled), own && own !== labelled ? free(own) : undefined) };
}

/**
 * test_head_accuracy of a recorded run (latentlab eval): its own head, or the head on the code
 * trained again on the run's labelled samples (the same seed picks the same ones, and the same
 * seed trains the same head).
 */
export async function recordedHeadMetrics(model: Autoencoder, training: TrainingConfig, test: TensorDataset): Promise<Record<string, number>> {
  if (isLabelledAutoencoder(model)) return { test_head_accuracy: headAccuracy(model, test) };
  if (training.labels === undefined || !test.targets) return {};
  // as loadRunData loads it, without the test split that the caller holds already
  const train = loadDataset(training.dataset, { split: 'train', dataDir: training.dataDir, limit: training.trainLimit, seed: training.seed, target: training.target });
  try {
    const numClasses = train.classes?.length ?? tidy(() => train.targets.max().item()) + 1;
    const labelled = labelledSubset(train, labelledPositions(train.targets, training.labels, numClasses, training.seed));
    try {
      return { test_head_accuracy: await probeHeadAccuracy(model, labelled, test, { input: training.headInput ?? 'mean', seed: training.seed }) };
    } finally {
      [labelled.inputs, labelled.targets].forEach((t) => t?.dispose());
    }
  } finally {
    [train.inputs, train.targets].forEach((t) => t.dispose());
  }
}
