// The engine's public surface: tensors, creation, combination, linear algebra, operations over
// tensor lists (foreach), autograd, memory scopes, runtime settings and serialization.
export { Tensor, type Scalar, type Shape, type NestedArray, type IndexSpec, type ReduceOptions, type VarianceOptions } from './tensor.js';
export { type DType, type TypedArray } from './dtype.js';
export * from './creation.js';
export * from './combine.js';
/** Linear algebra, as torch.linalg: decompositions, solves, norms. */
export * as linalg from './linalg.js';
/** Discrete Fourier transforms, as torch.fft. */
export * as fft from './fft.js';
/** Operations over lists of tensors in one native call (the optimizers' inner loops). */
export * as foreach from './foreach.js';
export { indexSelectOut, mulOut, logOut } from './out.js';
export { libmPow } from './libm.js';
export { grad, backward, noGrad, enableGrad, isGradEnabled, zeroGrads, gradientNorm, type GradOptions } from './autograd.js';
export { tidy, keep } from './scope.js';
export * from './runtime.js';
export * from './serialize.js';
export * from './errors.js';
export { writeFileAtomic, ensureDirectory, OutputPathError } from '../util/files.js';
export { atenSchema } from './ops.js';
