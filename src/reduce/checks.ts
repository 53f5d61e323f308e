// The argument checks and output dtype every estimator in src/reduce shares, so that they all
// reject bad input with the same words.
import { ArgumentError } from '../tensor/errors.js';
import type { DType } from '../tensor/dtype.js';
import { checkTensor, type Tensor } from '../tensor/tensor.js';

/** x must be a float32 or float64 matrix [N, D]; returns [N, D]. `context` names the call, e.g. 'PCA.fit'. */
export function checkMatrix(x: Tensor, context: string): [number, number] {
  checkTensor(x, `${context} input`); // a plain array from JavaScript callers
  if (x.ndim !== 2) throw new ArgumentError(`${context} expects data of shape [N, D], got [${x.shape.join(', ')}]: flatten images first`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ArgumentError(`${context} expects float32 or float64 data, got ${x.dtype}`);
  return x.shape as [number, number];
}

/** As checkMatrix, and x must have the `features` columns the estimator was fitted on. */
export function checkFeatures(x: Tensor, features: number, context: string): void {
  const [, d] = checkMatrix(x, context);
  if (d !== features) throw new ArgumentError(`${context} expects ${features} features (as fitted), got ${d}`);
}

/** Outputs keep float32 inputs float32 (for float32 models downstream); everything else is float64. */
export function outputDType(x: Tensor): DType {
  return x.dtype === 'float32' ? 'float32' : 'float64';
}
