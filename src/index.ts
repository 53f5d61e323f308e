// latentlab's public API.
export * from './tensor/index.js';
export * as nn from './nn/index.js';
export * as F from './nn/functional.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as models from './models/index.js';
export * as train from './train/index.js';
