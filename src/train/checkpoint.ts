// Training checkpoints: everything a run needs to continue bit for bit (model state dict,
// optimizer state, the CPU generator's state, and the trainer's own JSON state) in ONE
// safetensors file, so there is never a half-matching set of files. Tensors are named
// `model.<name>`, `optimizer.<name>` and `rng`; JSON goes into the header's string metadata.
// A run with several named optimizers (a GAN's d and g) stores each as `optimizers.<player>.<name>`
// with their groups under the `optimizers` metadata key, so one file still holds every state.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { getRngState, setRngState } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import { encodeSafetensors, loadSafetensors } from '../tensor/serialize.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { Optimizer } from '../optim/optimizer.js';

/** The newest checkpoint in a checkpoint folder. */
export const lastCheckpointName = 'last.safetensors';
/** The one before it, kept so that a damaged newest file still leaves a way back. */
export const previousCheckpointName = 'previous.safetensors';

const format = 'latentlab-checkpoint';
const version = '1';

/** What a checkpoint holds: the model, its optimizer(s), and the writer's state (the Trainer's position, history, scheduler). */
export interface CheckpointParts {
  model: Module;
  /** The optimizer of a single-optimizer run, or the named optimizers of a multi-optimizer one ({ d, g }). */
  optimizer: Optimizer<{ lr: number }> | Readonly<Record<string, Optimizer<{ lr: number }>>>;
  /** JSON-serialisable state of the writer (the Trainer's position, history, scheduler). */
  state: unknown;
}

/** An optimizer's state as stateDict() gives it. */
export interface OptimizerState {
  tensors: Record<string, Tensor>;
  groups: Record<string, unknown>[];
}

/** A checkpoint read back, checked, ready to restore. */
export interface LoadedCheckpoint {
  path: string;
  model: Record<string, Tensor>;
  /** The single optimizer's state (empty in a multi-optimizer checkpoint). */
  optimizer: OptimizerState;
  /** Each named optimizer's state; null in a single-optimizer checkpoint. */
  optimizers: Record<string, OptimizerState> | null;
  rngState: Tensor;
  state: unknown;
  /** Frees the loaded tensors (restoreCheckpoint copies what it needs). */
  dispose(): void;
}

/** The bytes of a checkpoint of `parts`, with the CPU generator's state as of now. */
export function encodeCheckpoint(parts: CheckpointParts): Buffer {
  // The optimizer's step counters and the RNG state are new tensors: tidy frees them.
  return tidy(() => {
    const tensors: Record<string, Tensor> = { rng: getRngState() };
    for (const [name, tensor] of Object.entries(parts.model.stateDict())) tensors[`model.${name}`] = tensor;
    const metadata: Record<string, string> = { format, version, state: JSON.stringify(parts.state) };
    if (parts.optimizer instanceof Optimizer) {
      const optimizer = parts.optimizer.stateDict();
      for (const [name, tensor] of Object.entries(optimizer.tensors)) tensors[`optimizer.${name}`] = tensor;
      metadata.optimizer = JSON.stringify(optimizer.groups);
    } else {
      const groups: Record<string, unknown> = {};
      for (const [player, optimizer] of Object.entries(parts.optimizer)) {
        checkPlayerName(player);
        const saved = optimizer.stateDict();
        for (const [name, tensor] of Object.entries(saved.tensors)) tensors[`optimizers.${player}.${name}`] = tensor;
        groups[player] = saved.groups;
      }
      metadata.optimizers = JSON.stringify(groups);
    }
    return encodeSafetensors(tensors, metadata);
  });
}

/** Writes a checkpoint to `path` atomically (temporary file, then rename). */
export function writeCheckpoint(path: string, parts: CheckpointParts): void {
  writeFileAtomic(path, encodeCheckpoint(parts));
}

/**
 * Writes `dir/last.safetensors`, first renaming the current one to previous.safetensors.
 * The bytes are ready before anything is renamed, and a crash between the rename and the
 * write leaves previous.safetensors, which readLatestCheckpoint falls back to.
 */
export function saveCheckpoint(dir: string, parts: CheckpointParts): string {
  const bytes = encodeCheckpoint(parts);
  const last = join(dir, lastCheckpointName);
  if (existsSync(last)) renameSync(last, join(dir, previousCheckpointName));
  writeFileAtomic(last, bytes);
  return last;
}

/** Reads a checkpoint; a missing, truncated or foreign file gives a FileFormatError naming it. */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const { tensors, metadata } = loadSafetensors(path);
  const dispose = () => Object.values(tensors).forEach((t) => t.dispose());
  try {
    if (metadata.format !== format) {
      throw new FileFormatError(`${path} is a safetensors file but not a latentlab checkpoint (no '${format}' metadata): pass a file written by the Trainer`);
    }
    if (metadata.version !== version) {
      throw new FileFormatError(`${path} is a version ${metadata.version} checkpoint; this latentlab reads version ${version}`);
    }
    const multi = metadata.optimizers !== undefined;
    const groups = multi ? [] : parseJson(metadata.optimizer, path, 'optimizer');
    if (!Array.isArray(groups)) throw new FileFormatError(`${path} is a damaged checkpoint: its optimizer groups are not a list`);
    let optimizers: Record<string, OptimizerState> | null = null;
    if (multi) {
      const named = parseJson(metadata.optimizers, path, 'optimizers');
      if (typeof named !== 'object' || named === null || Array.isArray(named) || Object.values(named).some((g) => !Array.isArray(g))) {
        fail(path, 'its optimizers metadata is not an object of group lists');
      }
      optimizers = Object.fromEntries(Object.entries(named as Record<string, Record<string, unknown>[]>).map(([player, g]) => [player, { tensors: {}, groups: g }]));
    }
    const state = parseJson(metadata.state, path, 'state');
    const rngState = tensors.rng ?? fail(path, 'it has no RNG state');
    const model: Record<string, Tensor> = {};
    const optimizerTensors: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(tensors)) {
      if (name.startsWith('model.')) model[name.slice('model.'.length)] = tensor;
      else if (name.startsWith('optimizer.')) optimizerTensors[name.slice('optimizer.'.length)] = tensor;
      else if (name.startsWith('optimizers.')) {
        const [player, ...rest] = name.slice('optimizers.'.length).split('.');
        const target = optimizers?.[player!] ?? fail(path, `it has state of an optimizer '${player}' that its metadata does not list`);
        target.tensors[rest.join('.')] = tensor;
      }
    }
    return { path, model, optimizer: { tensors: optimizerTensors, groups }, optimizers, rngState, state, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/**
 * Reads dir/last.safetensors, or previous.safetensors when the last one is missing or
 * damaged. `skipped` says which file was passed over and why, for a warning.
 */
export function readLatestCheckpoint(dir: string): { checkpoint: LoadedCheckpoint; skipped?: { path: string; reason: string } } {
  const last = join(dir, lastCheckpointName);
  const previous = join(dir, previousCheckpointName);
  try {
    return { checkpoint: readCheckpoint(last) };
  } catch (error) {
    if (!(error instanceof FileFormatError)) throw error;
    if (!existsSync(previous)) {
      if (!existsSync(last)) throw new FileFormatError(`no checkpoint in ${dir}: expected ${lastCheckpointName} there (written by a Trainer with checkpointDir)`);
      throw error;
    }
    return { checkpoint: readCheckpoint(previous), skipped: { path: last, reason: error.message } };
  }
}

/**
 * Copies a checkpoint's model and optimizer state into `parts` and restores the CPU generator.
 * Everything is checked against the model first, so a mismatch changes nothing.
 */
export function restoreCheckpoint(checkpoint: LoadedCheckpoint, parts: Omit<CheckpointParts, 'state'>): void {
  const own = parts.model.stateDict();
  const missing = Object.keys(own).filter((name) => !(name in checkpoint.model));
  const unexpected = Object.keys(checkpoint.model).filter((name) => !(name in own));
  const reshaped = Object.entries(own)
    .filter(([name, tensor]) => checkpoint.model[name] && checkpoint.model[name]!.shape.join() !== tensor.shape.join())
    .map(([name, tensor]) => `${name} [${checkpoint.model[name]!.shape.join(', ')}] vs [${tensor.shape.join(', ')}]`);
  if (missing.length || unexpected.length || reshaped.length) {
    const problems = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      unexpected.length ? `unexpected ${unexpected.join(', ')}` : '',
      reshaped.length ? `different shapes: ${reshaped.join('; ')}` : '',
    ].filter(Boolean);
    throw new ArgumentError(`checkpoint ${checkpoint.path} was written for a different model (${problems.join('; ')}): build the model with the same architecture`);
  }
  const pairs = optimizerPairs(checkpoint, parts.optimizer);
  const counts = (list: readonly { params: unknown }[]) => list.map((g) => (Array.isArray(g.params) ? g.params.length : -1)).join(', ');
  for (const [name, optimizer, saved] of pairs) {
    const savedGroups = saved.groups as { params: unknown }[];
    if (counts(savedGroups) !== counts(optimizer.paramGroups)) {
      const which = name === null ? 'optimizer' : `optimizer '${name}'`;
      throw new ArgumentError(
        `checkpoint ${checkpoint.path} has ${which} groups of [${counts(savedGroups)}] parameters, this ${which} [${counts(optimizer.paramGroups)}]: build the optimizer over the same parameters`,
      );
    }
  }
  noGrad(() => parts.model.loadStateDict(checkpoint.model));
  for (const [, optimizer, saved] of pairs) optimizer.loadStateDict(saved);
  setRngState(checkpoint.rngState);
}

// Each optimizer of `parts` beside its saved state (name null for a single optimizer); a
// checkpoint of the other kind, or with other names, is refused before anything is restored.
function optimizerPairs(checkpoint: LoadedCheckpoint, optimizer: CheckpointParts['optimizer']): [string | null, Optimizer<{ lr: number }>, OptimizerState][] {
  if (optimizer instanceof Optimizer) {
    if (checkpoint.optimizers) {
      throw new ArgumentError(`checkpoint ${checkpoint.path} holds the optimizers ${Object.keys(checkpoint.optimizers).join(', ')} of a multi-optimizer run, and this trainer has one optimizer: resume it with the same model`);
    }
    return [[null, optimizer, checkpoint.optimizer]];
  }
  const names = Object.keys(optimizer);
  const saved = checkpoint.optimizers;
  if (!saved || Object.keys(saved).sort().join() !== [...names].sort().join()) {
    const had = saved ? `the optimizers ${Object.keys(saved).join(', ')}` : 'one optimizer';
    throw new ArgumentError(`checkpoint ${checkpoint.path} holds ${had}, and this trainer has ${names.join(', ')}: resume it with the same model`);
  }
  return names.map((name) => [name, optimizer[name]!, saved[name]!]);
}

// Player names become part of tensor names (optimizers.<player>.state.0.exp_avg): no dots.
function checkPlayerName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) throw new ArgumentError(`optimizer name '${name}' must be letters, digits, _ or - (it names tensors in checkpoints), like 'd' or 'g'`);
}

function parseJson(text: string | undefined, path: string, what: string): unknown {
  if (text === undefined) fail(path, `its ${what} metadata is missing`);
  try {
    return JSON.parse(text!);
  } catch {
    return fail(path, `its ${what} metadata is not JSON`);
  }
}

function fail(path: string, why: string): never {
  throw new FileFormatError(`${path} is a damaged checkpoint: ${why}`);
}
