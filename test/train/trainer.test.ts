// Trainer: losses recorded per epoch and per logEvery steps, resume equal to an uninterrupted
// run bit for bit, graceful stop, NaN handling that leaves the last checkpoint intact, and no
// tensors left behind.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, BatchStatisticsError, F, data, liveTensorCount, manualSeed, nn, noGrad, optim, randn, tensor, tidy } from '../../src/index.js';
import {
  NonFiniteLossError,
  Trainer,
  earlyStopping,
  readCheckpoint,
  restoreCheckpoint,
  type EpochMetrics,
  type LossFunction,
  type LogMetrics,
  type StepMetrics,
  type TrainerOptions,
} from '../../src/train/index.js';
import { settledLiveTensorCount } from '../helpers/gc.js';
import { HalvingScheduler, buildSetup, reconstructionLoss, sameBytes, temporaryDir, weightBytes, type Setup } from './helpers.js';

function trainer(setup: Setup, options: Partial<TrainerOptions> = {}): Trainer {
  return new Trainer({
    model: setup.model,
    optimizer: setup.optimizer,
    loss: reconstructionLoss,
    train: setup.train,
    validation: setup.validation,
    seed: 5,
    progress: 'none',
    ...options,
  });
}

/** Trains a fresh setup for `maxEpochs` and returns its final weights and epoch losses. */
async function straightRun(options: Partial<TrainerOptions> | ((setup: Setup) => Partial<TrainerOptions>)): Promise<{ weights: Buffer[]; losses: number[] }> {
  const setup = buildSetup();
  const result = await trainer(setup, typeof options === 'function' ? options(setup) : options).fit();
  const out = { weights: weightBytes(setup.model), losses: result.history.epochs.map((e) => e.trainLoss) };
  setup.dispose();
  return out;
}

describe('Trainer#fit()', () => {
  test('records the sample-weighted train loss, validation loss and named terms every epoch', async () => {
    const setup = buildSetup();
    const steps: StepMetrics[] = [];
    const epochs: EpochMetrics[] = [];
    const result = await trainer(setup, {
      maxEpochs: 3,
      callbacks: [{ onStep: (m) => steps.push(m), onEpochEnd: (m) => epochs.push(m) }],
    }).fit();
    assert.equal(result.reason, 'max-epochs');
    assert.equal(result.epochs, 3);
    assert.equal(result.steps, 12);
    assert.deepEqual(result.history.epochs, epochs);
    // Epoch train loss is the sample-weighted mean of its steps' losses (4 equal batches here).
    const firstEpoch = steps.filter((s) => s.epoch === 1);
    assert.equal(firstEpoch.length, 4);
    const mean = firstEpoch.reduce((sum, s) => sum + s.loss * s.samples, 0) / 64;
    assert.ok(Math.abs(epochs[0]!.trainLoss - mean) < 1e-12);
    for (const metrics of epochs) {
      assert.deepEqual(Object.keys(metrics.trainTerms).sort(), ['penalty', 'reconstruction']);
      assert.ok(Math.abs(metrics.trainTerms.reconstruction! + metrics.trainTerms.penalty! - metrics.trainLoss) < 1e-6);
      assert.ok(metrics.validationLoss! > 0 && Number.isFinite(metrics.validationLoss));
      assert.deepEqual(Object.keys(metrics.validationTerms!).sort(), ['penalty', 'reconstruction']);
      assert.ok(metrics.gradientNorm > 0);
      assert.equal(metrics.complete, true);
    }
    assert.ok(epochs[2]!.trainLoss < epochs[0]!.trainLoss, 'train loss did not fall');
    assert.equal(setup.model.training, true, 'fit() should leave the model in the mode it found it in');
    setup.dispose();
  });

  test('validation loss is computed in eval mode without gradients (dropout off: two evaluations agree)', async () => {
    const setup = buildSetup();
    const validation: number[] = [];
    // Training on nothing new between two validations: lr 0 keeps the weights.
    for (const group of setup.optimizer.paramGroups) group.lr = 0;
    await trainer(setup, { maxEpochs: 2, callbacks: [{ onEpochEnd: (m) => validation.push(m.validationLoss!) }] }).fit();
    assert.equal(validation[0], validation[1]);
    setup.dispose();
  });

  test('records the mean of every logEvery steps in history.steps', async () => {
    const setup = buildSetup();
    const logs: LogMetrics[] = [];
    const steps: StepMetrics[] = [];
    const result = await trainer(setup, { maxEpochs: 2, logEvery: 3, callbacks: [{ onLog: (m) => logs.push(m), onStep: (m) => steps.push(m) }] }).fit();
    assert.deepEqual(result.history.steps, logs);
    assert.deepEqual(logs.map((l) => l.step), [3, 6]);
    const window = steps.slice(3, 6);
    assert.ok(Math.abs(logs[1]!.loss - window.reduce((s, m) => s + m.loss, 0) / 3) < 1e-12);
    assert.equal(logs[1]!.epoch, 2);
    setup.dispose();
  });

  test('the same seed gives the same run; another seed gives another (dropout)', async () => {
    const a = await straightRun({ maxEpochs: 2 });
    const b = await straightRun({ maxEpochs: 2 });
    const c = await straightRun({ maxEpochs: 2, seed: 6 });
    assert.ok(sameBytes(a.weights, b.weights));
    assert.ok(!sameBytes(a.weights, c.weights));
  });

  test('maxSteps stops mid-epoch and reports the partial epoch with its validation loss', async () => {
    const setup = buildSetup();
    const result = await trainer(setup, { maxSteps: 6 }).fit();
    assert.equal(result.reason, 'max-steps');
    assert.equal(result.steps, 6);
    assert.equal(result.epochs, 1);
    assert.equal(result.last?.complete, false);
    assert.equal(result.last?.batches, 2);
    assert.ok(result.last?.validationLoss !== undefined);
    setup.dispose();
  });

  test('stops on early stopping with the reason in the result', async () => {
    const setup = buildSetup();
    for (const group of setup.optimizer.paramGroups) group.lr = 0; // validation loss never improves
    const result = await trainer(setup, { maxEpochs: 20, stopping: [earlyStopping({ patience: 2 })] }).fit();
    assert.equal(result.reason, 'early-stopping');
    assert.equal(result.epochs, 3);
    assert.match(result.message, /did not improve .* for 2 epochs \(best .* at epoch 1\)/);
    setup.dispose();
  });

  test('steps the scheduler every epoch with the monitored loss', async () => {
    const setup = buildSetup();
    const scheduler = new HalvingScheduler(setup.optimizer);
    const result = await trainer(setup, { maxEpochs: 3, scheduler: { scheduler, monitor: 'validationLoss' } }).fit();
    assert.deepEqual(scheduler.metrics, result.history.epochs.map((e) => e.validationLoss));
    assert.deepEqual(result.history.epochs.map((e) => e.learningRate), [1e-2, 5e-3, 2.5e-3]);
    setup.dispose();
  });

  test('steps a scheduler with interval step after every optimizer step', async () => {
    const setup = buildSetup();
    const scheduler = new HalvingScheduler(setup.optimizer);
    await trainer(setup, { maxEpochs: 2, scheduler: { scheduler, interval: 'step' } }).fit();
    assert.equal(scheduler.epochs, 8);
    assert.deepEqual(scheduler.metrics, Array(8).fill(undefined));
    setup.dispose();
  });

  test('a loss that is not a single number is refused with what to do', async () => {
    const setup = buildSetup();
    const loss: LossFunction = (model, batch) => F.mseLoss(model.forward(batch.inputs), batch.inputs, 'none');
    await assert.rejects(trainer(setup, { maxEpochs: 1, loss }).fit(), (e: Error) => e instanceof ArgumentError && /single number, got a tensor of shape \[16, 8\]: reduce it/.test(e.message));
    setup.dispose();
  });

  test('rejects options without an end, and validation-watching criteria without validation data', () => {
    const setup = buildSetup();
    assert.throws(() => trainer(setup, {}), (e: Error) => e instanceof ArgumentError && /maxEpochs or maxSteps/.test(e.message));
    assert.throws(
      () => trainer(setup, { maxEpochs: 2, validation: undefined, stopping: [earlyStopping({ patience: 1 })] }),
      (e: Error) => e instanceof ArgumentError && /needs validation data/.test(e.message),
    );
    setup.dispose();
  });

  test('fitSync() gives the same run as fit()', async () => {
    const a = await straightRun({ maxEpochs: 2 });
    const setup = buildSetup();
    trainer(setup, { maxEpochs: 2 }).fitSync();
    assert.ok(sameBytes(a.weights, weightBytes(setup.model)));
    setup.dispose();
  });
});

describe('Trainer afterBackward (the data-parallel gradient hook)', () => {
  test('is awaited between backward and the optimizer step: what it does to the gradients is what the step applies', async () => {
    // Halving every gradient with SGD is training at half the learning rate.
    const half = buildSetup();
    const seen: number[] = [];
    const hooked = new Trainer({
      model: half.model,
      optimizer: new optim.SGD(half.model.parameters(), { lr: 0.1 }),
      loss: reconstructionLoss,
      train: half.train,
      seed: 5,
      progress: 'none',
      maxSteps: 6,
      afterBackward: async ({ parameters, samples }) => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(samples);
        tidy(() => parameters.forEach((p) => p.grad!.mul_(0.5)));
      },
    });
    await hooked.fit();
    const slow = buildSetup();
    await new Trainer({ model: slow.model, optimizer: new optim.SGD(slow.model.parameters(), { lr: 0.05 }), loss: reconstructionLoss, train: slow.train, seed: 5, progress: 'none', maxSteps: 6 }).fit();
    assert.deepEqual(seen, [16, 16, 16, 16, 16, 16]);
    assert.ok(sameBytes(weightBytes(half.model), weightBytes(slow.model)));
    half.dispose();
    slow.dispose();
  });

  test('what it resolves to is the recorded loss and sample count', async () => {
    const setup = buildSetup();
    const steps: StepMetrics[] = [];
    const result = await trainer(setup, {
      maxEpochs: 1,
      afterBackward: async ({ values, samples }) => ({ values: { loss: values.loss + 100, terms: {} }, samples: samples * 2 }),
      callbacks: [{ onStep: (step) => steps.push(step) }],
    }).fit();
    assert.ok(steps.every((step) => step.loss > 100));
    assert.equal(result.history.epochs[0]!.samples, 128);
    setup.dispose();
  });

  test('with the hook, a stop request takes effect only when the hook agrees (processes stop after the same step)', async () => {
    const setup = buildSetup();
    const stopAt2 = { onStep: (step: StepMetrics, t: { requestStop(): void }) => step.step === 2 && t.requestStop() };
    const ignoring = await trainer(setup, { maxSteps: 6, callbacks: [stopAt2], afterBackward: async ({ values, samples }) => ({ values, samples, stop: false }) }).fit();
    assert.equal(ignoring.reason, 'max-steps');
    const asked: boolean[] = [];
    const agreeing = await trainer(setup, {
      maxSteps: 6,
      callbacks: [stopAt2],
      afterBackward: async ({ values, samples, stopRequested }) => {
        asked.push(stopRequested);
        return { values, samples, stop: stopRequested };
      },
    }).fit();
    // Asked after step 2, seen by the hook in step 3, which is the last.
    assert.equal(agreeing.reason, 'interrupted');
    assert.equal(agreeing.steps, 3);
    assert.deepEqual(asked, [false, false, true]);
    setup.dispose();
  });

  test("its failure ends fit() with that error, and the trainer can run again; fitSync() and multi-optimizer steps refuse it", async () => {
    const setup = buildSetup();
    const failing = trainer(setup, { maxSteps: 3, afterBackward: async () => Promise.reject(new Error('rank 1 stopped')) });
    const before = await settledLiveTensorCount();
    await assert.rejects(failing.fit(), /rank 1 stopped/);
    assert.equal(liveTensorCount(), before);
    await assert.rejects(failing.fit(), /rank 1 stopped/); // not 'already running'
    assert.throws(() => trainer(setup, { maxSteps: 3, afterBackward: async () => undefined }).fitSync(), /use await trainer\.fit\(\)/);
    assert.throws(
      () => new Trainer({ model: setup.model, optimizers: { a: setup.optimizer }, step: () => ({ total: tensor(0) }), train: setup.train, seed: 0, maxSteps: 1, afterBackward: async () => undefined }),
      (e: Error) => e instanceof ArgumentError && /single optimizer/.test(e.message),
    );
    setup.dispose();
  });
});

describe('Trainer#resume()', () => {
  test('train 2 epochs, rebuild everything, resume, train 2 more: bitwise the weights of 4 straight epochs', async () => {
    const straight = await straightRun((setup) => ({ maxEpochs: 4, scheduler: new HalvingScheduler(setup.optimizer) }));
    const dir = temporaryDir();
    const first = buildSetup();
    await trainer(first, { maxEpochs: 2, checkpointDir: dir, scheduler: new HalvingScheduler(first.optimizer) }).fit();
    first.dispose();

    manualSeed(999); // whatever the generator holds now must not matter: resume restores it
    const second = buildSetup();
    const scheduler = new HalvingScheduler(second.optimizer);
    const resumed = trainer(second, { maxEpochs: 4, checkpointDir: dir, scheduler }).resume();
    assert.equal(resumed.epoch, 2);
    assert.equal(resumed.step, 8);
    assert.equal(scheduler.epochs, 2);
    const result = await resumed.fit();
    assert.equal(result.epochs, 4);
    assert.ok(sameBytes(weightBytes(second.model), straight.weights), 'resumed weights differ from the uninterrupted run');
    assert.deepEqual(result.history.epochs.map((e) => e.trainLoss), straight.losses);
    second.dispose();
  });

  test('the comparison above is sensitive to the generator: a resumed run with another generator state differs', async () => {
    const straight = await straightRun({ maxEpochs: 3 });
    const dir = temporaryDir();
    const first = buildSetup();
    await trainer(first, { maxEpochs: 2, checkpointDir: dir }).fit();
    first.dispose();
    const second = buildSetup();
    const resumed = trainer(second, { maxEpochs: 3, checkpointDir: dir }).resume();
    manualSeed(5); // overrides the restored generator: dropout masks change
    await resumed.fit();
    assert.ok(!sameBytes(weightBytes(second.model), straight.weights));
    second.dispose();
  });

  test('requestStop() from a callback stops after the batch, checkpoints, and a resumed run equals an uninterrupted one', async () => {
    const straight = await straightRun({ maxEpochs: 3 });
    const dir = temporaryDir();
    const first = buildSetup();
    const result = await trainer(first, {
      maxEpochs: 3,
      checkpointDir: dir,
      callbacks: [{ onStep: (m, t) => m.step === 6 && t.requestStop() }],
    }).fit();
    assert.equal(result.reason, 'interrupted');
    assert.equal(result.steps, 6);
    assert.equal(result.epochs, 1);
    assert.equal(result.last?.complete, false);
    assert.equal(result.checkpoint, join(dir, 'last.safetensors'));
    const saved = readCheckpoint(result.checkpoint!);
    assert.equal((saved.state as { step: number }).step, 6);
    saved.dispose();
    first.dispose();

    const second = buildSetup();
    const resumed = await trainer(second, { maxEpochs: 3, checkpointDir: dir }).resume().fit();
    assert.equal(resumed.reason, 'max-epochs');
    assert.equal(resumed.steps, 12);
    assert.ok(sameBytes(weightBytes(second.model), straight.weights), 'weights after a mid-epoch stop and resume differ');
    assert.deepEqual(resumed.history.epochs.map((e) => e.trainLoss), straight.losses);
    second.dispose();
  });

  test('an AbortSignal stops the run like requestStop()', async () => {
    const setup = buildSetup();
    const controller = new AbortController();
    const result = await trainer(setup, { maxEpochs: 3, signal: controller.signal, callbacks: [{ onStep: (m) => m.step === 2 && controller.abort() }] }).fit();
    assert.equal(result.reason, 'interrupted');
    assert.equal(result.steps, 2);
    setup.dispose();
  });

  test('a signal shared by many runs (a study) keeps no listener of a finished run', async () => {
    const setup = buildSetup();
    const controller = new AbortController();
    for (let run = 0; run < 12; run++) await trainer(setup, { maxEpochs: 1, signal: controller.signal }).fit();
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    setup.dispose();
  });

  test('a timer gets through when every epoch is shorter than the yield interval (Ctrl-C on a small model)', async () => {
    const setup = buildSetup();
    // Batches of 2: 32 an epoch, a few ms in all, well under the 100 ms between yields; many
    // batches an epoch, so that a stop honoured only at an epoch's end shows as batches run after it.
    const train = new (setup.train.constructor as typeof import('../../src/data/loader.js').DataLoader)(setup.train.dataset, { batchSize: 2, shuffle: true, seed: 7 });
    let step = 0;
    let stepAtRequest: number | undefined;
    // 5,000 epochs are a minute or more, which the timer must cut short
    const run = trainer(setup, { maxEpochs: 5_000, train, callbacks: [{ onStep: (m) => void (step = m.step) }] });
    const timer = setTimeout(() => {
      stepAtRequest = step;
      run.requestStop();
    }, 100);
    const result = await run.fit();
    clearTimeout(timer);
    // Before the yield interval counted across epochs, the timer waited for an epoch that took
    // 100 ms, which never came: all epochs ran.
    assert.equal(result.reason, 'interrupted', `ran all ${result.epochs} epochs without letting the timer fire`);
    assert.ok(stepAtRequest !== undefined && result.epochs < 5_000);
    // The loop lets timers run between batches; stopping takes at most the batch after that.
    assert.ok(result.steps - stepAtRequest <= 1, `${result.steps - stepAtRequest} batches ran after the stop request (at step ${stepAtRequest})`);
    setup.dispose();
  });

  test('refuses a checkpoint written with another batch size', async () => {
    const dir = temporaryDir();
    const first = buildSetup();
    await trainer(first, { maxEpochs: 1, checkpointDir: dir }).fit();
    first.dispose();
    const second = buildSetup();
    const other = new (second.train.constructor as typeof import('../../src/data/loader.js').DataLoader)(second.train.dataset, { batchSize: 8, shuffle: true, seed: 7 });
    assert.throws(
      () => trainer(second, { maxEpochs: 2, train: other, checkpointDir: dir }).resume(),
      (e: Error) => e instanceof ArgumentError && /batches of 16.*batches of 8.*same data and batch size/.test(e.message),
    );
    second.dispose();
  });
});

describe('Trainer: NaN loss', () => {
  test('stops at once with an actionable error and leaves the last checkpoint (previous epoch) intact', async () => {
    const dir = temporaryDir();
    const setup = buildSetup();
    let trainingCalls = 0;
    const loss: LossFunction = (model, batch) => {
      const output = reconstructionLoss(model, batch);
      // Step 11 is the third batch of epoch 3.
      if (model.training && ++trainingCalls === 11) return F.mseLoss(model.forward(batch.inputs), batch.inputs).mul(Number.NaN);
      return output;
    };
    await assert.rejects(trainer(setup, { maxEpochs: 5, checkpointDir: dir, loss }).fit(), (error: Error) => {
      assert.ok(error instanceof NonFiniteLossError);
      assert.match(error.message, /^loss became NaN at epoch 3 step 11: lower the learning rate \(now 0\.01\)/);
      assert.match(error.message, /last\.safetensors\) was written before it/);
      assert.equal(error.epoch, 3);
      assert.equal(error.step, 11);
      return true;
    });
    // The weights never saw the bad step.
    for (const tensor of Object.values(setup.model.stateDict())) assert.ok(tidy(() => tensor.isfinite().all().item()));

    const last = readCheckpoint(join(dir, 'last.safetensors'));
    const state = last.state as { step: number; history: { epochs: unknown[] } };
    assert.equal(state.step, 8);
    assert.equal(state.history.epochs.length, 2);
    const fresh = buildSetup();
    restoreCheckpoint(last, { model: fresh.model, optimizer: fresh.optimizer });
    last.dispose();
    assert.ok(existsSync(join(dir, 'previous.safetensors')));
    const previous = readCheckpoint(join(dir, 'previous.safetensors'));
    assert.equal((previous.state as { step: number }).step, 4);
    previous.dispose();
    fresh.dispose();
    setup.dispose();
  });
});

describe('Trainer: NaN loss names a cause that fits', () => {
  // A model with batch norm over a loader whose last batch holds 1 sample (9 = 2·4 + 1).
  function batchNormSetup(samples: number, options: { dropLast?: boolean; inputs?: number[] } = {}) {
    manualSeed(3);
    const inputs = options.inputs ? tensor(Float32Array.from(options.inputs), { shape: [samples, 4] }) : randn([samples, 4]);
    const model = new nn.Sequential(new nn.Linear(4, 6), new nn.BatchNorm1d(6), new nn.ReLU(), new nn.Linear(6, 4));
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const train = new data.DataLoader({ inputs }, { batchSize: 4, dropLast: options.dropLast ?? false });
    const run = new Trainer({ model, optimizer, loss: reconstructionLoss, train, validation: new data.DataLoader({ inputs }, { batchSize: 4 }), maxEpochs: 2, seed: 0, progress: 'none' });
    return { run, model, dispose: () => [model, inputs].forEach((t) => t.dispose()) };
  }

  test('batch norm over a last batch of 1 sample: one error naming the batch and the fixes, before any weight sees it', async () => {
    const { run, model, dispose } = batchNormSetup(9);
    await assert.rejects(run.fit(), (error: Error) => {
      assert.ok(error instanceof BatchStatisticsError, `${error.name}: ${error.message}`);
      assert.match(error.message, /^batch norm cannot train on a batch of 1 sample: the last batch of each epoch holds 1 of 9 samples in batches of 4; .*--batch.*dropLast/);
      return true;
    });
    assert.equal(run.step, 2, 'the two full batches trained, the third was refused');
    for (const tensor of Object.values(model.stateDict())) assert.ok(tidy(() => tensor.isfinite().all().item()), 'running statistics stay finite');
    dispose();
  });

  test('with dropLast the same data trains', async () => {
    const { run, dispose } = batchNormSetup(9, { dropLast: true });
    const result = await run.fit();
    assert.equal(result.steps, 4);
    dispose();
  });

  test('NaN in the training data is named, and the learning rate is not blamed', async () => {
    const { run, dispose } = batchNormSetup(8, { inputs: [1, 2, 3, 4, 5, Number.NaN, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8] });
    await assert.rejects(run.fit(), (error: Error) => {
      assert.ok(error instanceof NonFiniteLossError);
      assert.match(error.message, /^loss became NaN at epoch 1 step 1 \(reconstruction = NaN\): the training data holds NaN or infinite values/);
      assert.doesNotMatch(error.message, /learning rate/);
      return true;
    });
    dispose();
  });

  test('a loss that is NaN before any step blames the loss, not the learning rate', async () => {
    const setup = buildSetup();
    const loss: LossFunction = (model, batch) => F.mseLoss(model.forward(batch.inputs), batch.inputs).log().mul(Number.NaN);
    await assert.rejects(trainer(setup, { maxEpochs: 1, loss }).fit(), (error: Error) => {
      assert.match(error.message, /^loss became NaN at epoch 1 step 1: no step has changed the weights yet/);
      assert.doesNotMatch(error.message, /learning rate/);
      return true;
    });
    setup.dispose();
  });

  test('weights that diverged: the learning rate is the suspect', async () => {
    const setup = buildSetup();
    let calls = 0;
    const loss: LossFunction = (model, batch) => {
      if (model.training && ++calls === 3) noGrad(() => model.parameters()[0]!.fill_(Number.POSITIVE_INFINITY));
      return reconstructionLoss(model, batch);
    };
    await assert.rejects(trainer(setup, { maxEpochs: 1, loss }).fit(), (error: Error) => {
      assert.match(error.message, /step 3 \(.*\): weight '0\.weight' is no longer finite, so training diverged: lower the learning rate \(now 0\.01\)/);
      return true;
    });
    setup.dispose();
  });

  test('a NaN validation loss from a NaN buffer names the buffer', async () => {
    const { run, model, dispose } = batchNormSetup(8);
    const buffer = model.namedBuffers().next().value![1];
    const loss: LossFunction = (m, batch) => {
      if (!m.training) buffer.fill_(Number.NaN);
      return reconstructionLoss(m, batch);
    };
    const withLoss = new Trainer({ model, optimizer: run.optimizer, loss, train: run.train, validation: run.validation, maxEpochs: 1, seed: 0, progress: 'none' });
    await assert.rejects(withLoss.fit(), (error: Error) => {
      assert.match(error.message, /^validation loss became NaN after epoch 1 \(reconstruction = NaN\): buffer '1\.running_mean' holds NaN or infinite values while the weights are finite/);
      return true;
    });
    dispose();
  });
});

describe('Trainer: memory', () => {
  test('live tensors after fit (and after resume + fit) = before + Adam state (2 per parameter)', async () => {
    const dir = temporaryDir();
    const setup = buildSetup();
    const parameters = setup.model.parameters().length;
    const before = await settledLiveTensorCount();
    await trainer(setup, { maxEpochs: 2, logEvery: 3, checkpointDir: dir, scheduler: new HalvingScheduler(setup.optimizer) }).fit();
    assert.equal(liveTensorCount(), before + 2 * parameters);
    setup.dispose();

    const again = buildSetup();
    const beforeResume = await settledLiveTensorCount();
    const resumed = trainer(again, { maxEpochs: 3, maxSteps: 10, checkpointDir: dir, scheduler: new HalvingScheduler(again.optimizer) }).resume();
    await resumed.fit(); // stops mid-epoch at step 10: partial epoch, validation, checkpoint
    assert.equal(liveTensorCount(), beforeResume + 2 * parameters);
    again.dispose();
  });

  test('a run that fails on a NaN loss leaves nothing behind either', async () => {
    const setup = buildSetup();
    const before = await settledLiveTensorCount();
    let calls = 0;
    const loss: LossFunction = (model, batch) => {
      const value = F.mseLoss(model.forward(batch.inputs), batch.inputs);
      return model.training && ++calls === 6 ? value.mul(Number.NaN) : value;
    };
    await assert.rejects(trainer(setup, { maxEpochs: 3, loss }).fit(), NonFiniteLossError);
    assert.equal(liveTensorCount(), before + 2 * setup.model.parameters().length);
    setup.dispose();
  });
});

// Two players over one batch, as a GAN's: `d` fits the data, `g` moves its own layer against a
// loss that flows through d's layer too (so d's parameters receive gradients in g's update). The
// dropout makes the generator state part of what resume must restore.
function twoPlayerSetup() {
  manualSeed(321);
  const inputs = randn([48, 6]);
  const model = new nn.Sequential(new nn.Linear(6, 6), new nn.Dropout(0.3), new nn.Linear(6, 6));
  const [dLayer, gLayer] = [model.parameters().slice(0, 2), model.parameters().slice(2)];
  const optimizers = { d: new optim.Adam(dLayer, { lr: 1e-2, betas: [0.5, 0.999] }), g: new optim.SGD(gLayer, { lr: 5e-2, momentum: 0.9 }) };
  const train = new data.DataLoader({ inputs }, { batchSize: 16, shuffle: true, seed: 3 });
  const step: NonNullable<TrainerOptions['step']> = (m, batch, context) => {
    const x = batch.inputs;
    const lossD = F.mseLoss(m.forward(x), x);
    context.update('d', lossD);
    const lossG = m.forward(x).pow(2).mean();
    context.update('g', lossG);
    return { total: lossD.detach().add(lossG.detach()), loss_d: lossD.detach(), loss_g: lossG.detach(), d_x: 0.5 };
  };
  const dispose = () => {
    model.dispose();
    inputs.dispose();
    tidy(() => Object.values(optimizers).forEach((o) => Object.values(o.stateDict().tensors).forEach((t) => t.dispose())));
  };
  return { model, optimizers, train, step, dispose };
}

function twoPlayerTrainer(s: ReturnType<typeof twoPlayerSetup>, options: Partial<TrainerOptions> = {}): Trainer {
  return new Trainer({ model: s.model, optimizers: s.optimizers, step: s.step, train: s.train, seed: 11, progress: 'none', ...options });
}

describe('Trainer: a step driving several optimizers', () => {
  test('2 epochs straight equal 1 epoch + resume + 1 epoch, weights and losses bit for bit; every optimizer state is in the checkpoint', async () => {
    const straight = twoPlayerSetup();
    const straightResult = await twoPlayerTrainer(straight, { maxEpochs: 2 }).fit();
    const straightWeights = weightBytes(straight.model);
    straight.dispose();

    const dir = temporaryDir();
    const first = twoPlayerSetup();
    await twoPlayerTrainer(first, { maxEpochs: 1, checkpointDir: dir }).fit();
    first.dispose();
    const checkpoint = readCheckpoint(join(dir, 'last.safetensors'));
    assert.deepEqual(Object.keys(checkpoint.optimizers ?? {}), ['d', 'g']);
    assert.equal(Object.keys(checkpoint.optimizers!.d!.tensors).length, 3 * 2); // Adam: exp_avg, exp_avg_sq, step × 2 parameters
    assert.equal(Object.keys(checkpoint.optimizers!.g!.tensors).length, 2 * 2); // SGD: momentum_buffer, step × 2
    assert.equal(checkpoint.optimizers!.g!.groups[0]!.lr, 5e-2);
    checkpoint.dispose();

    manualSeed(999); // resume restores the generator, whatever it holds now
    const second = twoPlayerSetup();
    const resumed = twoPlayerTrainer(second, { maxEpochs: 2, checkpointDir: dir }).resume();
    assert.equal(resumed.step, 3);
    const result = await resumed.fit();
    assert.ok(sameBytes(weightBytes(second.model), straightWeights), 'resumed two-optimizer weights differ from the uninterrupted run');
    assert.deepEqual(result.history.epochs.map((e) => [e.trainLoss, e.trainTerms]), straightResult.history.epochs.map((e) => [e.trainLoss, e.trainTerms]));
    // each player's terms are recorded like any named loss term
    assert.deepEqual(Object.keys(result.history.epochs[0]!.trainTerms), ['loss_d', 'loss_g', 'd_x']);
    assert.equal(result.history.epochs[0]!.trainTerms.d_x, 0.5);
    second.dispose();
  });

  test('each update moves only its own optimizer: d unchanged when only g updates', async () => {
    const s = twoPlayerSetup();
    const before = weightBytes(s.model);
    const onlyG: NonNullable<TrainerOptions['step']> = (m, batch, context) => {
      const loss = m.forward(batch.inputs).pow(2).mean();
      context.update('g', loss);
      return loss.detach();
    };
    await twoPlayerTrainer(s, { maxSteps: 2, step: onlyG }).fit();
    const after = weightBytes(s.model);
    assert.ok(after[0]!.equals(before[0]!) && after[1]!.equals(before[1]!), "d's layer moved although only g was updated");
    assert.ok(!after[2]!.equals(before[2]!), "g's layer did not move");
    s.dispose();
  });

  test('a NaN loss of one player stops the run naming that player; a checkpoint of the other kind is refused', async () => {
    const s = twoPlayerSetup();
    const dir = temporaryDir();
    let calls = 0;
    const nanOnSecondEpoch: NonNullable<TrainerOptions['step']> = (m, batch, context) => {
      const loss = F.mseLoss(m.forward(batch.inputs), batch.inputs);
      context.update('d', ++calls === 5 ? loss.mul(Number.NaN) : loss);
      return loss.detach();
    };
    await assert.rejects(twoPlayerTrainer(s, { maxEpochs: 3, checkpointDir: dir, step: nanOnSecondEpoch }).fit(), (error: Error) => {
      assert.ok(error instanceof NonFiniteLossError);
      assert.match(error.message, /^loss of d became NaN at epoch 2 step 5: .*last\.safetensors\) was written before it/);
      return true;
    });
    const single = twoPlayerSetup();
    const loss: LossFunction = (m, batch) => F.mseLoss(m.forward(batch.inputs), batch.inputs);
    const singleTrainer = new Trainer({ model: single.model, optimizer: single.optimizers.d, loss, train: single.train, seed: 0, maxEpochs: 2, checkpointDir: dir, progress: 'none' });
    assert.throws(() => singleTrainer.resume(), /holds the optimizers d, g of a multi-optimizer run/);
    single.dispose();
    s.dispose();
  });

  test('refuses an update of an optimizer it does not have, and mixed options', () => {
    const s = twoPlayerSetup();
    const wrongName: NonNullable<TrainerOptions['step']> = (m, batch, context) => {
      const loss = m.forward(batch.inputs).mean();
      context.update('generator', loss);
      return loss;
    };
    assert.throws(() => twoPlayerTrainer(s, { maxSteps: 1, step: wrongName }).fitSync(), /updated optimizer 'generator', and the trainer has d, g/);
    assert.throws(() => twoPlayerTrainer(s, { maxSteps: 1, optimizer: s.optimizers.d }), /not both/);
    assert.throws(() => new Trainer({ model: s.model, optimizers: s.optimizers, train: s.train, seed: 0, maxSteps: 1 }), /needs both optimizers/);
    s.dispose();
  });
});
