// The explorer's maps of a run's latent space: 2-D points of the run's codes (an autoencoder's
// test codes, or a GAN's seeded prior draws: it has no encoder), the latent itself when 2-D, else a
// reduction of the codes, or of the data set's pixels, by any method of src/reduce; and the way
// back from any place of a map to a code to decode. Reductions are cached on disk beside the
// store's runs, never inside them; the server runs them in a child process (reduction-jobs.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testCodes } from '../analysis/visuals.js';
import { GenerativeAdversarialNetwork } from '../models/adversarial.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { LabModel } from '../models/registry.js';
import { PCA } from '../reduce/pca.js';
import { createReducer, isSupervised, reductionMethods, reductionTitle, type ReductionMethod } from '../reduce/registry.js';
import { noGrad } from '../tensor/autograd.js';
import { randn, tensor } from '../tensor/creation.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LoadedRun } from '../runs/load.js';
import { writeFileAtomic } from '../util/files.js';

/** The explorer's map methods: the code itself ('latent', for 2-D codes) or one of the reductions. */
export const mapMethods = ['latent', ...reductionMethods] as const;
/** One of mapMethods. */
export type MapMethod = 'latent' | ReductionMethod;
/** What a map reduces: the run's codes, or the pixels of its test split (a map of the data set itself). */
export const mapSources = ['codes', 'pixels'] as const;
/** One of mapSources. */
export type MapSource = (typeof mapSources)[number];

/** A run of any family the explorer shows: an autoencoder, or a GAN (decoded from noise, no encoder). */
export type ExplorerRun = LoadedRun<LabModel>;

/**
 * How a place of the map becomes a code: 'exact' (the map is the latent), 'pca-inverse' (the
 * mean plus the place along the two principal axes: exact within the plane they span),
 * 'nearest-codes' (t-SNE, UMAP, the other reductions and every map of pixels: the
 * inverse-distance-weighted mean of the codes of the k nearest map points; the distance to the
 * nearest point says how far it guesses).
 */
export type InverseKind = 'exact' | 'pca-inverse' | 'nearest-codes';

/** A run's codes, one per point of its maps. */
export interface RunCodes {
  runId: string;
  /** 'test': an autoencoder's codes of its test split; 'prior': a GAN's seeded noise draws. */
  kind: 'test' | 'prior';
  latent: number;
  /** The codes [n × latent], row-major, float32 as the model computed them. */
  codes: Float32Array;
  /** Class index per point, where the data set has classes (a conditional GAN: the class each draw is decoded as). */
  labels: number[] | null;
  classes: string[] | null;
}

export interface RunMap extends RunCodes {
  method: MapMethod;
  source: MapSource;
  inverse: InverseKind;
  /** Map coordinates of the points, in the codes' order. */
  x: number[];
  y: number[];
  /** PCA maps of codes: the code mean and the two components (rows), for the inverse. */
  pca?: { mean: number[]; components: [number[], number[]] };
  /** Whether the reduction came from the disk cache. */
  cached: boolean;
}

/** The code under a place of a map, how it was found (exact, PCA inverse, or the nearest sample's code), and the distance to that sample. */
export interface PlaceCode {
  code: number[];
  inverse: InverseKind;
  /** nearest-codes: map distance from the place to the nearest sample. */
  nearestDistance?: number;
}

/** A reduction to compute: a matrix [n × d] (codes or pixels), and labels for the supervised methods. */
export interface ReductionInput {
  data: Float32Array;
  n: number;
  d: number;
  labels: number[] | null;
  method: ReductionMethod;
  seed: number;
}

export interface Reduced {
  x: number[];
  y: number[];
  pca?: { mean: number[]; components: [number[], number[]] };
}

/** Neighbours averaged by the nearest-codes inverse. */
export const inverseNeighbors = 8;
/** Prior draws that stand for a GAN's codes (seeded: the same points every time). */
export const priorDraws = 2000;

/** The default map of a run: the latent itself when 2-D, else PCA. */
export function defaultMapMethod(latent: number): MapMethod {
  return latent === 2 ? 'latent' : 'pca';
}

/** A GAN's generator, or null for an autoencoder. */
export function ganOf(model: LabModel): GenerativeAdversarialNetwork | null {
  return model instanceof GenerativeAdversarialNetwork ? model : null;
}

/** The model's latent size (a GAN's noise size). */
export function latentOf(model: LabModel): number {
  return (ganOf(model) ?? (model as Autoencoder)).latent;
}

const codesCache = new WeakMap<ExplorerRun, RunCodes>();

/**
 * The codes of a loaded run (computed once per loaded run): one pass of the encoder over the test
 * split, or for a GAN `priorDraws` noise vectors drawn from seed 0 (a conditional GAN's draw i is
 * decoded as class i mod classes).
 */
export function runCodes(loaded: ExplorerRun): RunCodes {
  const known = codesCache.get(loaded);
  if (known) return known;
  const { model, test, run } = loaded;
  const gan = ganOf(model);
  const classes = test.classes ? [...test.classes] : null;
  let codes: RunCodes;
  if (gan) {
    manualSeed(0);
    const noise = randn([priorDraws, gan.latent]);
    const data = Float32Array.from(noise.toTypedArray() as Float32Array);
    noise.dispose();
    const labels = gan.conditional ? Array.from({ length: priorDraws }, (_, i) => i % gan.numClasses) : null;
    codes = { runId: run.id, kind: 'prior', latent: gan.latent, codes: data, labels, classes };
  } else {
    const encoded = noGrad(() => testCodes(model as Autoencoder, test));
    let data: Float32Array;
    try {
      data = Float32Array.from(encoded.toTypedArray() as ArrayLike<number>);
    } finally {
      encoded.dispose();
    }
    const labels = test.targetKind === 'class' ? Array.from(test.targets.toTypedArray() as ArrayLike<number | bigint>, Number) : null;
    codes = { runId: run.id, kind: 'test', latent: (model as Autoencoder).latent, codes: data, labels, classes };
  }
  codesCache.set(loaded, codes);
  return codes;
}

/** An encoding of a run's test split under way in steps (startEncoding). */
export interface Encoding {
  /** Samples encoded so far, of `total`. */
  done: number;
  total: number;
  startedAt: number;
  promise: Promise<RunCodes>;
  /** Set when it failed (the promise rejected with it too). */
  error: LatentlabError | null;
}

const encodings = new WeakMap<ExplorerRun, Encoding>();

/** Whether runCodes(loaded) answers at once (the codes are computed). */
export function hasCodes(loaded: ExplorerRun): boolean {
  return codesCache.has(loaded);
}

/**
 * Computes runCodes(loaded) batch by batch, yielding to the event loop between batches, so that a
 * server keeps answering while 10,000 images go through a conv encoder (seconds); the progress is
 * in the returned Encoding. The same batches as runCodes (testCodes' 1000): the same codes.
 */
export function startEncoding(loaded: ExplorerRun, batchSize = 1000): Encoding {
  const known = encodings.get(loaded);
  if (known) return known;
  const { test, run } = loaded;
  const total = test.inputs.shape[0]!;
  const encoding: Encoding = { done: 0, total, startedAt: Date.now(), error: null, promise: Promise.resolve(null as unknown as RunCodes) };
  encoding.promise = (async () => {
    if (ganOf(loaded.model)) return runCodes(loaded); // seeded draws: no encoder to wait for
    const model = loaded.model as Autoencoder;
    const data = new Float32Array(total * model.latent);
    for (let start = 0; start < total; start += batchSize) {
      const size = Math.min(batchSize, total - start);
      noGrad(() =>
        tidy(() => {
          const labels = model.conditional ? test.targets.narrow(0, start, size) : undefined;
          data.set(model.encode(test.inputs.narrow(0, start, size), labels).toTypedArray() as Float32Array, start * model.latent);
        }),
      );
      encoding.done = start + size;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const labels = test.targetKind === 'class' ? Array.from(test.targets.toTypedArray() as ArrayLike<number | bigint>, Number) : null;
    const codes: RunCodes = { runId: run.id, kind: 'test', latent: model.latent, codes: data, labels, classes: test.classes ? [...test.classes] : null };
    if (!codesCache.has(loaded)) codesCache.set(loaded, codes);
    return codesCache.get(loaded)!;
  })();
  encoding.promise.catch((error: unknown) => {
    encoding.error = error instanceof LatentlabError ? error : new LatentlabError(`encoding the test split of run ${run.id} failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  encodings.set(loaded, encoding);
  return encoding;
}

/** The encoding started for this loaded run, if any. */
export function encodingOf(loaded: ExplorerRun): Encoding | undefined {
  return encodings.get(loaded);
}

/** Forgets a failed encoding, so that asking again retries. */
export function forgetEncoding(loaded: ExplorerRun): void {
  if (encodings.get(loaded)?.error) encodings.delete(loaded);
}

/** Points of a run's maps. */
export function pointCount(codes: RunCodes): number {
  return codes.codes.length / codes.latent;
}

/** Refuses a map the run cannot have, saying which it can. */
export function checkMap(codes: RunCodes, source: MapSource, method: MapMethod): void {
  const id = codes.runId;
  if (codes.latent < 2) throw new ArgumentError(`run ${id} has a 1-dimensional latent: the explorer maps latents of 2 dimensions or more`);
  if (method === 'latent' && (source !== 'codes' || codes.latent !== 2)) {
    throw new ArgumentError(source === 'pixels' ? `a map of pixels needs a reduction (pca, tsne, umap, ...), not 'latent'` : `run ${id} has a ${codes.latent}-dimensional latent: its map needs a reduction (pca, tsne, umap, ...), not 'latent'`);
  }
  if (source === 'pixels' && codes.kind === 'prior') throw new ArgumentError(`run ${id} is a GAN: it has no codes of its data set's samples, so no map of pixels to decode from; map its prior draws (source codes)`);
  if (method !== 'latent' && isSupervised(method) && !codes.labels) throw new ArgumentError(`${reductionTitle(method)} needs class labels, and run ${id}'s data set has none`);
}

/** A map with no reduction: the 2-D codes themselves. */
export function latentMap(codes: RunCodes): RunMap {
  const n = pointCount(codes);
  const x = new Array<number>(n);
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) (x[i] = codes.codes[2 * i]!), (y[i] = codes.codes[2 * i + 1]!);
  return { ...codes, method: 'latent', source: 'codes', inverse: 'exact', x, y, cached: false };
}

/** What a reduction of this map reduces: the codes, or the test split's pixels flattened. */
export function reductionInput(loaded: ExplorerRun, codes: RunCodes, source: MapSource, method: ReductionMethod, seed = 0): ReductionInput {
  if (source === 'codes') return { data: codes.codes, n: pointCount(codes), d: codes.latent, labels: codes.labels, method, seed };
  const { inputs } = loaded.test;
  const n = inputs.shape[0]!;
  const data = Float32Array.from(inputs.toTypedArray() as ArrayLike<number>);
  return { data, n, d: data.length / n, labels: codes.labels, method, seed };
}

/** The map of a finished reduction. */
export function assembleMap(codes: RunCodes, source: MapSource, method: ReductionMethod, reduced: Reduced, cached: boolean): RunMap {
  const inverse: InverseKind = source === 'codes' && method === 'pca' ? 'pca-inverse' : 'nearest-codes';
  return { ...codes, method, source, inverse, x: reduced.x, y: reduced.y, ...(inverse === 'pca-inverse' && reduced.pca ? { pca: reduced.pca } : {}), cached };
}

/** A human name for a reduction job, e.g. "t-SNE of 10000 codes (32-D)". */
export function reductionTitleOf(input: Pick<ReductionInput, 'method' | 'n' | 'd'>, source: MapSource): string {
  return `${reductionTitle(input.method)} of ${input.n} ${source === 'codes' ? `codes (${input.d}-D)` : `images (${input.d} pixels)`}`;
}

/** Where a reduction is cached, and the key that must match: see cacheKey. */
export interface MapCacheEntry {
  file: string;
  key: string;
}

export function mapCacheEntry(loaded: ExplorerRun, codes: RunCodes, source: MapSource, method: ReductionMethod, cacheDir: string, seed = 0): MapCacheEntry {
  const n = pointCount(codes);
  if (source === 'codes') return { file: join(cacheDir, `${codes.runId}.${method}.json`), key: cacheKey(loaded, method, seed, n) };
  // A map of pixels depends on the data alone: runs of the same test split share it.
  const { training } = loaded.config;
  const key = JSON.stringify({ version: 1, source, dataset: training.dataset, dataDir: training.dataDir ?? null, testLimit: training.testLimit ?? null, dataSeed: training.seed, method, seed, n });
  return { file: join(cacheDir, `data-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.${method}.json`), key };
}

/** A cached map, or null (absent, stale or damaged). */
export function readCachedMap(codes: RunCodes, source: MapSource, method: ReductionMethod, entry: MapCacheEntry): RunMap | null {
  const reduced = readCache(entry.file, entry.key);
  if (!reduced || reduced.x.length !== pointCount(codes)) return null;
  return assembleMap(codes, source, method, reduced, true);
}

// A store on a read-only disk still serves: the map then lives in memory only.
export function writeCachedMap(entry: MapCacheEntry, reduced: Reduced, source: MapSource): void {
  try {
    mkdirSync(join(entry.file, '..'), { recursive: true });
    const kept = source === 'codes' ? reduced : { x: reduced.x, y: reduced.y };
    writeFileAtomic(entry.file, JSON.stringify({ key: entry.key, ...kept }));
  } catch {
    // not writable: nothing to do
  }
}

/**
 * Computes (or reads from `cacheDir`) a run's map in this process: what a library user calls; the
 * server runs the same steps with the reduction in a child process. The codes are always
 * recomputed from the loaded model; only the reduction is cached, keyed by the weights file.
 */
export function computeRunMap(loaded: ExplorerRun, method: MapMethod, cacheDir: string | null, source: MapSource = 'codes', seed = 0): RunMap {
  const codes = runCodes(loaded);
  checkMap(codes, source, method);
  if (method === 'latent') return latentMap(codes);
  const entry = cacheDir === null ? null : mapCacheEntry(loaded, codes, source, method, cacheDir, seed);
  const fromDisk = entry ? readCachedMap(codes, source, method, entry) : null;
  if (fromDisk) return fromDisk;
  const reduced = reduceMatrix(reductionInput(loaded, codes, source, method, seed));
  if (entry) writeCachedMap(entry, reduced, source);
  return assembleMap(codes, source, method, reduced, false);
}

/** Reduces an [n × d] matrix to 2-D by `method` (what the child process runs). */
export function reduceMatrix(input: ReductionInput): Reduced {
  const { data, n, d, method, seed } = input;
  const matrix = tensor(data, { shape: [n, d] });
  const labels = isSupervised(method) && input.labels ? tensor(BigInt64Array.from(input.labels, BigInt), { shape: [n] }) : undefined;
  try {
    if (method === 'pca') {
      const pca = new PCA({ nComponents: 2, seed });
      try {
        const points = pca.fitTransform(matrix);
        const xy = columns(points);
        points.dispose();
        const mean = Array.from(pca.mean.toTypedArray() as ArrayLike<number>, Number);
        const flat = Array.from(pca.components.toTypedArray() as ArrayLike<number>, Number);
        return { ...xy, pca: { mean, components: [flat.slice(0, d), flat.slice(d, 2 * d)] } };
      } finally {
        pca.dispose();
      }
    }
    const reducer = createReducer(method, { nComponents: 2, seed });
    try {
      const points = reducer.fitTransform(matrix, labels);
      const xy = columns(points);
      points.dispose();
      if (xy.x.some((value) => !Number.isFinite(value)) || xy.y.some((value) => !Number.isFinite(value))) throw new LatentlabError(`${reductionTitle(method)} gave non-finite coordinates for these ${n} points: choose another map`);
      return xy;
    } finally {
      reducer.dispose();
    }
  } finally {
    matrix.dispose();
    labels?.dispose();
  }
}

/** The code of a place (x, y) of the map (see InverseKind). */
export function placeCode(map: RunMap, x: number, y: number): PlaceCode {
  if (map.method === 'latent') return { code: [Math.fround(x), Math.fround(y)], inverse: 'exact' };
  if (map.pca) {
    const { mean, components } = map.pca;
    return { code: mean.map((m, j) => Math.fround(m + x * components[0][j]! + y * components[1][j]!)), inverse: 'pca-inverse' };
  }
  return nearestCodes(map, x, y);
}

/** The code of test sample `index`. */
export function sampleCode(map: RunCodes, index: number): number[] {
  return Array.from(map.codes.subarray(index * map.latent, (index + 1) * map.latent));
}

function nearestCodes(map: RunMap, x: number, y: number): PlaceCode {
  const n = map.x.length;
  const k = Math.min(inverseNeighbors, n);
  // A partial selection of the k nearest by squared distance: n is a test split (≤ 70k), k is 8.
  const best: { index: number; d2: number }[] = [];
  for (let i = 0; i < n; i++) {
    const dx = map.x[i]! - x;
    const dy = map.y[i]! - y;
    const d2 = dx * dx + dy * dy;
    if (best.length < k || d2 < best[best.length - 1]!.d2) {
      best.push({ index: i, d2 });
      best.sort((a, b) => a.d2 - b.d2);
      if (best.length > k) best.pop();
    }
  }
  const nearestDistance = Math.sqrt(best[0]!.d2);
  const code = new Array<number>(map.latent).fill(0);
  if (best[0]!.d2 === 0) {
    // On a sample: its own code, not a blend with its neighbours.
    return { code: sampleCode(map, best[0]!.index), inverse: 'nearest-codes', nearestDistance: 0 };
  }
  let total = 0;
  for (const { index, d2 } of best) {
    const weight = 1 / d2; // inverse squared distance (Shepard): a place near one sample takes mostly its code
    total += weight;
    for (let j = 0; j < map.latent; j++) code[j] = code[j]! + weight * map.codes[index * map.latent + j]!;
  }
  return { code: code.map((value) => Math.fround(value / total)), inverse: 'nearest-codes', nearestDistance };
}

function columns(points: Tensor): { x: number[]; y: number[] } {
  const flat = points.toTypedArray() as ArrayLike<number>;
  const n = flat.length / 2;
  const x = new Array<number>(n);
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) (x[i] = Number(flat[2 * i])), (y[i] = Number(flat[2 * i + 1]));
  return { x, y };
}

// The cache is valid for one weights file as it was (path, size, time) and one test split.
function cacheKey(loaded: ExplorerRun, method: string, seed: number, n: number): string {
  let stamp = 'unknown';
  try {
    const stat = statSync(loaded.weights);
    stamp = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    // weights read at load but gone now: the key still names the path, and a retrain changes it
  }
  return JSON.stringify({ version: 1, weights: loaded.weights, stamp, method, seed, n });
}

function readCache(file: string, key: string): Reduced | null {
  if (!existsSync(file)) return null;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown } & Partial<Reduced>;
    if (stored.key !== key || !Array.isArray(stored.x) || !Array.isArray(stored.y)) return null;
    return { x: stored.x, y: stored.y, ...(stored.pca ? { pca: stored.pca } : {}) };
  } catch {
    return null; // a damaged cache file is recomputed and replaced
  }
}

