// A translation run: a Translator (src/models/translator.ts) trained from a source domain to a
// target domain towards one `--target-loss`, recorded in the run store like any training (config,
// per-epoch losses, final weights), then scored on the source's test images: accuracy under the
// target domain's classifier, diversity within a class, Fréchet distance to the real class.
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { cat } from '../tensor/combine.js';
import { rand } from '../tensor/creation.js';
import { manualSeed } from '../tensor/runtime.js';
import { keep, tidy } from '../tensor/scope.js';
import { encodeSafetensors } from '../tensor/serialize.js';
import type { Tensor } from '../tensor/tensor.js';
import { DataLoader } from '../data/loader.js';
import { createOptimizer } from '../optim/registry.js';
import { LeNet } from '../models/lenet.js';
import { Translator, denormalize, normalize, pixelStatistics, type NormalizationKind, type TranslatorNormalization } from '../models/translator.js';
import { TranslationTargets, freeze, needsClassifier, parseTargetLoss } from '../models/translation-targets.js';
import { translationMetrics, type TranslationMetrics } from '../analysis/translation-metrics.js';
import { trainClassifier } from '../train/classifier.js';
import { Trainer } from '../train/trainer.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { referenceClassifierProblem, trainReferenceClassifier } from './reference-classifier.js';
import { checkPairable, loadDomain, type Domain } from './translation-domains.js';
import { dataStampWarnings, datasetStamp, imagesStamp, runVersions } from './versions.js';
import { withRunWeights } from './weights.js';
import { checkpointDir, checkResumable, hasCheckpoint, holdRun } from './liveness.js';

export const translatorModel = 'translator';

export interface TranslateConfig {
  source: string;
  target: string;
  /** A term or a '+' combination, see parseTargetLoss. */
  targetLoss: string;
  normalize: NormalizationKind;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  dropout: number;
  /** First this many training images of each built-in domain. */
  trainLimit?: number;
  /** First this many test images (the metrics' sources and real targets). */
  testLimit?: number;
  /** The target's reference classifier trained on its first this many images (a quick, weaker one, for tests). */
  classifierTrainLimit?: number;
}

export const translateDefaults = { targetLoss: 'random-example', normalize: 'both', epochs: 5, batch: 64, lr: 1e-3, seed: 0, dropout: 0.3 } as const satisfies Partial<TranslateConfig>;

export interface TranslateOutcome {
  run: RunRecord;
  status: 'finished' | 'interrupted';
  /** The test-set metrics of a finished run; null for an interrupted one (nothing was scored). */
  metrics: TranslationMetrics | null;
  /** The target classifier's test accuracy on real images: the ceiling of the translations'. */
  classifierAccuracy: number;
}

export interface TranslateOptions {
  log?: (line: string) => void;
  /** Aborting stops after the current batch with a checkpoint; the run is marked interrupted and resumeTranslation continues it. */
  signal?: AbortSignal;
  /** translateRun only: the run's name, and the study it is part of. */
  name?: string;
  studyId?: string;
}

interface TargetClassifier {
  model: LeNet;
  testAccuracy: number;
  description: string;
  dispose(): void;
}

/** The settings of TranslateConfig, read back from a run's stored configuration. */
export const translateConfigKeys = ['source', 'target', 'targetLoss', 'normalize', 'epochs', 'batch', 'lr', 'seed', 'dropout', 'trainLimit', 'testLimit', 'classifierTrainLimit'] as const satisfies readonly (keyof TranslateConfig)[];

/** Trains a new translation as a run, recorded from its first epoch; see resumeTranslation for one that was stopped. */
export async function translateRun(store: RunStore, config: TranslateConfig, options: TranslateOptions = {}): Promise<TranslateOutcome> {
  const log = options.log ?? (() => {});
  const prepared = await prepareTranslation(store, config, log);
  try {
    const run = store.createRun({
      model: translatorModel,
      dataset: `${config.source}→${config.target}`,
      config: prepared.runConfig,
      seed: config.seed,
      versions: runVersions(prepared.stamps),
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.studyId !== undefined ? { studyId: options.studyId } : {}),
    });
    return await execute(store, run, prepared, options, false);
  } finally {
    prepared.dispose();
  }
}

/**
 * Continues a stopped (Ctrl-C), killed or failed translation run from its last checkpoint to its
 * configured end (latentlab resume). Refused while the process that holds it lives, unless `force`.
 */
export async function resumeTranslation(store: RunStore, id: string, options: TranslateOptions & { force?: boolean } = {}): Promise<TranslateOutcome> {
  const run = store.getRun(id);
  if (run.model !== translatorModel) throw new ArgumentError(`run ${run.id} is a ${run.model} run, not a translation`);
  checkResumable(store, run, options);
  const log = options.log ?? (() => {});
  const config = storedTranslateConfig(run);
  const prepared = await prepareTranslation(store, config, log);
  try {
    for (const warning of dataStampWarnings(run, prepared.stamps)) log(warning);
    return await execute(store, run, prepared, options, true);
  } finally {
    prepared.dispose();
  }
}

/** The TranslateConfig a translation run was made with (its stored configuration holds more). */
export function storedTranslateConfig(run: RunRecord): TranslateConfig {
  const stored = run.config as Record<string, unknown>;
  return Object.fromEntries(translateConfigKeys.filter((key) => stored[key] !== undefined && stored[key] !== null).map((key) => [key, stored[key]])) as unknown as TranslateConfig;
}

/** Everything a translation run trains with, built from its settings: the same for a new run and a resumed one. */
interface PreparedTranslation {
  config: TranslateConfig;
  runConfig: Record<string, unknown>;
  /** Stamps of the source and target as they load now, by name (runs/versions.ts). */
  stamps: Record<string, string>;
  inputs: Tensor;
  labels: Tensor;
  targets: TranslationTargets;
  normalization: TranslatorNormalization;
  classifier: TargetClassifier;
  sourceTest: Domain;
  targetTest: Domain;
  numClasses: number;
  imageShape: number[];
  dispose(): void;
}

async function prepareTranslation(store: RunStore, config: TranslateConfig, log: (line: string) => void): Promise<PreparedTranslation> {
  const terms = parseTargetLoss(config.targetLoss);
  const disposables: { dispose(): void }[] = [];
  const own = <T extends { dispose(): void }>(thing: T) => (disposables.push(thing), thing);
  const dispose = () => {
    for (const thing of disposables.reverse()) thing.dispose();
  };
  try {
    const limit = (n?: number) => (n !== undefined ? { limit: n } : {});
    const source = own(loadDomain(config.source, 'source', { split: 'train', ...limit(config.trainLimit) }));
    const target = own(loadDomain(config.target, 'target', { split: 'train', ...limit(config.trainLimit) }));
    checkPairable(source, target);
    // Before anything is computed on the images: the classifier and the metrics read 28×28 grey ones.
    const shape = target.images.shape.slice(1);
    if (shape.join(',') !== '1,28,28') throw new ArgumentError(`the target ${target.spec} holds [${shape.join(', ')}] images: the target classifier (and the metrics) read 28×28 grey images`);
    const sourceTest = source.kind === 'folder' ? source : own(loadDomain(config.source, 'source', { split: 'test', ...limit(config.testLimit) }));
    const targetTest = target.kind === 'folder' ? target : own(loadDomain(config.target, 'target', { split: 'test', ...limit(config.testLimit) }));
    const numClasses = source.classes.length;
    const imageShape = source.images.shape.slice(1);
    const normalization: TranslatorNormalization = { kind: config.normalize, source: pixelStatistics(source.images), target: pixelStatistics(target.images) };

    const classifier = own(await targetClassifier(store, config, target, targetTest, numClasses, log));
    const lossClassifier = terms.includes('classifier-noise') ? own(await noiseClassifier(store, config, target, numClasses, log)) : classifier.model;
    const toImages = (output: Tensor) => denormalize(output, normalization.kind, normalization.target);
    const targets = own(
      new TranslationTargets({
        terms,
        images: tidy(() => normalize(target.images, normalization.kind, normalization.target)),
        labels: target.labels,
        numClasses,
        ...(needsClassifier(terms) ? { classifier: freeze(lossClassifier), toImages } : {}),
      }),
    );
    const inputs = own(tidy(() => normalize(source.images, normalization.kind, normalization.source)));
    const runConfig = { ...config, imageShape, numClasses, normalization, classifier: classifier.description, sourceClasses: source.classes, targetClasses: target.classes, trainSamples: source.images.shape[0]! };
    const stamps = { [config.source]: domainStamp(source), [config.target]: domainStamp(target) };
    return { config, runConfig, stamps, inputs, labels: source.labels, targets, normalization, classifier, sourceTest, targetTest, numClasses, imageShape, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

// A built-in data set's stamp is that of the whole set (cached per process); a folder's that of its images.
function domainStamp(domain: Domain): string {
  return (domain.kind === 'dataset' ? datasetStamp(domain.spec) : undefined) ?? imagesStamp([{ images: domain.images, labels: domain.labels }]);
}

// Trains (or, with `resume`, continues from its checkpoint) the translation run `run`, holding its lock throughout.
async function execute(store: RunStore, run: RunRecord, prepared: PreparedTranslation, options: TranslateOptions, resume: boolean): Promise<TranslateOutcome> {
  const log = options.log ?? (() => {});
  const { config, inputs, targets, normalization, classifier } = prepared;
  const hold = holdRun(store, run);
  try {
    manualSeed(config.seed);
    const model = new Translator({ imageShape: prepared.imageShape, dropout: config.dropout });
    try {
      const loader = new DataLoader({ inputs, targets: prepared.labels }, { batchSize: Math.min(config.batch, inputs.shape[0]!), shuffle: true, seed: config.seed, dropLast: inputs.shape[0]! > config.batch });
      const optimizer = createOptimizer('adam', model.parameters(), { lr: config.lr });
      const checkpoints = checkpointDir(store, run.id);
      const trainer = new Trainer({
        model,
        optimizer,
        loss: (_, batch) => targets.loss(model.forward(batch.inputs), batch.targets!),
        train: loader,
        maxEpochs: config.epochs,
        seed: config.seed,
        checkpointDir: checkpoints,
        progress: 'none',
        ...(options.signal ? { signal: options.signal } : {}),
        callbacks: [
          {
            // Committed before the trainer writes this epoch's checkpoint, as in a training run.
            onEpochEnd: (epoch) => {
              hold.check(); // stops a process whose run was taken over (resume --force)
              const at = { step: epoch.step, epoch: epoch.epoch };
              store.logMetrics(run.id, [{ key: 'train_loss', value: epoch.trainLoss, ...at }, ...Object.entries(epoch.trainTerms).map(([key, value]) => ({ key: `train_${key.replace(/-/g, '_')}`, value, ...at }))]);
              log(`  epoch ${epoch.epoch}/${config.epochs}: loss ${epoch.trainLoss.toFixed(4)}`);
            },
          },
        ],
      });
      let result;
      try {
        if (resume && hasCheckpoint(checkpoints)) {
          trainer.resume();
          log(`resuming translation run ${run.id} at epoch ${trainer.epoch + 1} of ${config.epochs} (step ${trainer.step})`);
        } else {
          log(`translating ${config.source} → ${config.target} towards ${config.targetLoss} (run ${run.id}): ${inputs.shape[0]} source images, ${config.epochs} epochs`);
        }
        result = await trainer.fit();
      } finally {
        optimizer.dispose();
      }
      if (result.reason === 'interrupted') {
        const released = hold.release('interrupted');
        log(`interrupted after ${result.steps} steps (epoch ${result.epochs} complete); continue with: latentlab resume ${run.id}`);
        return { run: released, status: 'interrupted', metrics: null, classifierAccuracy: classifier.testAccuracy };
      }
      model.eval();
      const metrics = evaluate(model, normalization, classifier.model, prepared.sourceTest, prepared.targetTest, prepared.numClasses);
      const last = { step: store.metrics(run.id, 'train_loss').at(-1)?.step ?? 0, epoch: config.epochs };
      hold.check(); // before writing into a store that may be gone
      store.logMetrics(run.id, [
        { key: 'target_accuracy', value: metrics.accuracy, ...last },
        { key: 'diversity', value: metrics.diversity, ...last },
        { key: 'real_diversity', value: metrics.realDiversity, ...last },
        { key: 'frechet', value: metrics.frechet, ...last },
        { key: 'classifier_accuracy', value: classifier.testAccuracy, ...last },
      ]);
      store.addArtifact(run.id, 'model', 'model.safetensors', encodeSafetensors(model.stateDict(), { format: 'latentlab-translator', config: JSON.stringify(run.config) }));
      const finished = hold.release('finished');
      return { run: finished, status: 'finished', metrics, classifierAccuracy: classifier.testAccuracy };
    } finally {
      model.dispose();
    }
  } catch (error) {
    hold.fail(error);
    throw error;
  }
}

/** Translations of `sources` [N, C, H, W] in [0, 1] by a trained translator (eval mode), as images clamped to [0, 1]. */
export function translate(model: Translator, normalization: TranslatorNormalization, sources: Tensor, batchSize = 500): Tensor {
  return noGrad(() =>
    tidy(() => {
      const parts: Tensor[] = [];
      for (let start = 0; start < sources.shape[0]!; start += batchSize) {
        const batch = sources.narrow(0, start, Math.min(batchSize, sources.shape[0]! - start));
        parts.push(denormalize(model.forward(normalize(batch, normalization.kind, normalization.source)), normalization.kind, normalization.target).clamp(0, 1));
      }
      return cat(parts, 0);
    }),
  );
}

function evaluate(model: Translator, normalization: TranslatorNormalization, classifier: LeNet, sources: Domain, real: Domain, numClasses: number): TranslationMetrics {
  const images = translate(model, normalization, sources.images);
  try {
    return translationMetrics(classifier, { images, labels: sources.labels }, { images: real.images, labels: real.labels }, numClasses);
  } finally {
    images.dispose();
  }
}

// The target domain's classifier: its recorded reference classifier for a built-in data set (trained
// now where there is none), else one trained here on the folder.
async function targetClassifier(store: RunStore, config: TranslateConfig, target: Domain, targetTest: Domain, numClasses: number, log: (line: string) => void): Promise<TargetClassifier> {
  if (target.kind === 'dataset' && referenceClassifierProblem(target.spec) === undefined) {
    const found = await trainReferenceClassifier(store, { dataset: target.spec, ...(config.classifierTrainLimit !== undefined ? { trainLimit: config.classifierTrainLimit } : {}), log });
    return { model: found.model, testAccuracy: found.testAccuracy, description: `reference classifier run ${found.run.id}`, dispose: () => found.dispose() };
  }
  log(`training a classifier of ${target.spec} (${target.images.shape[0]} images)`);
  manualSeed(config.seed);
  const model = new LeNet({ numClasses });
  try {
    const outcome = await trainClassifier({ model, parameters: model.parameters(), optimizer: { name: 'adam', lr: 1e-3 }, train: { inputs: target.images, targets: target.labels }, test: { inputs: targetTest.images, targets: targetTest.labels }, batch: 64, seed: config.seed, epochs: 10 });
    model.eval();
    return { model, testAccuracy: outcome.testAccuracy, description: `LeNet trained on ${target.spec}, 10 epochs`, dispose: () => model.dispose() };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

// classifier-noise: the target classifier with one class more, "noise", learnt from uniform random
// images, so that an output the classifier cannot read is pushed away from every real class. A
// built-in target's is the recorded noise-class reference classifier (fine-tuned from its full
// reference classifier); a folder's is a LeNet trained here on the folder and noise.
async function noiseClassifier(store: RunStore, config: TranslateConfig, target: Domain, numClasses: number, log: (line: string) => void): Promise<LeNet> {
  if (target.kind === 'dataset' && referenceClassifierProblem(target.spec) === undefined) {
    const found = await trainReferenceClassifier(store, { dataset: target.spec, noiseClass: true, ...(config.classifierTrainLimit !== undefined ? { trainLimit: config.classifierTrainLimit } : {}), log });
    return found.model;
  }
  const seed = config.seed;
  const real = Math.min(target.images.shape[0]!, 10_000);
  const noise = Math.max(1, Math.round(real / numClasses));
  log(`training the noise-aware classifier of ${target.spec}: ${real} images and ${noise} noise images (class ${numClasses})`);
  manualSeed(seed);
  const data = tidy(() => {
    const images = keep(cat([target.images.narrow(0, 0, real), rand([noise, ...target.images.shape.slice(1)])], 0));
    const labels = keep(cat([target.labels.narrow(0, 0, real), target.labels.narrow(0, 0, 1).mul(0).add(numClasses).expand(noise).contiguous()], 0));
    return { images, labels };
  });
  const model = new LeNet({ numClasses: numClasses + 1 });
  try {
    const outcome = await trainClassifier({ model, parameters: model.parameters(), optimizer: { name: 'adam', lr: 1e-3 }, train: { inputs: data.images, targets: data.labels }, test: { inputs: data.images, targets: data.labels }, batch: 128, seed, epochs: 3 });
    if (outcome.divergence) throw new LatentlabError('the noise-aware classifier diverged');
    model.eval();
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    data.images.dispose();
    data.labels.dispose();
  }
}

export interface LoadedTranslator {
  run: RunRecord;
  model: Translator;
  normalization: TranslatorNormalization;
  config: TranslateConfig;
  dispose(): void;
}

/** A recorded translation run's translator with its trained weights, in eval mode. */
export function loadTranslator(store: RunStore, id: string): LoadedTranslator {
  const run = store.getRun(id);
  if (run.model !== translatorModel) throw new ArgumentError(`run ${run.id} is a ${run.model} run, not a translation: give the id of a run made by latentlab translate`);
  const config = run.config as unknown as TranslateConfig & { imageShape: number[]; normalization: TranslatorNormalization };
  const model = withRunWeights(store, run, new Translator({ imageShape: config.imageShape, dropout: config.dropout }), `translation run ${run.id} has no weights (status ${run.status}): train it again with latentlab translate`);
  return { run, model, normalization: config.normalization, config, dispose: () => model.dispose() };
}

/** A grid of the first `perClass` test sources of each class above their translations: [sources, translations]. */
export function translationGrid(loaded: LoadedTranslator, perClass = 2): { sources: Tensor; translations: Tensor } {
  const domain = loadDomain(loaded.config.source, 'source', { split: 'test' }); // a folder has one set, whatever the split
  try {
    const sources = noGrad(() =>
      tidy(() => {
        const numClasses = domain.classes.length;
        const picks: Tensor[] = [];
        for (let k = 0; k < numClasses; k++) {
          const index = domain.labels.eq(k).nonzero().flatten();
          picks.push(domain.images.indexSelect(0, index.narrow(0, 0, Math.min(perClass, index.shape[0]!))));
        }
        return cat(picks, 0);
      }),
    );
    return { sources, translations: translate(loaded.model, loaded.normalization, sources) };
  } finally {
    domain.dispose();
  }
}
