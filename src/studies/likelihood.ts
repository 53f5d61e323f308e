// The likelihood study: the standard number of a VAE, the test log-likelihood log p(x) on
// dynamically binarized MNIST (each training pixel drawn Bernoulli(intensity) anew every epoch;
// the test set binarized once with a fixed seed), estimated by importance sampling with k draws
// of q(z|x) (the k-sample bound of Burda et al. 2016, which tends to log p(x) as k grows), for
// the MLP of the IWAE paper (784-200-200-50, tanh, Bernoulli decoder) trained as a VAE, as an
// IWAE at k = 5 and 50, and as a VAE with a planar-flow posterior. Each model's training writes a
// checkpoint every epoch (outside its run, which the study context does not resume), so that an
// interrupted study continues the model it stopped in from its last epoch.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isVariational } from '../analysis/evaluate.js';
import { loadDataset, type LoadedDataset } from '../data/datasets.js';
import { modelNames, createModel, parseModelConfig } from '../models/registry.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { Adam } from '../optim/index.js';
import { lineChart } from '../report/charts.js';
import { noGrad } from '../tensor/autograd.js';
import { randLike, randperm } from '../tensor/creation.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { lastCheckpointName, previousCheckpointName, readLatestCheckpoint, restoreCheckpoint, saveCheckpoint } from '../train/checkpoint.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable, TaskRun } from './study.js';

/** One model of the table: its configuration beside the shared architecture, and a published value to compare with. */
export interface LikelihoodModel {
  key: string;
  label: string;
  /** Model options over `likelihoodArchitecture` (model, samples, flow, latent, ...). */
  options: Record<string, unknown>;
  /** The published test log-likelihood (nats) and where it comes from, if any. */
  published?: { value: number; source: string };
  /** A family this build may lack (the S-VAE is built on another branch): the row is skipped, with a note, when the registry has no such model. */
  requires?: string;
}

export interface LikelihoodSettings {
  epochs: number;
  batch: number;
  lr: number;
  /** Subsets of MNIST's 60,000 training and 10,000 test digits (all when absent). */
  trainLimit?: number;
  testLimit?: number;
  /** k of the importance-sampled test log-likelihood (5000 in the IWAE paper). */
  importanceSamples: number;
  models: readonly LikelihoodModel[];
  seed: number;
  /** Stop training after the epoch that passes this many seconds (a budget on a slow machine); the epochs reached are recorded. */
  maxSeconds?: number;
}

/** The IWAE paper's MLP: two deterministic hidden layers of 200 tanh units, 50 latent units, Bernoulli decoder. */
export const likelihoodArchitecture = { latent: 50, hidden: [200, 200], activation: 'tanh', decoder: 'bernoulli' } as const;

// Published values, with where each was checked (the papers themselves could not be read here):
// Burda et al.'s Table 1 as quoted by a reproduction (nbip/IWAE's README: −86.76, −85.54, −84.78
// for k = 1, 5, 50 with one stochastic layer; −85.33, −83.89, −82.90 with two), their budget from
// the authors' code (yburda/iwae experiments.py: 3^i epochs for i = 0…7, 3,280 in all, batch 20,
// Adam 1e-3 decayed to 1e-4, the MLP 784-200-200-50); Davidson et al.'s Table 1 as quoted by a
// reproduction (raphaelrubrice/HVAE, Table1_exp.ipynb), which also says their LL used 500 samples.
const iwaePaper = 'Burda et al. 2016, Table 1: MNIST, dynamic binarization, one stochastic layer (784-200-200-50), k = 5000; 3,280 epochs, batch 20';
const svaePaper = 'Davidson et al. 2018, Table 1: S-VAE on dynamically binarized MNIST; their MLP and training, not this one; LL from 500 importance samples';
const svaePublished: Record<number, number> = { 2: -132.5, 5: -108.43, 10: -93.16, 20: -89.02 };
/** The rows of the table. S-VAE rows join when the registry has `svae` (see `requires`). */
export const likelihoodModels: readonly LikelihoodModel[] = [
  { key: 'vae', label: 'VAE (k = 1)', options: { model: 'vae' }, published: { value: -86.76, source: iwaePaper } },
  { key: 'iwae-k5', label: 'IWAE (k = 5)', options: { model: 'iwae', samples: 5 }, published: { value: -85.54, source: iwaePaper } },
  { key: 'iwae-k50', label: 'IWAE (k = 50)', options: { model: 'iwae', samples: 50 }, published: { value: -84.78, source: iwaePaper } },
  { key: 'vae-planar8', label: 'VAE + planar flow (8 layers)', options: { model: 'vae', flow: 'planar:8' } },
  ...[2, 5, 10, 20].map((latent) => ({
    key: `svae-d${latent}`, label: `S-VAE (latent ${latent})`, options: { model: 'svae', latent }, requires: 'svae', published: { value: svaePublished[latent]!, source: svaePaper },
  })),
];

export const likelihoodSettings: Record<StudyProfile, LikelihoodSettings> = {
  // The paper trains 3,280 epochs; 2 CPU cores afford far fewer. Every model gets the same epochs
  // (the paper compares its models at equal passes over the data, whatever a pass costs: an IWAE(50)
  // epoch decodes 50 times the codes of a VAE epoch) and is scored on the same first 1,000 test
  // digits with the paper's k = 5000. The README gives the measured cost and the estimated time.
  full: { epochs: 15, batch: 100, lr: 1e-3, testLimit: 1000, importanceSamples: 5000, models: likelihoodModels, seed: 0 },
  quick: { epochs: 3, batch: 100, lr: 1e-3, trainLimit: 20000, testLimit: 500, importanceSamples: 500, models: likelihoodModels.filter((m) => m.key !== 'iwae-k50'), seed: 0 },
  smoke: { epochs: 1, batch: 64, lr: 1e-3, trainLimit: 256, testLimit: 32, importanceSamples: 20, models: likelihoodModels.slice(0, 2), seed: 0 },
};

/** Bernoulli draws of pixel intensities in [0, 1]: a fresh binary image per call. */
export function binarize(x: Tensor): Tensor {
  return tidy(() => randLike(x).lt(x).to(x.dtype));
}

interface VariationalModel extends Autoencoder {
  elbo(x: Tensor): Tensor;
  importanceWeightedBound(x: Tensor, k: number): Tensor;
}

/**
 * The mean over the samples of x of the k-sample importance-weighted estimate of log p(x) (nats),
 * in chunks of about `codesPerChunk` decoded codes (memory ∝ k·chunk·784).
 */
export function importanceSampledLogLikelihood(model: VariationalModel, x: Tensor, k: number, codesPerChunk = 20000): number {
  const count = x.shape[0]!;
  const chunk = Math.max(1, Math.floor(codesPerChunk / k));
  let total = 0;
  noGrad(() => {
    for (let start = 0; start < count; start += chunk) {
      const size = Math.min(chunk, count - start);
      total += tidy(() => model.importanceWeightedBound(x.narrow(0, start, size), k).item()) * size;
    }
  });
  return total / count;
}

/** The mean ELBO (nats) of x, one draw per sample. */
function meanElbo(model: VariationalModel, x: Tensor, chunk = 1000): number {
  const count = x.shape[0]!;
  let total = 0;
  noGrad(() => {
    for (let start = 0; start < count; start += chunk) {
      const size = Math.min(chunk, count - start);
      total += tidy(() => model.elbo(x.narrow(0, start, size)).item()) * size;
    }
  });
  return total / count;
}

/** The model of a row, built from the registry with the IWAE paper's architecture. */
export function likelihoodModel(row: LikelihoodModel): VariationalModel {
  const model = createModel(parseModelConfig({ ...likelihoodArchitecture, ...row.options }), { inputShape: [1, 28, 28] });
  if (!isVariational(model)) {
    model.dispose();
    throw new ArgumentError(`${row.key}: ${String(row.options.model)} offers no importance-weighted bound, so its log-likelihood cannot be estimated`);
  }
  return model as VariationalModel;
}

/** The first `limit` MNIST test digits, binarized once with a fixed seed: every model (and every test) is scored on the same binary images. */
export function binarizedTestDigits(limit?: number): Tensor {
  const test = loadDataset('mnist', { split: 'test', limit });
  try {
    manualSeed(12345);
    return binarize(test.inputs);
  } finally {
    test.inputs.dispose();
    test.targets.dispose();
  }
}

interface Splits {
  train: LoadedDataset;
  /** The test digits binarized once (seeded): every model is scored on the same binary images. */
  testBinary: Tensor;
}

/** How trainForLikelihood may be stopped and continued: a checkpoint folder, an abort signal, a progress logger. */
export interface LikelihoodTrainingOptions {
  /**
   * Where the model, its optimizer, the generator's state and the losses so far are written after
   * every epoch; training starts from the checkpoint found there (the same row and settings only:
   * the caller names the folder after them).
   */
  checkpointDir?: string;
  /** Checked after each epoch (once its checkpoint is written): training then stops with a LikelihoodInterruptedError. */
  signal?: AbortSignal;
  /** Receives a line when training resumes from a checkpoint. */
  log?: (line: string) => void;
}

/** Thrown where a likelihood model's training was stopped (Ctrl-C) after writing its checkpoint: running the study again continues it. */
export class LikelihoodInterruptedError extends LatentlabError {}

/** What a likelihood checkpoint carries besides the tensors: the epochs done, their training losses and the training seconds spent. */
interface TrainingProgress {
  epoch: number;
  trainLosses: number[];
  trainSeconds: number;
}

function isTrainingProgress(value: unknown): value is TrainingProgress {
  const v = value as TrainingProgress;
  return typeof v === 'object' && v !== null && Number.isInteger(v.epoch) && Array.isArray(v.trainLosses) && v.trainLosses.length === v.epoch && typeof v.trainSeconds === 'number';
}

/**
 * Trains one row's model on freshly binarized digits each epoch (Adam, shuffled batches), logging
 * the training loss (the negative training bound) per epoch; then its test ELBO and log-likelihood.
 * With a checkpoint folder it writes a checkpoint every epoch and starts from the one it finds, so
 * an interrupted training continues bit for bit (the generator's state is in the checkpoint).
 */
export async function trainForLikelihood(row: LikelihoodModel, settings: LikelihoodSettings, data: Splits, task?: TaskRun, options: LikelihoodTrainingOptions = {}): Promise<Record<string, number>> {
  const { checkpointDir, signal } = options;
  manualSeed(settings.seed);
  const model = likelihoodModel(row);
  const optimizer = new Adam(model.parameters(), { lr: settings.lr, eps: 1e-4 }); // eps as the IWAE paper
  try {
    let progress: TrainingProgress = { epoch: 0, trainLosses: [], trainSeconds: 0 };
    // A folder without a checkpoint file (a crash before the first write) starts afresh.
    if (checkpointDir && [lastCheckpointName, previousCheckpointName].some((name) => existsSync(join(checkpointDir, name)))) progress = resumeFrom(checkpointDir, model, optimizer, options.log);
    progress.trainLosses.forEach((value, i) => task?.log([{ key: 'train_loss', value, epoch: i + 1 }]));
    const inputs = data.train.inputs;
    const count = inputs.shape[0]!;
    let begin = Date.now();
    const elapsed = () => progress.trainSeconds + (Date.now() - begin) / 1000;
    for (let epoch = progress.epoch + 1; epoch <= settings.epochs; epoch++) {
      if (settings.maxSeconds !== undefined && elapsed() >= settings.maxSeconds) break;
      model.train();
      let sum = 0;
      tidy(() => {
        const binary = binarize(inputs);
        const order = randperm(count, { dtype: 'int64' });
        for (let start = 0; start + settings.batch <= count; start += settings.batch) {
          sum += tidy(() => {
            const batch = binary.indexSelect(0, order.narrow(0, start, settings.batch));
            optimizer.zeroGrad();
            const loss = model.loss({ inputs: batch, indices: batch, dispose() {} }).total;
            loss.backward();
            optimizer.step();
            return loss.item();
          }) * settings.batch;
        }
      });
      const trainLoss = sum / (Math.floor(count / settings.batch) * settings.batch);
      progress = { epoch, trainLosses: [...progress.trainLosses, trainLoss], trainSeconds: elapsed() };
      begin = Date.now();
      if (checkpointDir) {
        mkdirSync(checkpointDir, { recursive: true });
        saveCheckpoint(checkpointDir, { model, optimizer, state: progress });
      }
      task?.log([{ key: 'train_loss', value: trainLoss, epoch }]);
      await new Promise((resolve) => setImmediate(resolve)); // let a stop signal or a progress line through
      if (signal?.aborted) {
        throw new LikelihoodInterruptedError(`${row.key}: stopped after epoch ${epoch} of ${settings.epochs}${checkpointDir ? ', its checkpoint written: run the study again to continue from it' : ''}`);
      }
    }
    model.eval();
    const testElbo = meanElbo(model, data.testBinary);
    const testLogLikelihood = importanceSampledLogLikelihood(model, data.testBinary, settings.importanceSamples);
    const trainLoss = progress.trainLosses.at(-1) ?? NaN;
    return { train_loss: trainLoss, test_elbo: testElbo, test_log_likelihood: testLogLikelihood, epochs: progress.epoch, train_seconds: progress.trainSeconds };
  } finally {
    model.dispose();
  }
}

// Restores model, optimizer and generator from the folder's checkpoint; returns its progress.
function resumeFrom(dir: string, model: Autoencoder, optimizer: Adam, log?: (line: string) => void): TrainingProgress {
  const { checkpoint } = readLatestCheckpoint(dir);
  try {
    const progress = checkpoint.state;
    if (!isTrainingProgress(progress)) throw new ArgumentError(`${checkpoint.path} is not a likelihood study checkpoint (no epoch count and losses): delete ${dir} to train that model from the start`);
    restoreCheckpoint(checkpoint, { model, optimizer });
    log?.(`resuming from epoch ${progress.epoch} (${checkpoint.path})`);
    return progress;
  } finally {
    checkpoint.dispose();
  }
}

/** The folder of a row's checkpoints in the study's folder of `store`, named after its configuration (another configuration never resumes from it). */
export function likelihoodCheckpointDir(storeDir: string, studyId: string, key: string, config: Record<string, unknown>): string {
  const digest = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12);
  return join(storeDir, 'studies', studyId.replace(/:/g, '-'), 'checkpoints', `${key}-${digest}`);
}

export function createLikelihoodStudy(profiles: Record<StudyProfile, LikelihoodSettings>): Study {
  return {
    name: 'likelihood',
    title: 'Test log-likelihood on dynamically binarized MNIST: VAE, IWAE, flow posterior',
    description:
      'The MLP of the IWAE paper (784-200-200-50, tanh, Bernoulli decoder) trained on MNIST digits binarized anew every epoch, as a VAE, as an IWAE ' +
      '(k = 5, 50), as a VAE with a planar-flow posterior and as a hyperspherical VAE (latent 2, 5, 10, 20), all for the same epochs; each scored by its test ELBO and by the importance-sampled test log-likelihood ' +
      '(k draws of q(z|x), the paper uses 5,000). Look for the log-likelihood above the ELBO (a tighter bound of the same model), for IWAE above the VAE, ' +
      'and at the gap to the published values, which come from thousands of epochs.',
    run: (context) => runLikelihood(context, profiles[context.profile]),
  };
}

export const likelihood = createLikelihoodStudy(likelihoodSettings);

async function runLikelihood(context: StudyContext, settings: LikelihoodSettings): Promise<StudyResult> {
  const available = settings.models.filter((row) => !row.requires || (modelNames as readonly string[]).includes(row.requires));
  const skipped = settings.models.filter((row) => !available.includes(row));
  let splits: Splits | undefined;
  const data = (): Splits => {
    if (splits) return splits;
    splits = { train: loadDataset('mnist', { split: 'train', limit: settings.trainLimit }), testBinary: binarizedTestDigits(settings.testLimit) };
    return splits;
  };
  const results: { row: LikelihoodModel; runId: string; metrics: Record<string, number> }[] = [];
  try {
    for (const row of available) {
      const config = { ...likelihoodArchitecture, ...row.options, epochs: settings.epochs, maxSeconds: settings.maxSeconds ?? null, batch: settings.batch, lr: settings.lr, seed: settings.seed, trainLimit: settings.trainLimit ?? null, testLimit: settings.testLimit ?? null, importanceSamples: settings.importanceSamples, binarization: 'dynamic' };
      const checkpointDir = likelihoodCheckpointDir(context.store.dir, context.studyId, row.key, config);
      const training = { checkpointDir, ...(context.signal ? { signal: context.signal } : {}), log: (line: string) => context.log(`${row.key}: ${line}`) };
      const { run, metrics } = await context.task(row.key, { model: String(row.options.model), dataset: 'mnist', config }, (task) => trainForLikelihood(row, settings, data(), task, training));
      rmSync(checkpointDir, { recursive: true, force: true }); // the finished run is reused from now on
      results.push({ row, runId: run.id, metrics });
    }
  } finally {
    if (splits) [splits.train.inputs, splits.train.targets, splits.testBinary].forEach((t) => t.dispose());
  }
  const budget = `${settings.maxSeconds !== undefined ? `up to ${settings.maxSeconds} s or ` : ''}${settings.epochs} epochs of ${settings.trainLimit ?? 60000} digits, batch ${settings.batch}, Adam ${settings.lr}`;
  const table: StudyTable = {
    name: 'log-likelihood',
    title: `Test log-likelihood (nats, ${settings.testLimit ?? 10000} test digits, k = ${settings.importanceSamples}); trained ${budget}`,
    columns: ['model', 'epochs', 'train loss', 'test ELBO', `test log p(x) (k = ${settings.importanceSamples})`, 'published log p(x)', 'published source', 'train seconds'],
    rows: [
      ...results.map(({ row, metrics }) => [row.label, metrics.epochs ?? null, metrics.train_loss ?? null, metrics.test_elbo ?? null, metrics.test_log_likelihood ?? null, row.published?.value ?? null, row.published?.source ?? null, metrics.train_seconds ?? null]),
      ...skipped.map((row) => [row.label, null, null, null, null, null, `not run: this build has no ${row.requires} model`, null]),
    ],
  };
  const series = results.map(({ row, runId }) => ({ name: row.label, points: context.store.metrics(runId, 'train_loss').map((m) => ({ x: m.epoch ?? m.step, y: m.value })) }));
  const drawable = series.filter((s) => s.points.length > 0);
  return {
    tables: [table],
    sections: [
      {
        title: 'Training loss per epoch',
        description: 'The negative training bound (nats per digit) of each model: the ELBO for the VAEs, the k-sample bound for the IWAEs (so the curves differ by their bounds, not only their fit).',
        blocks: drawable.length === 0 ? [] : [{ kind: 'chart', svg: await lineChart({ series: drawable, title: 'Training loss', xTitle: 'epoch', yTitle: 'nats', logScale: false }) }],
      },
    ],
  };
}
