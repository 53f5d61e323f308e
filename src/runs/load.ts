// A recorded run's trained model, rebuilt from its stored configuration and weights (the final
// weights of a finished run, else its last checkpoint), with the test split it was measured on.
import { existsSync } from 'node:fs';
import { noGrad } from '../tensor/autograd.js';
import { LatentlabError } from '../tensor/errors.js';
import { manualSeed } from '../tensor/runtime.js';
import { loadDataset, type LoadedDataset } from '../data/datasets.js';
import { readLatestCheckpoint } from '../train/checkpoint.js';
import { createLabModel, type LabModel } from '../models/registry.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { isAutoencoder } from '../models/autoencoder.js';
import { isGenerativeModel, type GenerativeModel } from '../models/generative.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { parseStoredRunConfig, type RunConfig } from './config.js';
import { checkpointDir } from './train-run.js';
import { referenceClassifierModel } from './reference-classifier.js';
import { translatorModel } from './translate-run.js';
import { loadStateFile } from './weights.js';
import { datasetTasks } from './tasks.js';

/** A run loaded back: its record and configuration, the model with its trained weights (in eval mode), and its test split. */
export interface LoadedRun<M extends LabModel = Autoencoder> {
  run: RunRecord;
  config: RunConfig;
  /** In eval mode. */
  model: M;
  /** Where the weights came from. */
  weights: string;
  test: LoadedDataset;
  /** Frees the model's parameters and the test split's tensors. */
  dispose(): void;
}

/**
 * Rebuilds an autoencoder run's model with its trained weights and loads its test split
 * (testLimit applies). An adversarial run is refused with a line saying what works on it.
 */
export function loadRun(store: RunStore, id: string): LoadedRun {
  const loaded = loadAnyRun(store, id);
  if (!isAutoencoder(loaded.model)) {
    loaded.dispose();
    throw new LatentlabError(`run ${loaded.run.id} is a ${loaded.run.model}, an adversarial model with no encoder: this needs an autoencoder run; latentlab sample ${loaded.run.id} draws its images`);
  }
  return loaded as LoadedRun;
}

/** A generative run (VAE, GAN, ...): its model samples images. Other runs are refused in one line. */
export function loadGenerativeRun(store: RunStore, id: string): LoadedRun<LabModel & GenerativeModel> {
  const loaded = loadAnyRun(store, id);
  if (!isGenerativeModel(loaded.model)) {
    loaded.dispose();
    throw new LatentlabError(`run ${loaded.run.id} is a ${loaded.run.model}, which has no prior to sample from: sampling needs a VAE, a GAN, a prior-matching or adversarial autoencoder or an RBM (vae, conv-vae, svae, gmvae, iwae, wae, swae, gan, dcgan, aae, rbm)`);
  }
  return loaded as LoadedRun<LabModel & GenerativeModel>;
}

/** A run of any family, its model as createLabModel builds it. */
export function loadAnyRun(store: RunStore, id: string): LoadedRun<LabModel> {
  const run = store.getRun(id);
  if (run.model === translatorModel) throw new LatentlabError(`run ${run.id} is a translation (${run.dataset}), not an autoencoder: latentlab translate ${run.id} --out grid.png draws it, and runs show ${run.id} gives its metrics`);
  if (run.model === referenceClassifierModel) throw new LatentlabError(`run ${run.id} is the reference classifier of ${run.dataset}, not an autoencoder: latentlab classifier list shows its test accuracy`);
  const config = parseStoredRunConfig(run.id, run.config);
  const { training } = config;
  const test = loadDataset(training.dataset, { split: 'test', dataDir: training.dataDir, limit: training.testLimit, seed: training.seed, target: training.target });
  const disposeTest = () => [test.inputs, test.targets].forEach((t) => t.dispose());
  try {
    const numClasses = test.targetKind === 'class' ? (test.classes?.length ?? test.tasks?.[0]?.numClasses) : undefined; // a csv column of integer classes has no names
    manualSeed(training.seed);
    const model = createLabModel(config.model, { inputShape: test.inputs.shape.slice(1), tasks: datasetTasks(test, numClasses), ...(numClasses !== undefined ? { numClasses } : {}) });
    let weights: string;
    try {
      weights = loadWeights(store, run, model);
    } catch (error) {
      model.dispose();
      throw error;
    }
    model.eval();
    return { run, config, model, weights, test, dispose: () => (model.dispose(), disposeTest()) };
  } catch (error) {
    disposeTest();
    throw error;
  }
}

function loadWeights(store: RunStore, run: RunRecord, model: LabModel): string {
  const final = store.artifacts(run.id, 'model')[0];
  if (final) {
    const path = store.artifactPath(final);
    loadStateFile(model, path);
    return path;
  }
  const dir = checkpointDir(store, run.id);
  if (!existsSync(dir)) throw new LatentlabError(`run ${run.id} has no trained weights yet (status ${run.status}, no checkpoint): train or resume it first`);
  const { checkpoint } = readLatestCheckpoint(dir);
  try {
    noGrad(() => model.loadStateDict(checkpoint.model));
  } finally {
    checkpoint.dispose();
  }
  return checkpoint.path;
}
