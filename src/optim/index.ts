// torch.optim for latentlab.
export { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { SGD, type SGDOptions } from './sgd.js';
