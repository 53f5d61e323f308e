// Deterministic release of native memory. Garbage-collection finalizers free tensors too late
// for a training loop, so tensors register with the innermost open scope; `tidy` frees every
// tensor created inside it except the ones it returns (which move to the enclosing scope) and
// the ones passed to `keep`.
import { ArgumentError } from './errors.js';

export interface Releasable {
  dispose(): void;
}

const openScopes: Set<Releasable>[] = [];

/** Called by every new tensor. */
export function track(resource: Releasable): void {
  const scope = openScopes[openScopes.length - 1];
  if (scope) scope.add(resource);
}

/** Exempts `resource` from every open scope: it lives until disposed explicitly. */
export function keep<T extends Releasable>(resource: T): T {
  for (const scope of openScopes) scope.delete(resource);
  return resource;
}

/** Runs `fn` and frees every tensor it created except those in its result or kept. */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Releasable>();
  openScopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    popScope(scope);
    for (const resource of scope) resource.dispose();
    throw error;
  }
  popScope(scope);
  if (result instanceof Promise) {
    for (const resource of scope) resource.dispose();
    throw new ArgumentError('tidy() takes a synchronous function: await outside it, or dispose tensors explicitly');
  }
  const returned = new Set<Releasable>();
  collectScoped(result, scope, returned, new Set());
  const parent = openScopes[openScopes.length - 1];
  for (const resource of scope) {
    if (!returned.has(resource)) resource.dispose();
    else if (parent) parent.add(resource);
  }
  return result;
}

/** Number of scopes currently open (0 outside any tidy). */
export function scopeDepth(): number {
  return openScopes.length;
}

function popScope(scope: Set<Releasable>): void {
  if (openScopes.pop() !== scope) throw new Error('tidy scopes closed out of order');
}

// Finds the scope's resources anywhere inside a returned value (arrays, objects, maps).
function collectScoped(value: unknown, scope: Set<Releasable>, found: Set<Releasable>, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (scope.has(value as Releasable)) {
    found.add(value as Releasable);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  const children = value instanceof Map ? value.values() : Array.isArray(value) ? value : Object.values(value);
  for (const child of children) collectScoped(child, scope, found, seen);
}
