// Module: the base of every layer and model, as torch.nn.Module. A module registers its
// parameters, buffers and submodules by name, so that names in stateDict() are PyTorch's
// ("encoder.0.weight") and weights move between the two both ways.
import { ArgumentError } from '../tensor/errors.js';
import { noGrad } from '../tensor/autograd.js';
import { keep } from '../tensor/scope.js';
import { Tensor, checkTensor, isDType, type Device } from '../tensor/tensor.js';
import { checkBoolean, checkOptions, checkPlainObject, describeValue } from '../tensor/arguments.js';
import { isFloatingPoint, type DType } from '../tensor/dtype.js';

/** The base of every layer and model, as torch.nn.Module. */
export abstract class Module {
  training = true;
  readonly #parameters = new Map<string, Tensor | null>();
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #modules = new Map<string, Module>();

  /** The module's computation, as torch.nn.Module.forward. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** Registers a trainable tensor (sets requiresGrad and keeps it out of tidy scopes). */
  protected registerParameter(name: string, value: Tensor | null): Tensor {
    if (value !== null) checkTensor(value, `parameter '${name}' of ${this.constructor.name}`);
    if (value) {
      keep(value);
      if (!value.requiresGrad) value.requiresGrad = true;
    }
    this.#parameters.set(name, value);
    return value as Tensor;
  }

  /** Registers state that is saved with the model but not trained (running statistics). */
  protected registerBuffer(name: string, value: Tensor | null): Tensor {
    if (value !== null) checkTensor(value, `buffer '${name}' of ${this.constructor.name}`);
    if (value) keep(value);
    this.#buffers.set(name, value);
    return value as Tensor;
  }

  /** Registers a submodule, whose parameters and buffers join this module's under `name.`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    if (!(module instanceof Module)) throw new ArgumentError(`submodule '${name}' of ${this.constructor.name} must be a Module, got ${describeValue(module)}`);
    this.#modules.set(name, module);
    return module;
  }

  /** Parameters with dotted names; only this module's own with recurse false. */
  *namedParameters(prefix = '', recurse = true): Generator<[string, Tensor]> {
    if (!recurse) {
      for (const [name, tensor] of this.#parameters) if (tensor) yield [prefix ? `${prefix}.${name}` : name, tensor];
      return;
    }
    yield* this.#named((m) => m.#parameters, prefix);
  }

  /** Every trainable tensor of the module and its submodules. */
  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** Buffers (running statistics and other saved state) with dotted names. */
  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    yield* this.#named((m) => m.#buffers, prefix);
  }

  /** Every buffer of the module and its submodules. */
  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  /** Direct submodules by name. */
  *namedChildren(): Generator<[string, Module]> {
    yield* this.#modules;
  }

  /** This module and all below it, with dotted names ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, module] of this.#modules) yield* module.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  *#named(select: (m: Module) => Map<string, Tensor | null>, prefix: string): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, module] of this.namedModules(prefix)) {
      for (const [name, tensor] of select(module)) {
        if (!tensor || seen.has(tensor)) continue;
        seen.add(tensor);
        yield [path ? `${path}.${name}` : name, tensor];
      }
    }
  }

  /** Number of trainable elements (each shared parameter counted once). */
  parameterCount(): number {
    return this.parameters().reduce((total, p) => total + p.numel, 0);
  }

  /** Training mode: dropout active, batch norm uses and updates batch statistics. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  /** Evaluation mode (batch norm uses running statistics, dropout is off): train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by PyTorch-compatible name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    const state: Record<string, Tensor> = {};
    for (const [path, module] of this.namedModules()) {
      for (const [name, tensor] of [...module.#parameters, ...module.#buffers]) {
        if (tensor) state[path ? `${path}.${name}` : name] = tensor;
      }
    }
    return state;
  }

  /** Copies values into this module's tensors. Strict: names and shapes must match exactly. */
  loadStateDict(state: Record<string, Tensor>, options: { strict?: boolean } = {}): void {
    checkPlainObject(state, 'loadStateDict state', ' of named tensors, as stateDict() returns');
    checkOptions(options, 'loadStateDict options', ['strict']);
    if (options.strict !== undefined) checkBoolean(options.strict, 'loadStateDict strict');
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missing = Object.keys(own).filter((name) => !(name in state));
    const unexpected = Object.keys(state).filter((name) => !(name in own));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      const parts = [];
      if (missing.length) parts.push(`missing ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected ${unexpected.join(', ')}`);
      throw new ArgumentError(`state dict does not match the model: ${parts.join('; ')}`);
    }
    // Every entry is checked before the first copy, so that a bad one leaves the model as it was.
    const copies = Object.entries(own).filter(([name]) => state[name] !== undefined);
    for (const [name, target] of copies) {
      const source = state[name];
      checkTensor(source, `state dict entry '${name}'`);
      if (source.shape.join() !== target.shape.join()) {
        throw new ArgumentError(`state dict entry '${name}' has shape [${source.shape.join(', ')}], the model expects [${target.shape.join(', ')}]`);
      }
    }
    noGrad(() => {
      for (const [name, target] of copies) target.copy_(state[name]!);
    });
  }

  /** Moves or casts every parameter and buffer in place (the Tensor objects stay the same). */
  to(target: Device | DType): this {
    const cast = isDType(target);
    noGrad(() => {
      for (const tensor of [...this.parameters(), ...this.buffers()]) {
        if (cast && !isFloatingPoint(tensor.dtype)) continue; // step counters stay integers
        const moved = tensor.to(target);
        // to() the dtype and device a tensor has is a second handle to the same tensor.
        if (moved.dtype !== tensor.dtype || moved.device !== tensor.device) tensor.setData(moved);
        moved.dispose();
      }
    });
    return this;
  }

  /** Sets every parameter's gradient to null (the default, as PyTorch 2) or to zeros. */
  zeroGrad(setToNone = true): void {
    for (const parameter of this.parameters()) {
      if (setToNone) parameter.grad = null;
      else parameter.grad?.zero_();
    }
  }

  /** Frees every parameter and buffer. The module is unusable afterwards. */
  dispose(): void {
    for (const tensor of [...this.parameters(), ...this.buffers()]) tensor.dispose();
  }

  /** Extra text shown in the module's line of toString(), e.g. "in=784, out=256". */
  protected describe(): string {
    return '';
  }

  /** The module tree, as PyTorch prints it. */
  toString(): string {
    const children = [...this.#modules];
    const head = `${this.constructor.name}(${this.describe()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, module]) => `  (${name}): ${module.toString().replace(/\n/g, '\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
