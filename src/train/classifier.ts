// Training and testing a classifier through the Trainer, for the studies that rank optimizers or
// representations by test accuracy. A run whose loss turns NaN comes back marked diverged, not thrown.
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from '../nn/functional.js';
import type { Module } from '../nn/module.js';
import { DataLoader, type Batch, type TensorDataset } from '../data/loader.js';
import { NonFiniteLossError } from './errors.js';
import type { LossOutput } from './loss.js';
import { Trainer } from './trainer.js';
import { createOptimizer, type OptimizerName } from '../optim/registry.js';

/** Cross-entropy to minimise, with the batch's accuracy recorded beside it as a term. */
export function classificationLoss(model: Module, batch: Batch): LossOutput {
  if (!batch.targets) throw new ArgumentError('a classifier trains on labelled data: the batch has no targets');
  const logits = model.forward(batch.inputs); // [N, classes]
  return { total: F.crossEntropy(logits, batch.targets), accuracy: logits.argmax(1).eq(batch.targets).float().mean() };
}

/** Mean cross-entropy and accuracy over `loader`, in eval mode; the model's mode is restored after. */
export function evaluateClassifier(model: Module, loader: DataLoader): { loss: number; accuracy: number } {
  const wasTraining = model.training;
  model.eval();
  let [samples, lossSum, correct] = [0, 0, 0];
  try {
    noGrad(() => {
      for (const batch of loader) {
        try {
          const n = batch.inputs.shape[0]!;
          const { loss, accuracy } = tidy(() => {
            const terms = classificationLoss(model, batch) as { total: Tensor; accuracy: Tensor };
            return { loss: terms.total.item(), accuracy: terms.accuracy.item() };
          });
          samples += n;
          lossSum += loss * n;
          correct += accuracy * n;
        } finally {
          batch.dispose();
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { loss: lossSum / samples, accuracy: correct / samples };
}

/** One epoch of trainClassifier(): train loss and accuracy (and test ones with testEveryEpoch). */
export interface ClassifierEpoch {
  epoch: number;
  /** Optimizer steps by the end of the epoch. */
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  /** With testEveryEpoch only. */
  testLoss?: number;
  testAccuracy?: number;
}

/** The optimizer of trainClassifier(), by name and settings. */
export interface ClassifierOptimizer {
  name: OptimizerName;
  lr: number;
  /** SGD and RMSProp momentum. */
  momentum?: number;
}

/** Model, parameters to train, optimizer, data and budget of trainClassifier(). */
export interface TrainClassifierOptions {
  /** Initialised already (seed it before building it). */
  model: Module;
  /** What the optimizer updates: all of the model's parameters, or the head's alone. */
  parameters: Tensor[];
  optimizer: ClassifierOptimizer;
  train: TensorDataset;
  test: TensorDataset;
  /** Capped at the number of training samples, so that a 10-example set is one full batch. */
  batch: number;
  /** Data order and the generator (dropout). */
  seed: number;
  /** At least one of epochs and steps: steps suit tiny training sets, where an epoch is a single step. */
  epochs?: number;
  steps?: number;
  /** Test after every epoch, for onEpoch; otherwise only once at the end. */
  testEveryEpoch?: boolean;
  /** Called after each epoch with its losses and accuracies. */
  onEpoch?(epoch: ClassifierEpoch): void;
  /** Write a checkpoint there after every epoch (and on a stop request), so that a run can continue. */
  checkpointDir?: string;
  /** Continue from checkpointDir's last checkpoint instead of from the model's weights. */
  resume?: boolean;
  /** Aborting stops after the current batch (with a checkpoint): the outcome says interrupted, untested. */
  signal?: AbortSignal;
}

/** The final losses and test accuracy of trainClassifier(), and where it diverged if it did. */
export interface ClassifierOutcome {
  /** Mean over the last epoch (its part before stopping, for a step budget); the non-finite value where it diverged. */
  trainLoss: number;
  testLoss: number;
  /** Of the final weights; of the last weights before the bad step where it diverged. */
  testAccuracy: number;
  /** Where it diverged: the epoch, and the step whose loss (or, after an epoch, whose test loss) was not finite. */
  divergence?: { epoch: number; step: number };
  /** Stopped by the signal before its budget was spent: losses NaN, nothing tested. */
  interrupted?: boolean;
}

/** Trains `model` with cross-entropy until its epoch or step budget is spent (or it diverges), then tests it. */
export async function trainClassifier(options: TrainClassifierOptions): Promise<ClassifierOutcome> {
  const { model, train, test, seed, onEpoch } = options;
  const optimizer = createOptimizer(options.optimizer.name, options.parameters, options.optimizer);
  const trainLoader = new DataLoader(train, { batchSize: Math.min(options.batch, train.inputs.shape[0]!), shuffle: true, seed });
  const testLoader = new DataLoader(test, { batchSize: 500 });
  const trainer = new Trainer({
    model,
    optimizer,
    loss: classificationLoss,
    train: trainLoader,
    ...(options.testEveryEpoch ? { validation: testLoader } : {}),
    ...(options.epochs !== undefined ? { maxEpochs: options.epochs } : {}),
    ...(options.steps !== undefined ? { maxSteps: options.steps } : {}),
    seed,
    progress: 'none',
    ...(options.checkpointDir !== undefined ? { checkpointDir: options.checkpointDir } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    callbacks: [
      {
        onEpochEnd: (metrics) =>
          onEpoch?.({
            epoch: metrics.epoch,
            step: metrics.step,
            trainLoss: metrics.trainLoss,
            trainAccuracy: metrics.trainTerms.accuracy!,
            ...(metrics.validationLoss !== undefined ? { testLoss: metrics.validationLoss, testAccuracy: metrics.validationTerms!.accuracy! } : {}),
          }),
      },
    ],
  });
  let trainLoss: number;
  let divergence: NonFiniteLossError | undefined;
  try {
    if (options.resume) trainer.resume();
    const result = await trainer.fit();
    if (result.reason === 'interrupted') return { trainLoss: Number.NaN, testLoss: Number.NaN, testAccuracy: Number.NaN, interrupted: true };
    trainLoss = result.last?.trainLoss ?? Number.NaN; // none where a resumed run had finished its epochs already
  } catch (error) {
    if (!(error instanceof NonFiniteLossError)) throw error;
    divergence = error;
    trainLoss = error.value;
  } finally {
    // The optimizer is of no use after training: its state (Adam's moments) goes now, not at garbage collection.
    tidy(() => Object.values(optimizer.stateDict().tensors).forEach((tensor) => tensor.dispose()));
  }
  const tested = evaluateClassifier(model, testLoader);
  return {
    trainLoss,
    testLoss: tested.loss,
    testAccuracy: tested.accuracy,
    ...(divergence ? { divergence: { epoch: divergence.epoch, step: divergence.step } } : {}),
  };
}
