// Tensors across processes, on the engine (native/distributed.cc): joining a c10d group (TCP store
// rendezvous, Gloo) and the collectives over it, each settling a promise off the JavaScript
// thread. The distributed layer (src/distributed) builds ProcessGroup and data parallelism on these.
import { native, type ProcessGroupHandle } from './native.js';
import { ArgumentError } from './errors.js';
import { checkTensor, type Tensor } from './tensor.js';

export type { ProcessGroupHandle } from './native.js';

/** How allreduce combines the ranks' values (as torch.distributed.ReduceOp). */
export type ReduceOp = 'sum' | 'max' | 'min' | 'product';

/**
 * Joins the group of `world` processes whose rank 0 serves the store at masterAddr:masterPort;
 * interfaceHost is the address this rank's connections bind ('' lets Gloo resolve the host name).
 */
export function joinGroup(masterAddr: string, masterPort: number, rank: number, world: number, timeoutMs: number, interfaceHost: string): Promise<ProcessGroupHandle> {
  return native.distInit(masterAddr, masterPort, rank, world, timeoutMs, interfaceHost);
}

/** Replaces each tensor, on every rank, by its reduction over the ranks (in place). */
export function allreduceTensors(group: ProcessGroupHandle, tensors: readonly Tensor[], op: ReduceOp): Promise<void> {
  return native.distAllreduce(group, handlesOf(tensors, 'allreduce'), op);
}

/** Gives every rank's tensors the values they have on rank `root` (in place). */
export function broadcastFromRank(group: ProcessGroupHandle, tensors: readonly Tensor[], root: number): Promise<void> {
  return native.distBroadcast(group, handlesOf(tensors, 'broadcast'), root);
}

/** Settles when every rank of the group has reached it. */
export function groupBarrier(group: ProcessGroupHandle): Promise<void> {
  return native.distBarrier(group);
}

/** Closes the group's connections. */
export function leaveGroup(group: ProcessGroupHandle): void {
  native.distDestroy(group);
}

function handlesOf(tensors: readonly Tensor[], what: string) {
  if (!Array.isArray(tensors)) throw new ArgumentError(`${what} expects an array of tensors`);
  return tensors.map((tensor, i) => {
    checkTensor(tensor, `${what}: tensor ${i}`);
    return tensor.handle;
  });
}
