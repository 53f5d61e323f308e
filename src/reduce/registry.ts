// The reductions by name, for the command line and the studies: which exist, which need labels,
// which options each takes, and one constructor for all.
import { ArgumentError } from '../tensor/errors.js';
import { FastICA } from './ica.js';
import { Isomap } from './isomap.js';
import { KernelPCA } from './kernel-pca.js';
import { LinearDiscriminantAnalysis } from './lda.js';
import { LocallyLinearEmbedding } from './lle.js';
import { PCA } from './pca.js';
import type { Reducer } from './reducer.js';
import { TSNE } from './tsne.js';
import { UMAP } from './umap.js';

export const reductionMethods = ['pca', 'kpca', 'lda', 'ica', 'lle', 'isomap', 'tsne', 'umap'] as const;
export type ReductionMethod = (typeof reductionMethods)[number];

export type ReducerOptionValue = number | string | boolean;

interface MethodEntry {
  title: string;
  /** Options besides nComponents (and seed, where `seeded`), as the estimator's constructor names them. */
  options: readonly string[];
  seeded: boolean;
  supervised: boolean;
  create(options: Record<string, ReducerOptionValue>): Reducer;
}

const methods: Record<ReductionMethod, MethodEntry> = {
  pca: { title: 'PCA', options: ['whiten', 'svdSolver', 'nOversamples', 'nIter'], seeded: true, supervised: false, create: (o) => new PCA(o) },
  kpca: {
    title: 'kernel PCA',
    options: ['kernel', 'gamma', 'degree', 'coef0', 'eigenSolver', 'removeZeroEig', 'fitInverseTransform', 'alpha'],
    seeded: true,
    supervised: false,
    create: (o) => new KernelPCA(o),
  },
  lda: { title: 'LDA', options: ['tol'], seeded: false, supervised: true, create: (o) => new LinearDiscriminantAnalysis(o) },
  ica: { title: 'FastICA', options: ['algorithm', 'whiten', 'fun', 'maxIter', 'tol', 'whitenSolver'], seeded: true, supervised: false, create: (o) => new FastICA(o) },
  lle: { title: 'LLE', options: ['nNeighbors', 'reg', 'method', 'eigenSolver', 'tol', 'maxIter', 'modifiedTol'], seeded: true, supervised: false, create: (o) => new LocallyLinearEmbedding(o) },
  isomap: { title: 'Isomap', options: ['nNeighbors', 'eigenSolver', 'connectComponents'], seeded: true, supervised: false, create: (o) => new Isomap(o) },
  tsne: {
    title: 't-SNE',
    options: ['perplexity', 'earlyExaggeration', 'learningRate', 'nIter', 'init', 'method'],
    seeded: true,
    supervised: false,
    create: (o) => new TSNE(o),
  },
  umap: {
    title: 'UMAP',
    options: ['nNeighbors', 'minDist', 'spread', 'nEpochs', 'learningRate', 'negativeSampleRate', 'init'],
    seeded: true,
    supervised: false,
    create: (o) => new UMAP(o),
  },
};

export function isReductionMethod(name: string): name is ReductionMethod {
  return (reductionMethods as readonly string[]).includes(name);
}

/** The method's display name, e.g. 't-SNE'. */
export function reductionTitle(method: ReductionMethod): string {
  return methods[method].title;
}

/** Whether fit() needs class labels (LDA). */
export function isSupervised(method: ReductionMethod): boolean {
  return methods[method].supervised;
}

/** The options `createReducer` accepts for a method, besides nComponents and seed. */
export function reducerOptions(method: ReductionMethod): readonly string[] {
  return methods[method].options;
}

/**
 * A new, unfitted reducer of `method` with nComponents, seed (ignored by the deterministic
 * methods) and method options by their constructor names. An option the method does not take is
 * an error naming the ones it does, rather than silently ignored.
 */
export function createReducer(method: string, options: { nComponents: number; seed?: number; params?: Record<string, ReducerOptionValue> }): Reducer {
  if (!isReductionMethod(method)) throw new ArgumentError(`unknown reduction method '${method}': choose from ${reductionMethods.join(', ')}`);
  const entry = methods[method];
  const params = options.params ?? {};
  const unknown = Object.keys(params).filter((key) => !entry.options.includes(key));
  if (unknown.length) {
    const known = entry.options.length ? entry.options.join(', ') : 'none besides nComponents';
    throw new ArgumentError(`${entry.title} has no option ${unknown.join(', ')}: its options are ${known}`);
  }
  return entry.create({ ...params, nComponents: options.nComponents, ...(entry.seeded && options.seed !== undefined ? { seed: options.seed } : {}) });
}
