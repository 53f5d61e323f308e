// The explorer's maps of a run's latent space: the 2-D codes of its test split (the latent itself
// when it is 2-D, else PCA, t-SNE or UMAP of the codes), and the way back from any place of a map
// to a code to decode. Reductions are cached on disk beside the store's runs, never inside them.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testCodes } from '../analysis/visuals.js';
import { PCA } from '../reduce/pca.js';
import { createReducer } from '../reduce/registry.js';
import { ArgumentError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LoadedRun } from '../runs/load.js';
import { writeFileAtomic } from '../util/files.js';

export const mapMethods = ['latent', 'pca', 'tsne', 'umap'] as const;
export type MapMethod = (typeof mapMethods)[number];

/**
 * How a place of the map becomes a code: 'exact' (the map is the latent), 'pca-inverse' (the
 * mean plus the place along the two principal axes: exact within the plane they span),
 * 'nearest-codes' (t-SNE and UMAP have no inverse: the inverse-distance-weighted mean of the
 * codes of the k nearest map points; the distance to the nearest point says how far it guesses).
 */
export type InverseKind = 'exact' | 'pca-inverse' | 'nearest-codes';

export interface RunMap {
  runId: string;
  method: MapMethod;
  inverse: InverseKind;
  latent: number;
  /** Map coordinates of the test samples, in test-split order. */
  x: number[];
  y: number[];
  /** Class index per sample, where the data set has classes. */
  labels: number[] | null;
  classes: string[] | null;
  /** The codes [n × latent], row-major, float32 as the model computed them. */
  codes: Float32Array;
  /** PCA maps: the code mean and the two components (rows), for the inverse. */
  pca?: { mean: number[]; components: [number[], number[]] };
  /** Whether the reduction came from the disk cache. */
  cached: boolean;
}

export interface PlaceCode {
  code: number[];
  inverse: InverseKind;
  /** nearest-codes: map distance from the place to the nearest sample. */
  nearestDistance?: number;
}

/** Neighbours averaged by the nearest-codes inverse. */
export const inverseNeighbors = 8;

/** The default map of a run: the latent itself when 2-D, else PCA. */
export function defaultMapMethod(latent: number): MapMethod {
  return latent === 2 ? 'latent' : 'pca';
}

/**
 * Computes (or reads from `cacheDir`) a run's map. The codes are always recomputed from the loaded
 * model (one pass over the test split); only the reduction is cached, keyed by the weights file.
 */
export function computeRunMap(loaded: LoadedRun, method: MapMethod, cacheDir: string | null, seed = 0): RunMap {
  const { model, test, run } = loaded;
  if (method === 'latent' && model.latent !== 2) throw new ArgumentError(`run ${run.id} has a ${model.latent}-dimensional latent: its map needs a reduction (pca, tsne or umap), not 'latent'`);
  if (model.latent < 2) throw new ArgumentError(`run ${run.id} has a 1-dimensional latent: the explorer maps latents of 2 dimensions or more`);
  const codesTensor = testCodes(model, test);
  let codes: Float32Array;
  try {
    codes = Float32Array.from(codesTensor.toTypedArray() as ArrayLike<number>);
  } finally {
    codesTensor.dispose();
  }
  const n = test.inputs.shape[0]!;
  const labels = test.targetKind === 'class' ? Array.from(test.targets.toTypedArray() as ArrayLike<number | bigint>, Number) : null;
  const classes = test.classes ? [...test.classes] : null;
  const base = { runId: run.id, method, latent: model.latent, labels, classes, codes };
  if (method === 'latent') {
    const x = new Array<number>(n);
    const y = new Array<number>(n);
    for (let i = 0; i < n; i++) (x[i] = codes[2 * i]!), (y[i] = codes[2 * i + 1]!);
    return { ...base, inverse: 'exact', x, y, cached: false };
  }
  const key = cacheKey(loaded, method, seed, n);
  const file = cacheDir === null ? null : join(cacheDir, `${run.id}.${method}.json`);
  const fromDisk = file ? readCache(file, key) : null;
  if (fromDisk) return { ...base, inverse: method === 'pca' ? 'pca-inverse' : 'nearest-codes', ...fromDisk, cached: true };
  const reduced = reduceCodes(codesTensorFrom(codes, n, model.latent), method, seed);
  if (file) writeCache(file, key, reduced);
  return { ...base, inverse: method === 'pca' ? 'pca-inverse' : 'nearest-codes', ...reduced, cached: false };
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
export function sampleCode(map: RunMap, index: number): number[] {
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

interface Reduced {
  x: number[];
  y: number[];
  pca?: { mean: number[]; components: [number[], number[]] };
}

function reduceCodes(codes: Tensor, method: Exclude<MapMethod, 'latent'>, seed: number): Reduced {
  try {
    if (method === 'pca') {
      const pca = new PCA({ nComponents: 2, seed });
      try {
        const points = pca.fitTransform(codes);
        const xy = columns(points);
        points.dispose();
        const mean = Array.from(pca.mean.toTypedArray() as ArrayLike<number>, Number);
        const flat = Array.from(pca.components.toTypedArray() as ArrayLike<number>, Number);
        const latent = mean.length;
        return { ...xy, pca: { mean, components: [flat.slice(0, latent), flat.slice(latent, 2 * latent)] } };
      } finally {
        pca.dispose();
      }
    }
    const reducer = createReducer(method, { nComponents: 2, seed });
    try {
      const points = reducer.fitTransform(codes);
      const xy = columns(points);
      points.dispose();
      return xy;
    } finally {
      reducer.dispose();
    }
  } finally {
    codes.dispose();
  }
}

function columns(points: Tensor): { x: number[]; y: number[] } {
  const flat = points.toTypedArray() as ArrayLike<number>;
  const n = flat.length / 2;
  const x = new Array<number>(n);
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) (x[i] = Number(flat[2 * i])), (y[i] = Number(flat[2 * i + 1]));
  return { x, y };
}

function codesTensorFrom(codes: Float32Array, n: number, latent: number): Tensor {
  return tensor(codes, { shape: [n, latent] });
}

// The cache is valid for one weights file as it was (path, size, time) and one test split.
function cacheKey(loaded: LoadedRun, method: string, seed: number, n: number): string {
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

// A store on a read-only disk still serves: the map then lives in memory only.
function writeCache(file: string, key: string, reduced: Reduced): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileAtomic(file, JSON.stringify({ key, ...reduced }));
  } catch {
    // not writable: nothing to do
  }
}
