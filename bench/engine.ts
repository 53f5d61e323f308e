// `latentlab bench`: trains the same models in latentlab (in this process, at its default
// thread settings) and in PyTorch (Debian's python3-torch, at the best of a grid of thread
// settings) on the same Fashion-MNIST images, and reports samples/s and their ratio.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '../src/data/fashion-mnist.js';
import { LatentlabError } from '../src/tensor/errors.js';
import { buildInfo, cpuCount, getThreads, manualSeed, type ThreadSettings } from '../src/tensor/runtime.js';
import { measureWorkload, workloads } from './workloads.js';
import { ensurePythonTorch } from './python.js';

/** Threads and OpenBLAS build ('pthreads' is Debian's default, 'openmp' shares libtorch's pool). */
export interface RunSetting extends ThreadSettings {
  blasThreading: string;
}

const { openmpBlasDir } = createRequire(import.meta.url)('../../scripts/openmp-blas-dir.cjs') as { openmpBlasDir: () => string };

export interface WorkloadComparison {
  name: string;
  description: string;
  /** samples/s, median over the rounds */
  latentlab: number;
  /** samples/s at PyTorch's best setting, median over the rounds */
  pytorch: number;
  /** latentlab / pytorch: above 1 means latentlab is faster */
  ratio: number;
  latentlabThreads: RunSetting;
  pytorchThreads: RunSetting;
  /** Per setting: the median and each round's samples/s. */
  pytorchGrid: { threads: RunSetting; samplesPerSecond: number; rounds: number[] }[];
}

export interface EngineBenchOptions {
  /** Measured seconds per workload and setting, after warm-up. */
  seconds?: number;
  /**
   * Rounds, each measuring latentlab and then every PyTorch setting; each configuration is scored
   * by its median round. Interleaving matters: these machines' speed drifts by tens of percent
   * over minutes, and a median is not moved by one fast or slow phase.
   */
  rounds?: number;
  /** Names of the workloads to run (all by default). */
  only?: string[];
  /** Training images used (the first N of Fashion-MNIST's training split). */
  samples?: number;
  log?: (line: string) => void;
}

const baselineScript = fileURLToPath(new URL('../../bench/engine_baseline.py', import.meta.url));

export function runEngineBenchmark(options: EngineBenchOptions = {}): WorkloadComparison[] {
  const seconds = options.seconds ?? 2;
  const samples = options.samples ?? 10000;
  const log = options.log ?? (() => {});
  const selected = workloads.filter((w) => !options.only || options.only.includes(w.name));
  if (selected.length === 0) throw new LatentlabError(`no workload named ${options.only?.join(', ')}: choose from ${workloads.map((w) => w.name).join(', ')}`);
  const python = ensurePythonTorch(log);

  // PyTorch gets every combination of 1 or all cores for its kernels and for BLAS, with
  // Debian's default OpenBLAS and, where installed, the OpenMP build latentlab links.
  const grid: RunSetting[] = [];
  const cores = Math.max(1, cpuCount());
  const counts = [...new Set([1, cores])];
  const builds = openmpBlasDir() ? ['pthreads', 'openmp'] : ['pthreads'];
  for (const blasThreading of builds) for (const torch of counts) for (const blas of counts) grid.push({ torch, blas, blasThreading });

  const { images } = loadFashionMnist('train', { limit: samples });
  const flat = images.view(-1, 784);
  const latentlabThreads = { ...getThreads(), blasThreading: buildInfo().blasThreading };
  const ours = new Map<string, number[]>();
  const theirs = new Map<string, Map<number, number[]>>(); // workload → grid index → samples/s per round
  const rounds = options.rounds ?? 3;
  for (let round = 1; round <= rounds; round++) {
    for (const workload of selected) {
      manualSeed(0);
      const rate = measureWorkload(workload, flat, seconds);
      ours.set(workload.name, [...(ours.get(workload.name) ?? []), rate]);
      log(`round ${round}  latentlab  ${workload.name}  ${describe(latentlabThreads)}  ${rate.toFixed(0)} samples/s`);
    }
    grid.forEach((threads, index) => {
      for (const [name, rate] of runBaseline(python, threads, selected.map((w) => w.name), seconds, samples)) {
        log(`round ${round}  pytorch    ${name}  ${describe(threads)}  ${rate.toFixed(0)} samples/s`);
        const rates = theirs.get(name) ?? new Map<number, number[]>();
        rates.set(index, [...(rates.get(index) ?? []), rate]);
        theirs.set(name, rates);
      }
    });
  }
  flat.dispose();
  images.dispose();

  return selected.map((workload) => {
    const pytorchGrid = [...(theirs.get(workload.name) ?? new Map<number, number[]>())].map(([index, rates]) => ({
      threads: grid[index]!,
      samplesPerSecond: median(rates),
      rounds: rates,
    }));
    const best = pytorchGrid.reduce((a, b) => (b.samplesPerSecond > a.samplesPerSecond ? b : a));
    const latentlab = median(ours.get(workload.name)!);
    return {
      name: workload.name,
      description: workload.description,
      latentlab,
      pytorch: best.samplesPerSecond,
      ratio: latentlab / best.samplesPerSecond,
      latentlabThreads,
      pytorchThreads: best.threads,
      pytorchGrid,
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function describe(setting: RunSetting): string {
  return `torch=${setting.torch} blas=${setting.blas} (${setting.blasThreading} OpenBLAS)`;
}

function runBaseline(python: string, threads: RunSetting, names: string[], seconds: number, samples: number): Map<string, number> {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads.blas), OMP_NUM_THREADS: String(threads.torch) };
  if (threads.blasThreading === 'openmp') env.LD_LIBRARY_PATH = [openmpBlasDir(), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const data = `${process.env.LATENTLAB_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist'}/train-images-idx3-ubyte.gz`;
  const result = spawnSync(
    python,
    [baselineScript, ...names, '--data', data, '--seconds', String(seconds), '--limit', String(samples), '--torch-threads', String(threads.torch)],
    { env, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new LatentlabError(`the PyTorch baseline failed (${python} ${baselineScript}): ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`);
  }
  const rates = new Map<string, number>();
  for (const line of result.stdout.trim().split('\n')) {
    const { name, samples_per_s } = JSON.parse(line) as { name: string; samples_per_s: number };
    rates.set(name, samples_per_s);
  }
  return rates;
}
