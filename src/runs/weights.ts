// Loading a recorded run's weights into a model built from its configuration: the one way the
// runs layer reads a safetensors file into a module (autoencoders, classifiers, translators).
import { noGrad } from '../tensor/autograd.js';
import { LatentlabError } from '../tensor/errors.js';
import { loadSafetensors } from '../tensor/serialize.js';
import type { Module } from '../nn/module.js';
import type { RunRecord, RunStore } from '../track/store.js';

/** Copies the tensors of the safetensors file at `path` into `model` (names and shapes must match), freeing the file's tensors. */
export function loadStateFile(model: Module, path: string): void {
  const { tensors } = loadSafetensors(path);
  try {
    noGrad(() => model.loadStateDict(tensors));
  } finally {
    Object.values(tensors).forEach((t) => t.dispose());
  }
}

/**
 * `model` with the final weights of `run` (its 'model' artifact), in eval mode. Where they are
 * missing or do not load, the model is disposed and the error says so (`missing` is the message
 * for a run without weights).
 */
export function withRunWeights<M extends Module>(store: RunStore, run: RunRecord, model: M, missing: string): M {
  try {
    const artifact = store.artifacts(run.id, 'model')[0];
    if (!artifact) throw new LatentlabError(missing);
    loadStateFile(model, store.artifactPath(artifact));
  } catch (error) {
    model.dispose();
    throw error;
  }
  model.eval();
  return model;
}
