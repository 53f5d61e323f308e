// Locally linear embedding with scikit-learn's API and conventions
// (sklearn.manifold.LocallyLinearEmbedding, version 1.2): each point is rebuilt from its nearest
// neighbours by weights summing to 1, and the embedding is the low-dimensional configuration
// that the same weights rebuild best (Roweis & Saul 2000; modified LLE: Zhang & Wang 2007).
import { ArgumentError, TorchError } from '../tensor/errors.js';
import { arange, cat, eye, fullLike, keep, linalg, ones, tidy, zeros, type Tensor } from '../tensor/index.js';
import { smallestEigenpairs } from './lle-eigen.js';
import { nearestNeighbors, nearestNeighborsOf } from './neighbors.js';
import type { Reducer } from './reducer.js';
import { FittedState } from './fitted.js';
import { checkMatrix, checkFeatures, outputDType } from './checks.js';

/** The LLE variant: standard (Roweis & Saul 2000) or modified, with several weight vectors per point (Zhang & Wang 2007). */
export type LLEMethod = 'standard' | 'modified';
/** How LLE finds the bottom eigenvectors: a dense decomposition, shift-invert iteration, or chosen by size. */
export type LLEEigenSolver = 'auto' | 'dense' | 'iterative';

/** Options of locally linear embedding, as scikit-learn's LocallyLinearEmbedding: neighbours, components, method, regularisation and eigensolver. */
export interface LLEOptions {
  /** Neighbours each point is rebuilt from (default 5). */
  nNeighbors?: number;
  /** Embedding dimensions, at most D (default 2). */
  nComponents?: number;
  /**
   * Regularisation of the local Gram matrices, relative to their trace (default 1e-3): makes the
   * weights unique where neighbours outnumber dimensions or lie in a lower-dimensional plane.
   */
  reg?: number;
  /** 'standard' (default) or 'modified' (several weight vectors per point, Zhang & Wang's MLLE). */
  method?: LLEMethod;
  /**
   * 'dense': a full eigendecomposition of the N×N matrix. 'iterative': shift-invert subspace
   * iteration on its Cholesky factor (see smallestEigenpairs), sklearn's 'arpack' in role.
   * 'auto' (default), as sklearn 1.2 picks between its two: iterative for N > 200 and
   * nComponents + 1 < 10, else dense.
   */
  eigenSolver?: LLEEigenSolver;
  /** Iterative solver: relative residual at which it stops (default 1e-6, as sklearn's arpack tol). */
  tol?: number;
  /** Iterative solver: iterations at most (default 100). */
  maxIter?: number;
  /** Modified LLE: Householder vectors shorter than this count as zero (default 1e-12). */
  modifiedTol?: number;
  /** Iterative solver: seed of its random start (default 0). */
  seed?: number;
}

interface Fitted {
  /** The training points (float64), kept for transform's neighbour search. */
  train: Tensor;
  embedding: Tensor;
  reconstructionError: number;
  solver: 'dense' | 'iterative';
}

/**
 * LLE of data [N, D] into nComponents dimensions. The embedding is the eigenvectors of
 * M = Σᵢ (local weight vectors of i)(…)ᵀ, for standard LLE (I − W)ᵀ(I − W), belonging to its
 * smallest eigenvalues after the first (M's constant null vector); `reconstructionError` is the
 * sum of those eigenvalues, as sklearn's reconstruction_error_.
 *
 * Costs: M is held dense, N² float64 (200 MB at N = 5,000), built from the N local weight
 * blocks by one scatter. The dense solver's full eigendecomposition costs about 9N³ flops; the
 * iterative one a Cholesky factor of M (N³/3 flops) and a handful of iterations, each O(N²)
 * (two triangular solves) plus products with M taken from the local blocks. On 5,000 MNIST
 * digits on one core the whole fit took 79 s with the dense solver and 4–5 s with the
 * iterative one (2.3 s of it the factor), which is why 'auto' picks it for N > 200, as
 * sklearn picks ARPACK there. sklearn's ARPACK works in shift-invert mode on a sparse LU of M;
 * libtorch has no sparse factorisation on the CPU, and plain iteration with M (LOBPCG without a
 * preconditioner) crawls on eigenvalues ~1e-6·‖M‖, so the shift-invert runs on a dense factor.
 *
 * Signs: an eigenvector's sign is arbitrary (sklearn's is whatever LAPACK or ARPACK returns);
 * here each embedding column has its largest-magnitude entry positive, so a fit is a function
 * of the data alone. Compare with sklearn up to a sign per column.
 *
 * Neighbours: a point's k nearest other points (nearestNeighbors), as sklearn's search with
 * k + 1 minus the first hit; the two differ only where duplicate points tie at distance 0.
 *
 * Precision: float64 throughout; outputs in float32 for float32 input, else float64. The fitted
 * tensors (training points included, for transform) live outside tidy scopes: dispose() frees them.
 */
export class LocallyLinearEmbedding implements Reducer {
  readonly options: Readonly<Required<LLEOptions>>;
  readonly #fitted = new FittedState<Fitted>('LocallyLinearEmbedding');

  constructor(options: LLEOptions = {}) {
    const {
      nNeighbors = 5, nComponents = 2, reg = 1e-3, method = 'standard', eigenSolver = 'auto', tol = 1e-6, maxIter = 100,
      modifiedTol = 1e-12, seed = 0,
    } = options;
    if (!(Number.isInteger(nNeighbors) && nNeighbors >= 1)) throw new ArgumentError(`nNeighbors must be a positive integer, got ${nNeighbors}`);
    if (!(Number.isInteger(nComponents) && nComponents >= 1)) throw new ArgumentError(`nComponents must be a positive integer, got ${nComponents}`);
    if (!(typeof reg === 'number' && reg >= 0 && Number.isFinite(reg))) throw new ArgumentError(`reg must be a non-negative number, got ${reg}`);
    if (!['standard', 'modified'].includes(method)) throw new ArgumentError(`method must be 'standard' or 'modified', got '${String(method)}'`);
    if (!['auto', 'dense', 'iterative'].includes(eigenSolver)) {
      throw new ArgumentError(`eigenSolver must be 'auto', 'dense' or 'iterative', got '${String(eigenSolver)}'`);
    }
    if (!(typeof tol === 'number' && tol > 0 && Number.isFinite(tol))) throw new ArgumentError(`tol must be a positive number, got ${tol}`);
    if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new ArgumentError(`maxIter must be a positive integer, got ${maxIter}`);
    if (!(typeof modifiedTol === 'number' && modifiedTol >= 0)) throw new ArgumentError(`modifiedTol must be a non-negative number, got ${modifiedTol}`);
    if (method === 'modified' && nNeighbors < nComponents) {
      throw new ArgumentError(`modified LLE needs nNeighbors ≥ nComponents, got nNeighbors ${nNeighbors} < nComponents ${nComponents}`);
    }
    if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
    this.options = { nNeighbors, nComponents, reg, method, eigenSolver, tol, maxIter, modifiedTol, seed };
  }

  /** The embedding of the training points, [N, nComponents] float64. */
  get embedding(): Tensor {
    return this.#fitted.get().embedding;
  }
  /** The sum of the nComponents eigenvalues the embedding belongs to (sklearn's reconstruction_error_). */
  get reconstructionError(): number {
    return this.#fitted.get().reconstructionError;
  }
  /** The eigensolver the fit used ('auto' resolved). */
  get solver(): 'dense' | 'iterative' {
    return this.#fitted.get().solver;
  }
  get isFitted(): boolean {
    return this.#fitted.isFitted;
  }

  /** Fits to x [N, D], replacing (and freeing) any earlier fit. */
  fit(x: Tensor): this {
    const [n, d] = checkMatrix(x, 'LocallyLinearEmbedding.fit');
    const { nNeighbors: k, nComponents, method } = this.options;
    if (k >= n) throw new ArgumentError(`nNeighbors must be below the number of samples: got nNeighbors ${k} for ${n} samples`);
    if (nComponents > d) throw new ArgumentError(`nComponents ${nComponents} exceeds the ${d} input dimensions`);
    if (nComponents + 1 > n) throw new ArgumentError(`nComponents ${nComponents} needs at least ${nComponents + 1} samples, got ${n}`);
    const solver = this.options.eigenSolver !== 'auto' ? this.options.eigenSolver : n > 200 && nComponents + 1 < 10 ? 'iterative' : 'dense';
    const fitted = tidy(() => {
      // An owned copy: to() hands back x itself when it is float64 already, and dispose() frees train.
      const train = x.dtype === 'float64' ? x.clone() : x.to('float64');
      const neighbors = nearestNeighbors(train, k).indices; // [N, k]
      const factors = method === 'standard' ? standardFactors(train, neighbors, this.options.reg) : modifiedFactors(train, neighbors, nComponents, this.options.modifiedTol);
      const { values, vectors } = this.#bottomEigenpairs(factors, neighbors, solver);
      return { train, embedding: positiveLargest(vectors), reconstructionError: values.sum().item(), solver };
    });
    this.#fitted.set(fitted);
    return this;
  }

  /**
   * Embeds new points x [M, D] as sklearn does: each is rebuilt from its nNeighbors nearest
   * training points by barycentric weights (regularised by reg) and placed at the same
   * combination of their embeddings. A training point is its own nearest neighbour here.
   */
  transform(x: Tensor): Tensor {
    const fitted = this.#fitted.get();
    checkFeatures(x, fitted.train.shape[1]!, 'LocallyLinearEmbedding.transform');
    return tidy(() => {
      const points = x.to('float64');
      const neighbors = nearestNeighborsOf(points, fitted.train, this.options.nNeighbors).indices; // [M, k]
      const weights = barycenterWeights(points, fitted.train, neighbors, this.options.reg); // [M, k]
      const [m, k] = neighbors.shape as [number, number];
      const placed = fitted.embedding.indexSelect(0, neighbors.flatten()).view(m, k, -1); // [M, k, nComponents]
      return placed.mul(weights.unsqueeze(2)).sum({ dim: 1 }).to(outputDType(x));
    });
  }

  /** Fits to x and returns the embedding of its points (a copy of `embedding`, in x's precision). */
  fitTransform(x: Tensor): Tensor {
    const embedding = this.fit(x).embedding;
    return x.dtype === 'float32' ? embedding.to('float32') : embedding.clone();
  }

  /** Frees the fitted tensors; the LLE can be fitted again. */
  dispose(): void {
    this.#fitted.dispose();
  }
  /** Frees the fitted tensors (`using lle = new LocallyLinearEmbedding()`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // The eigenpairs of M after the smallest, nComponents of them, as sklearn's null_space(k_skip=1).
  #bottomEigenpairs(factors: Tensor, neighbors: Tensor, solver: 'dense' | 'iterative'): { values: Tensor; vectors: Tensor } {
    const count = this.options.nComponents;
    const matrix = assemble(factors, neighbors);
    if (solver === 'dense') {
      const { eigenvalues, eigenvectors } = linalg.eigh(matrix);
      const values = eigenvalues.narrow(0, 1, count);
      // sklearn orders the kept pairs by |eigenvalue|: rounding can leave one slightly negative.
      const order = values.abs().sort(0).indices;
      return { values: values.indexSelect(0, order), vectors: eigenvectors.narrow(1, 1, count).indexSelect(1, order) };
    }
    const { tol, maxIter, seed } = this.options;
    const multiply = (block: Tensor) => multiplyLocal(factors, neighbors, block);
    const { eigenvalues, eigenvectors } = smallestEigenpairs(matrix, count + 1, { tol, maxIter, seed, multiply });
    return { values: eigenvalues.narrow(0, 1, count), vectors: eigenvectors.narrow(1, 1, count) };
  }
}

/** Short name. */
export { LocallyLinearEmbedding as LLE };

/**
 * Barycentric weights [M, k] rebuilding each row of x [M, D] from its k rows of `reference`
 * [N, D] named by indices [M, k] (sklearn's barycenter_weights): the w minimising
 * ‖xᵢ − Σⱼ wⱼ·reference[indices[i, j]]‖² subject to Σⱼ wⱼ = 1, found as w ∝ (G + R·I)⁻¹·1 with
 * G the Gram matrix of the neighbours' offsets from xᵢ and R = reg·trace(G) (reg when the trace
 * is 0, as where xᵢ coincides with all of them).
 */
export function barycenterWeights(x: Tensor, reference: Tensor, indices: Tensor, reg = 1e-3): Tensor {
  const [m, d] = x.shape as [number, number];
  if (indices.ndim !== 2 || indices.shape[0] !== m) throw new ArgumentError(`indices must have shape [${m}, k], got [${indices.shape.join(', ')}]`);
  if (reference.ndim !== 2 || reference.shape[1] !== d) throw new ArgumentError(`reference must have shape [N, ${d}], got [${reference.shape.join(', ')}]`);
  const k = indices.shape[1]!;
  // Blocks bound the [rows, k, D] offsets held at once to about 32 MB of float64.
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_ELEMENTS / (k * d)));
  const blocks: Tensor[] = [];
  try {
    for (let start = 0; start < m; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, m - start);
      blocks.push(
        keep(
          tidy(() => {
            const gram = localGram(x.narrow(0, start, rows), reference, indices.narrow(0, start, rows)); // [rows, k, k]
            const trace = gram.diagonal(0, 1, 2).sum({ dim: 1 });
            const ridge = trace.mul(reg).where(trace.gt(0), fullLike(trace, reg)); // [rows]
            const regularised = gram.add(eye(k, undefined, { dtype: 'float64', device: x.device }).mul(ridge.view(rows, 1, 1)));
            const w = solveLocal(regularised, reg).squeeze(2);
            return w.div(w.sum({ dim: 1, keepdim: true }));
          }),
        ),
      );
    }
    return tidy(() => cat(blocks, 0));
  } finally {
    for (const block of blocks) block.dispose();
  }
}

const BLOCK_ELEMENTS = 1 << 22;

// (G + R·I)⁻¹·1 for a batch of local Gram matrices [rows, k, k].
function solveLocal(regularised: Tensor, reg: number): Tensor {
  const [rows, k] = regularised.shape as [number, number];
  try {
    return linalg.solve(regularised, ones([rows, k, 1], { dtype: 'float64', device: regularised.device }));
  } catch (error) {
    if (!(error instanceof TorchError)) throw error;
    throw new ArgumentError(
      `a local Gram matrix is singular (reg ${reg}): with more neighbours than dimensions, or neighbours that coincide, the weights need reg > 0 (sklearn's default is 1e-3)`,
      { cause: error },
    );
  }
}

// Gram matrices of the offsets reference[indices[i]] − x[i], [rows, k, k].
function localGram(x: Tensor, reference: Tensor, indices: Tensor): Tensor {
  const [rows, k] = indices.shape as [number, number];
  const offsets = reference.indexSelect(0, indices.flatten()).view(rows, k, -1).sub(x.unsqueeze(1)); // [rows, k, D]
  return offsets.bmm(offsets.transpose(1, 2));
}

// Standard LLE: point i's row of I − W, as a single local vector over (i, its neighbours).
function standardFactors(train: Tensor, neighbors: Tensor, reg: number): Tensor {
  const weights = barycenterWeights(train, train, neighbors, reg); // [N, k]
  const n = weights.shape[0]!;
  return cat([ones([n, 1], { dtype: 'float64', device: train.device }), weights.neg()], 1).unsqueeze(2); // [N, k + 1, 1]
}

/**
 * Modified LLE (sklearn's method='modified', vectorised over points): s_i weight vectors per
 * point from the bottom s_i eigenvectors of its local Gram matrix, made to sum to 1 by a
 * Householder reflection, as local vectors over (i, its neighbours), [N, k + 1, k] with the
 * columns beyond s_i zero.
 */
function modifiedFactors(train: Tensor, neighbors: Tensor, nComponents: number, modifiedTol: number): Tensor {
  const [n, d] = train.shape as [number, number];
  const k = neighbors.shape[1]!;
  const nev = Math.min(d, k); // eigenvalues that can be non-zero
  const grams: Tensor[] = [];
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_ELEMENTS / (k * d)));
  for (let start = 0; start < n; start += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, n - start);
    grams.push(localGram(train.narrow(0, start, rows), train, neighbors.narrow(0, start, rows)));
  }
  const local = linalg.eigh(cat(grams, 0));
  const vectors = local.eigenvectors.flip(2); // [N, k, k], columns by decreasing eigenvalue
  // Beyond nev the eigenvalues are zero by construction (sklearn takes them from an SVD that
  // never computes them); only rounding would be read there.
  const values = local.eigenvalues.flip(1).narrow(1, 0, nev); // [N, nev]

  // Regularised weights, as standard LLE's but through the eigendecomposition (reg fixed at 1e-3, as sklearn).
  const ridge = values.sum({ dim: 1, keepdim: true }).mul(1e-3); // [N, 1]
  const denominators = nev < k ? cat([values.add(ridge), ridge.expand(n, k - nev)], 1) : values.add(ridge);
  const projected = vectors.sum({ dim: 1 }).div(denominators); // Vᵀ·1 / (λ + r)
  const regularWeights = vectors.bmm(projected.unsqueeze(2)).squeeze(2);
  const wReg = regularWeights.div(regularWeights.sum({ dim: 1, keepdim: true })); // [N, k]

  // s_i: the largest set of bottom eigenvalues whose sum, over the rest's, stays below η, the
  // median over points of (eigenvalues beyond nComponents)/(the first nComponents).
  const rho = values.narrow(1, nComponents, nev - nComponents).sum({ dim: 1 }).div(values.narrow(1, 0, nComponents).sum({ dim: 1 }));
  const eta = median(rho);
  const cumulative = values.cumsum(1);
  const ratios = nev > 1 ? cumulative.narrow(1, nev - 1, 1).div(cumulative.narrow(1, 0, nev - 1)).sub(1) : zeros([n, 0], { dtype: 'float64', device: train.device });
  // At least one vector per point, where sklearn would divide by zero.
  const size = ratios.lt(eta).sum({ dim: 1 }).add(k - nev).clampMin(1); // [N] int64
  const mask = arange(0, k, 1, { dtype: 'int64', device: train.device }).unsqueeze(0).ge(size.neg().add(k).unsqueeze(1)).to('float64'); // [N, k]

  const bottom = vectors.mul(mask.unsqueeze(1)); // V_i, zero beyond its s_i columns
  const columnSums = bottom.sum({ dim: 1 }); // V_iᵀ·1, [N, k]
  const alpha = columnSums.norm(2, { dim: 1 }).div(size.to('float64').sqrt()); // [N]
  // Householder vector h with H·V_iᵀ·1 = α·1, H = I − 2hhᵀ.
  const direction = alpha.unsqueeze(1).mul(mask).sub(columnSums);
  const length = direction.norm(2, { dim: 1, keepdim: true });
  const h = direction.div(length.clampMin(Number.MIN_VALUE)).mul(length.ge(modifiedTol).to('float64')); // [N, k]
  const reflected = bottom.sub(bottom.bmm(h.unsqueeze(2)).mul(h.unsqueeze(1)).mul(2)); // V_i·H
  const weights = reflected.add(wReg.unsqueeze(2).mul(alpha.neg().add(1).view(n, 1, 1)).mul(mask.unsqueeze(1))); // [N, k, k]
  return cat([mask.neg().unsqueeze(1), weights], 1); // [N, k + 1, k]
}

// Each point's place and its neighbours', [N, k + 1]: the rows its local block of M touches.
function placesOf(neighbors: Tensor): Tensor {
  const self = arange(0, neighbors.shape[0]!, 1, { dtype: 'int64', device: neighbors.device }).unsqueeze(1);
  return cat([self, neighbors], 1);
}

// M = Σᵢ Pᵢ·Eᵢ·Eᵢᵀ·Pᵢᵀ, Pᵢ placing (i, its neighbours): one accumulating scatter into a dense N×N.
function assemble(factors: Tensor, neighbors: Tensor): Tensor {
  const n = neighbors.shape[0]!;
  const places = placesOf(neighbors); // [N, k + 1]
  const flat = places.unsqueeze(2).mul(n).add(places.unsqueeze(1)); // [N, k + 1, k + 1]
  const blocks = factors.bmm(factors.transpose(1, 2)); // [N, k + 1, k + 1]
  const matrix = zeros([n * n], { dtype: 'float64', device: neighbors.device });
  matrix.indexPut_([flat.flatten()], blocks.flatten(), true);
  return matrix.view(n, n);
}

// M·V [N, b] from the local blocks, without reading the dense M: O(N·k·c·b) for factors
// [N, k + 1, c], against O(N²·b) for the dense product.
function multiplyLocal(factors: Tensor, neighbors: Tensor, block: Tensor): Tensor {
  return tidy(() => {
    const [n, width] = block.shape as [number, number];
    const places = placesOf(neighbors).flatten(); // [N·(k + 1)]
    const local = block.indexSelect(0, places).view(n, -1, width); // Pᵢᵀ·V, [N, k + 1, b]
    const contributions = factors.bmm(factors.transpose(1, 2).bmm(local)); // Eᵢ·Eᵢᵀ·Pᵢᵀ·V
    return zeros([n, width], { dtype: block.dtype, device: block.device }).indexAdd_(0, places, contributions.view(-1, width));
  });
}

// Each column's sign chosen so that its largest-magnitude entry is positive.
function positiveLargest(vectors: Tensor): Tensor {
  const signs = vectors.gather(0, vectors.abs().argmax(0, true)).sign();
  return vectors.mul(signs).contiguous();
}

// NumPy's median: the mean of the two middle values for an even count.
function median(values: Tensor): number {
  const sorted = Float64Array.from(values.toTypedArray() as Float64Array).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

