// Access to ATen operators by schema name. `aten('add.Tensor')` returns a function that calls
// that overload through the native dispatcher; the op id is resolved on first use.
import { native, type Handle, type OpArgument, type OpResult } from './native.js';
import { DisposedTensorError, LatentlabError, TorchError } from './errors.js';

export type AtenOp = (...args: OpArgument[]) => OpResult;

/** Turns an Error from the addon into a latentlab error naming the operator. */
export function translateNativeError(error: unknown, context?: string): never {
  // Our own errors (an ArgumentError from a check inside the try) already say what is wrong.
  if (error instanceof Error && !(error instanceof LatentlabError)) {
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
  let mutates = false;
  return (...args: OpArgument[]): OpResult => {
    if (id < 0) {
      id = native.resolveOp(name, overload);
      mutates = returnsMutatedInput(native.opSchema(id));
    }
    try {
      const result = native.callOp(id, ...args);
      return mutates ? result : ownResult(result, args);
    } catch (error) {
      translateNativeError(error, name.slice(6));
    }
  };
}

// In-place and out= ops are declared `-> Tensor(a!)`: they return the tensor they wrote into.
function returnsMutatedInput(schema: string): boolean {
  return schema.slice(schema.lastIndexOf('->')).includes('!');
}

// The addon hands back the caller's own handle when an op returns one of its inputs. That is
// right for in-place ops (x.add_(y) is x), but ops such as flatten on an already flat tensor,
// contiguous on a contiguous one or to() to the dtype a tensor has return their input unchanged
// too, and their caller owns the result: disposing it (or the tidy() scope that made it) must not
// free the input. So the result of a non-mutating op is always a handle of its own.
function ownResult(result: OpResult, args: readonly OpArgument[]): OpResult {
  if (Array.isArray(result)) return result.map((item) => ownResult(item, args));
  if (result === null || typeof result !== 'object') return result;
  for (const arg of args) {
    if (arg === result || (Array.isArray(arg) && arg.includes(result))) return native.share(result as Handle);
  }
  return result;
}

/** The schema of an ATen operator, e.g. for documentation and error messages. */
export function atenSchema(qualifiedName: string): string {
  const dot = qualifiedName.indexOf('.');
  const name = `aten::${dot < 0 ? qualifiedName : qualifiedName.slice(0, dot)}`;
  return native.opSchema(native.resolveOp(name, dot < 0 ? '' : qualifiedName.slice(dot + 1)));
}
