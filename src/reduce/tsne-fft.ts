// t-SNE's repulsive forces in O(N + G log G) for a grid of G nodes, by interpolation on an
// equispaced grid and FFT convolution: the FIt-SNE algorithm of Linderman, Rachh, Hoskins,
// Steinerberger & Kluger (2019), "Fast interpolation-based t-SNE for improved visualization of
// single-cell RNA-seq data", Nature Methods 16, in two dimensions, with a near-field split.
//
// The embedding's bounding square is cut into intervals per axis, each holding p Lagrange nodes
// (at the interval's 1/2p, 3/2p, ... fractions), so the nodes form one equispaced grid. Each point
// spreads a unit charge onto the p×p nodes of its cell with the Lagrange weights of its position;
// the grid of charges is convolved with a kernel sampled at node offsets (a Toeplitz product,
// done as a zero-padded circular convolution by FFT); the results are read back at the points
// with the same weights.
//
// FIt-SNE convolves four charges (1, y₁, y₂, ‖y‖²) with K₂ = (1 + d²)⁻² and combines them. Here
// the unit charges alone are convolved with the force kernels d₁K₂(d) and d₂K₂(d), whose
// potentials are the forces Σⱼ K₂(yᵢ − yⱼ)(yᵢ − yⱼ) themselves: one forward transform and two
// inverse ones instead of four and four, and no cancellation between large terms (so float32
// suffices). The kernels are odd along one axis, so their spectra are imaginary. The
// normalisation Z = Σ_{i≠j} (1 + d²)⁻¹ = ⟨g, K₁ ⊛ g⟩ − N (g the grid of unit charges) comes from
// the same spectrum by Parseval's identity, without an inverse transform.
//
// Accuracy is set by the intervals' width relative to the kernels' scale, 1 (their poles sit at
// distance 1 off the real axis): measured on a 5,000-digit MNIST embedding, p = 3 nodes in
// intervals of width 1 (FIt-SNE's defaults) err by 7% in the forces, p = 5 by 0.7%. Embeddings
// grow to widths of 100–200, where such a grid needs 10⁶ nodes. So wide intervals split the
// kernel (as particle–mesh methods do): K₁ = K₁ˢ + (K₁ − K₁ˢ), where K₁ˢ equals K₁ beyond one
// interval width R and inside is the degree-m Taylor polynomial of K₁ in u = d²/R² about u = 1
// (smooth on the scale R, C^m at the junction). The grid carries K₁ˢ and its forces; the
// difference, zero beyond R, is summed exactly over the pairs of points in neighbouring cells.
// With R = 3 and p = 5 the forces err by about 1% (Barnes–Hut at θ = 0.5: 1–2%) on 9× fewer
// grid nodes than p = 5 at width 1.
import { ArgumentError } from '../tensor/errors.js';
import { arange, cat, keep, stack, tensor, tidy, where, zeros, type DType, type Tensor } from '../tensor/index.js';
import { fft1d, rfft2 } from '../tensor/fft.js';

/** Intervals wider than this (in embedding units) split the kernel into grid and near field. */
const SPLIT_WIDTH = 1;
/** The fewest intervals per axis of narrow embeddings (plain kernels). */
const PLAIN_MIN_INTERVALS = 12;
/** The most intervals per axis (a grid of up to (2·256·p)² FFT points). */
const MAX_INTERVALS = 256;
/** Degree of the polynomial core of the split kernel. */
const CORE_DEGREE = 4;

/** Interpolation nodes and interval sizes of FftRepulsion, the FIt-SNE approximation of t-SNE's repulsive forces. */
export interface FftRepulsionOptions {
  /** Lagrange nodes per interval and axis (FIt-SNE's n_interpolation_points), default 5. */
  nodesPerInterval?: number;
  /**
   * The widest interval, in embedding units (default 3). Intervals wider than 1 carry the
   * smoothed kernel and leave the rest to the exact near field over neighbouring cells: wider
   * intervals mean a smaller FFT but more pairs in the near field.
   */
  maxIntervalWidth?: number;
  /**
   * The fewest intervals per axis once intervals are wider than 1 (split kernels), so that a
   * cell and its neighbours hold few points (about 9·N / intervals², some 50) while the
   * embedding is still dense. Default 'auto': ⌈√(0.36·N)⌉, at least 8. Narrower embeddings use
   * intervals of width ≤ 1 and at least 12 of them.
   */
  minIntervals?: number | 'auto';
}

export interface Repulsion {
  /** Σⱼ (1 + ‖yᵢ − yⱼ‖²)⁻² (yᵢ − yⱼ) per point, coordinate-major [2, N], in the embedding's dtype. */
  forces: Tensor;
  /** Z = Σ_{i≠j} (1 + ‖yᵢ − yⱼ‖²)⁻¹, a 0-d tensor. */
  z: Tensor;
}

interface Kernels {
  /** Imaginary parts of the spectra of the force kernels on the padded grid, as (−A, A) pairs: [2, M, M/2 + 1, 2]. */
  forces: Tensor;
  /** Spectrum of the grid's K₁ times Parseval's weights for a half spectrum, over M², for both parts of each value: [M, M/2 + 1, 2]. */
  normalization: Tensor;
}

/** The grid chosen for one embedding. */
interface Grid {
  low: number;
  width: number;
  intervals: number;
  nodes: number;
  split: boolean;
}

/**
 * Repulsion of 2-D embeddings by FFT-accelerated interpolation. Holds the kernels of the latest
 * grid (they depend only on the node count and the interval width, which move in steps: widths
 * on a ladder of 2^(k/4), counts with fast FFT sizes): dispose() frees them.
 */
export class FftRepulsion {
  readonly nodesPerInterval: number;
  readonly maxIntervalWidth: number;
  readonly minIntervals: number | 'auto';
  /** Maps a coordinate's powers [1, u, ..., u^{p−1}] to its p Lagrange weights: Cᵀ, [p, p]. */
  #lagrange: Tensor | null = null;
  #exponents: Tensor | null = null;
  #cached: { key: string; kernels: Kernels } | null = null;
  readonly #near = new NearField();

  constructor(options: FftRepulsionOptions = {}) {
    const { nodesPerInterval = 5, maxIntervalWidth = 3, minIntervals = 'auto' } = options;
    if (!Number.isInteger(nodesPerInterval) || nodesPerInterval < 1 || nodesPerInterval > 10) {
      throw new ArgumentError(`nodesPerInterval must be an integer in [1, 10], got ${nodesPerInterval}`);
    }
    if (!(maxIntervalWidth > 0) || !Number.isFinite(maxIntervalWidth)) throw new ArgumentError(`maxIntervalWidth must be a positive number, got ${maxIntervalWidth}`);
    if (minIntervals !== 'auto' && (!Number.isInteger(minIntervals) || minIntervals < 1)) {
      throw new ArgumentError(`minIntervals must be 'auto' or a positive integer, got ${minIntervals}`);
    }
    this.nodesPerInterval = nodesPerInterval;
    this.maxIntervalWidth = maxIntervalWidth;
    this.minIntervals = minIntervals;
  }

  /** Forces and normalisation of the embedding y, given coordinate-major [2, N] (float32 or float64). */
  compute(y: Tensor): Repulsion {
    if (y.ndim !== 2 || y.shape[0] !== 2) throw new ArgumentError(`FFT repulsion works on 2-D embeddings given as [2, N], got shape [${y.shape.join(', ')}]`);
    const n = y.shape[1]!;
    const p = this.nodesPerInterval;
    const dtype = y.dtype;
    const grid = this.#grid(y);
    const size = 2 * grid.nodes;
    const kernels = this.#kernels(grid, dtype);
    return tidy(() => {
      const [lagrange, exponents] = this.#basis(dtype);
      const points = y.contiguous();
      // Cell of each coordinate and its position u ∈ [0, 1] inside it: [2, N].
      const scaled = points.sub(grid.low).div(grid.width);
      const cell = scaled.floor().clamp(0, grid.intervals - 1);
      const weights1d = lagrange.matmul(scaled.sub(cell).unsqueeze(1).pow(exponents)); // [2, p, N]
      const node1d = cell.long().mul(p).unsqueeze(1).add(arange(0, p, 1, { dtype: 'int64' }).unsqueeze(1)); // [2, p, N]
      // The p² nodes around each point (first axis major) and their weights, [p², N].
      const weights = weights1d.select(0, 0).unsqueeze(1).mul(weights1d.select(0, 1).unsqueeze(0)).view(p * p, n);
      const nodes = grid.nodes;
      const flat = node1d.select(0, 0).unsqueeze(1).mul(nodes).add(node1d.select(0, 1).unsqueeze(0)).view(p * p * n);
      const charges = zeros([nodes * nodes], { dtype }).scatterAdd(0, flat, weights.view(p * p * n)).view(nodes, nodes);
      const spectrum = rfft2(charges, [size, size]); // [M, M/2 + 1, 2]
      // Multiplying by i·A maps (re, im) to (−im·A, re·A): swap the pair, scale by (−A, A).
      const products = spectrum.flip(2).unsqueeze(0).mul(kernels.forces); // [2, M, M/2 + 1, 2]
      // The inverse in two passes, the second only over the rows the grid uses (18% faster).
      const potentials = fft1d('irfft', fft1d('ifft', products, size, 1).narrow(1, 0, nodes), size, 2).narrow(2, 0, nodes).reshape(2 * nodes * nodes);
      const both = cat([flat, flat.add(nodes * nodes)]);
      let forces = potentials.gather(0, both).view(2, p * p, n).mul(weights).sum({ dim: 1 }); // [2, N]
      let z = spectrum.square().mul_(kernels.normalization).sum(); // Σ |ĝ|²·K̂₁ with Parseval's weights
      if (grid.split) {
        const near = this.#near.compute(points, grid.width);
        forces = forces.add(near.forces);
        z = z.add(near.z);
      }
      return { forces, z: z.sub(n) };
    });
  }

  /** Frees the cached kernels and interpolation matrices. */
  dispose(): void {
    this.#lagrange?.dispose();
    this.#exponents?.dispose();
    this.#lagrange = this.#exponents = null;
    this.#dropKernels();
    this.#near.dispose();
  }

  // Intervals: as wide as the floor count allows, rounded up on the ladder 2^(k/4) (so that
  // kernels can be reused while the embedding grows by less than 19%), at most maxIntervalWidth;
  // the count covers the embedding, rounded up to a fast FFT size. The grid may overhang.
  #grid(y: Tensor): Grid {
    const n = y.shape[1]!;
    const [low, high] = tidy(() => Array.from(stack([y.min(), y.max()]).to('float64').toTypedArray() as Float64Array)) as [number, number];
    const range = Math.max(high - low, 1e-12);
    const floor = this.minIntervals === 'auto' ? Math.max(8, Math.ceil(Math.sqrt(0.36 * n))) : this.minIntervals;
    const ladder = (width: number) => 2 ** (Math.ceil(4 * Math.log2(width) - 1e-9) / 4);
    // Narrow embeddings: plain kernels on intervals at most 1 wide, and no fewer than a few
    // (the kernels are nearly polynomial over such small cells). Wide ones: split kernels on
    // intervals as wide as the floor count allows, up to maxIntervalWidth.
    const width =
      range <= floor * SPLIT_WIDTH
        ? Math.min(SPLIT_WIDTH, ladder(range / PLAIN_MIN_INTERVALS))
        : Math.min(this.maxIntervalWidth, ladder(range / floor));
    // Far-flung points could ask for a huge grid: past MAX_INTERVALS the intervals widen instead
    // (the split kernels stay exact in the near field; only the cost of the near field grows).
    const bounded = Math.max(width, range / MAX_INTERVALS);
    const intervals = fastIntervalCount(Math.max(1, Math.ceil(range / bounded - 1e-9)), this.nodesPerInterval);
    return { low, width: bounded, intervals, nodes: intervals * this.nodesPerInterval, split: bounded > SPLIT_WIDTH };
  }

  #basis(dtype: DType): [Tensor, Tensor] {
    if (!this.#lagrange || this.#lagrange.dtype !== dtype) {
      this.#lagrange?.dispose();
      this.#exponents?.dispose();
      const p = this.nodesPerInterval;
      this.#lagrange = keep(tidy(() => tensor(lagrangeCoefficients(p), { shape: [p, p], dtype }).T.contiguous()));
      this.#exponents = keep(arange(0, p, 1, { dtype }).unsqueeze(1)); // [p, 1]
    }
    return [this.#lagrange, this.#exponents!];
  }

  #kernels(grid: Grid, dtype: DType): Kernels {
    const key = `${grid.nodes}:${grid.width}:${grid.split}:${dtype}`;
    if (this.#cached?.key === key) return this.#cached.kernels;
    this.#dropKernels();
    const { nodes, width, split } = grid;
    const size = 2 * nodes;
    const kernels = tidy(() => {
      // Signed node offsets on the circular grid: 0, 1, ..., M/2 − 1, (M/2), −(M/2 − 1), ..., −1
      // spacings. Offset M/2 never separates two real nodes (they are < M/2 apart); giving it
      // 0 in the odd kernels keeps them exactly odd, so their spectra exactly imaginary.
      const index = arange(0, size, 1, { dtype });
      const signed = index.sub(index.gt(nodes).to(dtype).mul(size)).mul(width / this.nodesPerInterval).mul(index.ne(nodes).to(dtype)); // [M]
      const squared = signed.square();
      const distance2 = squared.unsqueeze(1).add(squared.unsqueeze(0)); // [M, M]
      const { potential, force } = split ? smoothKernels(distance2, width) : exactKernels(distance2);
      const spectra = rfft2(stack([signed.unsqueeze(1).mul(force), signed.unsqueeze(0).mul(force), potential]), [size, size]); // [3, M, M/2 + 1, 2]
      const imaginary = spectra.narrow(0, 0, 2).select(3, 1); // [2, M, M/2 + 1]
      // Parseval over a half spectrum: columns 1 … M/2 − 1 stand for two conjugate columns each.
      const half = nodes + 1;
      const columns = tensor(Float64Array.from({ length: half }, (_, j) => (j === 0 || j === half - 1 ? 1 : 2) / (size * size)), { dtype });
      return {
        forces: keep(stack([imaginary.neg(), imaginary], 3)),
        normalization: keep(spectra.select(0, 2).select(2, 0).mul(columns).unsqueeze(2).expand(size, half, 2).contiguous()),
      };
    });
    this.#cached = { key, kernels };
    return kernels;
  }

  #dropKernels(): void {
    if (!this.#cached) return;
    this.#cached.kernels.forces.dispose();
    this.#cached.kernels.normalization.dispose();
    this.#cached = null;
  }
}

// K₁ = (1 + d²)⁻¹ and the force factor K₁² (the force kernel is d·K₁²), of squared distances.
function exactKernels(distance2: Tensor): { potential: Tensor; force: Tensor } {
  const potential = distance2.add(1).reciprocal();
  return { potential, force: potential.square() };
}

// The smooth part of the split kernels at radius R: K₁ˢ = K₁ beyond R, and inside the Taylor
// polynomial of K₁ in u = d²/R² about u = 1 to degree m, Σₖ cₖ(u − 1)ᵏ with
// cₖ = (−R²)ᵏ / (1 + R²)^(k+1). The force kernel is −½∇K₁ˢ = d·F with F = −(2/R²)·½·dK₁ˢ/du.
function smoothKernels(distance2: Tensor, radius: number): { potential: Tensor; force: Tensor } {
  const exact = exactKernels(distance2);
  const core = corePolynomials(distance2, radius);
  const inside = distance2.lt(radius * radius);
  return { potential: where(inside, core.potential, exact.potential), force: where(inside, core.force, exact.force) };
}

// The core polynomials K₁ˢ and F inside R, by Horner's rule in t = d²/R² − 1.
function corePolynomials(distance2: Tensor, radius: number): { potential: Tensor; force: Tensor } {
  const r2 = radius * radius;
  const coefficient = (k: number) => (-r2) ** k / (1 + r2) ** (k + 1);
  const t = distance2.div(r2).sub(1);
  let potential = t.mul(coefficient(CORE_DEGREE)).add(coefficient(CORE_DEGREE - 1));
  let derivative = t.mul(CORE_DEGREE * coefficient(CORE_DEGREE)).add((CORE_DEGREE - 1) * coefficient(CORE_DEGREE - 1));
  for (let k = CORE_DEGREE - 2; k >= 0; k--) {
    potential = potential.mul_(t).add_(coefficient(k));
    if (k >= 1) derivative = derivative.mul_(t).add_(k * coefficient(k));
  }
  return { potential, force: derivative.mul_(-1 / r2) };
}

/**
 * The near field of the split kernels: Σ over pairs closer than R of (K₁ − K₁ˢ) for Z (each
 * point with itself included: the grid's K₁ˢ(0) plus this make its 1, which the caller
 * subtracts) and of d·(K₁² − F) for the forces.
 *
 * The pairs come from a Verlet list, as in molecular dynamics: every pair closer than R + skin
 * (skin = R/4), found from a cell list (cells R + skin wide, each point against the 3×3 cells
 * around its own), is kept until the two largest displacements since add up to the skin: until
 * then no pair outside the list can have come closer than R. Late in a fit points move by ~0.1
 * per iteration, so one search serves a few iterations, and each touches only the listed pairs.
 */
class NearField {
  #pairs: { first: Tensor; second: Tensor; count: number } | null = null;
  #reference: Tensor | null = null;
  #radius = 0;
  #skin = 0;

  compute(y: Tensor, radius: number): { forces: Tensor; z: Tensor } {
    const n = y.shape[1]!;
    if (!this.#pairs || radius !== this.#radius || this.#moved(y) > this.#skin) this.#build(y, radius);
    const { first, second, count } = this.#pairs!;
    return tidy(() => {
      const dtype = y.dtype;
      const flat = y.contiguous().view(2 * n);
      const difference = flat.gather(0, first).sub_(flat.gather(0, second)).view(2, count); // yᵢ − yⱼ
      const [dx, dy] = [difference.select(0, 0), difference.select(0, 1)];
      const distance2 = dx.square().addcmul_(dy, dy);
      const inside = distance2.lt(radius * radius).to(dtype);
      const exact = exactKernels(distance2);
      const core = corePolynomials(distance2, radius);
      const pull = difference.mul_(exact.force.sub_(core.force).mul_(inside)).view(2 * count);
      const forces = zeros([2 * n], { dtype }).indexAdd(0, first, pull).indexAdd_(0, second, pull, -1).view(2, n);
      // Each listed pair counts twice in Z; every point also meets itself at distance 0.
      const self = 1 - corePolynomialAt(0, radius);
      const z = exact.potential.sub_(core.potential).mul_(inside).sum().mul(2).add(n * self);
      return { forces, z };
    });
  }

  dispose(): void {
    this.#drop();
  }

  // The most any listed-out pair can have closed in since the list was built: the two largest
  // displacements added (two points moving straight at each other).
  #moved(y: Tensor): number {
    return tidy(() => {
      const n = y.shape[1]!;
      if (n < 2) return 0;
      const largest = y.sub(this.#reference!).square().sum({ dim: 0 }).topk(2).values.sqrt();
      return largest.sum().item();
    });
  }

  #drop(): void {
    this.#pairs?.first.dispose();
    this.#pairs?.second.dispose();
    this.#reference?.dispose();
    this.#pairs = null;
    this.#reference = null;
  }

  // Every pair (i < j) closer than R + skin, from a cell list, as positions in the flat [2N]
  // coordinate-major embedding (x coordinates then y).
  #build(y: Tensor, radius: number): void {
    this.#drop();
    const skin = radius / 4;
    const reach = radius + skin;
    const n = y.shape[1]!;
    const [first, second, count] = tidy(() => {
      const points = y.contiguous();
      const low = points.min().item();
      const cell = points.sub(low).div(reach).floor().long(); // [2, N]
      const columns = cell.max().item() + 1;
      const key = cell.select(0, 0).mul(columns).add(cell.select(0, 1)); // [N]
      const { values: sortedKeys, indices: order } = key.sort(0);
      // Half of the 3×3 stencil (own cell, then up, lower right, right, upper right, in cell
      // units): every unordered pair of neighbouring cells is met once. Each neighbour cell's
      // points are a run of `order`, found by binary search (no array over all cells, which
      // far-flung points would make huge).
      const stepX = tensor([0, 0, 1, 1, 1], { dtype: 'int64' });
      const stepY = tensor([0, 1, -1, 0, 1], { dtype: 'int64' });
      const neighborX = cell.select(0, 0).unsqueeze(1).add(stepX); // [N, 5]
      const neighborY = cell.select(0, 1).unsqueeze(1).add(stepY);
      const valid = neighborY.ge(0).logicalAnd(neighborY.lt(columns)).flatten(); // x never falls below 0; past the last column no key matches
      const neighbor = neighborX.mul(columns).add(neighborY).flatten(); // [5N]
      const starts = sortedKeys.searchsorted(neighbor);
      const runs = sortedKeys.searchsorted(neighbor, true).sub(starts).mul(valid);
      // Candidates: each point against every point of those cells.
      const slot = arange(0, 5 * n, 1, { dtype: 'int64' }).repeatInterleave(runs); // [T]
      const position = arange(0, slot.shape[0]!, 1, { dtype: 'int64' }).sub(runs.cumsum(0).sub(runs).gather(0, slot)).add(starts.gather(0, slot));
      const i = slot.div(5, 'floor');
      const j = order.gather(0, position);
      const [x, yy] = [points.select(0, 0), points.select(0, 1)];
      const dx = x.gather(0, i).sub_(x.gather(0, j));
      const dy = yy.gather(0, i).sub_(yy.gather(0, j));
      // Within a point's own cell each pair shows up twice (and each point with itself): keep i < j.
      const once = slot.remainder(5).ne(0).logicalOr(i.lt(j));
      const close = dx.square().addcmul_(dy, dy).lt(reach * reach).logicalAnd(once).nonzero().squeeze(1);
      const [a, b] = [i.gather(0, close), j.gather(0, close)];
      return [cat([a, a.add(n)]), cat([b, b.add(n)]), close.shape[0]!] as const;
    });
    this.#pairs = { first: keep(first), second: keep(second), count };
    this.#reference = keep(y.clone());
    this.#radius = radius;
    this.#skin = skin;
  }
}

// K₁ˢ(0) inside radius R: the core polynomial at d = 0 (t = −1).
function corePolynomialAt(distance2: number, radius: number): number {
  const r2 = radius * radius;
  const t = distance2 / r2 - 1;
  let value = 0;
  for (let k = CORE_DEGREE; k >= 0; k--) value = value * t + (-r2) ** k / (1 + r2) ** (k + 1);
  return value;
}

/**
 * The exact repulsion, O(N²) time and memory, of y [2, N]: Σⱼ (1 + d²)⁻²(yᵢ − yⱼ) as [2, N] and
 * Z = Σ_{i≠j} (1 + d²)⁻¹. The reference the FFT approximation is tested against.
 */
export function exactRepulsion(y: Tensor): Repulsion {
  return tidy(() => {
    const n = y.shape[1]!;
    const points = y.T; // [N, 2]
    const squared = points.unsqueeze(1).sub(points.unsqueeze(0)).square().sum({ dim: 2 });
    const kernel = squared.add(1).reciprocal(); // diagonal 1
    const z = kernel.sum().sub(n);
    const k2 = kernel.square();
    const forces = points.mul(k2.sum({ dim: 1, keepdim: true })).sub(k2.matmul(points)).T; // the diagonal cancels
    return { forces, z };
  });
}

// Coefficients C [p, p] (row-major) with L_k(u) = Σ_m C[m][k]·u^m, the Lagrange basis on the
// nodes t_k = (k + ½)/p of [0, 1].
function lagrangeCoefficients(p: number): Float64Array {
  const nodes = Array.from({ length: p }, (_, k) => (k + 0.5) / p);
  const result = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    let poly = [1]; // coefficients of Π_{l≠k} (u − t_l)/(t_k − t_l), lowest degree first
    for (let l = 0; l < p; l++) {
      if (l === k) continue;
      const scale = 1 / (nodes[k]! - nodes[l]!);
      const next = new Array<number>(poly.length + 1).fill(0);
      poly.forEach((c, m) => {
        next[m + 1]! += c * scale;
        next[m]! -= c * nodes[l]! * scale;
      });
      poly = next;
    }
    poly.forEach((c, m) => (result[m * p + k] = c));
  }
  return result;
}

// The smallest count ≥ `intervals` for which the padded FFT length 2·count·p has no prime factor
// above 7 (pocketfft's fast radices; p ≤ 10 keeps that reachable).
function fastIntervalCount(intervals: number, p: number): number {
  for (let count = intervals; ; count++) {
    let m = 2 * count * p;
    for (const f of [2, 3, 5, 7]) while (m % f === 0) m /= f;
    if (m === 1) return count;
  }
}
