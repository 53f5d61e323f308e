// `latentlab bench busy`: latentlab's adaptive default threads against every fixed setting while
// other processes compete for the same cores (busy loops, or a second latentlab training), and,
// with `--load none`, against the all-cores default of before on an otherwise quiet machine.
//
// As in the engine benchmark, the machine's speed drifts, so every setting trains in short
// slices taken in turn over many rounds (in a shuffled order: a fixed rotation would always put
// the same setting before the adaptive one, and the load a slice leaves behind, a competitor's
// reaction included, would count for or against it), and the ratio is the median over
// rounds of the adaptive default's rate over the best fixed setting's rate in the same round.
// The adaptive setting keeps its state between its slices, as a long run would; after the pause
// (the other settings' slices) it measures the load afresh.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { median, quantile } from '../analysis/statistics.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { cpuCount, getThreads, manualSeed, setThreads, threadPolicyState, type ThreadSettings } from '../tensor/runtime.js';
import { permutation, seededRandom } from '../tensor/random.js';
import { WorkloadTrainer, workloads } from './workloads.js';

/** What competes for the cores: nothing, busy loops, or other latentlab trainings (dense AE, default threads). */
export type CompetingLoad = 'none' | 'busy' | 'train';

export interface BusyBenchOptions {
  load?: CompetingLoad;
  /** Competing processes (1 by default). */
  processes?: number;
  /** Measured seconds per slice. */
  seconds?: number;
  rounds?: number;
  /** Workloads by name (dense-ae-b128 and conv-ae-b128 by default). */
  only?: string[];
  samples?: number;
  log?: (line: string) => void;
}

export type BusySetting = 'adaptive' | ThreadSettings;

export interface BusyWorkloadResult {
  name: string;
  description: string;
  /** samples/s, median over rounds, per setting ('adaptive', then '1/1', '2/2', ... as torch/blas) */
  settings: { setting: string; samplesPerSecond: number; rounds: number[] }[];
  /** the fixed setting with the highest median rate (with `--load none`: all cores, the previous default) */
  reference: string;
  /** median over rounds of adaptive / reference in the same round: 1 is as fast */
  ratio: number;
  ratioIqr: [number, number];
  /** the thread count the adaptive setting ended each round's slice with */
  adaptiveThreads: number[];
}

export interface BusyBenchResult {
  load: CompetingLoad;
  processes: number;
  cores: number;
  /** /proc/loadavg's 1-minute average at the start and the end */
  loadAverage: [number, number];
  workloads: BusyWorkloadResult[];
}

const defaultWorkloads = ['dense-ae-b128', 'conv-ae-b128'];

export function describeSetting(setting: BusySetting): string {
  return setting === 'adaptive' ? 'adaptive' : `${setting.torch}/${setting.blas}`;
}

export async function runBusyBenchmark(options: BusyBenchOptions = {}): Promise<BusyBenchResult> {
  const load = options.load ?? 'busy';
  const processes = load === 'none' ? 0 : (options.processes ?? 1);
  const seconds = options.seconds ?? 1;
  const rounds = options.rounds ?? 10;
  const log = options.log ?? (() => {});
  const names = options.only ?? defaultWorkloads;
  const selected = names.map((name) => {
    const workload = workloads.find((w) => w.name === name);
    if (!workload) throw new ArgumentError(`no workload named ${name}: choose from ${workloads.map((w) => w.name).join(', ')}`);
    return workload;
  });
  const cores = Math.max(1, cpuCount());
  const counts = [...new Set([1, cores])];
  // With nothing competing, the question is whether adapting costs anything against the default
  // of before (every core); with a load, how far it is from the best fixed setting.
  const fixed: ThreadSettings[] = load === 'none' ? [{ torch: cores, blas: cores }] : counts.flatMap((torch) => counts.map((blas) => ({ torch, blas })));
  const settings: BusySetting[] = ['adaptive', ...fixed];

  const before = getThreads();
  const wasAdaptive = threadPolicyState().adaptive;
  const { images } = loadFashionMnist('train', { limit: options.samples ?? 10000 });
  manualSeed(0);
  const trainers = selected.map((w) => new WorkloadTrainer(w, images));
  images.dispose();
  const competitors: ChildProcess[] = [];
  const loadAverage: [number, number] = [loadavg()[0]!, 0];
  try {
    if (load !== 'none') for (let i = 0; i < processes; i++) competitors.push(await startCompetitor(load));
    if (processes > 0) log(`${processes} competing ${load === 'busy' ? 'busy-loop' : 'latentlab training'} process${processes > 1 ? 'es' : ''} started`);
    const results: BusyWorkloadResult[] = [];
    for (const trainer of trainers) {
      const rates = settings.map(() => [] as number[]);
      const adaptiveThreads: number[] = [];
      const random = seededRandom(1);
      for (let round = 0; round < rounds; round++) {
        for (const index of permutation(settings.length, random)) {
          const setting = settings[index]!;
          setThreads(setting);
          const rate = trainer.measure(seconds);
          rates[index]!.push(rate);
          if (setting === 'adaptive') adaptiveThreads.push(threadPolicyState().threads);
          log(`round ${round + 1}  ${trainer.workload.name}  ${describeSetting(setting).padEnd(8)}  ${rate.toFixed(0)} samples/s${setting === 'adaptive' ? ` (threads ${threadPolicyState().threads})` : ''}`);
        }
      }
      const best = fixed.map((_, i) => i + 1).reduce((a, b) => (median(rates[b]!) > median(rates[a]!) ? b : a));
      const ratios = rates[0]!.map((rate, round) => rate / rates[best]![round]!);
      results.push({
        name: trainer.workload.name,
        description: trainer.workload.description,
        settings: settings.map((setting, i) => ({ setting: describeSetting(setting), samplesPerSecond: median(rates[i]!), rounds: rates[i]! })),
        reference: describeSetting(settings[best]!),
        ratio: median(ratios),
        ratioIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
        adaptiveThreads,
      });
    }
    loadAverage[1] = loadavg()[0]!;
    return { load, processes, cores, loadAverage, workloads: results };
  } finally {
    for (const child of competitors) child.kill();
    for (const trainer of trainers) trainer.dispose();
    if (wasAdaptive) setThreads('adaptive');
    else setThreads(before);
  }
}

const workloadsModule = fileURLToPath(new URL('./workloads.js', import.meta.url));
const fashionModule = fileURLToPath(new URL('../data/fashion-mnist.js', import.meta.url));

// A busy loop takes one core; a training is the dense AE at latentlab's default (adaptive) threads,
// as a second run of the same user would be. Each says 'ready' once it competes.
const competitorScripts: Record<Exclude<CompetingLoad, 'none'>, string> = {
  busy: "process.stdout.write('ready\\n'); for (;;) {}",
  train: `
    const { WorkloadTrainer, workloads } = await import(${JSON.stringify(workloadsModule)});
    const { loadFashionMnist } = await import(${JSON.stringify(fashionModule)});
    const { images } = loadFashionMnist('train', { limit: 10000 });
    const trainer = new WorkloadTrainer(workloads.find((w) => w.name === 'dense-ae-b128'), images);
    process.stdout.write('ready\\n');
    for (;;) trainer.measure(1);`,
};

async function startCompetitor(load: Exclude<CompetingLoad, 'none'>): Promise<ChildProcess> {
  const env = { ...process.env };
  delete env.LATENTLAB_THREADS; // the competitor trains at the default, whatever this process was given
  const child = spawn(process.execPath, ['--input-type=module', '-e', competitorScripts[load]], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [ready] = await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')]);
  if (!(ready instanceof Buffer)) {
    throw new LatentlabError(`the competing ${load} process failed to start: ${stderr.trim().split('\n').pop() ?? 'it exited'}`);
  }
  return child;
}

