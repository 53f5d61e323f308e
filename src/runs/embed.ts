// Embedding a data set with a classical reduction or a tracked run's encoder ('ae:<run id>'), scored
// by analysis/embedding.ts: what `latentlab reduce` and the compare-reductions study run.
import { scoreEmbedding, type EmbeddingMetrics } from '../analysis/embedding.js';
import { testCodes } from '../analysis/visuals.js';
import { loadDataset, type LoadedDataset } from '../data/datasets.js';
import { PCA } from '../reduce/pca.js';
import { createReducer, isReductionMethod, isSupervised, reductionMethods, reductionTitle, type ReducerOptionValue, type ReductionMethod } from '../reduce/registry.js';
import type { Reducer } from '../reduce/reducer.js';
import { ArgumentError } from '../tensor/errors.js';
import { keep, tidy, type Tensor } from '../tensor/index.js';
import type { RunStore } from '../track/store.js';
import { loadRun } from './load.js';

/** What embedDataset reduces: the method (a reducer, or an autoencoder run's encoder), data set, split, size, components, seed and method options. */
export interface EmbedOptions {
  /** A reduction method (pca, kpca, lda, ica, lle, isomap, tsne, umap) or 'ae:<run id>'. */
  method: string;
  /** Data set name (see src/data/datasets.ts); default 'mnist'. */
  dataset?: string;
  dataDir?: string;
  split?: 'train' | 'test';
  /** The first n samples of the split (default 5000, capped by the split's size). */
  n?: number;
  /** Embedding dimensions (default 2). */
  nComponents?: number;
  seed?: number;
  /** Method options by their constructor names (e.g. { perplexity: 50 }). */
  params?: Record<string, ReducerOptionValue>;
  /** Neighbours for trustworthiness, continuity and kNN accuracy (default 5, scikit-learn's default). */
  neighbors?: number;
  /** The run store, for 'ae:<run id>'. */
  store?: RunStore;
}

/** An embedding of a data set (points [N, k]) with its labels, title, timing and neighbourhood metrics; dispose() frees its tensors. */
export interface Embedding {
  /** 'pca', ..., or 'ae:<run id>'. */
  method: string;
  /** Display name: 'PCA', 't-SNE', 'AE 2026…-ab12 (mlp-ae)'. */
  title: string;
  dataset: string;
  /** The embedded points [n, nComponents], float64 or float32. */
  points: Tensor;
  /** Class labels [n] int64, where the data set has classes. */
  labels: Tensor | null;
  /** Seconds spent fitting and embedding (encoding, for an autoencoder), not scoring. */
  seconds: number;
  metrics: EmbeddingMetrics;
  /** Frees points and labels. */
  dispose(): void;
}

/** Embeds the first n samples of a data set and scores the embedding (see EmbedOptions). */
export function embedDataset(options: EmbedOptions): Embedding {
  const { method, nComponents = 2, neighbors = 5 } = options;
  const autoencoderRun = method.startsWith('ae:') ? method.slice(3) : null;
  if (autoencoderRun === null && !isReductionMethod(method)) {
    throw new ArgumentError(`unknown method '${method}': choose from ${reductionMethods.join(', ')} or ae:<run id>`);
  }
  if (!Number.isInteger(nComponents) || nComponents < 1) throw new ArgumentError(`nComponents must be a positive integer, got ${nComponents}`);
  const data = loadDataset(options.dataset ?? 'mnist', { split: options.split ?? 'train', dataDir: options.dataDir, limit: options.n ?? 5000, seed: options.seed });
  try {
    // Checked before the fit, which may take minutes: trustworthiness needs k < N/2.
    const samples = data.inputs.shape[0]!;
    if (!Number.isInteger(neighbors) || neighbors < 1 || neighbors >= samples / 2) {
      throw new ArgumentError(`neighbors (--neighbors) must be an integer in [1, ${Math.ceil(samples / 2) - 1}] for ${samples} samples, got ${neighbors}`);
    }
    const labels = data.targetKind === 'class' ? data.targets : null;
    const fitted = autoencoderRun !== null ? encodeWithRun(autoencoderRun, data, nComponents, options) : reduce(method as ReductionMethod, data, nComponents, options);
    try {
      const metrics = tidy(() => scoreEmbedding(data.inputs.flatten(1), fitted.points, labels, neighbors, fitted.reconstruction));
      return {
        method,
        title: fitted.title,
        dataset: data.name,
        points: fitted.points,
        labels,
        seconds: fitted.seconds,
        metrics,
        dispose: () => {
          fitted.points.dispose();
          labels?.dispose();
        },
      };
    } catch (error) {
      fitted.points.dispose();
      throw error;
    } finally {
      fitted.reconstruction?.dispose();
    }
  } catch (error) {
    data.targets.dispose();
    throw error;
  } finally {
    data.inputs.dispose();
    if (data.targetKind !== 'class') data.targets.dispose();
  }
}

interface Fitted {
  title: string;
  points: Tensor;
  reconstruction?: Tensor;
  seconds: number;
}

function reduce(method: ReductionMethod, data: LoadedDataset, nComponents: number, options: EmbedOptions): Fitted {
  const supervised = isSupervised(method);
  if (supervised && data.targetKind !== 'class') throw new ArgumentError(`${method} needs class labels, but ${data.name} has none`);
  const reducer: Reducer = createReducer(method, { nComponents, seed: options.seed ?? 0, params: options.params });
  try {
    const x = data.inputs.flatten(1);
    const begin = performance.now();
    let points: Tensor;
    try {
      points = keep(reducer.fitTransform(x, supervised ? data.targets : undefined));
    } finally {
      x.dispose();
    }
    const seconds = (performance.now() - begin) / 1000;
    const reconstruction = invert(reducer, points);
    return { title: reductionTitle(method), points, seconds, ...(reconstruction ? { reconstruction } : {}) };
  } finally {
    reducer.dispose();
  }
}

// The inverse map of the fitted reducer applied to the embedding, where one exists and is fitted
// (kernel PCA has one only when fitted with fitInverseTransform).
function invert(reducer: Reducer, points: Tensor): Tensor | undefined {
  if (!reducer.inverseTransform) return undefined;
  if ('options' in reducer && (reducer.options as { fitInverseTransform?: boolean }).fitInverseTransform === false) return undefined;
  return keep(reducer.inverseTransform(points));
}

// An autoencoder's codes of the data; past nComponents dimensions, their leading principal
// components, so that every method is scored on a map of the same dimension.
function encodeWithRun(id: string, data: LoadedDataset, nComponents: number, options: EmbedOptions): Fitted {
  if (!options.store) throw new ArgumentError('ae:<run id> needs the run store');
  const loaded = loadRun(options.store, id);
  try {
    const expected = loaded.test.inputs.shape.slice(1).join('×');
    const given = data.inputs.shape.slice(1).join('×');
    if (expected !== given) throw new ArgumentError(`run ${loaded.run.id} was trained on ${expected} inputs (${loaded.config.training.dataset}), but ${data.name} has ${given}`);
    const begin = performance.now();
    let points = testCodes(loaded.model, data);
    if (points.shape[1]! > nComponents) {
      const pca = new PCA({ nComponents, seed: options.seed ?? 0 });
      const projected = keep(pca.fitTransform(points));
      pca.dispose();
      points.dispose();
      points = projected;
    } else if (points.shape[1]! < nComponents) {
      points.dispose();
      throw new ArgumentError(`run ${loaded.run.id} has a ${loaded.model.latent}-dimensional latent: ask for at most ${loaded.model.latent} components`);
    }
    const seconds = (performance.now() - begin) / 1000;
    return { title: `AE ${loaded.run.id} (${loaded.run.model}, latent ${loaded.model.latent})`, points, seconds };
  } finally {
    loaded.dispose();
  }
}
