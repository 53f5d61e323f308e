// UMAP's fuzzy simplicial set (McInnes, Healy & Melville 2018, section 3.1; umap-learn 0.5's
// smooth_knn_dist, compute_membership_strengths and fuzzy_simplicial_set) and the (a, b) fit of
// its low-dimensional similarity curve (find_ab_params), vectorised over points in tensor ops.
import { ArgumentError } from '../tensor/errors.js';
import { arange, cat, full, tidy, where, withNumThreads, zeros, type Tensor } from '../tensor/index.js';

/** Runs fn on one libtorch thread: see withNumThreads. Past the kNN (large matrix products, which keep every BLAS thread), UMAP and t-SNE are loops of small operations. */
export const oneThread = <T>(fn: () => T): T => withNumThreads(1, fn);

/** umap-learn's tolerance on |Σ exp − log2(k)| that ends a point's binary search. */
const SMOOTH_K_TOLERANCE = 1e-5;
/** σ never falls below this fraction of the mean distance (umap-learn's MIN_K_DIST_SCALE). */
const MIN_K_DIST_SCALE = 1e-3;

/** Local connectivity, bandwidth and search steps of smoothKnnDistances. */
export interface SmoothKnnOptions {
  /** Neighbours each point is assumed to be fully connected to, interpolated when fractional (default 1). */
  localConnectivity?: number;
  /** Scales the target log2(k) of the binary search (default 1). */
  bandwidth?: number;
  /** Binary-search steps (default 64). */
  nIter?: number;
}

/** Each point's σ and ρ found by smoothKnnDistances (umap-learn's smooth_knn_dist). */
export interface SmoothKnn {
  /** Each point's normalising distance σ, [N] float64. */
  sigmas: Tensor;
  /** Each point's distance to its local-connectivity-th nearest neighbour at non-zero distance, ρ, [N] float64. */
  rhos: Tensor;
}

/**
 * ρ and σ of every point from `distances` [N, k] to its k nearest points, ascending, as
 * umap-learn's smooth_knn_dist: with the point itself in column 0 (distance 0, as umap-learn's
 * kNN includes it) when fitting, or k training points when transforming. ρᵢ is the distance to
 * the localConnectivity-th neighbour at non-zero distance; σᵢ solves
 *   Σ_{j ≥ 1} exp(−max(0, dᵢⱼ − ρᵢ) / σᵢ) = log2(k)·bandwidth
 * (column 0 left out of the sum, as umap-learn does) to 1e-5, by the same bisection from σ = 1
 * (doubling until the sum overshoots), run for all points at once; then σᵢ is raised to at least
 * 1e-3 times the mean of row i (the mean of all distances where ρᵢ = 0).
 *
 * Computed in float64; umap-learn's float32 arithmetic can end the bisection one step apart
 * where the sum lands within float32 rounding of the tolerance, which is rare.
 */
export function smoothKnnDistances(distances: Tensor, options: SmoothKnnOptions = {}): SmoothKnn {
  const { localConnectivity = 1, bandwidth = 1, nIter = 64 } = options;
  if (distances.ndim !== 2 || distances.shape[1]! < 2) {
    throw new ArgumentError(`smoothKnnDistances expects distances [N, k] with k ≥ 2, got shape [${distances.shape.join(', ')}]`);
  }
  if (!(localConnectivity >= 0)) throw new ArgumentError(`localConnectivity must be ≥ 0, got ${localConnectivity}`);
  if (!(bandwidth > 0)) throw new ArgumentError(`bandwidth must be positive, got ${bandwidth}`);
  if (!Number.isInteger(nIter) || nIter < 1) throw new ArgumentError(`nIter must be a positive integer, got ${nIter}`);
  const k = distances.shape[1]!;
  const target = Math.log2(k) * bandwidth;
  return tidy(() => {
    const d = distances.to('float64'); // [N, k]
    const rhos = localDistance(d, localConnectivity); // [N]
    const beyond = d.narrow(1, 1, k - 1).sub(rhos.unsqueeze(1)); // [N, k − 1]
    const inside = beyond.le(0); // contribute exp(0) = 1
    const n = d.shape[0]!;
    let lo = zeros([n], { dtype: 'float64', device: d.device });
    let hi = lo.add(Infinity);
    let mid = lo.add(1);
    let done = lo.ne(0); // all false
    for (let step = 0; step < nIter; step++) {
      const psum = beyond.div(mid.unsqueeze(1)).neg().exp().maskedFill(inside, 1).sum({ dim: 1 });
      done = done.logicalOr(psum.sub(target).abs().lt(SMOOTH_K_TOLERANCE));
      if (done.all().item()) break;
      const over = psum.gt(target).logicalAnd(done.logicalNot());
      const under = psum.le(target).logicalAnd(done.logicalNot());
      hi = where(over, mid, hi);
      lo = where(under, mid, lo);
      const bisected = lo.add(hi).div(2);
      // Below the target with no upper bound yet: double; otherwise bisect the bracket.
      const next = where(under.logicalAnd(hi.isinf()), mid.mul(2), bisected);
      mid = where(done, mid, next);
    }
    const rowMean = d.mean({ dim: 1 });
    const floor = where(rhos.gt(0), rowMean, d.mean()).mul(MIN_K_DIST_SCALE);
    return { sigmas: mid.maximum(floor), rhos };
  });
}

// ρ of every row: the localConnectivity-th smallest non-zero distance, linearly interpolated
// between neighbours for a fractional value; the largest distance where a row has fewer non-zero
// distances than that, and 0 where it has none.
function localDistance(d: Tensor, localConnectivity: number): Tensor {
  const k = d.shape[1]!;
  const nonZero = d.gt(0).sum({ dim: 1 }); // [N] int64; rows ascend, so zeros come first
  const zeros = nonZero.neg().add(k);
  const index = Math.floor(localConnectivity);
  const interpolation = localConnectivity - index;
  const at = (m: number) => d.gather(1, zeros.add(m).clamp(0, k - 1).unsqueeze(1)).squeeze(1); // m-th non-zero
  let rho: Tensor;
  if (index > 0) {
    rho = at(index - 1);
    if (interpolation > SMOOTH_K_TOLERANCE) rho = rho.add(at(index).sub(rho).mul(interpolation));
  } else {
    rho = at(0).mul(interpolation);
  }
  const enough = nonZero.to('float64').ge(localConnectivity);
  const largest = d.select(1, k - 1);
  return where(enough, rho, where(nonZero.gt(0), largest, 0));
}

/** A sparse weighted graph on N vertices as an edge list (COO), sorted by (row, col). */
export interface FuzzyGraph {
  /** Source vertex of each edge, [E] int64. */
  rows: Tensor;
  /** Target vertex of each edge, [E] int64. */
  cols: Tensor;
  /** Membership strength of each edge, in (0, 1], [E] float64. */
  weights: Tensor;
  /** Number of vertices N (rows and cols index [0, N)); for a bipartite graph, the row count. */
  size: number;
}

/**
 * The membership strength of each kNN edge, as umap-learn's compute_membership_strengths:
 * exp(−(dᵢⱼ − ρᵢ)/σᵢ), or 1 where dᵢⱼ ≤ ρᵢ (or σᵢ = 0). Unless `bipartite` (a transform, where
 * rows and columns index different point sets), an edge from a point to itself gets 0.
 * `indices` [N, k] int64, `distances` [N, k]; returns [N, k] float64.
 */
export function membershipStrengths(indices: Tensor, distances: Tensor, smooth: SmoothKnn, bipartite = false): Tensor {
  return tidy(() => {
    const beyond = distances.to('float64').sub(smooth.rhos.unsqueeze(1));
    const sigmas = smooth.sigmas.unsqueeze(1);
    const strengths = beyond.div(sigmas).neg().exp().maskedFill(beyond.le(0).logicalOr(sigmas.eq(0)), 1);
    if (bipartite) return strengths;
    const self = arange(0, indices.shape[0]!, 1, { dtype: 'int64', device: indices.device }).unsqueeze(1);
    return strengths.maskedFill(indices.eq(self), 0);
  });
}

/** Local connectivity and union/intersection mix of fuzzySimplicialSet (umap-learn's set_op_mix_ratio). */
export interface FuzzySimplicialSetOptions {
  /** As smoothKnnDistances (default 1). */
  localConnectivity?: number;
  /**
   * Mix of the fuzzy union (1, the default) and the fuzzy intersection (0) used to symmetrise
   * the directed kNN memberships: w = r·(a + aᵀ − a∘aᵀ) + (1 − r)·(a∘aᵀ).
   */
  setOpMixRatio?: number;
}

/**
 * UMAP's graph of the data from its kNN (umap-learn's fuzzy_simplicial_set): `indices` [N, k]
 * int64 and `distances` [N, k] to each point's k nearest points with the point itself first at
 * distance 0 (k = nNeighbors, self included, as umap-learn counts). Directed memberships come
 * from smoothKnnDistances and membershipStrengths; the graph is their fuzzy union, symmetric,
 * without zero weights. Also returns ρ and σ.
 */
export function fuzzySimplicialSet(indices: Tensor, distances: Tensor, options: FuzzySimplicialSetOptions = {}): { graph: FuzzyGraph } & SmoothKnn {
  const { localConnectivity = 1, setOpMixRatio = 1 } = options;
  if (indices.ndim !== 2 || distances.ndim !== 2 || indices.shape[0] !== distances.shape[0] || indices.shape[1] !== distances.shape[1]) {
    throw new ArgumentError(`fuzzySimplicialSet expects indices and distances of the same shape [N, k], got [${indices.shape.join(', ')}] and [${distances.shape.join(', ')}]`);
  }
  if (!(setOpMixRatio >= 0 && setOpMixRatio <= 1)) throw new ArgumentError(`setOpMixRatio must be in [0, 1], got ${setOpMixRatio}`);
  const [n, k] = indices.shape as [number, number];
  return oneThread(() => tidy(() => {
    const smooth = smoothKnnDistances(distances, { localConnectivity });
    const strengths = membershipStrengths(indices, distances, smooth).flatten();
    const rows = arange(0, n, 1, { dtype: 'int64', device: indices.device }).unsqueeze(1).expand([n, k]).flatten();
    const cols = indices.to('int64').flatten();
    const kept = nonZeroPositions(strengths);
    const graph = symmetrize(rows.indexSelect(0, kept), cols.indexSelect(0, kept), strengths.indexSelect(0, kept), n, setOpMixRatio);
    return { graph, ...smooth };
  }));
}

// r·(A + Aᵀ − A∘Aᵀ) + (1 − r)·A∘Aᵀ of the directed graph A given as unique (row, col, weight)
// triples. Each entry of A and of Aᵀ is keyed row·N + col; sorting the 2E keys brings the (at most
// two) values of a pair together, so sums and products come from neighbouring entries.
function symmetrize(rows: Tensor, cols: Tensor, weights: Tensor, n: number, mix: number): FuzzyGraph {
  const keys = cat([rows.mul(n).add(cols), cols.mul(n).add(rows)]);
  const values = cat([weights, weights]);
  const sorted = keys.sort(0);
  const key = sorted.values;
  const value = values.indexSelect(0, sorted.indices);
  const total = key.shape[0]!;
  const startsRun = cat([full([1], true, { device: key.device }), key.narrow(0, 1, total - 1).ne(key.narrow(0, 0, total - 1))]);
  const slot = startsRun.to('int64').cumsum(0).sub(1); // the unique key each entry belongs to
  const unique = key.indexSelect(0, nonZeroPositions(startsRun));
  const size = unique.shape[0]!;
  const sum = zeros([size], { dtype: 'float64', device: value.device }).indexPut_([slot], value, true);
  // A pair sits at positions (p, p + 1) with equal keys: its product goes to slot p.
  const paired = startsRun.narrow(0, 1, total - 1).logicalNot();
  const product = zeros([size], { dtype: 'float64', device: value.device }).indexPut_([slot.narrow(0, 0, total - 1)], value.narrow(0, 0, total - 1).mul(value.narrow(0, 1, total - 1)).mul(paired), true);
  const union = sum.sub(product);
  const mixed = mix === 1 ? union : union.mul(mix).add(product.mul(1 - mix));
  const kept = nonZeroPositions(mixed);
  const keptKeys = unique.indexSelect(0, kept);
  return {
    rows: keptKeys.div(n, 'floor'),
    cols: keptKeys.remainder(n),
    weights: mixed.indexSelect(0, kept),
    size: n,
  };
}

/** Positions of the non-zero (true) entries of a 1-d tensor, [M] int64. */
export function nonZeroPositions(x: Tensor): Tensor {
  return tidy(() => x.ne(0).nonzero().view(-1));
}

/**
 * a and b of UMAP's low-dimensional similarity 1/(1 + a·d^(2b)), fitted by least squares to
 * the curve that is 1 up to minDist and exp(−(d − minDist)/spread) beyond, at 300 points of
 * [0, 3·spread] (umap-learn's find_ab_params). umap-learn uses scipy's curve_fit
 * (Levenberg–Marquardt from a = b = 1, finite-difference Jacobian, tolerance 1.5e-8); here the
 * same Levenberg–Marquardt from the same start with the exact Jacobian, run to convergence.
 */
export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  if (!(spread > 0) || !Number.isFinite(spread)) throw new ArgumentError(`spread must be a positive number, got ${spread}`);
  if (!(minDist >= 0) || minDist > spread) throw new ArgumentError(`minDist must be in [0, spread] = [0, ${spread}], got ${minDist}`);
  const count = 300;
  const step = (3 * spread) / (count - 1);
  const xs = Float64Array.from({ length: count }, (_, i) => (i === count - 1 ? 3 * spread : i * step)); // numpy's linspace
  const ys = xs.map((x) => (x < minDist ? 1 : Math.exp(-(x - minDist) / spread)));
  const residuals = (a: number, b: number) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += (1 / (1 + a * xs[i]! ** (2 * b)) - ys[i]!) ** 2;
    return sum;
  };
  let [a, b] = [1, 1];
  let cost = residuals(a, b);
  let damping = 1e-3;
  for (let iteration = 0; iteration < 500; iteration++) {
    // Normal equations JᵀJ δ = −Jᵀr of f(x) = 1/(1 + a·x^(2b)).
    let [jaa, jab, jbb, ga, gb] = [0, 0, 0, 0, 0];
    for (let i = 0; i < count; i++) {
      const x = xs[i]!;
      const power = x > 0 ? x ** (2 * b) : 0;
      const f = 1 / (1 + a * power);
      const r = f - ys[i]!;
      const da = -power * f * f;
      const db = x > 0 ? -a * power * 2 * Math.log(x) * f * f : 0;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let improved = false;
    while (damping < 1e12) {
      const [maa, mbb] = [jaa * (1 + damping), jbb * (1 + damping)];
      const det = maa * mbb - jab * jab;
      const stepA = (-ga * mbb + gb * jab) / det;
      const stepB = (-gb * maa + ga * jab) / det;
      const trial = residuals(a + stepA, b + stepB);
      if (trial <= cost) {
        const small = Math.abs(stepA) <= 1e-15 * Math.abs(a) && Math.abs(stepB) <= 1e-15 * Math.abs(b);
        [a, b, cost] = [a + stepA, b + stepB, trial];
        damping = Math.max(damping / 10, 1e-15);
        improved = !small;
        break;
      }
      damping *= 10;
    }
    if (!improved) break;
  }
  return { a, b };
}
