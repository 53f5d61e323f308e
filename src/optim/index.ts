// torch.optim for latentlab: optimizers, learning-rate schedulers and gradient clipping.
export { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { LRScheduler, type ScheduledOptimizer, type SchedulerState } from './schedulers/scheduler.js';
export { StepLR, type StepLROptions } from './schedulers/step.js';
export { ExponentialLR, type ExponentialLROptions } from './schedulers/exponential.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/cosine.js';
export { LinearWarmup, type LinearWarmupOptions, type LinearWarmupState } from './schedulers/warmup.js';
export { InverseTimeLR, type InverseTimeLROptions } from './schedulers/inverse-time.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type ReduceLROnPlateauState } from './schedulers/plateau.js';
export { optimizerNames, createOptimizer, type OptimizerName, type OptimizerSettings } from './registry.js';
export { clipGradNorm, clipGradValue } from './clip.js';
