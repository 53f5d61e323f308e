// The whole native surface of the addon as one typed interface. Thread settings that libgomp
// and OpenBLAS only read at load time are put in the environment before the addon loads.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatentlabError } from './errors.js';
import { readEnvironment } from './environment.js';

/** Opaque handle owning one libtorch tensor. */
export type Handle = { readonly __brand: 'TensorHandle' };
export type ProcessGroupHandle = { readonly __brand: 'ProcessGroupHandle' };
/** What an ATen operator call may return. */
export type OpResult = Handle | OpResult[] | number | boolean | string | null | undefined;
export type OpArgument = Handle | null | undefined | number | boolean | string | readonly OpArgument[];

export interface BuildInfo {
  torchVersion: string;
  parallelInfo: string;
  blas: 'openblas' | 'other';
  blasThreading: 'sequential' | 'pthreads' | 'openmp' | 'unknown';
}

export interface NativeBinding {
  resolveOp(name: string, overload: string): number;
  opSchema(id: number): string;
  callOp(id: number, ...args: OpArgument[]): OpResult;

  fromBuffer(data: ArrayBufferView, shape: readonly number[], scalarType: number): Handle;
  toBuffer(handle: Handle): ArrayBuffer;
  shape(handle: Handle): number[];
  scalarType(handle: Handle): number;
  device(handle: Handle): string;
  dataPointer(handle: Handle): bigint;
  share(handle: Handle): Handle;
  dispose(handle: Handle): void;
  isDisposed(handle: Handle): boolean;
  liveHandles(): number;

  backward(tensors: Handle[], gradients: (Handle | null)[] | null, retainGraph?: boolean, createGraph?: boolean): void;
  grad(
    outputs: Handle[],
    inputs: Handle[],
    gradOutputs: (Handle | null)[] | null,
    retainGraph?: boolean,
    createGraph?: boolean,
    allowUnused?: boolean,
  ): (Handle | null)[];
  getGrad(handle: Handle): Handle | null;
  setGrad(handle: Handle, grad: Handle | null): void;
  zeroGrads(handles: Handle[], setToNone: boolean): void;
  /** Σ‖∂t‖² over the tensors that have a gradient. */
  gradientSquaredNorm(handles: Handle[]): number;
  requiresGrad(handle: Handle): boolean;
  setRequiresGrad(handle: Handle, requiresGrad: boolean): void;
  isLeaf(handle: Handle): boolean;
  gradFnName(handle: Handle): string | null;
  retainGrad(handle: Handle): void;
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;

  savePickle(tensors: Record<string, Handle>): Buffer;

  fusedAdamAvailable(): boolean;
  // c10d over Gloo (distributed.cc): each call that waits for other ranks settles a promise.
  distInit(masterAddr: string, masterPort: number, rank: number, world: number, timeoutMs: number, interfaceHost: string): Promise<ProcessGroupHandle>;
  distAllreduce(group: ProcessGroupHandle, tensors: Handle[], op: 'sum' | 'max' | 'min' | 'product'): Promise<void>;
  distBroadcast(group: ProcessGroupHandle, tensors: Handle[], root: number): Promise<void>;
  distBarrier(group: ProcessGroupHandle): Promise<void>;
  distDestroy(group: ProcessGroupHandle): void;
  fusedAdamStep(
    params: Handle[],
    grads: Handle[],
    expAvgs: Handle[],
    expAvgSqs: Handle[],
    /** portable: run the portable kernel even where AVX2 is available (for its tests). */
    options: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; step: number; portable?: boolean },
  ): boolean;

  /**
   * A Bernoulli RBM's CD-k objective in one call (fused_rbm.cc): [total, reconstruction, data free
   * energy], total's gradient being the CD statistics; a chain (persistent CD) gets the last hidden sample.
   */
  contrastiveDivergence(v0: Handle, weight: Handle, visibleBias: Handle, hiddenBias: Handle, chain: Handle | null, uniforms: Handle[], steps: number): [Handle, Handle, Handle];
  /** SGD with momentum buffers that exist, one pass per parameter (optim.cc); false when a tensor does not fit. */
  fusedSgdStep(
    params: Handle[],
    grads: Handle[],
    momentumBuffers: Handle[],
    options: { lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number; portable?: boolean },
  ): boolean;
  /** ATen's mse_loss, with a fused backward when the input is a sigmoid's output (fused_loss.cc). */
  mseLoss(input: Handle, target: Handle, reduction: number): Handle;
  /** ATen's binary_cross_entropy_with_logits, in fewer passes where it has no weights (fused_loss.cc). */
  bceWithLogits(input: Handle, target: Handle, weight: Handle | null, posWeight: Handle | null, reduction: number): Handle;
  /** ATen's linear, its products through oneDNN's sgemm where the build has it (linear.cc, gemm.cc). */
  linear(input: Handle, weight: Handle, bias: Handle | null): Handle;
  /** ATen's conv_transpose2d, through oneDNN's convolution kernels where it is faster (conv_transpose.cc). */
  convTranspose2d(
    input: Handle,
    weight: Handle,
    bias: Handle | null,
    stride: number[],
    padding: number[],
    outputPadding: number[],
    groups: number,
    dilation: number[],
  ): Handle;
  emptyCache(): number;
  allocatorStats(): AllocatorStats;
  startProfiler(): void;
  stopProfiler(tracePath?: string): OpProfile[];

  setNumThreads(threads: number): void;
  getNumThreads(): number;
  setBlasThreads(threads: number): boolean;
  getBlasThreads(): number;
  manualSeed(seed: number): void;
  getRngState(): Handle;
  setRngState(state: Handle): void;
  randParallel(shape: readonly number[]): Handle;
  libmPow(base: number, exponent: number): number;
  trimMemory(): boolean;
  cudaDeviceCount(): number;
  buildInfo(): BuildInfo;
  /** Throws a c10::Error, a std::exception or a non-standard exception from C++: tests of the error guard. */
  throwForTest(kind: 'c10' | 'std' | 'other'): never;
}

/** The caching CPU allocator's state (allocator.cc); bytes of blocks of 64 KiB and more. */
export interface AllocatorStats {
  /** freed blocks kept for reuse */
  cachedBytes: number;
  /** blocks in use by tensors */
  liveBytes: number;
  /** allocations served from the cache, and from the system */
  hits: number;
  misses: number;
  /** most bytes kept idle (LATENTLAB_CPU_CACHE_MB) */
  limitBytes: number;
}

/** One operator's share of a profiled run: as a row of torch.profiler's key_averages(). */
export interface OpProfile {
  /** 'aten::addmm', or an autograd node such as 'AddmmBackward0' */
  name: string;
  calls: number;
  /** microseconds, the ops it called included */
  totalUs: number;
  /** microseconds in this op alone */
  selfUs: number;
}

function findAddon(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'build', 'Release', 'latentlab.node');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new LatentlabError('the native addon is not built: run `npm run setup` in the latentlab folder');
}

/**
 * Whether other processes keep the cores busy: at least half the cores running other tasks at
 * this moment (/proc/loadavg's count of runnable tasks, less this process), or a 1-minute load
 * average of every core. Not the 1-minute average alone: it still remembers a job that ended
 * a minute ago, so a benchmark started right after the build would run with the short spin.
 */
function machineIsBusy(): boolean {
  const cores = availableParallelism();
  if (loadavg()[0]! >= cores) return true;
  try {
    const running = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3]?.split('/')[0]);
    return running - 1 >= cores / 2;
  } catch {
    return false; // not Linux: only the average tells
  }
}

function linkedWithOpenmpBlas(addon: string): boolean {
  try {
    return /blas=\S+/.test(readFileSync(join(dirname(dirname(addon)), '.latentlab-libtorch'), 'utf8'));
  } catch {
    return false;
  }
}

// Checked before the addon loads: its caching allocator reads LATENTLAB_CPU_CACHE_MB (allocator.cc).
export const environment = readEnvironment();

/**
 * The libtorch binding, loaded on first use: commands that need no tensors (`--help`, `runs`,
 * `study list`) then start without paying for libtorch (about half a second). Until then `native`
 * is a stand-in that loads the addon when any of its functions is asked for; the loader then
 * rebinds the export, so every later call reaches the addon directly (no proxy in the hot path).
 */
export let native: NativeBinding = new Proxy({} as NativeBinding, {
  get: (_target, key) => loadNative()[key as keyof NativeBinding],
});

let loaded: NativeBinding | undefined;

function loadNative(): NativeBinding {
  if (loaded) return loaded;
  const addonPath = findAddon();
  // With OpenBLAS's pthreads build, idle OpenMP threads must sleep rather than spin, or they steal
  // the cores OpenBLAS's own threads need (measured: 2-3x slower training on 2 cores). With the
  // OpenMP build that setup links, both share one pool and libgomp's default (spin up to 300,000
  // turns, then sleep) is the fastest on an idle machine: a spin of 10,000 turns trained 5-30%
  // slower (dense AE, batch 512) and 3-9% (conv AE), measured interleaved. But when other processes
  // already load the cores, that long spin takes the cores the working threads wait for: on 2 cores
  // beside other jobs a 60k × 784 PCA took 26 s instead of 3.5 s with the short spin, a study's
  // smoke run 80 s instead of 15 s. So the spin is cut short when the machine is busy at start-up.
  // setup records which BLAS the addon links.
  if (!linkedWithOpenmpBlas(addonPath)) process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  else if (machineIsBusy()) process.env.GOMP_SPINCOUNT ??= '10000';
  loaded = createRequire(import.meta.url)(addonPath) as NativeBinding;
  // Starting threads, chosen by measurement on 2 cores (src/bench/engine.ts): with OpenBLAS built on
  // OpenMP, kernels and BLAS share one pool, and using every core for both is fastest for dense
  // and conv models alike on a quiet machine; thread-policy.ts lowers them under load.
  // LATENTLAB_THREADS=torch,blas fixes them.
  const cores = availableParallelism();
  loaded.setNumThreads(environment.threads?.torch ?? cores);
  loaded.setBlasThreads(environment.threads?.blas ?? cores);
  native = loaded;
  return loaded;
}
