// Argument checks shared by the model families (sizes at construction, batch shapes and class
// labels at every call, each failing with a message that says what was expected), and sampleSize.
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

export function checkPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new ArgumentError(`${name} must be a positive integer, got ${value}`);
}

/** Elements of one sample of `shape`. */
export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Throws unless x is a batch [N, ...inputShape]. */
export function checkBatch(x: Tensor, inputShape: readonly number[], model: string): void {
  const shape = x.shape;
  if (shape.length !== inputShape.length + 1 || inputShape.some((size, i) => shape[i + 1] !== size)) {
    throw new ArgumentError(`${model} expects input of shape [N, ${inputShape.join(', ')}], got ${shapeText(shape)}`);
  }
}

/** Throws unless `labels` are n class indices (int64) in [0, numClasses). */
export function checkLabels(labels: Tensor | undefined, n: number, numClasses: number, model: string): asserts labels is Tensor {
  if (!labels) throw new ArgumentError(`${model} is conditional: pass the class labels (int64 [N]) too`);
  if (labels.ndim !== 1 || labels.shape[0] !== n || labels.dtype !== 'int64') {
    throw new ArgumentError(`${model} expects labels as int64 [${n}], got ${labels.dtype} ${shapeText(labels.shape)}`);
  }
  const [low, high] = [labels.min(), labels.max()];
  const [min, max] = [low.item(), high.item()];
  low.dispose();
  high.dispose();
  if (min < 0 || max >= numClasses) throw new ArgumentError(`${model} has ${numClasses} classes, got a label ${min < 0 ? min : max}`);
}
