// Engine-wide settings: threads, seeds and random state, devices, live-tensor accounting.
import { cpus } from 'node:os';
import { native, type AllocatorStats, type BuildInfo, type OpProfile } from './native.js';
import { ArgumentError } from './errors.js';
import { translateNativeError } from './ops.js';
import { Tensor } from './tensor.js';
import { threadPolicy, type ThreadPolicyState } from './thread-policy.js';

/** Seeds libtorch's generators: the same seed gives bitwise the same CPU run. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`seed must be a non-negative integer, got ${seed}`);
  native.manualSeed(seed);
}

/** The CPU generator's state (a uint8 tensor), for checkpoints. */
export function getRngState(): Tensor {
  return new Tensor(native.getRngState());
}

/** Restores the global generator from a state saved by getRngState(). */
export function setRngState(state: Tensor): void {
  try {
    native.setRngState(state.handle);
  } catch (error) {
    translateNativeError(error, 'setRngState');
  }
}

/** Intra-op (OpenMP) threads of libtorch's own kernels. An explicit count: the default's adaptation to load stops. */
export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new ArgumentError(`threads must be a positive integer, got ${threads}`);
  threadPolicy.disable();
  native.setNumThreads(threads);
}

/** The number of threads libtorch's kernels use. */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/**
 * Runs fn with libtorch's kernels on `threads` threads, then restores the caller's setting. For
 * loops of many small operations (vectors of 10⁴–10⁶ elements, as in t-SNE's and UMAP's
 * optimisation), where OpenMP's fork and join per operation costs more than the parallel work
 * saves, and far more when other processes share the cores (UMAP on 10,000 digits on a loaded
 * 2-core machine: 134 s with 2 threads, 14 s with 1).
 */
export function withNumThreads<T>(threads: number, fn: () => T): T {
  if (!Number.isInteger(threads) || threads < 1) throw new ArgumentError(`threads must be a positive integer, got ${threads}`);
  const previous = getNumThreads();
  if (previous === threads) return fn();
  // Not setNumThreads: a temporary count is no explicit setting, the adaptation goes on after.
  native.setNumThreads(threads);
  try {
    return fn();
  } finally {
    native.setNumThreads(previous);
  }
}

/** Threads of the BLAS library (OpenBLAS) used for matrix products; false if the BLAS is not OpenBLAS. Stops the adaptation, as setNumThreads. */
export function setBlasThreads(threads: number): boolean {
  if (!Number.isInteger(threads) || threads < 1) throw new ArgumentError(`threads must be a positive integer, got ${threads}`);
  threadPolicy.disable();
  return native.setBlasThreads(threads);
}

/** The number of threads BLAS uses. */
export function getBlasThreads(): number {
  return native.getBlasThreads();
}

/** Thread counts of libtorch's kernels and of BLAS. */
export interface ThreadSettings {
  torch: number;
  blas: number;
}

/**
 * Fixed thread counts for libtorch's kernels and BLAS, or 'adaptive': the default, where training
 * loops use every core while the machine is otherwise idle and fewer while other processes keep
 * cores busy (src/tensor/thread-policy.ts). LATENTLAB_THREADS=torch,blas fixes them from the start.
 */
export function setThreads(settings: ThreadSettings | 'adaptive'): void {
  if (settings === 'adaptive') {
    threadPolicy.enable();
    return;
  }
  if (typeof settings !== 'object' || settings === null) throw new ArgumentError(`setThreads takes { torch, blas } or 'adaptive', got ${String(settings)}`);
  setNumThreads(settings.torch);
  setBlasThreads(settings.blas);
}

export type { ThreadPolicyState };
export { adaptThreads } from './thread-policy.js';

/** Whether the thread counts adapt to the load, the count chosen last, and the decisions taken. */
export function threadPolicyState(): ThreadPolicyState {
  return threadPolicy.state;
}

/** The thread counts in use now (libtorch and BLAS). */
export function getThreads(): ThreadSettings {
  return { torch: getNumThreads(), blas: getBlasThreads() };
}

/** Number of tensors alive on the native side (created and not yet disposed or collected). */
export function liveTensorCount(): number {
  return native.liveHandles();
}

/**
 * Returns freed memory to the system: the blocks the caching allocator keeps for reuse, then
 * what the C allocator still holds (after a big job, or before reading the resident size).
 * True if the C allocator released some.
 */
export function trimMemory(): boolean {
  native.emptyCache();
  return native.trimMemory();
}

export type { AllocatorStats };

/**
 * The caching CPU allocator's counters. Tensor buffers of 64 KiB and more are kept when freed
 * and handed out again for the same size, so that a training step reuses warm memory instead of
 * fresh pages; at most LATENTLAB_CPU_CACHE_MB (default 1024, 0 turns caching off) stay idle.
 */
export function allocatorStats(): AllocatorStats {
  return native.allocatorStats();
}

/** Frees the blocks the caching allocator keeps for reuse (as torch.cuda.empty_cache()); returns their bytes. */
export function emptyCache(): number {
  return native.emptyCache();
}

export type { OpProfile };

/**
 * Runs fn under libtorch's operator profiler (the one behind torch.autograd.profiler) and
 * returns its result with one row per operator and autograd node, the most self time first.
 * Times are CPU wall time on the calling thread; an op's parallel work is inside its own time.
 * `trace` names a file for the events as a Chrome trace (open it in chrome://tracing or
 * Perfetto), as torch.autograd.profiler's export_chrome_trace writes.
 */
export function profile<T>(fn: () => T, options: { trace?: string } = {}): { result: T; ops: OpProfile[] } {
  native.startProfiler();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    native.stopProfiler();
    throw error;
  }
  try {
    const ops = native.stopProfiler(options.trace).sort((a, b) => b.selfUs - a.selfUs);
    return { result, ops };
  } catch (error) {
    translateNativeError(error, 'profile');
  }
}

/** The number of CUDA devices (0 in a CPU build). */
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/** Whether libtorch can use a CUDA device. */
export function cudaIsAvailable(): boolean {
  return native.cudaDeviceCount() > 0;
}

/** libtorch's version and build settings (BLAS, OpenMP, CUDA). */
export function buildInfo(): BuildInfo {
  return native.buildInfo();
}

/** The cores this process may run on. */
export function cpuCount(): number {
  return cpus().length;
}
