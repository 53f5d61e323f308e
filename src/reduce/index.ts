// Dimensionality reductions fitted to data: PCA now; kernel PCA, t-SNE and UMAP to come.
export { PCA, type PCAOptions, type SvdSolver } from './pca.js';
export { randomizedSvd, svdFlip, type Svd, type RandomizedSvdOptions } from './svd.js';
export { NotFittedError } from './errors.js';
