// The default thread count adapts to the machine's load: all cores while nothing else runs,
// fewer while other processes keep cores busy. An OpenMP kernel waits at its join for its slowest
// thread, and a thread that shares its core with another process is the slowest by a whole
// scheduler slice, so two threads beside one busy process trained the dense AE 3-25x slower than
// one thread (measured on 2 cores; the worse figure with libgomp's long default spin).
//
// Training loops call adaptThreads() after each step; every half second it measures how much CPU
// other processes used (the machine's busy time in /proc/stat less this process's own) and sets
// libtorch's and BLAS's threads to the cores left over. An explicit setting (setThreads, or
// LATENTLAB_THREADS) turns the adaptation off.
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { environment, native } from './native.js';

/** Seconds of load measured before each decision. */
export const adaptWindowSeconds = 0.5;
// The first window after a start or a pause is shorter, so that a run started beside a busy
// process drops its extra threads within a fifth of a second. /proc/stat counts in hundredths of
// a second per CPU: over 0.2 s a miscount of a tick or two is 0.1 core, well inside the margin.
const firstWindowSeconds = 0.2;

// A thread is removed when the cores left over fall 0.35 below the threads in use, and added back
// only when nearly a whole core (0.85) is free, in two windows running: a thread too many under
// load costs several times more than a thread too few on a quiet machine (1.4x on 2 cores).
const removeMargin = 0.35;
const addMargin = 0.15;
const quietWindowsToAdd = 2;

/**
 * The thread count for the next window, from the current one and the cores other processes left
 * free in the last window (`free`, in cores, fractional). `quietWindows` counts the windows before
 * this one that already allowed more threads. Pure: unit-tested on load samples.
 */
export function chooseThreads(current: number, free: number, cores: number, quietWindows: number): { threads: number; quietWindows: number } {
  const clamp = (n: number) => Math.min(cores, Math.max(1, n));
  const keep = Math.floor(free + removeMargin);
  if (keep < current) return { threads: clamp(keep), quietWindows: 0 };
  const more = Math.floor(free + addMargin);
  if (more > current) {
    return quietWindows + 1 >= quietWindowsToAdd ? { threads: clamp(more), quietWindows: 0 } : { threads: current, quietWindows: quietWindows + 1 };
  }
  return { threads: current, quietWindows: 0 };
}

/** Measures the cores left free by other processes between two calls of free(). */
export interface LoadMeter {
  /** Starts a new window. */
  restart(): void;
  /** Cores (fractional) that other processes left unused since restart() or the last free(); null where it cannot tell. */
  free(): number | null;
}

interface CpuTimes {
  busyTicks: number;
  totalTicks: number;
  ownMicros: number;
  wallMs: number;
}

/**
 * Other processes' CPU use, from /proc/stat's busy and total time of the CPUs this process may
 * run on (its affinity, as taskset or a container's cpuset set it; steal counted as busy: a vCPU
 * the hypervisor took is as lost) less this process's CPU time. Integrated over the window, so
 * one reading per window suffices, unlike a count of runnable tasks at one instant.
 */
export class ProcStatMeter implements LoadMeter {
  readonly #allowed: Set<number> | null;
  readonly #cpus: number;
  #last: CpuTimes | null = null;

  constructor() {
    this.#allowed = allowedCpus();
    this.#cpus = this.#read()?.cpus ?? 0;
  }

  /** Whether the system's CPU times can be read (Linux). */
  get available(): boolean {
    return this.#cpus > 0;
  }

  restart(): void {
    this.#last = this.#sample();
  }

  free(): number | null {
    const now = this.#sample();
    const last = this.#last;
    this.#last = now;
    if (!now || !last || now.totalTicks <= last.totalTicks || now.wallMs <= last.wallMs) return null;
    const busy = ((now.busyTicks - last.busyTicks) / (now.totalTicks - last.totalTicks)) * this.#cpus;
    const own = (now.ownMicros - last.ownMicros) / 1000 / (now.wallMs - last.wallMs);
    return Math.min(this.#cpus, Math.max(0, this.#cpus - Math.max(0, busy - own)));
  }

  #sample(): CpuTimes | null {
    const stat = this.#read();
    if (!stat) return null;
    const usage = process.cpuUsage();
    return { busyTicks: stat.busy, totalTicks: stat.total, ownMicros: usage.user + usage.system, wallMs: performance.now() };
  }

  #read(): { busy: number; total: number; cpus: number } | null {
    let text: string;
    try {
      text = readFileSync('/proc/stat', 'latin1');
    } catch {
      return null;
    }
    let busy = 0;
    let total = 0;
    let cpus = 0;
    for (const match of text.matchAll(/^cpu(\d+)\s+(.*)$/gm)) {
      if (this.#allowed && !this.#allowed.has(Number(match[1]))) continue;
      // user nice system idle iowait irq softirq steal (guest time is already inside user)
      const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = match[2]!.trim().split(/\s+/).map(Number);
      const cpuBusy = user + nice + system + irq + softirq + steal;
      busy += cpuBusy;
      total += cpuBusy + idle + iowait;
      cpus++;
    }
    return cpus > 0 && Number.isFinite(busy + total) ? { busy, total, cpus } : null;
  }
}

/** The CPUs this process may run on (/proc/self/status's Cpus_allowed_list, "0-3,8"), or null for all. */
function allowedCpus(): Set<number> | null {
  try {
    const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1];
    if (!list) return null;
    const cpus = new Set<number>();
    for (const range of list.split(',')) {
      const [first, last = first] = range.split('-').map(Number);
      for (let cpu = first!; cpu <= last!; cpu++) cpus.add(cpu);
    }
    return cpus;
  } catch {
    return null;
  }
}

/** What the adaptation did: for the bench and for tests. */
export interface ThreadPolicyState {
  /** False after an explicit setting. */
  adaptive: boolean;
  /** The count the adaptation chose last (for torch and BLAS alike). */
  threads: number;
  /** Decisions taken (windows measured) since the process started. */
  decisions: number;
  /** Free cores measured in the last window, if any. */
  lastFree: number | null;
}

/** The adaptation's state; one per process, as the thread pools are. */
export class ThreadPolicy {
  readonly #meter: LoadMeter;
  readonly #cores: number;
  readonly #apply: (threads: number) => void;
  #adaptive: boolean;
  #threads: number;
  #quietWindows = 0;
  #decisions = 0;
  #lastFree: number | null = null;
  #windowStart = -Infinity;
  #lastTick = -Infinity;

  constructor(options: { meter: LoadMeter; cores: number; adaptive: boolean; apply: (threads: number) => void }) {
    this.#meter = options.meter;
    this.#cores = options.cores;
    this.#apply = options.apply;
    this.#adaptive = options.adaptive;
    this.#threads = options.cores;
  }

  get state(): ThreadPolicyState {
    return { adaptive: this.#adaptive, threads: this.#threads, decisions: this.#decisions, lastFree: this.#lastFree };
  }

  /** An explicit setting was made: stop adapting. */
  disable(): void {
    this.#adaptive = false;
  }

  /** Adapt again, starting from the count chosen last (all cores at first). */
  enable(): void {
    this.#adaptive = true;
    this.#lastTick = -Infinity;
    this.#apply(this.#threads);
  }

  /** Called often (after each training step): measures and decides once per window. */
  tick(nowMs = performance.now()): void {
    if (!this.#adaptive) return;
    const windowMs = adaptWindowSeconds * 1000;
    // After a pause (between runs, or while a benchmark measures someone else) the window would
    // mostly hold other processes' work, not the load beside ours: start a fresh one.
    if (nowMs - this.#lastTick > 2 * windowMs) {
      this.#lastTick = nowMs;
      this.#windowStart = nowMs - (windowMs - firstWindowSeconds * 1000);
      this.#meter.restart();
      return;
    }
    this.#lastTick = nowMs;
    if (nowMs - this.#windowStart < windowMs) return;
    this.#windowStart = nowMs;
    const free = this.#meter.free();
    this.#lastFree = free;
    if (free === null) return;
    this.#decisions++;
    const { threads, quietWindows } = chooseThreads(this.#threads, free, this.#cores, this.#quietWindows);
    this.#quietWindows = quietWindows;
    if (threads !== this.#threads) {
      this.#threads = threads;
      this.#apply(threads);
    }
  }
}

const meter = new ProcStatMeter();
const explicitlySet = environment.threads !== undefined;

/** The process's policy: adaptive unless LATENTLAB_THREADS is set or the system's load cannot be read. */
export const threadPolicy = new ThreadPolicy({
  meter,
  cores: availableParallelism(),
  adaptive: !explicitlySet && meter.available,
  apply: (threads) => {
    native.setNumThreads(threads);
    native.setBlasThreads(threads);
  },
});

/** For training loops: lets the default thread count follow the load (cheap; measures twice a second). */
export function adaptThreads(): void {
  threadPolicy.tick();
}
