// `latentlab bench reduce`: latentlab's reductions against the references people use, on the
// same data in one go: PCA on Fashion-MNIST's 60k images (scikit-learn), t-SNE on 5k and 10k
// MNIST digits (scikit-learn's Barnes–Hut), UMAP on 10k digits (umap-learn, and umap-js). Each
// side is timed after a warm-up fit on a small slice; both embeddings are scored by the same
// trustworthiness function (src/reduce/metrics.ts, equal to scikit-learn's).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UMAP as UmapJs } from 'umap-js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { loadMnist } from '../data/mnist.js';
import { readNpy, writeNpy } from '../data/npy.js';
import { createReducer } from '../reduce/registry.js';
import { trustworthiness } from '../reduce/metrics.js';
import type { Reducer } from '../reduce/reducer.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { tensor, tidy, type Tensor } from '../tensor/index.js';
import { permutation, seededRandom } from '../tensor/random.js';
import { ensurePythonModule } from './python.js';
import { reduceTaskNames, tasks, type Task } from './reduce-tasks.js';

export interface ReduceTaskResult {
  name: string;
  /** The reference implementation and version, e.g. 'scikit-learn 1.2.1'. */
  reference: string;
  latentlab_s: number;
  reference_s: number;
  /** reference_s / latentlab_s: above 1, latentlab is faster. */
  ratio: number;
  trust_latentlab: number;
  trust_reference: number;
}

/** Points scored for trustworthiness: its exact ranks cost O(N²·D), so PCA's 60k are sampled. */
const TRUST_POINTS = 10_000;
const TRUST_NEIGHBOURS = 5;
const WARM_UP_POINTS = 600;
const seed = 0;

// This module runs from dist/src/bench; the Python baselines ship as sources in src/bench.
const baselineScript = fileURLToPath(new URL('../../../src/bench/reduce_baseline.py', import.meta.url));

export function runReduceBenchmark(options: { only?: readonly string[]; log?: (line: string) => void } = {}): ReduceTaskResult[] {
  const log = options.log ?? (() => {});
  const unknown = (options.only ?? []).filter((name) => !reduceTaskNames.includes(name));
  if (unknown.length) throw new ArgumentError(`unknown reduce benchmark task ${unknown.join(', ')}: choose from ${reduceTaskNames.join(', ')}`);
  const selected = tasks.filter((task) => !options.only?.length || options.only.includes(task.name));
  const pythonModules = new Set(selected.filter((t) => t.reference === 'python').map((t) => (t.method === 'umap' ? 'umap' : 'sklearn')));
  const python = [...pythonModules].map((module) => ensurePythonModule(module, module === 'umap' ? 'umap-learn' : 'python3-sklearn', log))[0];

  const workDir = mkdtempSync(join(tmpdir(), 'latentlab-bench-reduce-'));
  const datasets = new Map<Task['data'], { points: Tensor; file: string }>();
  try {
    return selected.map((task) => {
      const data = datasets.get(task.data) ?? loadData(task.data, workDir);
      datasets.set(task.data, data);
      const ours = timeLatentlab(task, data.points);
      log(`${task.name}: latentlab ${ours.seconds.toFixed(2)} s`);
      const theirs = task.reference === 'umap-js' ? timeUmapJs(task, data.points) : timePython(python!, task, data.file, workDir);
      log(`${task.name}: ${theirs.implementation} ${theirs.seconds.toFixed(2)} s`);
      const result = tidy(() => {
        const scored = scoredRows(data.points.shape[0]!);
        const trust = (embedding: Tensor) => trustworthiness(data.points.narrow(0, 0, scored), embedding.narrow(0, 0, scored), TRUST_NEIGHBOURS);
        return {
          name: task.name,
          reference: theirs.implementation,
          latentlab_s: ours.seconds,
          reference_s: theirs.seconds,
          ratio: theirs.seconds / ours.seconds,
          trust_latentlab: trust(ours.embedding),
          trust_reference: trust(theirs.embedding),
        };
      });
      ours.embedding.dispose();
      theirs.embedding.dispose();
      log(`${task.name}: trustworthiness latentlab ${result.trust_latentlab.toFixed(4)}, reference ${result.trust_reference.toFixed(4)}`);
      return result;
    });
  } finally {
    for (const { points } of datasets.values()) points.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** How many leading rows trustworthiness is computed on (the data are in a fixed shuffled order). */
export function scoredRows(n: number): number {
  return Math.min(n, TRUST_POINTS);
}

// The points as [N, D] float32, and the same points as an .npy file for the Python side.
function loadData(name: Task['data'], workDir: string): { points: Tensor; file: string } {
  const points = tidy(() => {
    if (name === 'fashion-mnist-60k') {
      const { images, labels } = loadFashionMnist('train');
      labels.dispose();
      return shuffledRows(images.view(-1, 784));
    }
    return loadMnist('train', { limit: name === 'mnist-5k' ? 5000 : 10_000 }).images.view(-1, 784);
  });
  const file = join(workDir, `${name}.npy`);
  writeNpy(file, points);
  return { points, file };
}

// A seeded shuffle makes the leading rows scored for trustworthiness a fair sample whatever the
// file's order.
function shuffledRows(x: Tensor): Tensor {
  return x.indexSelect(0, tensor(permutation(x.shape[0]!, seededRandom(seed))).to('int64'));
}

const createTaskReducer = (task: Task): Reducer => createReducer(task.method, { nComponents: task.components, seed });

function timeLatentlab(task: Task, points: Tensor): { seconds: number; embedding: Tensor } {
  const warmUp = createTaskReducer(task);
  tidy(() => warmUp.fitTransform(points.narrow(0, 0, WARM_UP_POINTS)));
  warmUp.dispose();
  const reducer = createTaskReducer(task);
  const begin = performance.now();
  const embedding = reducer.fitTransform(points);
  const seconds = (performance.now() - begin) / 1000;
  reducer.dispose();
  return { seconds, embedding };
}

function timePython(python: string, task: Task, dataFile: string, workDir: string): { seconds: number; embedding: Tensor; implementation: string } {
  const out = join(workDir, `${task.name}-reference.npy`);
  const result = spawnSync(python, [baselineScript, '--method', task.method, '--data', dataFile, '--out', out, '--components', String(task.components), '--seed', String(seed)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new LatentlabError(`the ${task.method} reference failed (${python} ${baselineScript}): ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`);
  }
  const { seconds, implementation } = JSON.parse(result.stdout.trim().split('\n').pop()!) as { seconds: number; implementation: string };
  return { seconds, implementation, embedding: readNpy(out) };
}

function timeUmapJs(task: Task, points: Tensor): { seconds: number; embedding: Tensor; implementation: string } {
  const rows = toRows(points);
  const fit = (data: number[][]) => new UmapJs({ nComponents: task.components, nNeighbors: 15, minDist: 0.1, random: seededRandom(seed) }).fit(data);
  fit(rows.slice(0, WARM_UP_POINTS));
  const begin = performance.now();
  const embedding = fit(rows);
  const seconds = (performance.now() - begin) / 1000;
  return { seconds, implementation: `umap-js ${umapJsVersion()}`, embedding: tensor(embedding, { dtype: 'float64' }) };
}

function toRows(points: Tensor): number[][] {
  const [n, d] = points.shape as [number, number];
  const flat = points.toTypedArray();
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d) as Float32Array));
}

function umapJsVersion(): string {
  return (createRequire(import.meta.url)('umap-js/package.json') as { version: string }).version;
}
