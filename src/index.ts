// latentlab's public API.
export * from './tensor/index.js';
export * as nn from './nn/index.js';
export * as F from './nn/functional.js';
export * as distributions from './distributions/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as distributed from './distributed/index.js';
export * as models from './models/index.js';
export * as train from './train/index.js';
export * as reduce from './reduce/index.js';
export * as bo from './bo/index.js';
export * as analysis from './analysis/index.js';
export * as track from './track/index.js';
export * as report from './report/index.js';
export * as runs from './runs/index.js';
export * as studies from './studies/index.js';
export * as serve from './serve/index.js';
