// Isomap (Tenenbaum, de Silva & Langford 2000) with scikit-learn's API and conventions
// (sklearn.manifold.Isomap, version 1.2): classical MDS of the geodesic distances along the
// k-nearest-neighbour graph, so a curled-up manifold is laid out flat.
import { ArgumentError } from '../tensor/errors.js';
import { cat, tensor, tidy, type Tensor } from '../tensor/index.js';
import { FittedState } from './fitted.js';
import { KernelPCA, type KernelPCAEigenSolver } from './kernel-pca.js';
import { nearestNeighbors, nearestNeighborsOf, squaredDistances } from './neighbors.js';
import type { Reducer } from './reducer.js';
import { checkMatrix, outputDType } from './checks.js';
import { connectedComponents, type SparseRows } from './graph.js';

/** Options of Isomap, as scikit-learn's: neighbours, components, eigensolver and whether to connect a disconnected graph. */
export interface IsomapOptions {
  /** Neighbours of each point in the graph (default 5). */
  nNeighbors?: number;
  /** Dimensions of the embedding (default 2). */
  nComponents?: number;
  /**
   * Eigensolver of the kernel PCA step: 'auto' (default: randomized when N > 200 and
   * nComponents < 10, as sklearn picks ARPACK there), 'dense' or 'randomized'.
   */
  eigenSolver?: KernelPCAEigenSolver;
  /**
   * What to do when the neighbour graph falls apart into several connected components, between
   * which no geodesic distance exists. false (default): refuse, naming the count, since joining
   * them invents distances the data do not support. true: join every pair of components by an
   * edge between their closest points, as sklearn 1.2 does (with a warning).
   */
  connectComponents?: boolean;
  /** Randomized eigensolver: directions sampled beyond nComponents (default 10). */
  nOversamples?: number;
  /** Randomized eigensolver: power iterations, 'auto' (default) or a count. */
  nIter?: 'auto' | number;
  /** Randomized eigensolver: seed of its Gaussian start. */
  seed?: number;
}

interface Fitted {
  /** Training points as given (in their dtype), for the neighbours of new points. */
  x: Tensor;
  /** Geodesic distances between training points, float64 [N, N] (sklearn's dist_matrix_). */
  geodesicDistances: Tensor;
  /** Embedding of the training points, float64 [N, k]. */
  embedding: Tensor;
  kernelPCA: KernelPCA;
}

/** Query rows × neighbours × training points held at once by transform's min-plus step. */
const TRANSFORM_BLOCK_ELEMENTS = 1 << 24;

/**
 * Isomap of an [N, D] matrix: the symmetrised k-nearest-neighbour graph with Euclidean edge
 * lengths, shortest-path (geodesic) distances D_G from every point by Dijkstra, then kernel PCA
 * of the precomputed kernel −½·D_G² (centred: −½·H·D_G²·H, classical MDS).
 *
 * Neighbours are found in the input's dtype (their distances recomputed exactly from the
 * differences); path lengths, the kernel and the eigendecomposition are float64. The embedding
 * comes back float32 for float32 input, else float64. Memory is O(N²): the geodesic distance
 * matrix is kept (transform needs it), as sklearn's dist_matrix_; N = 5,000 holds 200 MB.
 */
export class Isomap implements Reducer {
  readonly options: Readonly<Required<IsomapOptions>>;
  readonly #fitted = new FittedState<Fitted>('Isomap');

  constructor(options: IsomapOptions = {}) {
    const { nNeighbors = 5, nComponents = 2, eigenSolver = 'auto', connectComponents = false, nOversamples = 10, nIter = 'auto', seed = 0 } = options;
    if (!Number.isInteger(nNeighbors) || nNeighbors < 1) throw new ArgumentError(`nNeighbors must be a positive integer, got ${nNeighbors}`);
    if (!Number.isInteger(nComponents) || nComponents < 1) throw new ArgumentError(`nComponents must be a positive integer, got ${nComponents}`);
    if (!['auto', 'dense', 'randomized'].includes(eigenSolver)) {
      throw new ArgumentError(`eigenSolver must be 'auto', 'dense' or 'randomized', got '${String(eigenSolver)}'`);
    }
    // Validated again, with the same messages, by the KernelPCA each fit makes: checked here so a
    // bad option fails at construction.
    new KernelPCA({ kernel: 'precomputed', nComponents, eigenSolver, nOversamples, nIter, seed });
    this.options = { nNeighbors, nComponents, eigenSolver, connectComponents: Boolean(connectComponents), nOversamples, nIter, seed };
  }

  /** Embedding of the training points, [N, nComponents] (sklearn's embedding_), float64. */
  get embedding(): Tensor {
    return this.#fitted.get().embedding;
  }
  /** Geodesic (shortest-path) distances between the training points, [N, N] (sklearn's dist_matrix_). */
  get geodesicDistances(): Tensor {
    return this.#fitted.get().geodesicDistances;
  }
  /** Eigenvalues of the centred kernel −½·H·D_G²·H for the kept components, descending. */
  get eigenvalues(): Tensor {
    return this.#fitted.get().kernelPCA.eigenvalues;
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D], replacing (and freeing) any earlier fit. */
  fit(x: Tensor): this {
    checkMatrix(x, 'Isomap.fit');
    const n = x.shape[0]!;
    const { nNeighbors, nComponents, eigenSolver, nOversamples, nIter, seed, connectComponents } = this.options;
    if (nNeighbors >= n) throw new ArgumentError(`nNeighbors ${nNeighbors} needs more than ${nNeighbors} points, got ${n}`);
    if (nComponents > n) throw new ArgumentError(`nComponents ${nComponents} exceeds the ${n} training samples`);

    const edges = tidy(() => {
      const { indices, distances } = nearestNeighbors(x, nNeighbors);
      const sources = new Int32Array(n * nNeighbors);
      for (let i = 0; i < sources.length; i++) sources[i] = Math.floor(i / nNeighbors);
      return { sources, targets: indices.int().toTypedArray() as Int32Array, weights: distances.double().toTypedArray() as Float64Array };
    });
    let graph = undirectedGraph(n, edges.sources, edges.targets, edges.weights);
    const components = connectedComponents(graph);
    if (components.count > 1) {
      if (!connectComponents) {
        throw new ArgumentError(
          `the ${nNeighbors}-neighbour graph has ${components.count} connected components, with no path between them: ` +
            'raise nNeighbors, or pass connectComponents: true to join them by their closest points (as sklearn does)',
        );
      }
      const bridges = closestPairsBetween(x, components);
      graph = undirectedGraph(n, concat(edges.sources, bridges.sources), concat(edges.targets, bridges.targets), concatFloat(edges.weights, bridges.weights));
    }

    const kernelPCA = new KernelPCA({ kernel: 'precomputed', nComponents, eigenSolver, nOversamples, nIter, seed });
    const fitted = tidy((): Fitted => {
      const geodesicDistances = tensor(shortestPathLengths(graph), { shape: [n, n] }); // a copy: the array can go
      const embedding = kernelPCA.fitTransform(geodesicDistances.square().mul_(-0.5));
      return { x: x.clone(), geodesicDistances, embedding, kernelPCA };
    });
    this.#fitted.set(fitted);
    return this;
  }

  /** Fits to x and returns its embedding, [N, nComponents] (float32 for float32 input). */
  fitTransform(x: Tensor): Tensor {
    this.fit(x);
    return tidy(() => this.#fitted.get().embedding.to(outputDType(x)));
  }

  /**
   * Embeds new points x [M, D]: each is linked to its nNeighbors nearest training points (itself
   * among them, at distance 0, when it is one), its geodesic distance to every training point
   * is the shortest way through one of them, and the kernel of those distances is projected as
   * kernel PCA projects new points. Training points get their fitted embedding back.
   */
  transform(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    checkMatrix(x, 'Isomap.transform');
    const d = fitted.x.shape[1]!;
    if (x.shape[1] !== d) throw new ArgumentError(`Isomap.transform expects ${d} features (as fitted), got ${x.shape[1]}`);
    const k = this.options.nNeighbors;
    const n = fitted.geodesicDistances.shape[0]!;
    return tidy(() => {
      const { indices, distances } = nearestNeighborsOf(x.to(fitted.x.dtype), fitted.x, k);
      const m = x.shape[0]!;
      const rows = Math.max(1, Math.floor(TRANSFORM_BLOCK_ELEMENTS / (k * n)));
      const blocks: Tensor[] = [];
      for (let start = 0; start < m; start += rows) {
        const count = Math.min(rows, m - start);
        const through = fitted.geodesicDistances.indexSelect(0, indices.narrow(0, start, count).flatten()).view(count, k, n); // [count, k, N]
        const geodesic = through.add(distances.narrow(0, start, count).double().unsqueeze(2)).min(1).values; // [count, N]
        blocks.push(fitted.kernelPCA.transform(geodesic.square().mul_(-0.5)));
      }
      return (blocks.length === 1 ? blocks[0]! : cat(blocks, 0)).to(outputDType(x));
    });
  }

  /**
   * sklearn's reconstruction_error(): ‖K_c − K_embedding‖_F / N = √(‖K_c‖²_F − Σλᵢ²) / N, with K_c
   * the centred kernel −½·H·D_G²·H and λᵢ its kept eigenvalues: what the embedding's
   * inner products miss of the geodesic ones.
   */
  reconstructionError(): number {
    const fitted = this.#fitted.get();
    return tidy(() => {
      const kernel = fitted.geodesicDistances.square().mul_(-0.5);
      const columnMeans = kernel.mean({ dim: 0 });
      const centred = kernel.sub(columnMeans).sub_(kernel.mean({ dim: 1, keepdim: true })).add_(columnMeans.mean());
      const residual = centred.square().sum().sub(fitted.kernelPCA.eigenvalues.square().sum()).item();
      return Math.sqrt(Math.max(residual, 0)) / kernel.shape[0]!;
    });
  }

  /** Frees the fitted tensors; the model can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using isomap = new Isomap()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

// ---- graphs ------------------------------------------------------------------------------

/** An undirected weighted graph in compressed sparse rows: node i's edges are targets/weights[offsets[i] .. offsets[i + 1]). */
export interface WeightedGraph extends SparseRows {
  // targets: each undirected edge is stored from both ends
  weights: Float64Array; // [E]
}

/**
 * The undirected graph on n nodes with the edges sources[e] — targets[e] of length weights[e]
 * (non-negative): each edge is stored from both ends, repeated edges are merged keeping the
 * shortest, and self-loops are dropped. A kNN graph listed this way (i — each of its
 * neighbours) becomes its symmetrisation, as scipy's shortest_path(directed=False) reads it.
 */
export function undirectedGraph(n: number, sources: Int32Array, targets: Int32Array, weights: Float64Array): WeightedGraph {
  if (sources.length !== targets.length || sources.length !== weights.length) {
    throw new ArgumentError(`undirectedGraph: ${sources.length} sources, ${targets.length} targets and ${weights.length} weights: give one of each per edge`);
  }
  const degree = new Int32Array(n + 1);
  for (let e = 0; e < sources.length; e++) {
    const a = sources[e]!;
    const b = targets[e]!;
    if (!(a >= 0 && a < n && b >= 0 && b < n)) throw new ArgumentError(`undirectedGraph: edge ${e} joins ${a} and ${b}, outside the nodes 0..${n - 1}`);
    if (!(weights[e]! >= 0)) throw new ArgumentError(`undirectedGraph: edge ${e} has weight ${weights[e]}: weights must be non-negative`);
    if (a === b) continue;
    degree[a + 1]!++;
    degree[b + 1]!++;
  }
  for (let i = 0; i < n; i++) degree[i + 1]! += degree[i]!;
  const fill = degree.slice(0, n);
  const allTargets = new Int32Array(degree[n]!);
  const allWeights = new Float64Array(degree[n]!);
  for (let e = 0; e < sources.length; e++) {
    const a = sources[e]!;
    const b = targets[e]!;
    if (a === b) continue;
    const w = weights[e]!;
    allTargets[fill[a]!] = b;
    allWeights[fill[a]!++] = w;
    allTargets[fill[b]!] = a;
    allWeights[fill[b]!++] = w;
  }
  // Merge repeats (mutual neighbours list each other) in one pass per row, remembering where in
  // the row each target was first seen.
  const seenAt = new Int32Array(n).fill(-1);
  const offsets = new Int32Array(n + 1);
  let written = 0;
  for (let i = 0; i < n; i++) {
    const rowStart = written;
    for (let e = degree[i]!; e < degree[i + 1]!; e++) {
      const b = allTargets[e]!;
      const at = seenAt[b]!;
      if (at >= rowStart) {
        if (allWeights[e]! < allWeights[at]!) allWeights[at] = allWeights[e]!;
      } else {
        seenAt[b] = written;
        allTargets[written] = b;
        allWeights[written++] = allWeights[e]!;
      }
    }
    offsets[i + 1] = written;
  }
  return { offsets, targets: allTargets.slice(0, written), weights: allWeights.slice(0, written) };
}

/**
 * Shortest-path lengths between all pairs of nodes, row-major [N·N] (Infinity where no path):
 * Dijkstra from every node with a binary heap indexed by node (decrease-key in place), so
 * O(N·E·log N) in all and O(N) extra memory beyond the result.
 */
export function shortestPathLengths(graph: WeightedGraph): Float64Array {
  const n = graph.offsets.length - 1;
  const lengths = new Float64Array(n * n);
  const heap = new Int32Array(n);
  const position = new Int32Array(n);
  for (let source = 0; source < n; source++) dijkstra(graph, source, lengths.subarray(source * n, (source + 1) * n), heap, position);
  return lengths;
}

const UNSEEN = -1;
const SETTLED = -2;

// Fills `distance` [N] with the lengths from `source`. The heap holds the nodes reached but not
// settled, ordered by their tentative distance; position[v] is v's index in it.
function dijkstra(graph: WeightedGraph, source: number, distance: Float64Array, heap: Int32Array, position: Int32Array): void {
  const { offsets, targets, weights } = graph;
  distance.fill(Infinity);
  position.fill(UNSEEN);
  distance[source] = 0;
  heap[0] = source;
  position[source] = 0;
  let size = 1;
  while (size > 0) {
    const u: number = heap[0]!;
    position[u] = SETTLED;
    size--;
    if (size > 0) {
      // Move the last node to the root and sift it down.
      const last = heap[size]!;
      const key = distance[last]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && distance[heap[child + 1]!]! < distance[heap[child]!]!) child++;
        const c = heap[child]!;
        if (distance[c]! >= key) break;
        heap[i] = c;
        position[c] = i;
        i = child;
      }
      heap[i] = last;
      position[last] = i;
    }
    const base = distance[u]!;
    for (let e: number = offsets[u]!, end: number = offsets[u + 1]!; e < end; e++) {
      const v = targets[e]!;
      const candidate = base + weights[e]!;
      if (candidate >= distance[v]!) continue; // also skips settled nodes, which are never improved
      distance[v] = candidate;
      let i = position[v]!;
      if (i === UNSEEN) i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const p = heap[parent]!;
        if (distance[p]! <= candidate) break;
        heap[i] = p;
        position[p] = i;
        i = parent;
      }
      heap[i] = v;
      position[v] = i;
    }
  }
}

// One edge per pair of components, between their closest points (sklearn's
// _fix_connected_components): components i > j are compared as [|Cᵢ|, |Cⱼ|] distance blocks.
function closestPairsBetween(
  x: Tensor,
  components: { count: number; labels: Int32Array },
): { sources: Int32Array; targets: Int32Array; weights: Float64Array } {
  const members: number[][] = Array.from({ length: components.count }, () => []);
  components.labels.forEach((label, node) => members[label]!.push(node));
  const pairs = (components.count * (components.count - 1)) / 2;
  const sources = new Int32Array(pairs);
  const targets = new Int32Array(pairs);
  const weights = new Float64Array(pairs);
  let p = 0;
  tidy(() => {
    const points = x.to('float64');
    const rows = members.map((nodes) => tensor(nodes, { dtype: 'int64' }));
    for (let i = 0; i < components.count; i++) {
      const left = points.indexSelect(0, rows[i]!);
      for (let j = 0; j < i; j++) {
        tidy(() => {
          const right = points.indexSelect(0, rows[j]!);
          const flat = squaredDistances(left, right).flatten().argmin().item();
          const columns = members[j]!.length;
          const a = members[i]![Math.floor(flat / columns)]!;
          const b = members[j]![flat % columns]!;
          sources[p] = a;
          targets[p] = b;
          weights[p++] = points.select(0, a).sub(points.select(0, b)).norm().item(); // exact, not the expansion's
        });
      }
    }
  });
  return { sources, targets, weights };
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function concatFloat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

