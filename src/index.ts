// latentlab's public API.
export * from './tensor/index.js';
export * as F from './nn/functional.js';
