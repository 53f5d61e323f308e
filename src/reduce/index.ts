// Dimensionality reductions fitted to data, with scikit-learn's API, and the measures of an
// embedding's quality.
export type { Reducer } from './reducer.js';
export { PCA, type PCAOptions, type SvdSolver } from './pca.js';
export { randomizedSvd, rightSvd, svdFlip, type Svd, type RandomizedSvdOptions } from './svd.js';
export { LinearDiscriminantAnalysis, LDA, type LDAOptions } from './lda.js';
export { FastICA, type FastICAOptions, type IcaAlgorithm, type IcaFunction, type IcaWhitening, type IcaWhitenSolver } from './ica.js';
export { LocallyLinearEmbedding, LLE, barycenterWeights, type LLEOptions, type LLEMethod, type LLEEigenSolver } from './lle.js';
export { smallestEigenpairs, EigenConvergenceError, type SmallestEigenOptions, type SmallestEigenpairs } from './lle-eigen.js';
export { symmetricEigen, type SymmetricEigenOptions, type Eigenpairs } from './eigen.js';
export { KernelPCA, type KernelPCAOptions, type KernelPCAKernel, type KernelPCAEigenSolver } from './kernel-pca.js';
export { pairwiseKernels, linearKernel, rbfKernel, polynomialKernel, sigmoidKernel, cosineSimilarity, kernelNames, type KernelName, type KernelOptions } from './kernels.js';
export { Isomap, type IsomapOptions, undirectedGraph, shortestPathLengths, type WeightedGraph } from './isomap.js';
export { connectedComponents, type SparseRows } from './graph.js';
export { TSNE, gradientDescent, type TSNEOptions, type TSNEMethod, type DescentOptions } from './tsne.js';
export { conditionalProbabilities, jointProbabilities, jointProbabilitiesNN, type SparseAffinities } from './tsne-affinities.js';
export { FftRepulsion, exactRepulsion, type FftRepulsionOptions } from './tsne-fft.js';
export { exactKlGradient } from './tsne-gradient.js';
export { UMAP, type UMAPOptions, type UMAPInit } from './umap.js';
export { fuzzySimplicialSet, smoothKnnDistances, membershipStrengths, findAbParams, type FuzzyGraph, type SmoothKnn, type SmoothKnnOptions, type FuzzySimplicialSetOptions } from './umap-graph.js';
export { laplacianEigenvectors, spectralLayout, type LaplacianEigenOptions, type LaplacianEigenpairs } from './umap-spectral.js';
export { nearestNeighbors, nearestNeighborsOf, squaredDistances, type Neighbors, type NeighborOptions } from './neighbors.js';
export { trustworthiness, continuity, knnAccuracy, reconstructionError, type KnnAccuracyOptions } from './metrics.js';
export { NotFittedError } from './errors.js';
