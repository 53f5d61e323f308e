// Checks every model family variant shares: one optimizer step on a batch lowers the loss on that
// batch (the same random draws before and after), and a checkpoint written and read back gives a
// fresh model (other initial weights) the same outputs. Used by the model tests of the conv variants.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam } from '../../src/optim/index.js';
import { manualSeed, noGrad, tidy, type Tensor } from '../../src/tensor/index.js';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint } from '../../src/train/checkpoint.js';
import type { Autoencoder } from '../../src/models/autoencoder.js';

const batchOf = (inputs: Tensor) => ({ inputs, indices: inputs, dispose() {} });

/**
 * The loss on `x` before and after one Adam step on it, in training mode, each with the generator at
 * `seed`. lr 1e-4: Adam's first step moves every weight by about lr, and at 1e-3 that overshoots on
 * an untrained conv net's random batch (measured: conv-wae's loss rose from 0.164 to 0.243).
 */
export function lossBeforeAndAfterOneStep(model: Autoencoder, x: Tensor, seed = 7): { before: number; after: number } {
  model.train();
  const optimizer = new Adam(model.parameters(), { lr: 1e-4 });
  try {
    const before = tidy(() => {
      manualSeed(seed);
      optimizer.zeroGrad();
      const loss = model.loss(batchOf(x)).total;
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    const after = tidy(() => {
      manualSeed(seed);
      return noGrad(() => model.loss(batchOf(x)).total.item());
    });
    return { before, after };
  } finally {
    optimizer.zeroGrad();
    optimizer.dispose(); // its moment estimates
  }
}

/** Writes `trained`'s checkpoint, restores it into `fresh` and checks both encode and reconstruct `x` alike (eval mode); disposes neither. */
export function assertCheckpointRoundTrip(trained: Autoencoder, fresh: Autoencoder, x: Tensor): void {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-model-checkpoint-'));
  try {
    const path = join(dir, 'model.safetensors');
    writeCheckpoint(path, { model: trained, optimizer: new Adam(trained.parameters()), state: {} });
    trained.eval();
    fresh.eval();
    tidy(() => assert.ok(!fresh.encode(x).equal(trained.encode(x)), 'the fresh model must start different'));
    const checkpoint = readCheckpoint(path);
    try {
      restoreCheckpoint(checkpoint, { model: fresh, optimizer: new Adam(fresh.parameters()) });
    } finally {
      checkpoint.dispose();
    }
    tidy(() => {
      assert.ok(fresh.encode(x).equal(trained.encode(x)), 'codes after the round trip');
      assert.ok(fresh.reconstruct(x).equal(trained.reconstruct(x)), 'reconstructions after the round trip');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
