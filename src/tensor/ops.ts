// Access to ATen operators by schema name. `aten('add.Tensor')` returns a function that calls
// that overload through the native dispatcher; the op id is resolved on first use.
import { native, type OpArgument, type OpResult } from './native.js';
import { DisposedTensorError, TorchError } from './errors.js';

export type AtenOp = (...args: OpArgument[]) => OpResult;

/** Turns an Error from the addon into a latentlab error naming the operator. */
export function translateNativeError(error: unknown, context?: string): never {
  if (error instanceof Error && !(error instanceof TorchError)) {
    if (error.message.startsWith('tensor used after dispose')) {
      throw new DisposedTensorError(
        `a tensor was used after it was disposed${context ? ` (in ${context})` : ''}: keep() it or move it out of the tidy() scope that freed it`,
      );
    }
    if (error instanceof TypeError || error instanceof RangeError) throw error;
    throw new TorchError(context ? `${context}: ${error.message}` : error.message, { cause: error });
  }
  throw error;
}

export function aten(qualifiedName: string): AtenOp {
  const dot = qualifiedName.indexOf('.');
  const name = `aten::${dot < 0 ? qualifiedName : qualifiedName.slice(0, dot)}`;
  const overload = dot < 0 ? '' : qualifiedName.slice(dot + 1);
  let id = -1;
  return (...args: OpArgument[]): OpResult => {
    if (id < 0) id = native.resolveOp(name, overload);
    try {
      return native.callOp(id, ...args);
    } catch (error) {
      translateNativeError(error, name.slice(6));
    }
  };
}

/** The schema of an ATen operator, e.g. for documentation and error messages. */
export function atenSchema(qualifiedName: string): string {
  const dot = qualifiedName.indexOf('.');
  const name = `aten::${dot < 0 ? qualifiedName : qualifiedName.slice(0, dot)}`;
  return native.opSchema(native.resolveOp(name, dot < 0 ? '' : qualifiedName.slice(dot + 1)));
}
