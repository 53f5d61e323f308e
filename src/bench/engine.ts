// `latentlab bench`: trains the same models in latentlab (in this process, at its default
// thread settings) and in PyTorch (Debian's python3-torch, at the best of a grid of thread
// settings) on the same Fashion-MNIST images, and reports samples/s and their ratio.
//
// These machines' speed drifts by tens of percent within minutes, more than the differences
// measured, so the design is about fairness under drift:
// - every configuration (latentlab, and one PyTorch process per thread setting, each started once
//   and kept with its models warm) trains in short slices, taken in turn, over many rounds;
// - selection rounds run the whole grid and keep PyTorch's two best settings per workload;
//   comparison rounds then measure latentlab against those two only, in a rotating order, so
//   the best setting is scored on rounds other than those that chose it (no winner's curse);
// - the ratio is the median over comparison rounds of latentlab's rate over the best setting's
//   in the same round, printed with its interquartile range.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median, quantile } from '../analysis/statistics.js';
import { debianFashionMnistDir, loadFashionMnist } from '../data/fashion-mnist.js';
import { LatentlabError } from '../tensor/errors.js';
import { buildInfo, cpuCount, getThreads, manualSeed, type ThreadSettings } from '../tensor/runtime.js';
import { WorkloadTrainer, workloads, type Workload } from './workloads.js';
import { ensurePythonTorch } from './python.js';

/** Threads and OpenBLAS build ('pthreads' is Debian's default, 'openmp' shares libtorch's pool). */
export interface RunSetting extends ThreadSettings {
  blasThreading: string;
}

const { openmpBlasDir } = createRequire(import.meta.url)('../../../scripts/openmp-blas-dir.cjs') as { openmpBlasDir: () => string };

export interface WorkloadComparison {
  name: string;
  description: string;
  /** samples/s, median over the comparison rounds */
  latentlab: number;
  /** samples/s at PyTorch's best setting, median over the comparison rounds */
  pytorch: number;
  /** median over the comparison rounds of latentlab / pytorch in the same round: above 1 means latentlab is faster */
  ratio: number;
  /** the per-round ratios' first and third quartiles */
  ratioIqr: [number, number];
  latentlabThreads: RunSetting;
  pytorchThreads: RunSetting;
  /** Per setting: the median and each round's samples/s (selection and comparison rounds). */
  pytorchGrid: { threads: RunSetting; samplesPerSecond: number; rounds: number[] }[];
}

export interface EngineBenchOptions {
  /** Measured seconds per slice (one configuration, one workload, one round), after warm-up. */
  seconds?: number;
  /** Comparison rounds (after two selection rounds over the whole grid). */
  rounds?: number;
  /** Names of the workloads to run (all by default). */
  only?: string[];
  /** Training images used (the first N of Fashion-MNIST's training split). */
  samples?: number;
  log?: (line: string) => void;
}

// This module runs from dist/src/bench; the Python baselines ship as sources in src/bench.
const baselineScript = fileURLToPath(new URL('../../../src/bench/engine_baseline.py', import.meta.url));
const selectionRounds = 2;
const finalists = 2;

export async function runEngineBenchmark(options: EngineBenchOptions = {}): Promise<WorkloadComparison[]> {
  const seconds = options.seconds ?? 1;
  const rounds = options.rounds ?? 10;
  const samples = options.samples ?? 10000;
  const log = options.log ?? (() => {});
  const selected = workloads.filter((w) => !options.only || options.only.includes(w.name));
  if (selected.length === 0) throw new LatentlabError(`no workload named ${options.only?.join(', ')}: choose from ${workloads.map((w) => w.name).join(', ')}`);
  const python = ensurePythonTorch(log);

  const grid = threadGrid();
  log(`starting ${grid.length} PyTorch processes (one per thread setting) ...`);
  const baselines = await Promise.all(grid.map((threads) => BaselineProcess.start(python, threads, selected, samples)));
  const { images } = loadFashionMnist('train', { limit: samples });
  const latentlabThreads = { ...getThreads(), blasThreading: buildInfo().blasThreading };
  manualSeed(0);
  const trainers = new Map(selected.map((w) => [w.name, new WorkloadTrainer(w, images)]));
  images.dispose();

  const results: WorkloadComparison[] = [];
  try {
    for (const workload of selected) {
      const trainer = trainers.get(workload.name)!;
      const ours: number[] = [];
      const theirs = grid.map(() => [] as number[]);
      const measure = async (who: number | 'latentlab', round: string) => {
        const latentlabTurn = who === 'latentlab';
        const rate = latentlabTurn ? trainer.measure(seconds) : await baselines[who]!.measure(workload.name, seconds);
        (latentlabTurn ? ours : theirs[who]!).push(rate);
        // latentlab's threads as they ended the slice: the default adapts to the load (tensor/thread-policy.ts).
        const setting = latentlabTurn ? { ...latentlabThreads, ...getThreads() } : grid[who]!;
        log(`${round}  ${workload.name}  ${latentlabTurn ? 'latentlab' : 'pytorch  '}  ${describe(setting)}  ${rate.toFixed(0)} samples/s`);
      };
      for (let round = 0; round < selectionRounds; round++) {
        for (let index = 0; index < grid.length; index++) await measure(index, `selection ${round + 1}`);
      }
      const best = grid
        .map((_, index) => index)
        .sort((a, b) => median(theirs[b]!) - median(theirs[a]!))
        .slice(0, finalists);
      const order: (number | 'latentlab')[] = ['latentlab', ...best];
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < order.length; k++) await measure(order[(round + k) % order.length]!, `round ${round + 1}`);
      }
      // Each finalist's comparison rounds only: the selection rounds chose it.
      const compared = best.map((index) => theirs[index]!.slice(selectionRounds));
      const winner = compared.reduce((a, b) => (median(b) > median(a) ? b : a));
      const ratios = ours.map((rate, round) => rate / winner[round]!);
      results.push({
        name: workload.name,
        description: workload.description,
        latentlab: median(ours),
        pytorch: median(winner),
        ratio: median(ratios),
        ratioIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
        latentlabThreads,
        pytorchThreads: grid[best[compared.indexOf(winner)]!]!,
        pytorchGrid: grid.map((threads, index) => ({ threads, samplesPerSecond: median(theirs[index]!), rounds: theirs[index]! })),
      });
    }
  } finally {
    for (const baseline of baselines) baseline.close();
    for (const trainer of trainers.values()) trainer.dispose();
  }
  return results;
}

// PyTorch gets every combination of 1 or all cores for its kernels and for BLAS, with Debian's
// default OpenBLAS and, where installed, the OpenMP build latentlab links.
function threadGrid(): RunSetting[] {
  const grid: RunSetting[] = [];
  const cores = Math.max(1, cpuCount());
  const counts = [...new Set([1, cores])];
  const builds = openmpBlasDir() ? ['pthreads', 'openmp'] : ['pthreads'];
  for (const blasThreading of builds) for (const torch of counts) for (const blas of counts) grid.push({ torch, blas, blasThreading });
  return grid;
}

export function describe(setting: RunSetting): string {
  return `torch=${setting.torch} blas=${setting.blas} (${setting.blasThreading} OpenBLAS)`;
}

/** One PyTorch process at one thread setting, serving measured slices (engine_baseline.py --serve). */
class BaselineProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiting: ((line: string) => void) | null = null;
  #stderr = '';

  private constructor(python: string, threads: RunSetting, names: string[], samples: number) {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads.blas), OMP_NUM_THREADS: String(threads.torch) };
    if (threads.blasThreading === 'openmp') env.LD_LIBRARY_PATH = [openmpBlasDir(), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    const data = `${process.env.LATENTLAB_FASHION_MNIST ?? debianFashionMnistDir}/train-images-idx3-ubyte.gz`;
    const args = [baselineScript, ...names, '--serve', '--data', data, '--limit', String(samples), '--torch-threads', String(threads.torch)];
    this.#child = spawn(python, args, { env });
    this.#child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      if (this.#waiting) this.#waiting(line);
      else this.#lines.push(line);
    });
  }

  static async start(python: string, threads: RunSetting, selected: Workload[], samples: number): Promise<BaselineProcess> {
    const baseline = new BaselineProcess(python, threads, selected.map((w) => w.name), samples);
    await baseline.#next();
    return baseline;
  }

  async measure(name: string, seconds: number): Promise<number> {
    this.#child.stdin.write(`${name} ${seconds}\n`);
    const { samples_per_s } = JSON.parse(await this.#next()) as { samples_per_s: number };
    return samples_per_s;
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }

  #next(): Promise<string> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const failed = () => reject(new LatentlabError(`the PyTorch baseline failed (${baselineScript}): ${this.#stderr.trim().split('\n').pop() || 'it exited'}`));
      if (this.#child.exitCode !== null) return failed();
      this.#child.once('exit', failed);
      this.#waiting = (line) => {
        this.#waiting = null;
        this.#child.off('exit', failed);
        resolve(line);
      };
    });
  }
}
