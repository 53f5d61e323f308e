// The reference classifier of a data set (a LeNet-5-style CNN, src/models/lenet.ts): trained once
// per (data set as it is today, seed, training limit) and kept in the run store as a run of model
// 'reference-classifier', so that every sample metric of that data set reads the same features.
// It is found again, never retrained silently: training one that exists returns the recorded one.
// Its training holds the run's lock like any training run, so a stopped or killed one continues
// (latentlab resume, or asking for it again) instead of starting over.
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/combine.js';
import { full, rand } from '../tensor/creation.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { encodeSafetensors } from '../tensor/serialize.js';
import { manualSeed } from '../tensor/runtime.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { loadDataset, type LoadedDataset } from '../data/datasets.js';
import { LeNet, leNetDefaults } from '../models/lenet.js';
import { trainClassifier } from '../train/classifier.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { dataStampKey, dataStampWarnings, datasetStamp, runVersions } from './versions.js';
import { withRunWeights } from './weights.js';
import { checkpointDir, checkResumable, hasCheckpoint, holdRun, isRunProcessAlive, type RunHold } from './liveness.js';

/** The model name reference classifiers are recorded under. */
export const referenceClassifierModel = 'reference-classifier';

/** The data sets a reference classifier is made for: labelled 28×28 grey images. */
export const referenceClassifierDatasets = ['mnist', 'mnist-10k', 'fashion-mnist'] as const;
export type ReferenceClassifierDataset = (typeof referenceClassifierDatasets)[number];

/** How a reference classifier is trained: data set, seed, data limits, epochs, batch size, learning rate, the noise class and abort signal. */
export interface ReferenceClassifierOptions {
  dataset: string;
  seed?: number;
  /** Folder of the data set's files (loadDataset's default otherwise). */
  dataDir?: string;
  /** Train on the first this many samples (tests); a limited classifier is a different one from the full. */
  trainLimit?: number;
  /** Test on the first this many samples. */
  testLimit?: number;
  /** 12 by default: measured to reach 99% on MNIST and 91% on Fashion-MNIST (see README). */
  epochs?: number;
  batch?: number;
  lr?: number;
  /** Receives the training's progress lines (a continued training, the run's epochs); silent by default. */
  log?: (line: string) => void;
  /**
   * The classifier with one class more, "noise", learnt from uniform random images (the
   * classifier-noise target's): fine-tuned for noiseClassEpochs from the reference classifier of
   * the same seed and limit, trained first where there is none.
   */
  noiseClass?: boolean;
  /** Aborting stops after the current batch: the run is kept, interrupted, and this throws ClassifierInterruptedError. */
  signal?: AbortSignal;
}

export const referenceClassifierDefaults = { seed: 0, epochs: 12, batch: 128, lr: 1e-3 } as const;

/** A reference classifier (LeNet) of a data set, its run and test accuracy, and whether it came from the store. */
export interface ReferenceClassifier {
  run: RunRecord;
  model: LeNet;
  testAccuracy: number;
  /** False where the call trained it now. */
  cached: boolean;
  /** Frees the classifier's parameters. */
  dispose(): void;
}

/** Why a data set has no reference classifier, or undefined where it can have one. */
export function referenceClassifierProblem(dataset: string): string | undefined {
  if ((referenceClassifierDatasets as readonly string[]).includes(dataset)) return undefined;
  const why = ['swiss-roll', 's-curve'].includes(dataset)
    ? `${dataset} has no class labels`
    : ['blobs', 'moons', 'circles'].includes(dataset)
      ? `${dataset} holds points, not 28×28 images`
      : dataset === 'cifar10'
        ? 'cifar10 holds 32×32 colour images, not 28×28 grey ones'
        : `'${dataset}' is not a known data set`;
  return `a reference classifier reads labelled 28×28 grey images and ${why}: use ${referenceClassifierDatasets.join(' or ')}`;
}

function checkDataset(dataset: string): asserts dataset is ReferenceClassifierDataset {
  const problem = referenceClassifierProblem(dataset);
  if (problem) throw new ArgumentError(problem);
}

/** What tells one reference classifier from another besides its data set. */
export interface ReferenceClassifierFilter {
  seed?: number;
  trainLimit?: number | null;
  /** The data set's stamp (runs/versions.ts datasetStamp) the classifier was trained on; any where undefined. */
  stamp?: string;
  /** The classifier with a noise class (classifier-noise); false (the plain one) by default. */
  noiseClass?: boolean;
}

/** The reference classifier runs of a data set that match `filter` (newest first): the finished ones with weights, or with `unfinished` the others. */
export function findReferenceClassifiers(store: RunStore, dataset: string, filter: ReferenceClassifierFilter = {}, unfinished = false): RunRecord[] {
  return store
    .listRuns({ model: referenceClassifierModel })
    .filter((run) => run.dataset === dataset && (run.status === 'finished') !== unfinished)
    .filter((run) => filter.seed === undefined || run.seed === filter.seed)
    .filter((run) => filter.trainLimit === undefined || (run.config.trainLimit ?? null) === filter.trainLimit)
    .filter((run) => filter.stamp === undefined || run.versions[dataStampKey(dataset)] === filter.stamp)
    .filter((run) => Boolean(run.config.noiseClass) === (filter.noiseClass ?? false))
    .filter((run) => unfinished || store.artifacts(run.id, 'model').length > 0);
}

/** Thrown where a reference classifier's training was stopped (Ctrl-C): the run is kept, interrupted, to be continued. */
export class ClassifierInterruptedError extends LatentlabError {}

/** The stored settings of a reference classifier run: what resuming it rebuilds. */
interface ClassifierConfig {
  dataset: ReferenceClassifierDataset;
  seed: number;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: 'adam';
  numClasses: number;
  channels: readonly [number, number];
  batchNorm: boolean;
  dropout: number;
  trainLimit: number | null;
  testLimit: number | null;
  dataDir?: string;
  /** A classifier-noise classifier: numClasses counts the noise class, and it starts from run `base`. */
  noiseClass?: boolean;
  base?: string;
}

/** Epochs that turn a reference classifier into one with a noise class (it starts from the trained one). */
export const noiseClassEpochs = 2;

/**
 * The reference classifier of (dataset, seed, trainLimit) as the data set is today (its stamp):
 * the recorded one if there is one; else an interrupted or killed training of it continued; else
 * trained now (minutes on the full set) and recorded. With `noiseClass`, the one with a noise
 * class, fine-tuned from that classifier (trained first where missing).
 */
export async function trainReferenceClassifier(store: RunStore, options: ReferenceClassifierOptions): Promise<ReferenceClassifier> {
  const { dataset } = options;
  checkDataset(dataset);
  const seed = options.seed ?? referenceClassifierDefaults.seed;
  const log = options.log ?? (() => {});
  const stamp = datasetStamp(dataset, options.dataDir);
  const filter = { seed, trainLimit: options.trainLimit ?? null, stamp, noiseClass: options.noiseClass ?? false };
  const found = findReferenceClassifiers(store, dataset, filter)[0];
  if (found) return { ...loadClassifierRun(store, found), cached: true };

  let run = unfinishedClassifier(store, dataset, filter);
  const resume = run !== undefined;
  if (run) {
    log(`continuing the ${run.status} training of the reference classifier of ${dataset} (run ${run.id})`);
  } else {
    let base: ReferenceClassifier | undefined;
    if (options.noiseClass) base = await trainReferenceClassifier(store, { ...options, noiseClass: false });
    base?.dispose();
    const config: ClassifierConfig = {
      dataset,
      seed,
      epochs: options.noiseClass ? noiseClassEpochs : (options.epochs ?? referenceClassifierDefaults.epochs),
      batch: options.batch ?? referenceClassifierDefaults.batch,
      lr: options.lr ?? referenceClassifierDefaults.lr,
      optimizer: 'adam',
      ...leNetDefaults,
      numClasses: 0, // set from the data in execute
      trainLimit: options.trainLimit ?? null,
      testLimit: options.testLimit ?? null,
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(base ? { noiseClass: true, base: base.run.id } : {}),
    };
    run = store.createRun({ model: referenceClassifierModel, dataset, config: config as unknown as Record<string, unknown>, seed, versions: runVersions(stamp !== undefined ? { [dataset]: stamp } : {}) });
  }
  const outcome = await execute(store, run, resume, { log, signal: options.signal });
  if (outcome.status === 'interrupted') {
    throw new ClassifierInterruptedError(`the training of the reference classifier of ${dataset} (run ${run.id}) was stopped after ${outcome.epochs} complete epoch${outcome.epochs === 1 ? '' : 's'}: continue it with latentlab resume ${run.id}, or by running this again`);
  }
  return { ...outcome.classifier!, cached: false };
}

export interface ClassifierRunOutcome {
  run: RunRecord;
  status: 'finished' | 'interrupted';
  /** Epochs complete. */
  epochs: number;
  steps: number;
  testAccuracy: number;
}

/** Continues an interrupted, killed or failed reference classifier run from its last checkpoint (latentlab resume). */
export async function resumeReferenceClassifier(store: RunStore, id: string, options: { force?: boolean; signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<ClassifierRunOutcome> {
  const run = store.getRun(id);
  if (run.model !== referenceClassifierModel) throw new ArgumentError(`run ${run.id} is a ${run.model} run, not a reference classifier`);
  checkResumable(store, run, options);
  const log = options.log ?? (() => {});
  for (const warning of dataStampWarnings(run, { [run.dataset]: datasetStamp(run.dataset, (run.config as { dataDir?: string }).dataDir) })) log(warning);
  const outcome = await execute(store, run, true, { log, signal: options.signal });
  outcome.classifier?.dispose();
  return { run: outcome.run, status: outcome.status, epochs: outcome.epochs, steps: outcome.steps, testAccuracy: outcome.classifier?.testAccuracy ?? Number.NaN };
}

// The newest unfinished training of the classifier `filter` names that this process may continue
// (none where its checkpoints are lost); one held by a live process is an error, not a duplicate.
function unfinishedClassifier(store: RunStore, dataset: string, filter: ReferenceClassifierFilter): RunRecord | undefined {
  for (const run of findReferenceClassifiers(store, dataset, filter, true)) {
    if (run.status === 'running' && isRunProcessAlive(run)) {
      throw new LatentlabError(`the reference classifier of ${dataset} is being trained by process ${run.pid} on ${run.host} (run ${run.id}): wait for it to finish, or stop it and continue it with latentlab resume ${run.id}`);
    }
    try {
      checkResumable(store, run);
      return run;
    } catch {
      // no checkpoint to continue from: train anew
    }
  }
  return undefined;
}

// Trains (or continues) the classifier run `run` describes, holding its lock throughout.
async function execute(
  store: RunStore,
  run: RunRecord,
  resume: boolean,
  options: { log: (line: string) => void; signal?: AbortSignal },
): Promise<{ run: RunRecord; status: 'finished' | 'interrupted'; epochs: number; steps: number; classifier?: Omit<ReferenceClassifier, 'cached'> }> {
  const { log } = options;
  const config = run.config as unknown as ClassifierConfig;
  const { dataset, seed, epochs, batch, lr } = config;
  const limit = (n: number | null) => (n !== null ? { limit: n } : {});
  const dataDir = config.dataDir !== undefined ? { dataDir: config.dataDir } : {};
  const train = loadDataset(dataset, { split: 'train', ...dataDir, ...limit(config.trainLimit) });
  let test: LoadedDataset | undefined;
  let model: LeNet | undefined;
  let data: { train: { inputs: Tensor; targets: Tensor }; test: { inputs: Tensor; targets: Tensor } } | undefined;
  let hold: RunHold | undefined;
  try {
    test = loadDataset(dataset, { split: 'test', ...dataDir, ...limit(config.testLimit) });
    checkImages(train);
    const realClasses = train.classes?.length ?? 10;
    const numClasses = realClasses + (config.noiseClass ? 1 : 0);
    manualSeed(seed);
    data = config.noiseClass ? { train: withNoise(train, realClasses), test: withNoise(test, realClasses) } : undefined;
    const sets = data ?? { train: { inputs: train.inputs, targets: train.targets }, test: { inputs: test.inputs, targets: test.targets } };
    const details = { numClasses, source: train.source, trainSamples: sets.train.inputs.shape[0]!, testSamples: sets.test.inputs.shape[0]! };
    hold = holdRun(store, run);
    if (config.numClasses === 0) run = store.updateRun(run.id, { config: { ...run.config, ...details } });
    const dir = checkpointDir(store, run.id);
    const continuing = resume && hasCheckpoint(dir);
    log(
      continuing
        ? `continuing the reference classifier of ${dataset} (run ${run.id}) from its last checkpoint`
        : `training the ${config.noiseClass ? 'noise-class ' : ''}reference classifier of ${dataset} (run ${run.id}): ${details.trainSamples} training and ${details.testSamples} test images, ${epochs} epochs`,
    );
    model = new LeNet({ numClasses, channels: config.channels, batchNorm: config.batchNorm, dropout: config.dropout });
    if (config.noiseClass && !continuing) startFrom(store, model, config.base!);
    let steps = 0;
    let done = store.metrics(run.id, 'train_loss').length;
    const outcome = await trainClassifier({
      model,
      parameters: model.parameters(),
      optimizer: { name: 'adam', lr },
      train: sets.train,
      test: sets.test,
      batch,
      seed,
      epochs,
      checkpointDir: dir,
      resume: continuing,
      ...(options.signal ? { signal: options.signal } : {}),
      onEpoch: (epoch) => {
        hold!.check(); // stops a process whose run was taken over
        const at = { step: epoch.step, epoch: epoch.epoch };
        store.logMetrics(run.id, [{ key: 'train_loss', value: epoch.trainLoss, ...at }, { key: 'train_accuracy', value: epoch.trainAccuracy, ...at }]);
        [steps, done] = [epoch.step, epoch.epoch];
        log(`  epoch ${epoch.epoch}/${epochs}: train loss ${epoch.trainLoss.toFixed(4)}, train accuracy ${(100 * epoch.trainAccuracy).toFixed(2)}%`);
      },
    });
    if (outcome.interrupted) {
      const released = hold.release('interrupted');
      log(`stopped with ${done} of ${epochs} epochs complete; continue with: latentlab resume ${run.id}`);
      return { run: released, status: 'interrupted', epochs: done, steps };
    }
    if (outcome.divergence) throw new LatentlabError(`the reference classifier of ${dataset} diverged at epoch ${outcome.divergence.epoch} (loss ${outcome.trainLoss})`);
    const last = { step: store.metrics(run.id, 'train_loss').at(-1)?.step ?? 0, epoch: epochs };
    store.logMetrics(run.id, [
      { key: 'test_loss', value: outcome.testLoss, ...last },
      { key: 'test_accuracy', value: outcome.testAccuracy, ...last },
    ]);
    model.eval();
    hold.check(); // before writing the model into a store that may be gone
    store.addArtifact(run.id, 'model', 'model.safetensors', encodeSafetensors(model.stateDict(), { format: 'latentlab-reference-classifier', config: JSON.stringify(run.config) }));
    const finished = hold.release('finished');
    const trained = model;
    model = undefined;
    return { run: finished, status: 'finished', epochs, steps: last.step, classifier: { run: finished, model: trained, testAccuracy: outcome.testAccuracy, dispose: () => trained.dispose() } };
  } catch (error) {
    hold?.fail(error);
    throw error;
  } finally {
    model?.dispose();
    for (const set of [data?.train, data?.test]) if (set) [set.inputs, set.targets].forEach((t) => t.dispose());
    for (const set of [train, test]) if (set) [set.inputs, set.targets].forEach((t) => t.dispose());
  }
}

// A split with one class's worth (its size / classes) of uniform random images appended, labelled
// `noiseLabel`: what the noise class learns. Drawn from the global generator (seeded by the caller).
function withNoise(set: LoadedDataset, noiseLabel: number): { inputs: Tensor; targets: Tensor } {
  const n = set.inputs.shape[0]!;
  const noise = Math.max(1, Math.round(n / noiseLabel));
  return tidy(() => ({
    inputs: keep(cat([set.inputs, rand([noise, ...set.inputs.shape.slice(1)])], 0)),
    targets: keep(cat([set.targets, full([noise], noiseLabel, { dtype: 'int64' })], 0)),
  }));
}

// A noise-class classifier starts from the trained reference classifier `baseId`: its features and
// its class rows; the noise row keeps its fresh initialisation.
function startFrom(store: RunStore, model: LeNet, baseId: string): void {
  const base = loadClassifierRun(store, store.getRun(baseId));
  try {
    noGrad(() =>
      tidy(() => {
        const state = base.model.stateDict();
        const noiseRow = (name: 'weight' | 'bias') => model.head[name]!.narrow(0, base.model.numClasses, 1);
        model.loadStateDict({ ...state, 'head.weight': cat([state['head.weight']!, noiseRow('weight')], 0), 'head.bias': cat([state['head.bias']!, noiseRow('bias')], 0) });
      }),
    );
  } finally {
    base.dispose();
  }
}

/**
 * The recorded reference classifier of `dataset` (in eval mode): the one of `seed` where given,
 * else the newest one trained on the full training set. Throws, naming the command that trains
 * one, where there is none.
 */
export function loadReferenceClassifier(store: RunStore, dataset: string, options: { seed?: number } = {}): ReferenceClassifier {
  checkDataset(dataset);
  const stamp = datasetStamp(dataset);
  const run = findReferenceClassifiers(store, dataset, { seed: options.seed, trainLimit: null, stamp })[0];
  if (!run) {
    const seed = options.seed !== undefined ? ` --seed ${options.seed}` : '';
    const older = findReferenceClassifiers(store, dataset, { seed: options.seed, trainLimit: null })[0];
    const why = older ? ` (run ${older.id} was trained on another copy of ${dataset}, ${older.versions[dataStampKey(dataset)] ?? 'recorded before data stamps'}; today's is ${stamp})` : '';
    throw new LatentlabError(`no reference classifier of ${dataset}${seed ? ` with seed ${options.seed}` : ''} in ${store.dir}${why}: train one with latentlab classifier train --dataset ${dataset}${seed}`);
  }
  return { ...loadClassifierRun(store, run), cached: true };
}

/** The classifier of a recorded reference-classifier run, by id. */
export function loadClassifierRun(store: RunStore, run: RunRecord): Omit<ReferenceClassifier, 'cached'> {
  if (run.model !== referenceClassifierModel) throw new ArgumentError(`run ${run.id} is a ${run.model} run, not a reference classifier`);
  const config = run.config as { numClasses?: number; channels?: [number, number]; batchNorm?: boolean; dropout?: number };
  const built = new LeNet({ numClasses: config.numClasses ?? 10, ...(config.channels ? { channels: config.channels } : {}), ...(config.batchNorm !== undefined ? { batchNorm: config.batchNorm } : {}), ...(config.dropout !== undefined ? { dropout: config.dropout } : {}) });
  const model = withRunWeights(store, run, built, `reference classifier run ${run.id} has no weights (status ${run.status}): remove it with latentlab runs rm ${run.id} and train again`);
  const testAccuracy = store.finalMetrics(run.id).test_accuracy ?? Number.NaN;
  return { run, model, testAccuracy, dispose: () => model.dispose() };
}

function checkImages(set: LoadedDataset): void {
  const shape = set.inputs.shape.slice(1);
  if (set.targetKind !== 'class') throw new ArgumentError(`a reference classifier needs class labels, and ${set.name} has none`);
  if (shape.length !== 3 || shape[0] !== 1 || shape[1] !== 28 || shape[2] !== 28) {
    throw new ArgumentError(`a reference classifier reads 28×28 grey images ([1, 28, 28]), and ${set.source} holds [${shape.join(', ')}]`);
  }
}
