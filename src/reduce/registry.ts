// The reductions by name, for the command line and the studies: which exist, which need labels,
// which options each takes, and one constructor for all.
import { z } from 'zod';
import { ArgumentError } from '../tensor/errors.js';
import { issueText } from '../tensor/schema.js';
import { kernelNames } from './kernels.js';
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

// The options' schemas: what the CLI's --param and the studies may pass, checked before an
// estimator is built (its constructor keeps the checks that need the data, like nNeighbors < N).
const count = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const nonNegative = z.number().min(0);
const positive = z.number().positive();
const autoOr = (schema: z.ZodType, text: string) => z.union([z.literal('auto'), schema]).describe(`'auto' or ${text}`);
const iterations = autoOr(count, 'a positive integer');

interface MethodEntry {
  title: string;
  /** Options besides nComponents (and seed, where `seeded`), as the estimator's constructor names them. */
  params: z.ZodObject;
  seeded: boolean;
  supervised: boolean;
  create(options: Record<string, ReducerOptionValue>): Reducer;
}

const methods: Record<ReductionMethod, MethodEntry> = {
  pca: {
    title: 'PCA',
    params: z.strictObject({ whiten: z.boolean(), svdSolver: z.enum(['full', 'randomized', 'covariance_eigh', 'auto']), nOversamples: count, nIter: iterations }).partial(),
    seeded: true,
    supervised: false,
    create: (o) => new PCA(o),
  },
  kpca: {
    title: 'kernel PCA',
    params: z
      .strictObject({
        kernel: z.enum([...kernelNames]),
        gamma: positive,
        degree: count,
        coef0: z.number(),
        eigenSolver: z.enum(['auto', 'dense', 'randomized']),
        removeZeroEig: z.boolean(),
        fitInverseTransform: z.boolean(),
        alpha: nonNegative,
      })
      .partial(),
    seeded: true,
    supervised: false,
    create: (o) => new KernelPCA(o),
  },
  lda: { title: 'LDA', params: z.strictObject({ tol: nonNegative }).partial(), seeded: false, supervised: true, create: (o) => new LinearDiscriminantAnalysis(o) },
  ica: {
    title: 'FastICA',
    params: z
      .strictObject({
        algorithm: z.enum(['parallel', 'deflation']),
        whiten: z.enum(['unit-variance', 'arbitrary-variance']),
        fun: z.enum(['logcosh', 'exp', 'cube']),
        maxIter: count,
        tol: nonNegative,
        whitenSolver: z.enum(['svd', 'eigh']),
      })
      .partial(),
    seeded: true,
    supervised: false,
    create: (o) => new FastICA(o),
  },
  lle: {
    title: 'LLE',
    params: z
      .strictObject({ nNeighbors: count, reg: nonNegative, method: z.enum(['standard', 'modified']), eigenSolver: z.enum(['auto', 'dense', 'iterative']), tol: nonNegative, maxIter: count, modifiedTol: nonNegative })
      .partial(),
    seeded: true,
    supervised: false,
    create: (o) => new LocallyLinearEmbedding(o),
  },
  isomap: {
    title: 'Isomap',
    params: z.strictObject({ nNeighbors: count, eigenSolver: z.enum(['auto', 'dense', 'randomized']), connectComponents: z.boolean() }).partial(),
    seeded: true,
    supervised: false,
    create: (o) => new Isomap(o),
  },
  tsne: {
    title: 't-SNE',
    params: z
      .strictObject({ perplexity: positive, earlyExaggeration: positive, learningRate: autoOr(positive, 'a positive number'), nIter: count, init: z.enum(['pca', 'random']), method: z.enum(['exact', 'fft', 'auto']) })
      .partial(),
    seeded: true,
    supervised: false,
    create: (o) => new TSNE(o),
  },
  umap: {
    title: 'UMAP',
    params: z
      .strictObject({ nNeighbors: count, minDist: nonNegative, spread: positive, nEpochs: iterations, learningRate: positive, negativeSampleRate: count, init: z.enum(['spectral', 'pca', 'random']) })
      .partial(),
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
  return Object.keys(methods[method].params.shape);
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
  const known = reducerOptions(method);
  const unknown = Object.keys(params).filter((key) => !known.includes(key));
  if (unknown.length) {
    throw new ArgumentError(`${entry.title} has no option ${unknown.join(', ')}: its options are ${known.length ? known.join(', ') : 'none besides nComponents'}`);
  }
  const parsed = entry.params.safeParse(params);
  if (!parsed.success) throw new ArgumentError(issueText(entry.params.shape, parsed.error.issues[0]!, params, (key) => `${entry.title} option ${key}`));
  return entry.create({ ...params, nComponents: options.nComponents, ...(entry.seeded && options.seed !== undefined ? { seed: options.seed } : {}) });
}
