// A group of processes that train together, as torch.distributed's process group with the Gloo
// backend: rank 0 serves the rendezvous store at the master's address and port, every rank joins
// it, then tensors are reduced, broadcast and synchronised across the ranks (libtorch's c10d,
// native/distributed.cc). The waits run off the JavaScript thread: signals and progress output
// stay alive, and a rank that never comes or dies makes the pending call fail within the timeout.
import { allreduceTensors, broadcastFromRank, groupBarrier, joinGroup, leaveGroup, type ProcessGroupHandle, type ReduceOp } from '../tensor/collectives.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor, zeros } from '../tensor/creation.js';
import { glooBindAddress, isLoopback } from './interface.js';

/** Where and how a process joins its group: as torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT. */
export interface ProcessGroupOptions {
  rank: number;
  world: number;
  masterAddr: string;
  masterPort: number;
  /** How long rendezvous and each collective may wait for the other ranks (30 s by default). */
  timeoutMs?: number;
  /**
   * The address this rank's Gloo connections bind: by default GLOO_SOCKET_IFNAME's address when
   * set, the loopback when the master is on it, else the local address of the route to the master
   * (distributed/interface.ts).
   */
  interfaceHost?: string;
}

/** A collective failed: a rank died, never came, or the master could not be reached in time. */
export class DistributedError extends LatentlabError {}

export type { ReduceOp } from '../tensor/collectives.js';

/** The processes of one data-parallel job, joined through c10d's TCP store and Gloo. */
export class ProcessGroup {
  #handle: ProcessGroupHandle | null;

  private constructor(
    handle: ProcessGroupHandle,
    readonly rank: number,
    readonly world: number,
  ) {
    this.#handle = handle;
  }

  /** Joins the group: resolves once every rank has joined, rejects with a DistributedError after the timeout. */
  static async init(options: ProcessGroupOptions): Promise<ProcessGroup> {
    const { rank, world, masterAddr, masterPort, timeoutMs = 30_000 } = options;
    if (!Number.isInteger(world) || world < 1) throw new ArgumentError(`the world size must be a positive integer, got ${world}`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= world) throw new ArgumentError(`the rank must be an integer from 0 to ${world - 1} (world size ${world}), got ${rank}`);
    if (typeof masterAddr !== 'string' || masterAddr === '') throw new ArgumentError('the master address must be a host name or IP address');
    if (!Number.isInteger(masterPort) || masterPort < 1 || masterPort > 65535) throw new ArgumentError(`the master port must be an integer from 1 to 65535, got ${masterPort}`);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ArgumentError(`the timeout must be a positive number of milliseconds, got ${timeoutMs}`);
    const interfaceHost = options.interfaceHost ?? (await glooBindAddress(masterAddr, masterPort));
    try {
      const handle = await joinGroup(masterAddr, masterPort, rank, world, timeoutMs, interfaceHost);
      return new ProcessGroup(handle, rank, world);
    } catch (error) {
      // Across machines, a wrong interface is the usual cause of a rendezvous that never completes.
      const bound = isLoopback(masterAddr) ? '' : ` (this rank's connections bound ${interfaceHost || "its host name's address"}; GLOO_SOCKET_IFNAME=<interface> picks another)`;
      throw new DistributedError(`rank ${rank} of ${world} could not join the group at ${masterAddr}:${masterPort} within ${timeoutMs / 1000} s: ${bound ? reason(error).replace(/\.$/, '') : reason(error)}${bound}`);
    }
  }

  /** Replaces each tensor, on every rank, by its reduction over the ranks (in place). */
  async allreduce(tensors: readonly Tensor[], op: ReduceOp = 'sum'): Promise<void> {
    await this.#collective('allreduce', () => allreduceTensors(this.#live(), tensors, op));
  }

  /** Gives every rank's tensors the values they have on rank `root` (in place). */
  async broadcast(tensors: readonly Tensor[], root = 0): Promise<void> {
    if (!Number.isInteger(root) || root < 0 || root >= this.world) throw new ArgumentError(`broadcast: the root must be a rank from 0 to ${this.world - 1}, got ${root}`);
    await this.#collective('broadcast', () => broadcastFromRank(this.#live(), tensors, root));
  }

  /**
   * Gives every rank rank `root`'s bytes (a configuration, a checkpoint file): `bytes` on the
   * root, ignored elsewhere; resolves with them on every rank.
   */
  async broadcastBytes(bytes: Uint8Array | null, root = 0): Promise<Uint8Array> {
    const mine = this.rank === root;
    if (mine && !(bytes instanceof Uint8Array)) throw new ArgumentError('broadcastBytes: the root rank must give a Uint8Array');
    const length = tensor(BigInt64Array.of(BigInt(mine ? bytes!.length : 0)));
    try {
      await this.broadcast([length], root);
      const count = Number((length.toTypedArray() as BigInt64Array)[0]);
      if (count === 0) return new Uint8Array(0);
      const data = mine ? tensor(bytes!) : zeros([count], { dtype: 'uint8' });
      try {
        await this.broadcast([data], root);
        return mine ? bytes! : new Uint8Array(data.toTypedArray() as Uint8Array);
      } finally {
        data.dispose();
      }
    } finally {
      length.dispose();
    }
  }

  /** Resolves when every rank has reached it. */
  async barrier(): Promise<void> {
    await this.#collective('barrier', () => groupBarrier(this.#live()));
  }

  /** Leaves the group and closes its connections (rank 0's also stop the store). */
  destroy(): void {
    if (this.#handle) leaveGroup(this.#handle);
    this.#handle = null;
  }

  #live(): ProcessGroupHandle {
    if (!this.#handle) throw new LatentlabError('the process group was destroyed');
    return this.#handle;
  }

  async #collective(name: string, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (error instanceof LatentlabError) throw error;
      // Gloo's error names a peer's address at best; with two ranks the other one is known.
      const peer = this.world === 2 ? `rank ${1 - this.rank}` : 'another rank';
      throw new DistributedError(`${name} on rank ${this.rank} of ${this.world} failed (${peer} stopped, or the network failed): ${reason(error)}`);
    }
  }
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
