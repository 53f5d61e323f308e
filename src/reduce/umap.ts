// UMAP, Uniform Manifold Approximation and Projection (McInnes, Healy & Melville 2018), with
// umap-learn 0.5's API, defaults and algorithm, computed with the engine's tensors: exact kNN,
// the fuzzy simplicial set, spectral initialisation by LOBPCG, and a batched SGD layout.
import { ArgumentError } from '../tensor/errors.js';
import { arange, cat, getRngState, manualSeed, rand, randn, setRngState, tidy, where, zeros, type Tensor } from '../tensor/index.js';
import { checkFeatures, checkMatrix } from './checks.js';
import { FittedState } from './fitted.js';
import { nearestNeighbors, nearestNeighborsOf } from './neighbors.js';
import { PCA } from './pca.js';
import type { Reducer } from './reducer.js';
import { findAbParams, fuzzySimplicialSet, membershipStrengths, nonZeroPositions, oneThread, smoothKnnDistances, type FuzzyGraph } from './umap-graph.js';
import { optimizeLayout, type LayoutEdges } from './umap-layout.js';
import { spectralLayout } from './umap-spectral.js';

/** UMAP's initial embedding: the spectral layout of its graph, the first principal components, or uniform random. */
export type UMAPInit = 'spectral' | 'pca' | 'random';
const inits: readonly UMAPInit[] = ['spectral', 'pca', 'random'];

/** Options of UMAP, as umap-learn's: components, neighbours, min_dist and spread, epochs, learning rate, negative samples, init and seed. */
export interface UMAPOptions {
  /** Dimension of the embedding (default 2). */
  nComponents?: number;
  /** Size of the local neighbourhood, the point itself included as umap-learn counts it (default 15). */
  nNeighbors?: number;
  /** Smallest distance between embedded points, against `spread` (default 0.1; at most spread). */
  minDist?: number;
  /** Scale of the embedded points (default 1). */
  spread?: number;
  /** SGD epochs: 'auto' (default) is 500 for up to 10,000 points, else 200. */
  nEpochs?: 'auto' | number;
  /** Initial SGD learning rate, decayed linearly to 0 (default 1). */
  learningRate?: number;
  /** Negative samples per positive sample (default 5). */
  negativeSampleRate?: number;
  /** Weight of the repulsion from negative samples, γ (default 1). */
  repulsionStrength?: number;
  /** 1 (default): fuzzy union of the directed kNN memberships; 0: fuzzy intersection; between: a mix. */
  setOpMixRatio?: number;
  /** Neighbours each point is assumed connected to at full strength (default 1). */
  localConnectivity?: number;
  /** Start of the layout: 'spectral' (default; the graph Laplacian's eigenvectors), 'pca' or 'random'. */
  init?: UMAPInit;
  /** a of the embedded similarity 1/(1 + a·d^(2b)); by default fitted from minDist and spread (with b). */
  a?: number;
  /** b of the embedded similarity; give both a and b or neither. */
  b?: number;
  /** Seed of every random draw (initialisation, negative samples): the same seed gives the same embedding on CPU. */
  seed?: number;
}

type ResolvedOptions = Required<Omit<UMAPOptions, 'a' | 'b'>> & Pick<UMAPOptions, 'a' | 'b'>;

interface Fitted {
  embedding: Tensor;
  graph: FuzzyGraph;
  data: Tensor;
  a: number;
  b: number;
}

/**
 * UMAP of an [N, D] matrix, as umap-learn's umap.UMAP with the Euclidean metric: `fit` builds
 * each point's fuzzy neighbourhood from its nNeighbors − 1 exact nearest neighbours (umap-learn
 * uses approximate NN-descent above 4,096 points, exact search below), symmetrises the
 * memberships into one fuzzy graph, starts from its spectral layout and optimises the embedding by
 * SGD on the fuzzy cross-entropy. `transform` places new points among the fitted ones.
 *
 * Differences from umap-learn, all deliberate: the kNN are exact; the spectral eigenvectors come
 * from LOBPCG rather than ARPACK (the same vectors to solver tolerance, up to sign and rotation
 * within nearly equal eigenvalues); the SGD processes each epoch's edges in one batch (see
 * optimizeLayout for why this is a fair approximation); every random draw follows `seed`
 * (initial noise and the eigensolver's start from libtorch's generator, saved and restored around
 * fit and transform so the caller's random state is untouched; negative samples from a seeded
 * xorshift), where umap-learn is unseeded by default. 'pca' initialisation follows umap-learn
 * 0.5.4+ (0.5.3 has only 'spectral' and 'random').
 *
 * Data are converted to float32 as umap-learn does, and the embedding is float32. The fitted
 * tensors (embedding, graph, a float32 copy of the training data for transform) live outside any
 * tidy() scope: dispose() frees them.
 */
export class UMAP implements Reducer {
  readonly options: Readonly<ResolvedOptions>;
  readonly #fitted = new FittedState<Fitted>('UMAP');

  constructor(options: UMAPOptions = {}) {
    const {
      nComponents = 2, nNeighbors = 15, minDist = 0.1, spread = 1, nEpochs = 'auto', learningRate = 1, negativeSampleRate = 5,
      repulsionStrength = 1, setOpMixRatio = 1, localConnectivity = 1, init = 'spectral', a, b, seed = 0,
    } = options;
    const positiveInteger = (name: string, value: number, least = 1) => {
      if (!Number.isInteger(value) || value < least) throw new ArgumentError(`${name} must be an integer ≥ ${least}, got ${value}`);
    };
    positiveInteger('nComponents', nComponents);
    positiveInteger('nNeighbors', nNeighbors, 2);
    if (!(spread > 0) || !Number.isFinite(spread)) throw new ArgumentError(`spread must be a positive number, got ${spread}`);
    if (!(minDist >= 0)) throw new ArgumentError(`minDist must be ≥ 0, got ${minDist}`);
    if (minDist > spread) throw new ArgumentError(`minDist (${minDist}) must not exceed spread (${spread}): raise spread or lower minDist`);
    if (nEpochs !== 'auto' && !(Number.isInteger(nEpochs) && nEpochs >= 0)) throw new ArgumentError(`nEpochs must be 'auto' or an integer ≥ 0, got ${String(nEpochs)}`);
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new ArgumentError(`learningRate must be a positive number, got ${learningRate}`);
    if (!(negativeSampleRate > 0) || !Number.isFinite(negativeSampleRate)) throw new ArgumentError(`negativeSampleRate must be a positive number, got ${negativeSampleRate}`);
    if (!(repulsionStrength >= 0) || !Number.isFinite(repulsionStrength)) throw new ArgumentError(`repulsionStrength must be a number ≥ 0, got ${repulsionStrength}`);
    if (!(setOpMixRatio >= 0 && setOpMixRatio <= 1)) throw new ArgumentError(`setOpMixRatio must be in [0, 1], got ${setOpMixRatio}`);
    if (!(localConnectivity >= 0) || !Number.isFinite(localConnectivity)) throw new ArgumentError(`localConnectivity must be a number ≥ 0, got ${localConnectivity}`);
    if (!inits.includes(init)) throw new ArgumentError(`init must be 'spectral', 'pca' or 'random', got '${String(init)}'`);
    if ((a === undefined) !== (b === undefined)) throw new ArgumentError('give both a and b, or neither (they are then fitted from minDist and spread)');
    if (a !== undefined && !(a > 0 && b! > 0)) throw new ArgumentError(`a and b must be positive, got a = ${a}, b = ${b}`);
    if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
    this.options = {
      nComponents, nNeighbors, minDist, spread, nEpochs, learningRate, negativeSampleRate, repulsionStrength, setOpMixRatio,
      localConnectivity, init, a, b, seed,
    };
  }

  /** The embedding of the training points, [N, nComponents] float32 (umap-learn's embedding_). */
  get embedding(): Tensor {
    return this.#fitted.get().embedding;
  }
  /**
   * The fuzzy simplicial set of the training points (umap-learn's graph_): a symmetric sparse
   * graph as an edge list sorted by (row, col), both directions of each edge present, before the
   * layout drops the edges too weak to be sampled.
   */
  get graph(): FuzzyGraph {
    return this.#fitted.get().graph;
  }
  /** a and b of the embedded similarity 1/(1 + a·d^(2b)) used by the fit. */
  get curve(): { a: number; b: number } {
    const { a, b } = this.#fitted.get();
    return { a, b };
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D] (N > nNeighbors), replacing (and freeing) any earlier fit. Labels are not supported. */
  fit(x: Tensor, labels?: Tensor): this {
    if (labels !== undefined) throw new ArgumentError('UMAP.fit takes no labels: supervised UMAP is not implemented');
    const [n] = checkMatrix(x, 'UMAP.fit');
    const { nNeighbors, nComponents, minDist, spread, setOpMixRatio, localConnectivity } = this.options;
    if (nNeighbors >= n) throw new ArgumentError(`nNeighbors (${nNeighbors}) must be less than the number of points (${n}): lower nNeighbors or add points`);
    if (nComponents > n - 2) throw new ArgumentError(`nComponents (${nComponents}) must be at most N − 2 = ${n - 2} for ${n} points`);
    const { a, b } = this.options.a !== undefined ? { a: this.options.a, b: this.options.b! } : findAbParams(spread, minDist);
    const fitted = seeded(this.options.seed, () =>
      tidy(() => {
        const data = x.dtype === 'float32' ? x.clone() : x.to('float32');
        // umap-learn's kNN lists each point first, at distance 0: prepend it to the others.
        const others = nearestNeighbors(data, nNeighbors - 1);
        const self = arange(0, n, 1, { dtype: 'int64' }).unsqueeze(1);
        const indices = cat([self, others.indices], 1);
        const distances = cat([zeros([n, 1]), others.distances], 1);
        return oneThread(() => {
          const { graph } = fuzzySimplicialSet(indices, distances, { localConnectivity, setOpMixRatio });
          const embedding = this.#embed(data, graph, a, b);
          return { embedding, graph, data, a, b };
        });
      }),
    );
    this.#fitted.set(fitted);
    return this;
  }

  /** Fits to x and returns the embedding of its points (a copy: the fitted one stays with the UMAP). */
  fitTransform(x: Tensor, labels?: Tensor): Tensor {
    return this.fit(x, labels).embedding.clone();
  }

  /**
   * Embeds new points x [M, D] among the fitted ones, as umap-learn's transform: membership
   * strengths to their nNeighbors nearest training points (local connectivity lowered by one, as
   * umap-learn does, since a new point is not among them), start at the strength-weighted mean of
   * those points' embeddings (at the point's embedding where a new point coincides with a training
   * point), then nEpochs/3 epochs of SGD ('auto': 100, or 30 beyond 10,000 new points) at a quarter
   * of the learning rate, moving only the new points. Returns [M, nComponents] float32.
   */
  transform(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    checkFeatures(x, fitted.data.shape[1]!, 'UMAP.transform');
    const m = x.shape[0]!;
    const { nNeighbors, localConnectivity, nEpochs, learningRate, negativeSampleRate, repulsionStrength, seed } = this.options;
    const k = nNeighbors;
    const epochs = nEpochs === 'auto' ? (m <= 10_000 ? 100 : 30) : Math.floor(nEpochs / 3);
    return seeded(seed, () =>
      tidy(() => {
        const { indices, distances } = nearestNeighborsOf(x.to('float32'), fitted.data, k);
        return oneThread(() => {
          const smooth = smoothKnnDistances(distances, { localConnectivity: Math.max(0, localConnectivity - 1) });
          const strengths = membershipStrengths(indices, distances, smooth, true); // [M, k]
          const neighbours = fitted.embedding.indexSelect(0, indices.flatten()).view(m, k, -1).to('float64'); // [M, k, dim]
          const total = strengths.sum({ dim: 1, keepdim: true });
          const mean = strengths.div(total).unsqueeze(2).mul(neighbours).sum({ dim: 1 });
          // A coincident training point (strength exactly 1 at the nearest), or no strength at all: the nearest's place.
          const atNearest = strengths.select(1, 0).eq(1).logicalOr(total.view(-1).eq(0)).unsqueeze(1);
          const start = where(atNearest, neighbours.select(1, 0), mean).to('float32').contiguous();
          if (epochs === 0) return start;
          const flat = strengths.flatten();
          const kept = nonZeroPositions(flat.ge(flat.max().item() / epochs).logicalAnd(flat.gt(0)));
          const edges: LayoutEdges = {
            heads: arange(0, m, 1, { dtype: 'int64' }).unsqueeze(1).expand([m, k]).flatten().indexSelect(0, kept),
            tails: indices.flatten().indexSelect(0, kept),
            weights: flat.indexSelect(0, kept),
          };
          return optimizeLayout(start, fitted.embedding, edges, {
            a: fitted.a, b: fitted.b, nEpochs: epochs, learningRate: learningRate / 4, negativeSampleRate, repulsionStrength, moveTails: false, seed,
          });
        });
      }),
    );
  }

  /** Frees the fitted tensors; the UMAP can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using umap = new UMAP()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // umap-learn's simplicial_set_embedding: drop edges too weak to be sampled in nEpochs, start
  // from `init` scaled into [0, 10]², then the SGD layout.
  #embed(data: Tensor, graph: FuzzyGraph, a: number, b: number): Tensor {
    const { nComponents, nEpochs, init, learningRate, negativeSampleRate, repulsionStrength, seed } = this.options;
    const n = graph.size;
    const defaultEpochs = n <= 10_000 ? 500 : 200;
    const epochs = nEpochs === 'auto' ? defaultEpochs : nEpochs;
    const threshold = graph.weights.max().item() / (epochs > 10 ? epochs : defaultEpochs);
    const kept = nonZeroPositions(graph.weights.ge(threshold));
    const pruned: FuzzyGraph = {
      rows: graph.rows.indexSelect(0, kept),
      cols: graph.cols.indexSelect(0, kept),
      weights: graph.weights.indexSelect(0, kept),
      size: n,
    };
    let start: Tensor;
    if (init === 'random') {
      start = rand([n, nComponents], { dtype: 'float64' }).mul(20).sub(10);
    } else if (init === 'spectral') {
      start = noisyScale(spectralLayout(data, pruned, nComponents));
    } else {
      const pca = new PCA({ nComponents, seed });
      try {
        start = noisyScale(pca.fitTransform(data).to('float64'));
      } finally {
        pca.dispose();
      }
    }
    const low = start.min(0).values;
    const range = start.max(0).values.sub(low);
    const embedding = start.sub(low).div(where(range.gt(0), range, 1)).mul(10).to('float32').contiguous();
    if (epochs === 0) return embedding;
    return optimizeLayout(embedding, embedding, { heads: pruned.rows, tails: pruned.cols, weights: pruned.weights }, {
      a, b, nEpochs: epochs, learningRate, negativeSampleRate, repulsionStrength, moveTails: true, seed,
    });
  }
}

// umap-learn's noisy_scale_coords: the largest coordinate scaled to 10, plus N(0, 1e-4²) noise
// that separates any coincident starting points.
function noisyScale(coords: Tensor): Tensor {
  return coords.mul(10 / coords.abs().max().item()).add(randn(coords.shape, { dtype: 'float64' }).mul(1e-4));
}

// Runs fn with libtorch's generator seeded, then restores the caller's random state.
function seeded<T>(seed: number, fn: () => T): T {
  const saved = getRngState();
  manualSeed(seed);
  try {
    return fn();
  } finally {
    setRngState(saved);
    saved.dispose();
  }
}
