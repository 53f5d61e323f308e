// Starting a data-parallel job as torchrun does: `--nproc N` starts N local worker processes of the
// same command, each told its place by the environment variables torchrun sets (WORLD_SIZE, RANK,
// MASTER_ADDR, MASTER_PORT); a process started with those (or --world, --rank, --master) is one
// rank of a job, on this machine or across several.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createServer } from 'node:net';
import { ArgumentError } from '../tensor/errors.js';

/** This process's place in a job: what ProcessGroup.init needs. */
export interface DistributedSettings {
  rank: number;
  world: number;
  masterAddr: string;
  masterPort: number;
  timeoutMs: number;
}

/** What this process is in a run: a single process, a launcher of local workers (--nproc), or a worker of a group. */
export type DistributedRole =
  | { kind: 'single' }
  /** Start `nproc` local workers (this process only waits for them). */
  | { kind: 'launch'; nproc: number; timeoutMs: number }
  | { kind: 'worker'; settings: DistributedSettings };

/** The command-line flags of data-parallel training as given (--nproc, --world, --rank, --master, --dist-timeout), unchecked. */
export interface DistributedFlags {
  nproc?: unknown;
  world?: unknown;
  rank?: unknown;
  master?: unknown;
  /** Seconds a rank waits for the others (rendezvous, each collective). */
  distTimeout?: unknown;
}

/** torchrun's default rendezvous port. */
export const defaultMasterPort = 29500;

/**
 * What the flags and environment make of this process. Flags win over the environment; a value
 * that cannot be right gives one ArgumentError naming where it came from.
 */
export function distributedRole(flags: DistributedFlags, env: NodeJS.ProcessEnv = process.env): DistributedRole {
  const timeoutMs = 1000 * positiveNumber(flags.distTimeout ?? 30, '--dist-timeout', 'seconds');
  if (flags.nproc !== undefined) {
    const nproc = integer(flags.nproc, '--nproc', 1);
    const clash = (['world', 'rank', 'master'] as const).find((key) => flags[key] !== undefined);
    if (clash) throw new ArgumentError(`--nproc starts the local workers itself and gives each its rank: drop --${clash} (or drop --nproc to join a job as one rank)`);
    return nproc === 1 ? { kind: 'single' } : { kind: 'launch', nproc, timeoutMs };
  }
  const worldText = flags.world ?? env.WORLD_SIZE;
  const rankText = flags.rank ?? env.RANK;
  if (worldText === undefined && rankText === undefined && flags.master === undefined) return { kind: 'single' };
  const worldSource = flags.world !== undefined ? '--world' : 'WORLD_SIZE';
  const rankSource = flags.rank !== undefined ? '--rank' : 'RANK';
  if (worldText === undefined) throw new ArgumentError(`a rank of a data-parallel job needs the number of processes: give --world N (or WORLD_SIZE), or --nproc N to start them all here`);
  const world = integer(worldText, worldSource, 1);
  if (rankText === undefined) throw new ArgumentError(`a process of a ${world}-process job needs its rank: give --rank (or RANK), from 0 to ${world - 1}`);
  const rank = integer(rankText, rankSource, 0);
  if (rank >= world) throw new ArgumentError(`${rankSource} ${rank} is not a rank of a ${world}-process job: ranks go from 0 to ${world - 1}`);
  const { masterAddr, masterPort } = master(flags.master, env);
  if (world === 1) return { kind: 'single' };
  return { kind: 'worker', settings: { rank, world, masterAddr, masterPort, timeoutMs } };
}

/** `--batch` is the global batch: each of `world` processes trains on batch / world samples per step. */
export function perRankBatch(batch: number, world: number): number {
  if (batch % world !== 0) {
    const lower = Math.max(world, batch - (batch % world));
    throw new ArgumentError(`--batch ${batch} is the global batch and must split evenly over the ${world} processes: use --batch ${lower} or ${lower + world}`);
  }
  return batch / world;
}

function master(flag: unknown, env: NodeJS.ProcessEnv): { masterAddr: string; masterPort: number } {
  if (flag !== undefined) {
    const match = /^(.+):(\d+)$/.exec(String(flag));
    if (!match) throw new ArgumentError(`--master must be host:port (like 10.0.0.1:29500), got '${String(flag)}'`);
    const host = match[1]!.replace(/^\[(.*)\]$/, '$1'); // [::1]:29500
    return { masterAddr: host, masterPort: port(match[2]!, `the port of --master ${String(flag)}`) };
  }
  const masterAddr = env.MASTER_ADDR?.trim() || '127.0.0.1';
  const masterPort = env.MASTER_PORT === undefined ? defaultMasterPort : port(env.MASTER_PORT, 'MASTER_PORT');
  return { masterAddr, masterPort };
}

function port(text: string, source: string): number {
  const value = integer(text, source, 1);
  if (value > 65535) throw new ArgumentError(`${source} must be a port from 1 to 65535, got ${value}`);
  return value;
}

function integer(value: unknown, source: string, min: number): number {
  const number = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min) throw new ArgumentError(`${source} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got '${String(value)}'`);
  return number;
}

function positiveNumber(value: unknown, source: string, unit: string): number {
  const number = typeof value === 'number' ? value : String(value).trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new ArgumentError(`${source} must be a positive number of ${unit}, got '${String(value)}'`);
  return number;
}

/** A port on the loopback that no one listens on now (the workers' rendezvous). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How launchWorkers starts local workers: their command line and how long the others may take to stop after a failure. */
export interface LaunchOptions {
  /** The command line each worker runs (this program's arguments without --nproc). */
  args: string[];
  /** How long the others may take to stop after one worker failed, before they are killed. */
  timeoutMs: number;
  /** Receives the launcher's lines (workers started, a worker's failure); default: standard error. */
  log?: (line: string) => void;
}

/**
 * Starts `nproc` workers of this program on this machine and waits for them; resolves with the
 * exit code for the launcher: 0 when all succeeded, else the first failure's (rank 0's first).
 * Ctrl-C and SIGTERM are passed on to every worker once (they stop after the same step). When a
 * worker dies, the others stop on their own at their next collective; any still running after the
 * timeout is killed.
 */
export async function launchWorkers(nproc: number, options: LaunchOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const port = await freeLoopbackPort();
  // Each worker gets its share of the cores unless the caller chose the thread counts.
  const threads = process.env.LATENTLAB_THREADS ?? `${Math.max(1, Math.floor(availableParallelism() / nproc))},1`;
  const children: ChildProcess[] = [];
  for (let rank = 0; rank < nproc; rank++) {
    const env = { ...process.env, WORLD_SIZE: String(nproc), RANK: String(rank), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), LATENTLAB_THREADS: threads };
    // Own process groups: a terminal's Ctrl-C reaches the launcher alone, which passes it on once
    // (a worker treats a second Ctrl-C as "quit at once").
    children.push(spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...options.args], { env, detached: true, stdio: ['ignore', rank === 0 ? 'inherit' : 'ignore', 'inherit'] }));
  }
  log(`started ${nproc} workers on 127.0.0.1:${port} (pids ${children.map((c) => c.pid).join(', ')})`);
  const forward = (signal: NodeJS.Signals) => () => children.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill(signal));
  let interrupted = false;
  // The workers stop gracefully on either, after the same step (DistributedDataParallel agrees on it).
  const onInterrupt = () => {
    interrupted = true;
    forward('SIGINT')();
  };
  const onTerminate = onInterrupt;
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  let failure: { rank: number; code: number } | null = null;
  let killer: NodeJS.Timeout | undefined;
  try {
    const codes = await Promise.all(
      children.map(
        (child, rank) =>
          new Promise<number>((resolve) => {
            child.once('error', (error) => {
              log(`latentlab: rank ${rank} could not start: ${error.message}`);
              resolve(1);
            });
            child.once('exit', (code, signal) => {
              const exit = code ?? 1;
              if ((exit !== 0 || signal) && !(interrupted && exit === 130)) {
                if (!failure) {
                  failure = { rank, code: exit };
                  log(`latentlab: rank ${rank} (pid ${child.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${exit}`}; the other ranks stop within ${options.timeoutMs / 1000} s`);
                  killer = setTimeout(() => forward('SIGKILL')(), options.timeoutMs + 5000);
                  killer.unref();
                }
              }
              resolve(exit);
            });
          }),
      ),
    );
    if (codes[0] !== 0) return codes[0]!;
    return codes.find((code) => code !== 0) ?? 0;
  } finally {
    clearTimeout(killer);
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onTerminate);
  }
}
