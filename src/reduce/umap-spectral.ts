// UMAP's spectral initialisation (umap-learn 0.5's spectral_layout): the eigenvectors of the
// normalised graph Laplacian with the smallest non-trivial eigenvalues, found by LOBPCG on the
// sparse graph (a dense N×N eigendecomposition would take minutes at N = 10k), and the layout of
// graphs in several connected components.
import { ArgumentError } from '../tensor/errors.js';
import { arange, cat, eye, linalg, onesLike, randn, rand, tensor, tidy, zeros, type Tensor } from '../tensor/index.js';
import { embeddingBag } from '../nn/functional.js';
import { squaredDistances } from './neighbors.js';
import { oneThread, type FuzzyGraph } from './umap-graph.js';
import { connectedComponents } from './graph.js';

/** Components up to this size are solved by a dense eigendecomposition (exact, and fast there). */
const DENSE_SIZE = 600;

/** Solver (dense or LOBPCG), tolerance, iterations and extra vectors of laplacianEigenvectors. */
export interface LaplacianEigenOptions {
  /** 'auto' (default): dense for components of at most 600 vertices, else LOBPCG. */
  solver?: 'auto' | 'dense' | 'lobpcg';
  /** Largest residual ‖Lx − λx‖ of a unit eigenvector accepted as converged (default 1e-6). */
  tol?: number;
  /** LOBPCG iterations at most (default 400); the best vectors so far are returned if reached. */
  maxIter?: number;
  /** Vectors iterated together beyond the k wanted, which speeds convergence where eigenvalues cluster (default max(k, 4)). */
  extra?: number;
}

/** The smallest eigenpairs of a graph's normalised Laplacian, as laplacianEigenvectors returns them. */
export interface LaplacianEigenpairs {
  /** Ascending, [k] float64. */
  eigenvalues: Tensor;
  /** Unit eigenvectors in columns, [N, k] float64. */
  eigenvectors: Tensor;
  /** LOBPCG iterations run (0 for the dense solver). */
  iterations: number;
}

/**
 * The k eigenpairs of the normalised Laplacian L = I − D^(−1/2) W D^(−1/2) of a connected graph
 * (W its symmetric weights, given as edges sorted by row; D their row sums) with the smallest
 * eigenvalues after the trivial 0, whose eigenvector D^(1/2)·1 is known and deflated. Solved as
 * the k largest eigenpairs of A = D^(−1/2) W D^(−1/2) − u₀u₀ᵀ by LOBPCG (Knyazev 2001) in the
 * robust form of Hetmaniuk & Lehoucq (2006): each step does a Rayleigh–Ritz over an orthonormal
 * basis (Householder QR, which stays orthonormal even when the search directions become dependent
 * near convergence) of the current vectors, their residuals and the previous step. A product with
 * A is one sparse-times-dense pass over the E edges (embedding_bag), so a step costs O(E·k) rather
 * than O(N²): on the 10,000-digit MNIST graph, 51–61 steps and about 1.5 s, where a dense
 * eigendecomposition would take minutes. Components of at most 600 vertices use the dense
 * eigendecomposition instead.
 *
 * The start is Gaussian from libtorch's generator (seed it for a reproducible result). Where
 * eigenvalues nearly coincide the eigenvectors are only defined as a subspace: any basis of it
 * is an equally good layout, and that is what the residual criterion accepts.
 */
export function laplacianEigenvectors(graph: FuzzyGraph, k: number, options: LaplacianEigenOptions = {}): LaplacianEigenpairs {
  const n = graph.size;
  const { solver = 'auto', tol = 1e-6, maxIter = 400, extra = Math.max(k, 4) } = options;
  if (!Number.isInteger(k) || k < 1 || k > n - 2) throw new ArgumentError(`laplacianEigenvectors needs k in [1, N − 2] = [1, ${n - 2}], got ${k}`);
  if (!['auto', 'dense', 'lobpcg'].includes(solver)) throw new ArgumentError(`solver must be 'auto', 'dense' or 'lobpcg', got '${String(solver)}'`);
  if (solver === 'lobpcg' && n < 3 * (k + extra) + 1) throw new ArgumentError(`LOBPCG needs N > 3·(k + extra) = ${3 * (k + extra)} vertices, got ${n}: use the dense solver`);
  return oneThread(() => tidy(() => {
    const edges = graph.rows.shape[0]!;
    if (edges > 1 && graph.rows.narrow(0, 1, edges - 1).lt(graph.rows.narrow(0, 0, edges - 1)).any().item()) {
      throw new ArgumentError('laplacianEigenvectors expects the edges sorted by row, as fuzzySimplicialSet gives them');
    }
    const weights = graph.weights.to('float64');
    const degree = zeros([n], { dtype: 'float64' }).indexPut_([graph.rows], weights, true);
    if (degree.le(0).any().item()) throw new ArgumentError('laplacianEigenvectors needs a graph without isolated vertices');
    const scale = degree.rsqrt();
    const normalized = weights.mul(scale.indexSelect(0, graph.rows)).mul(scale.indexSelect(0, graph.cols)); // [E]
    const trivial = degree.sqrt().div(degree.sum().sqrt()).unsqueeze(1); // [N, 1], unit
    const dense = solver === 'dense' || (solver === 'auto' && (n <= DENSE_SIZE || n < 3 * (k + extra) + 1));
    if (dense) return denseEigenpairs(graph, normalized, trivial, k);
    const deflate = (x: Tensor) => x.sub(trivial.matmul(trivial.T.matmul(x)));
    // A·x as a bag-of-rows sum: row r of the result adds the rows x[c] of its edges (r, c), weighted;
    // embedding_bag does exactly this over the edges sorted by row, without an [E, k] temporary.
    const counts = zeros([n], { dtype: 'int64' }).indexPut_([graph.rows], onesLike(graph.rows), true);
    const offsets = counts.cumsum(0).sub(counts);
    const product = (x: Tensor) => deflate(embeddingBag(graph.cols, x, offsets, { perSampleWeights: normalized }));
    return lobpcgLargest(product, deflate, n, k, k + extra, tol, maxIter);
  }));
}

// The m largest eigenpairs of the symmetric operator `product`, iterating a block of `m` vectors
// and accepting when the first k residuals are below tol; returns those k as eigenpairs of
// L = I − A (eigenvalues 1 − θ, ascending).
function lobpcgLargest(
  product: (x: Tensor) => Tensor,
  deflate: (x: Tensor) => Tensor,
  n: number,
  k: number,
  m: number,
  tol: number,
  maxIter: number,
): LaplacianEigenpairs {
  let x = linalg.qr(deflate(randn([n, m], { dtype: 'float64' }))).Q;
  let ax = product(x);
  let theta: Tensor;
  ({ x, ax, theta } = rayleighRitz(x, ax, m));
  let previous: Tensor | null = null;
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    const step = tidy(() => {
      const residual = ax.sub(x.mul(theta));
      if (residual.narrow(1, 0, k).norm(2, { dim: 0 }).max().item() < tol) return null;
      const basis = linalg.qr(deflate(cat(previous ? [x, residual, previous] : [x, residual], 1))).Q;
      const ritz = rayleighRitz(basis, product(basis), m);
      // The new search direction: the part of the new vectors outside the old ones.
      const outside = basis.narrow(1, m, basis.shape[1]! - m).matmul(ritz.coefficients.narrow(0, m, basis.shape[1]! - m));
      return { ...ritz, previous: outside };
    });
    if (!step) break;
    for (const t of [x, ax, theta, previous]) t?.dispose();
    ({ x, ax, theta, previous } = step);
    step.coefficients.dispose();
  }
  return {
    eigenvalues: theta.narrow(0, 0, k).neg().add(1),
    eigenvectors: x.narrow(1, 0, k).contiguous(),
    iterations,
  };
}

// Rayleigh–Ritz on the orthonormal basis q [N, s] with aq = A q: the m Ritz pairs of largest
// value, descending, as vectors q·c and their products aq·c.
function rayleighRitz(q: Tensor, aq: Tensor, m: number): { x: Tensor; ax: Tensor; theta: Tensor; coefficients: Tensor } {
  return tidy(() => {
    const projected = q.T.matmul(aq);
    const { eigenvalues, eigenvectors } = linalg.eigh(projected.add(projected.T).div(2));
    const s = eigenvalues.shape[0]!;
    const coefficients = eigenvectors.narrow(1, s - m, m).flip(1); // [s, m], largest first
    return { x: q.matmul(coefficients), ax: aq.matmul(coefficients), theta: eigenvalues.narrow(0, s - m, m).flip(0), coefficients };
  });
}

function denseEigenpairs(graph: FuzzyGraph, normalized: Tensor, trivial: Tensor, k: number): LaplacianEigenpairs {
  const n = graph.size;
  const laplacian = eye(n, undefined, { dtype: 'float64' }).indexPut_([graph.rows, graph.cols], normalized.neg(), true);
  // The trivial eigenvector moved to eigenvalue 2, beyond every other one (L's spectrum is in [0, 2]).
  const { eigenvalues, eigenvectors } = linalg.eigh(laplacian.add(trivial.matmul(trivial.T).mul(2)));
  return { eigenvalues: eigenvalues.narrow(0, 0, k), eigenvectors: eigenvectors.narrow(1, 0, k).contiguous(), iterations: 0 };
}

/** The fuzzy graph's components (its edge list is sorted by row, both directions present). */
export function fuzzyGraphComponents(graph: FuzzyGraph): { labels: Int32Array; count: number } {
  const [rows, targets] = tidy(() => [graph.rows.to('int32').toTypedArray() as Int32Array, graph.cols.to('int32').toTypedArray() as Int32Array]);
  const offsets = new Int32Array(graph.size + 1);
  for (const row of rows) offsets[row + 1]!++;
  for (let i = 0; i < graph.size; i++) offsets[i + 1]! += offsets[i]!;
  return connectedComponents({ offsets, targets });
}

/**
 * UMAP's spectral layout of `graph` in `dim` dimensions, [N, dim] float64 (umap-learn's
 * spectral_layout): for a connected graph the eigenvectors of laplacianEigenvectors; for several
 * components umap-learn's multi_component_layout: each component's own spectral layout (uniform
 * noise for components under 2·dim vertices), scaled to half the distance to the nearest other
 * component and centred at the component's place in a meta-layout: ± unit vectors for up to
 * 2·dim components, else a spectral embedding of the components' centroids in `data`.
 */
export function spectralLayout(data: Tensor, graph: FuzzyGraph, dim: number, options: LaplacianEigenOptions = {}): Tensor {
  return oneThread(() => layoutComponents(data, graph, dim, options));
}

function layoutComponents(data: Tensor, graph: FuzzyGraph, dim: number, options: LaplacianEigenOptions): Tensor {
  const { labels, count } = fuzzyGraphComponents(graph);
  if (count === 1) return tidy(() => laplacianEigenvectors(graph, dim, options).eigenvectors);
  return tidy(() => {
    const n = graph.size;
    const labelTensor = tensor(labels, { dtype: 'int64' });
    const meta = componentPlaces(data, labelTensor, count, dim); // [C, dim]
    const metaDistances = squaredDistances(meta, meta).sqrt();
    const result = zeros([n, dim], { dtype: 'float64' });
    const rowLabels = labelTensor.indexSelect(0, graph.rows);
    for (let c = 0; c < count; c++) {
      tidy(() => {
        const members = labelTensor.eq(c).nonzero().view(-1); // [n_c], ascending
        const size = members.shape[0]!;
        const others = metaDistances.select(0, c);
        const range = others.index(others.gt(0)).min().item() / 2;
        const place = meta.select(0, c);
        let layout: Tensor;
        if (size < Math.max(2 * dim, dim + 2)) {
          // umap-learn: uniform noise below 2·dim vertices (and below dim + 2, where there are not dim non-trivial eigenvectors).
          layout = rand([size, dim], { dtype: 'float64' }).mul(2 * range).sub(range);
        } else {
          // Renumber the component's edges to [0, size).
          const local = zeros([n], { dtype: 'int64' }).indexPut_([members], arange(0, size, 1, { dtype: 'int64' }));
          const edges = rowLabels.eq(c).nonzero().view(-1); // an edge's ends share a component
          const sub: FuzzyGraph = {
            rows: local.indexSelect(0, graph.rows.indexSelect(0, edges)),
            cols: local.indexSelect(0, graph.cols.indexSelect(0, edges)),
            weights: graph.weights.indexSelect(0, edges),
            size,
          };
          const vectors = laplacianEigenvectors(sub, dim, options).eigenvectors;
          layout = vectors.mul(range / vectors.abs().max().item());
        }
        result.indexPut_([members], layout.add(place));
      });
    }
    return result;
  });
}

// Where each component goes, [C, dim] float64 (umap-learn's multi_component_layout and
// component_layout): ± the first unit vectors while there are at most 2·dim components, else the
// spectral embedding of the component centroids under the affinity exp(−‖cᵢ − cⱼ‖²), as
// scikit-learn's SpectralEmbedding(affinity='precomputed') gives it, divided by its maximum.
function componentPlaces(data: Tensor, labels: Tensor, count: number, dim: number): Tensor {
  return tidy(() => {
    if (count <= 2 * dim) {
      const half = Math.ceil(count / 2);
      const base = eye(half, dim, { dtype: 'float64' });
      return cat([base, base.neg()], 0).narrow(0, 0, count);
    }
    const x = data.to('float64');
    const sums = zeros([count, x.shape[1]!], { dtype: 'float64' }).indexPut_([labels], x, true);
    const sizes = zeros([count], { dtype: 'float64' }).indexPut_([labels], zeros([labels.shape[0]!], { dtype: 'float64' }).add(1), true);
    const centroids = sums.div(sizes.unsqueeze(1));
    const affinity = squaredDistances(centroids, centroids).neg().exp();
    // scipy's normalised Laplacian: the diagonal is ignored; isolated vertices get degree 1.
    const offDiagonal = affinity.sub(affinity.diag().diag());
    const degree = offDiagonal.sum({ dim: 1 });
    const root = degree.gt(0).to('float64').mul(degree.sqrt()).add(degree.le(0).to('float64'));
    const normalized = offDiagonal.div(root.unsqueeze(1)).div(root.unsqueeze(0));
    const laplacian = eye(count, undefined, { dtype: 'float64' }).mul(degree.gt(0).to('float64')).sub(normalized);
    const { eigenvectors } = linalg.eigh(laplacian);
    let embedding = eigenvectors.narrow(1, 0, dim + 1).div(root.unsqueeze(1)); // [C, dim + 1]
    // scikit-learn's deterministic sign: each vector's largest-magnitude entry positive.
    embedding = embedding.mul(embedding.gather(0, embedding.abs().argmax(0, true)).sign());
    const places = embedding.narrow(1, 1, dim);
    return places.div(places.max());
  });
}
