// Bayesian optimisation on the engine: search spaces, Gaussian-process regression, acquisition
// functions, the ask/tell optimiser with batches for parallel workers, and minimize().
export { Space, parseDimension, type Dimension, type Point, type Choice } from './space.js';
export { covariance, checkKernel, kernelNames, type KernelName } from './kernels.js';
export { GaussianProcess, NotPositiveDefiniteError, choleskyWithJitter, logMarginalLikelihood, defaultBounds, type Hyperparameters, type Bounds, type GaussianProcessOptions } from './gp.js';
export { acquisitionValue, acquisitionAt, acquisitionWithGradient, maximizeAcquisition, logH, normalCdf, checkAcquisition, acquisitionNames, type AcquisitionName, type AcquisitionOptions, type MaximizeOptions } from './acquisition.js';
export { Optimizer, samplerNames, type OptimizerOptions, type Sampler, type BatchStrategy, type Trial } from './optimizer.js';
export { tpeSuggest, type TpeOptions } from './tpe.js';
export { minimize, type MinimizeOptions, type MinimizeResult } from './minimize.js';
export { boxLbfgs, type BoxLbfgsOptions, type BoxLbfgsResult, type ValueAndGradient } from './box-lbfgs.js';
export { branin, hartmann6, forrester, benchmark, type TestFunction, type BenchmarkRow } from './test-functions.js';
