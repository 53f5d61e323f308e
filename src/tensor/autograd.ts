// Gradient computation beyond `tensor.backward()`: the functional `grad` (with createGraph
// for higher-order derivatives) and scopes that switch gradient recording off or on.
import { native } from './native.js';
import { translateNativeError } from './ops.js';
import { Tensor, handles } from './tensor.js';

/** Options of grad(): the output gradients, and whether to record the gradient computation (for double backward). */
export interface GradOptions {
  /** Weights of the outputs (needed when an output is not a scalar). */
  gradOutputs?: readonly (Tensor | null)[];
  retainGraph?: boolean;
  /** Record the gradient computation itself, so the result can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/** d(sum of outputs)/d(inputs), as torch.autograd.grad. */
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  try {
    const result = native.grad(
      handles(outs),
      handles(inputs),
      options.gradOutputs ? options.gradOutputs.map((g) => (g ? g.handle : null)) : null,
      options.retainGraph,
      options.createGraph ?? false,
      options.allowUnused ?? false,
    );
    return result.map((h) => (h ? new Tensor(h) : null));
  } catch (error) {
    translateNativeError(error, 'grad');
  }
}

/** Backward pass from several outputs at once. */
export function backward(outputs: readonly Tensor[], gradients?: readonly (Tensor | null)[], retainGraph?: boolean): void {
  try {
    native.backward(handles(outputs), gradients ? gradients.map((g) => (g ? g.handle : null)) : null, retainGraph);
  } catch (error) {
    translateNativeError(error, 'backward');
  }
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = native.setGradEnabled(enabled);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs fn without recording operations for autograd (inference, parameter updates). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with gradient recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Whether autograd records operations here (false inside noGrad). */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/**
 * ‖all gradients‖₂ of `tensors` (those without a gradient are skipped), in one native call: the
 * total norm that torch.nn.utils.clip_grad_norm_ returns. Computed in each gradient's dtype, and
 * again in double when that overflows, so it is non-finite only when a gradient is.
 */
export function gradientNorm(tensors: readonly Tensor[]): number {
  try {
    return Math.sqrt(native.gradientSquaredNorm(handles(tensors)));
  } catch (error) {
    translateNativeError(error, 'gradientNorm');
  }
}

/** Sets the .grad of every tensor to null (or to zeros) in one native call. */
export function zeroGrads(tensors: readonly Tensor[], setToNone = true): void {
  try {
    native.zeroGrads(handles(tensors), setToNone);
  } catch (error) {
    translateNativeError(error, 'zeroGrads');
  }
}
