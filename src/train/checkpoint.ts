// Training checkpoints: everything a run needs to continue bit for bit (model state dict,
// optimizer state, the CPU generator's state, and the trainer's own JSON state) in ONE
// safetensors file, so there is never a half-matching set of files. Tensors are named
// `model.<name>`, `optimizer.<name>` and `rng`; JSON goes into the header's string metadata.
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
import type { Optimizer } from '../optim/optimizer.js';

/** The newest checkpoint in a checkpoint folder. */
export const lastCheckpointName = 'last.safetensors';
/** The one before it, kept so that a damaged newest file still leaves a way back. */
export const previousCheckpointName = 'previous.safetensors';

const format = 'latentlab-checkpoint';
const version = '1';

export interface CheckpointParts {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  /** JSON-serialisable state of the writer (the Trainer's position, history, scheduler). */
  state: unknown;
}

export interface LoadedCheckpoint {
  path: string;
  model: Record<string, Tensor>;
  optimizer: { tensors: Record<string, Tensor>; groups: Record<string, unknown>[] };
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
    const optimizer = parts.optimizer.stateDict();
    for (const [name, tensor] of Object.entries(optimizer.tensors)) tensors[`optimizer.${name}`] = tensor;
    return encodeSafetensors(tensors, { format, version, optimizer: JSON.stringify(optimizer.groups), state: JSON.stringify(parts.state) });
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
    const groups = parseJson(metadata.optimizer, path, 'optimizer');
    if (!Array.isArray(groups)) throw new FileFormatError(`${path} is a damaged checkpoint: its optimizer groups are not a list`);
    const state = parseJson(metadata.state, path, 'state');
    const rngState = tensors.rng ?? fail(path, 'it has no RNG state');
    const model: Record<string, Tensor> = {};
    const optimizerTensors: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(tensors)) {
      if (name.startsWith('model.')) model[name.slice('model.'.length)] = tensor;
      else if (name.startsWith('optimizer.')) optimizerTensors[name.slice('optimizer.'.length)] = tensor;
    }
    return { path, model, optimizer: { tensors: optimizerTensors, groups }, rngState, state, dispose };
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
  const groups = parts.optimizer.paramGroups;
  const saved = checkpoint.optimizer.groups;
  const counts = (list: readonly { params: unknown }[]) => list.map((g) => (Array.isArray(g.params) ? g.params.length : -1)).join(', ');
  if (counts(saved as { params: unknown }[]) !== counts(groups)) {
    throw new ArgumentError(
      `checkpoint ${checkpoint.path} has optimizer groups of [${counts(saved as { params: unknown }[])}] parameters, this optimizer [${counts(groups)}]: build the optimizer over the same parameters`,
    );
  }
  noGrad(() => parts.model.loadStateDict(checkpoint.model));
  parts.optimizer.loadStateDict(checkpoint.optimizer);
  setRngState(checkpoint.rngState);
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
