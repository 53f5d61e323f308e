// The fitted state every reducer keeps: a plain object of tensors (directly or in nested plain
// objects, such as UMAP's graph) and of nested reducers (Isomap's kernel PCA), which lives
// outside every tidy() scope until the next fit replaces it or dispose() frees it.
import { keep } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';
import { NotFittedError } from './errors.js';

interface Disposable {
  dispose(): void;
}

export class FittedState<S extends object> {
  #state: S | null = null;

  /** `estimator` and `fitCall` make the error for use before fit(). */
  constructor(
    readonly estimator: string,
    readonly fitCall = 'fit(x)',
  ) {}

  get isFitted(): boolean {
    return this.#state !== null;
  }

  /** The fitted state; NotFittedError before fit() or after dispose(). */
  get(): S {
    if (!this.#state) throw new NotFittedError(`this ${this.estimator} is not fitted: call ${this.fitCall} first`);
    return this.#state;
  }

  /** Takes `state` out of the open scopes and frees the state it replaces. */
  set(state: S): void {
    for (const tensor of partsOf(state).tensors) keep(tensor); // nested reducers kept theirs
    this.dispose();
    this.#state = state;
  }

  dispose(): void {
    if (!this.#state) return;
    const { tensors, reducers } = partsOf(this.#state);
    for (const part of [...tensors, ...reducers]) part.dispose();
    this.#state = null;
  }
}

function partsOf(state: object, parts: { tensors: Tensor[]; reducers: Disposable[] } = { tensors: [], reducers: [] }) {
  for (const value of Object.values(state)) {
    if (value instanceof Tensor) parts.tensors.push(value);
    else if (typeof (value as Disposable | null)?.dispose === 'function') parts.reducers.push(value as Disposable);
    else if (isPlainObject(value)) partsOf(value, parts);
  }
  return parts;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
