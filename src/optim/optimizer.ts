// Optimizer base, as torch.optim.Optimizer: parameter groups with their own hyper-parameters,
// per-parameter state, and a state dict for checkpoints. Updates run as libtorch `_foreach_`
// kernels over a whole group, so one step is a handful of native calls whatever the model size.
import { noGrad, zeroGrads } from '../tensor/autograd.js';
import * as foreach from '../tensor/foreach.js';
import { argumentError, checkNumber, checkOptions, checkPlainObject } from '../tensor/arguments.js';
import { ArgumentError, DisposedTensorError } from '../tensor/errors.js';
import { keep } from '../tensor/scope.js';
import { scalar } from '../tensor/creation.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';

/** Parameters that share one set of optimizer settings. */
export type ParamGroup<O> = O & { params: Tensor[] };
/** Tensors (any iterable, as torch.optim takes a generator), or groups of tensors with their own options. */
export type ParamsInput<O> = Iterable<Tensor> | readonly (Partial<O> & { params: Iterable<Tensor> })[];

/** Per-parameter state: tensors (moments, buffers) and the step count. */
export interface ParamState {
  step: number;
  tensors: Record<string, Tensor>;
}

/** The parameters of a group that have a gradient, with those gradients (freed after the step). */
export interface GradientBatch {
  params: Tensor[];
  grads: foreach.TensorList;
  states: ParamState[];
}

/** The base of the optimizers, as torch.optim.Optimizer: parameter groups, state, zeroGrad, step, state dicts. */
export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[];
  protected readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<O>, defaults: O) {
    const groups = parameterGroups(params, new.target.name, Object.keys(defaults));
    if (groups.length === 0 || groups.every((g) => g.params.length === 0)) throw new ArgumentError('optimizer got an empty parameter list');
    this.paramGroups = groups.map((group) => {
      const merged = { ...defaults, ...group, params: [...group.params] } as ParamGroup<O>;
      this.validate(merged);
      return merged;
    });
  }

  /**
   * Frees the per-parameter state (moments, momentum buffers) now rather than at garbage
   * collection; a later step starts from fresh state, as a new optimizer would.
   */
  dispose(): void {
    for (const state of this.state.values()) for (const tensor of Object.values(state.tensors)) tensor.dispose();
    this.state.clear();
  }

  /** Checks a group's hyper-parameters (as torch.optim does); throws ArgumentError naming the bad one. */
  protected validate(group: O): void {
    checkNumber(group.lr, `${this.constructor.name} lr (learning rate)`, { min: 0 });
  }

  /** Throws `${optimizer} ${name} must be a finite number <range>, got …`. */
  protected checkHyperParameter(group: O, name: keyof O & string, range: Parameters<typeof checkNumber>[2] = {}): void {
    checkNumber(group[name], `${this.constructor.name} ${name}`, range);
  }

  /** Applies one update from the current gradients. */
  step(): void {
    this.#checkLive();
    noGrad(() => {
      for (const group of this.paramGroups) {
        const batch = this.#gradients(group);
        if (batch.params.length === 0) continue;
        for (const state of batch.states) state.step += 1;
        try {
          this.update(group, batch);
        } finally {
          batch.grads.dispose();
        }
      }
    });
  }

  /** The update rule over one group's parameters that have gradients (steps already counted). */
  protected abstract update(group: ParamGroup<O>, batch: GradientBatch): void;

  /** Initial state of a parameter (zero moments etc.), created on its first step. */
  protected abstract initialState(param: Tensor, group: ParamGroup<O>): Record<string, Tensor>;

  /** Clears the gradients of every parameter (sets them to none by default, as PyTorch 2 does). */
  zeroGrad(setToNone = true): void {
    this.#checkLive();
    for (const group of this.paramGroups) zeroGrads(group.params, setToNone);
  }

  // A parameter disposed after the optimizer took it (its model disposed while training goes on).
  #checkLive(): void {
    let index = 0;
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.isDisposed) {
          throw new DisposedTensorError(`${this.constructor.name} parameter ${index} was disposed after the optimizer took it: dispose the model only when training is done, or build the optimizer over live parameters`);
        }
        index++;
      }
    }
  }

  #gradients(group: ParamGroup<O>): GradientBatch {
    const { tensors: params, grads } = foreach.gradients(group.params);
    const states = params.map((param) => {
      let state = this.state.get(param);
      if (!state) {
        const tensors = this.initialState(param, group);
        for (const tensor of Object.values(tensors)) keep(tensor);
        state = { step: 0, tensors };
        this.state.set(param, state);
      }
      return state;
    });
    return { params, grads, states };
  }

  /**
   * State as named tensors plus JSON hyper-parameters, for checkpoints. Tensor names are
   * `state.<index>.<key>` with the parameter's position over all groups, as in PyTorch.
   */
  stateDict(): { tensors: Record<string, Tensor>; groups: Record<string, unknown>[] } {
    const tensors: Record<string, Tensor> = {};
    let index = 0;
    const groups = this.paramGroups.map((group) => {
      const { params, ...hyper } = group;
      const indices = params.map((param) => {
        const state = this.state.get(param);
        if (state) {
          tensors[`state.${index}.step`] = scalar(state.step, { dtype: 'float32' });
          for (const [key, tensor] of Object.entries(state.tensors)) tensors[`state.${index}.${key}`] = tensor;
        }
        return index++;
      });
      return { ...hyper, params: indices };
    });
    return { tensors, groups };
  }

  /** Restores state written by stateDict() for the same parameter layout. */
  loadStateDict(saved: { tensors: Record<string, Tensor>; groups: Record<string, unknown>[] }): void {
    checkPlainObject(saved, `${this.constructor.name}.loadStateDict state`, ' { tensors, groups } as stateDict() returns');
    checkPlainObject(saved.tensors, `${this.constructor.name}.loadStateDict tensors`, ' of named tensors');
    if (!Array.isArray(saved.groups)) argumentError(`${this.constructor.name}.loadStateDict groups`, 'an array of parameter groups', saved.groups);
    if (saved.groups.length !== this.paramGroups.length) {
      throw new ArgumentError(`optimizer state has ${saved.groups.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    const params = this.paramGroups.flatMap((group) => group.params);
    saved.groups.forEach((savedGroup, g) => {
      const group = this.paramGroups[g]!;
      if (!Array.isArray(savedGroup?.params)) argumentError(`optimizer state group ${g} params`, 'an array of parameter indices', savedGroup?.params);
      const count = savedGroup.params.length;
      if (count !== group.params.length) {
        throw new ArgumentError(`optimizer state group ${g} has ${count} parameters, this optimizer has ${group.params.length}`);
      }
    });
    // Hyper-parameters from a file are checked as the constructor's are, all before any is taken.
    const merged = saved.groups.map((savedGroup, g) => {
      const { params: _ignored, ...hyper } = savedGroup;
      const group = { ...this.paramGroups[g]!, ...hyper };
      this.validate(group);
      return group;
    });
    for (const [name, tensor] of Object.entries(saved.tensors)) checkTensor(tensor, `optimizer state '${name}'`);
    merged.forEach((group, g) => Object.assign(this.paramGroups[g]!, group));
    noGrad(() => {
      params.forEach((param, index) => {
        const prefix = `state.${index}.`;
        const entries = Object.entries(saved.tensors).filter(([name]) => name.startsWith(prefix));
        if (entries.length === 0) return;
        const tensors: Record<string, Tensor> = {};
        let step = 0;
        for (const [name, tensor] of entries) {
          const key = name.slice(prefix.length);
          if (key === 'step') step = tensor.item();
          else tensors[key] = keep(tensor.clone());
        }
        for (const old of Object.values(this.state.get(param)?.tensors ?? {})) old.dispose();
        this.state.set(param, { step, tensors });
      });
    });
  }
}

// The groups of a constructor's `params`: an array (or other iterable) of Tensors, one group, or
// of { params, ...options } objects. Each parameter must be a live leaf tensor, in one place only,
// as torch.optim requires ("can't optimize a non-leaf Tensor").
function parameterGroups<O>(params: unknown, optimizer: string, optionNames: string[]): (Partial<O> & { params: readonly Tensor[] })[] {
  const expected = 'an array of Tensors (model.parameters()) or of parameter groups { params: Tensor[], ...options }';
  const list = listOf(params);
  if (!list) argumentError(`${optimizer} params`, expected, params);
  const single = list.length === 0 || list[0] instanceof Tensor;
  const groups = single ? [{ params: list }] : list;
  const seen = new Map<Tensor, number>();
  return groups.map((group: unknown, g) => {
    if (!single && (group === null || typeof group !== 'object' || Array.isArray(group) || group instanceof Tensor)) {
      argumentError(`${optimizer} params[${g}]`, 'a Tensor or a parameter group { params: Tensor[], ...options }', group);
    }
    if (!single) checkOptions(group, `${optimizer} parameter group ${g}`, ['params', ...optionNames]);
    const tensors = listOf((group as { params: unknown }).params);
    if (!tensors) argumentError(`${optimizer} parameter group ${g} params`, 'an array of Tensors', (group as { params: unknown }).params);
    for (const param of tensors) {
      const index = seen.size;
      const name = `${optimizer} parameter ${index}`;
      checkTensor(param, name);
      if (!param.isLeaf) {
        throw new ArgumentError(`${optimizer} can't optimize a non-leaf Tensor: parameter ${index} was computed (by ${param.gradFn}); pass the leaf tensors (model.parameters()), or x.detach().requiresGrad_()`);
      }
      const first = seen.get(param);
      if (first !== undefined) throw new ArgumentError(`${optimizer} got the same tensor twice (parameters ${first} and ${index}): a parameter may appear in one place only`);
      seen.set(param, index);
    }
    return { ...(group as object), params: tensors } as unknown as Partial<O> & { params: readonly Tensor[] };
  });
}

// An array, or the array of any other iterable but a string; null for anything else.
function listOf(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(value as Iterable<unknown>)];
  return null;
}

/**
 * Splits a batch by step count: parameters that joined a group later (or only now have a
 * gradient) are at an earlier step, and step-dependent factors (bias corrections, lr decay)
 * must be computed per count.
 */
export function groupByStep(batch: GradientBatch): Map<number, GradientBatch> {
  const positions = new Map<number, number[]>();
  batch.states.forEach((state, i) => {
    const list = positions.get(state.step);
    if (list) list.push(i);
    else positions.set(state.step, [i]);
  });
  if (positions.size === 1) return new Map([[batch.states[0]!.step, batch]]);
  const groups = new Map<number, GradientBatch>();
  for (const [step, indices] of positions) {
    groups.set(step, { params: indices.map((i) => batch.params[i]!), grads: batch.grads.select(indices), states: indices.map((i) => batch.states[i]!) });
  }
  return groups;
}

/**
 * Rejects option names the optimizer does not have, so that a PyTorch spelling such as
 * `weight_decay` fails loudly instead of being ignored.
 */
export function checkOptionNames(optimizer: string, options: object, defaults: object): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) argumentError(`${optimizer} options`, 'an object such as { lr: 0.01 }', options);
  const known = Object.keys(defaults);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new ArgumentError(`${optimizer} has no option '${name}' (its options are ${known.join(', ')}; names are camelCase, e.g. weightDecay)`);
    }
  }
}
