// Data-parallel training over libtorch's c10d/Gloo: the process group, the gradient-averaging
// wrapper, and torchrun-style launching.
export { ProcessGroup, DistributedError, type ProcessGroupOptions, type ReduceOp } from './process-group.js';
export { DistributedDataParallel, type DataParallelOptions, type DataParallelStats } from './data-parallel.js';
export { distributedRole, perRankBatch, launchWorkers, freeLoopbackPort, defaultMasterPort, type DistributedSettings, type DistributedRole, type DistributedFlags, type LaunchOptions } from './launch.js';
export { glooBindAddress } from './interface.js';
