// Checkpoints: one safetensors file with model, optimizer, generator and trainer state; written
// atomically with the one before kept; damaged files give FileFormatErrors naming the file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, FileFormatError, nn, optim, rand, saveSafetensors, tensor, tidy } from '../../src/index.js';
import {
  Trainer,
  readCheckpoint,
  readLatestCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  writeCheckpoint,
} from '../../src/train/index.js';
import { buildSetup, reconstructionLoss, sameBytes, temporaryDir, weightBytes } from './helpers.js';

/** A setup trained for one epoch, so the optimizer has state worth saving. */
async function trainedSetup() {
  const setup = buildSetup();
  await new Trainer({ model: setup.model, optimizer: setup.optimizer, loss: reconstructionLoss, train: setup.train, maxEpochs: 1, seed: 0, progress: 'none' }).fit();
  return setup;
}

describe('checkpoint files', () => {
  test('round trip: model, optimizer state and groups, generator and JSON state come back as written', async () => {
    const dir = temporaryDir();
    const setup = await trainedSetup();
    const path = join(dir, 'a.safetensors');
    writeCheckpoint(path, { model: setup.model, optimizer: setup.optimizer, state: { note: 'hello', values: [1.5, 2] } });
    const expectedDraw = tidy(() => rand([4]).toTypedArray()); // the generator moves on after the save
    const checkpoint = readCheckpoint(path);
    assert.deepEqual(checkpoint.state, { note: 'hello', values: [1.5, 2] });
    assert.deepEqual(Object.keys(checkpoint.model).sort(), Object.keys(setup.model.stateDict()).sort());
    assert.equal(Object.keys(checkpoint.optimizer.tensors).length, 3 * 4); // exp_avg, exp_avg_sq, step × 4 parameters
    assert.equal(checkpoint.optimizer.groups[0]!.lr, 1e-2);

    const fresh = buildSetup();
    fresh.optimizer.paramGroups[0]!.lr = 0.5;
    restoreCheckpoint(checkpoint, { model: fresh.model, optimizer: fresh.optimizer });
    checkpoint.dispose();
    assert.ok(sameBytes(weightBytes(fresh.model), weightBytes(setup.model)));
    assert.equal(fresh.optimizer.paramGroups[0]!.lr, 1e-2);
    const [savedState, restoredState] = tidy(() => [setup.optimizer.stateDict(), fresh.optimizer.stateDict()].map((s) => Object.fromEntries(Object.entries(s.tensors).map(([k, t]) => [k, Buffer.from(t.toTypedArray().buffer)]))));
    assert.deepEqual(restoredState, savedState);
    assert.deepEqual(tidy(() => rand([4]).toTypedArray()), expectedDraw, 'the generator was not restored');
    fresh.dispose();
    setup.dispose();
  });

  test('saveCheckpoint keeps the one before as previous.safetensors and leaves no temporary files', async () => {
    const dir = temporaryDir();
    const setup = await trainedSetup();
    saveCheckpoint(dir, { model: setup.model, optimizer: setup.optimizer, state: { n: 1 } });
    assert.ok(!existsSync(join(dir, 'previous.safetensors')));
    saveCheckpoint(dir, { model: setup.model, optimizer: setup.optimizer, state: { n: 2 } });
    assert.deepEqual(readdirSync(dir).sort(), ['last.safetensors', 'previous.safetensors']);
    const last = readCheckpoint(join(dir, 'last.safetensors'));
    const previous = readCheckpoint(join(dir, 'previous.safetensors'));
    assert.deepEqual([last.state, previous.state], [{ n: 2 }, { n: 1 }]);
    last.dispose();
    previous.dispose();
    setup.dispose();
  });

  test('a truncated checkpoint gives a FileFormatError naming the file', async () => {
    const dir = temporaryDir();
    const setup = await trainedSetup();
    const path = join(dir, 'last.safetensors');
    writeCheckpoint(path, { model: setup.model, optimizer: setup.optimizer, state: {} });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    assert.throws(() => readCheckpoint(path), (e: Error) => e instanceof FileFormatError && e.message.includes(path) && /lies outside the data/.test(e.message));
    writeFileSync(path, bytes.subarray(0, 5));
    assert.throws(() => readCheckpoint(path), (e: Error) => e instanceof FileFormatError && e.message.startsWith(`${path} is not a valid safetensors file`));
    assert.throws(() => readCheckpoint(join(dir, 'missing.safetensors')), (e: Error) => e instanceof FileFormatError && /file not found: .*missing\.safetensors/.test(e.message));
    setup.dispose();
  });

  test('a safetensors file that is not a checkpoint, or has damaged trainer state, is refused by name', async () => {
    const dir = temporaryDir();
    const weights = join(dir, 'weights.safetensors');
    const t = tensor([1, 2, 3]);
    saveSafetensors(weights, { w: t });
    t.dispose();
    assert.throws(() => readCheckpoint(weights), (e: Error) => e instanceof FileFormatError && e.message.startsWith(`${weights} is a safetensors file but not a latentlab checkpoint`));

    const setup = await trainedSetup();
    const damaged = join(dir, 'damaged.safetensors');
    writeCheckpoint(damaged, { model: setup.model, optimizer: setup.optimizer, state: { step: 'four' } });
    const trainer = new Trainer({ model: setup.model, optimizer: setup.optimizer, loss: reconstructionLoss, train: setup.train, maxEpochs: 2, seed: 0, progress: 'none' });
    assert.throws(() => trainer.resume(damaged), (e: Error) => e instanceof FileFormatError && e.message.startsWith(`${damaged} is a damaged checkpoint: its trainer state has step`));
    setup.dispose();
  });

  test('readLatestCheckpoint falls back to previous.safetensors when the last one is damaged', async () => {
    const dir = temporaryDir();
    const setup = await trainedSetup();
    saveCheckpoint(dir, { model: setup.model, optimizer: setup.optimizer, state: { n: 1 } });
    saveCheckpoint(dir, { model: setup.model, optimizer: setup.optimizer, state: { n: 2 } });
    writeFileSync(join(dir, 'last.safetensors'), 'garbage');
    const { checkpoint, skipped } = readLatestCheckpoint(dir);
    assert.deepEqual(checkpoint.state, { n: 1 });
    assert.equal(checkpoint.path, join(dir, 'previous.safetensors'));
    assert.equal(skipped?.path, join(dir, 'last.safetensors'));
    assert.match(skipped!.reason, /last\.safetensors is not a valid safetensors file/);
    checkpoint.dispose();
    assert.throws(() => readLatestCheckpoint(temporaryDir()), (e: Error) => e instanceof FileFormatError && /^no checkpoint in /.test(e.message));
    setup.dispose();
  });

  test('a checkpoint of another model is refused before anything is changed', async () => {
    const dir = temporaryDir();
    const setup = await trainedSetup();
    const path = join(dir, 'a.safetensors');
    writeCheckpoint(path, { model: setup.model, optimizer: setup.optimizer, state: {} });
    const other = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(32, 8));
    const before = weightBytes(other);
    const checkpoint = readCheckpoint(path);
    assert.throws(
      () => restoreCheckpoint(checkpoint, { model: other, optimizer: new optim.Adam(other.parameters()) }),
      (e: Error) => e instanceof ArgumentError && e.message.includes(path) && /different shapes: 0\.weight \[16, 8\] vs \[32, 8\]/.test(e.message),
    );
    assert.ok(sameBytes(weightBytes(other), before));
    checkpoint.dispose();
    other.dispose();
    setup.dispose();
  });
});
