// Toy data sets as scikit-learn's sklearn.datasets makes them (swiss roll, S-curve, blobs,
// moons, circles), same formulas and defaults, drawn from latentlab's own seeded generator so
// that a seed gives the same points on every machine without touching libtorch's random state.
import { ArgumentError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { permutation, seededRandom } from '../tensor/random.js';

/** Points of a synthetic data set with each point's target: its position along the manifold, or its class. */
export interface PointSet {
  /** float32 [n, features] */
  points: Tensor;
  /**
   * Swiss roll and S-curve: float32 [n], the position t along the manifold (the colour of the
   * usual plots). Blobs, moons, circles: int64 [n] class labels.
   */
  target: Tensor;
}

/** Number of points, noise, seed and split of a synthetic data set. */
export interface SyntheticOptions {
  /** Number of points (sklearn's default is 100). */
  n?: number;
  /** Standard deviation of the Gaussian noise added to every coordinate (0 by default). */
  noise?: number;
  seed?: number;
  /** 'test' draws from a stream of the seed independent of 'train' (the default): same distribution, other points. */
  split?: 'train' | 'test';
}

/** A seeded source of uniform and standard normal numbers. */
class Draws {
  private readonly uniform: () => number;
  private spare: number | null = null;

  constructor(seed: number, split: 'train' | 'test') {
    this.uniform = split === 'test' ? seededRandom(seed, 1) : seededRandom(seed);
  }

  next(): number {
    return this.uniform();
  }

  // Box–Muller; both values of a pair are used.
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const u = 1 - this.uniform(); // in (0, 1]: log(u) is finite
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  shuffle(n: number): Int32Array {
    return permutation(n, this.uniform);
  }
}

function checkCommon(what: string, options: SyntheticOptions): { n: number; noise: number; draws: Draws } {
  const { n = 100, noise = 0, seed = 0, split = 'train' } = options;
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`${what}: n must be a positive integer, got ${n}`);
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new ArgumentError(`${what}: noise must be a finite number ≥ 0, got ${noise}`);
  if (!Number.isInteger(seed)) throw new ArgumentError(`${what}: seed must be an integer, got ${seed}`);
  if (split !== 'train' && split !== 'test') throw new ArgumentError(`${what}: split must be 'train' or 'test', got '${String(split)}'`);
  return { n, noise, draws: new Draws(seed, split) };
}

function addNoise(points: Float32Array, noise: number, draws: Draws): void {
  if (noise > 0) for (let i = 0; i < points.length; i++) points[i]! += noise * draws.normal();
}

/** sklearn.datasets.make_swiss_roll: t = 1.5π(1 + 2u), (t cos t, 21v, t sin t); target t. */
export function makeSwissRoll(options: SyntheticOptions = {}): PointSet {
  const { n, noise, draws } = checkCommon('makeSwissRoll', options);
  const points = new Float32Array(n * 3);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) t[i] = 1.5 * Math.PI * (1 + 2 * draws.next());
  for (let i = 0; i < n; i++) {
    points[3 * i] = t[i]! * Math.cos(t[i]!);
    points[3 * i + 1] = 21 * draws.next();
    points[3 * i + 2] = t[i]! * Math.sin(t[i]!);
  }
  addNoise(points, noise, draws);
  return { points: tensor(points, { shape: [n, 3] }), target: tensor(t) };
}

/** sklearn.datasets.make_s_curve: t = 3π(u − ½), (sin t, 2v, sign(t)(cos t − 1)); target t. */
export function makeSCurve(options: SyntheticOptions = {}): PointSet {
  const { n, noise, draws } = checkCommon('makeSCurve', options);
  const points = new Float32Array(n * 3);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) t[i] = 3 * Math.PI * (draws.next() - 0.5);
  for (let i = 0; i < n; i++) {
    points[3 * i] = Math.sin(t[i]!);
    points[3 * i + 1] = 2 * draws.next();
    points[3 * i + 2] = Math.sign(t[i]!) * (Math.cos(t[i]!) - 1);
  }
  addNoise(points, noise, draws);
  return { points: tensor(points, { shape: [n, 3] }), target: tensor(t) };
}

/** Cluster count, dimension, spread and centre box of makeBlobs(), with the common options. */
export interface BlobOptions extends Omit<SyntheticOptions, 'noise'> {
  /** Number of clusters (3), their centres drawn uniformly from centerBox. */
  centers?: number;
  /** Dimension of the points (2). */
  features?: number;
  /** Standard deviation of each cluster (1). */
  clusterStd?: number;
  /** Box the centres are drawn from ([-10, 10]). */
  centerBox?: readonly [number, number];
}

/** sklearn.datasets.make_blobs: isotropic Gaussian clusters, n split as evenly as possible, shuffled. */
export function makeBlobs(options: BlobOptions = {}): PointSet {
  const { n, draws } = checkCommon('makeBlobs', options);
  const { centers = 3, features = 2, clusterStd = 1, centerBox = [-10, 10] } = options;
  if (!Number.isInteger(centers) || centers < 1) throw new ArgumentError(`makeBlobs: centers must be a positive integer, got ${centers}`);
  if (!Number.isInteger(features) || features < 1) throw new ArgumentError(`makeBlobs: features must be a positive integer, got ${features}`);
  if (!(clusterStd >= 0)) throw new ArgumentError(`makeBlobs: clusterStd must be ≥ 0, got ${clusterStd}`);
  const [low, high] = centerBox;
  // The centres come from a stream of their own, so that train and test share them.
  const centreDraws = seededRandom(options.seed ?? 0, 2);
  const centres = Float64Array.from({ length: centers * features }, () => low + (high - low) * centreDraws());
  const points = new Float32Array(n * features);
  const labels = new BigInt64Array(n);
  // As sklearn: n // centers each, the first n % centers clusters one more; then shuffled.
  const order = (() => {
    let i = 0;
    const sorted = new Int32Array(n);
    for (let c = 0; c < centers; c++) for (let k = 0; k < Math.floor(n / centers) + (c < n % centers ? 1 : 0); k++) sorted[i++] = c;
    return sorted;
  })();
  const shuffle = draws.shuffle(n);
  for (let i = 0; i < n; i++) {
    const c = order[shuffle[i]!]!;
    labels[i] = BigInt(c);
    for (let f = 0; f < features; f++) points[i * features + f] = centres[c * features + f]! + clusterStd * draws.normal();
  }
  return { points: tensor(points, { shape: [n, features] }), target: tensor(labels) };
}

/** sklearn.datasets.make_moons: two interleaving half circles, label 0 the upper one; shuffled. */
export function makeMoons(options: SyntheticOptions = {}): PointSet {
  const { n, noise, draws } = checkCommon('makeMoons', options);
  const outer = Math.floor(n / 2);
  const inner = n - outer;
  const angle = (i: number, count: number) => (count > 1 ? (Math.PI * i) / (count - 1) : 0);
  return twoClasses(n, noise, draws, (i) =>
    i < outer ? [Math.cos(angle(i, outer)), Math.sin(angle(i, outer)), 0] : [1 - Math.cos(angle(i - outer, inner)), 1 - Math.sin(angle(i - outer, inner)) - 0.5, 1],
  );
}

/** sklearn.datasets.make_circles: a circle of radius 1 (label 0) around one of radius `factor` (label 1); shuffled. */
export function makeCircles(options: SyntheticOptions & { factor?: number } = {}): PointSet {
  const { n, noise, draws } = checkCommon('makeCircles', options);
  const factor = options.factor ?? 0.8;
  if (!(factor >= 0 && factor < 1)) throw new ArgumentError(`makeCircles: factor must be in [0, 1), got ${factor}`);
  const outer = Math.floor(n / 2);
  const inner = n - outer;
  // endpoint=False in sklearn's linspace: the first point is not repeated at 2π.
  return twoClasses(n, noise, draws, (i) => {
    if (i < outer) return [Math.cos((2 * Math.PI * i) / outer), Math.sin((2 * Math.PI * i) / outer), 0];
    const a = (2 * Math.PI * (i - outer)) / inner;
    return [factor * Math.cos(a), factor * Math.sin(a), 1];
  });
}

// Points i = 0..n-1 from `at`, placed in shuffled order, then noise.
function twoClasses(n: number, noise: number, draws: Draws, at: (i: number) => [number, number, number]): PointSet {
  const points = new Float32Array(n * 2);
  const labels = new BigInt64Array(n);
  const shuffle = draws.shuffle(n);
  for (let i = 0; i < n; i++) {
    const [x, y, label] = at(shuffle[i]!);
    points[2 * i] = x;
    points[2 * i + 1] = y;
    labels[i] = BigInt(label);
  }
  addNoise(points, noise, draws);
  return { points: tensor(points, { shape: [n, 2] }), target: tensor(labels) };
}

export interface EmbeddedSphereOptions extends SyntheticOptions {
  /** k of the sphere S^k: 1 a circle, 2 the sphere S² (default 1). */
  sphere?: number;
  /** N, the dimension of the space it is embedded in (default 100). */
  ambient?: number;
}

export interface EmbeddedSphereSet extends PointSet {
  /** float32 [n, k + 1]: each point on the unit sphere S^k before the embedding and the noise. */
  intrinsic: Tensor;
}

/**
 * Points uniform on the unit sphere S^k (a circle for k = 1), embedded in R^N by a random linear
 * isometry (k + 1 orthonormal columns, Gram–Schmidt on Gaussians of a stream shared by the train
 * and test splits), plus Gaussian noise on every coordinate: the data of the hyperspherical VAE
 * paper's manifold experiment (Davidson et al. 2018). target: the angle on the circle, or the
 * longitude on S², in (−π, π].
 */
export function makeEmbeddedSphere(options: EmbeddedSphereOptions = {}): EmbeddedSphereSet {
  const { n, noise, draws } = checkCommon('makeEmbeddedSphere', options);
  const { sphere = 1, ambient = 100 } = options;
  if (!Number.isInteger(sphere) || sphere < 1) throw new ArgumentError(`makeEmbeddedSphere: sphere (k of S^k) must be a positive integer, got ${sphere}`);
  const dims = sphere + 1;
  if (!Number.isInteger(ambient) || ambient < dims) throw new ArgumentError(`makeEmbeddedSphere: ambient must be an integer ≥ ${dims} to hold S^${sphere}, got ${ambient}`);
  const basis = orthonormalColumns(ambient, dims, options.seed ?? 0);
  const intrinsic = new Float32Array(n * dims);
  const points = new Float32Array(n * ambient);
  const target = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Array.from({ length: dims }, () => draws.normal());
    const norm = Math.hypot(...u) || 1;
    u.forEach((value, j) => (intrinsic[i * dims + j] = value / norm));
    target[i] = Math.atan2(intrinsic[i * dims + 1]!, intrinsic[i * dims]!);
    for (let a = 0; a < ambient; a++) {
      let sum = 0;
      for (let j = 0; j < dims; j++) sum += basis[a * dims + j]! * intrinsic[i * dims + j]!;
      points[i * ambient + a] = sum;
    }
  }
  addNoise(points, noise, draws);
  return { points: tensor(points, { shape: [n, ambient] }), target: tensor(target), intrinsic: tensor(intrinsic, { shape: [n, dims] }) };
}

// [rows, columns] row-major with orthonormal columns: Gram–Schmidt on Gaussians from a stream of
// the seed used by no split, so that train and test share the embedding.
function orthonormalColumns(rows: number, columns: number, seed: number): Float64Array {
  const source = seededRandom(seed, 3);
  const normal = () => {
    const u = 1 - source();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * source());
  };
  const basis = new Float64Array(rows * columns);
  for (let c = 0; c < columns; c++) {
    const v = Float64Array.from({ length: rows }, normal);
    for (let previous = 0; previous < c; previous++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += v[r]! * basis[r * columns + previous]!;
      for (let r = 0; r < rows; r++) v[r]! -= dot * basis[r * columns + previous]!;
    }
    const norm = Math.hypot(...v);
    for (let r = 0; r < rows; r++) basis[r * columns + c] = v[r]! / norm;
  }
  return basis;
}
