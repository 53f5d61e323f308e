// fitAutoencoder: the Trainer with the common autoencoder setup filled in (inputs as their own
// targets, shuffled mini-batches, per-epoch train and test loss), for scripts and benchmarks
// that have their data as two tensors. One loop in the codebase: this only configures it.
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { mseLoss } from '../nn/functional.js';
import { DataLoader } from '../data/loader.js';
import { Trainer } from './trainer.js';

/** One epoch of fitAutoencoder(): its mean train and test losses. */
export interface EpochReport {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  /** Training time of the epoch (test evaluation excluded). */
  seconds: number;
}

/** Model, optimizer, data, epochs, batch size and loss of fitAutoencoder(). */
export interface FitOptions {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  /** Training inputs, first dimension = samples. */
  train: Tensor;
  test: Tensor;
  epochs: number;
  batchSize: number;
  /** Seeds the shuffling and libtorch's generator; 0 by default. */
  seed?: number;
  /** Loss of a reconstruction against its input; mean squared error by default. */
  loss?: (reconstruction: Tensor, input: Tensor) => Tensor;
  /** Called after each epoch. */
  onEpoch?: (report: EpochReport) => void;
  /** Called after each optimizer step with its loss. */
  onStep?: (step: number, loss: number) => void;
}

/** A short training loop for an autoencoder on in-memory tensors (no checkpoints or resume: the Trainer has them). */
export function fitAutoencoder(options: FitOptions): EpochReport[] {
  const { model, batchSize, seed = 0 } = options;
  const lossOf = options.loss ?? ((x: Tensor, y: Tensor) => mseLoss(x, y));
  const reports: EpochReport[] = [];
  new Trainer({
    model,
    optimizer: options.optimizer,
    loss: (m, batch) => lossOf(m.forward(batch.inputs), batch.inputs),
    train: new DataLoader({ inputs: options.train }, { batchSize, shuffle: true, seed }),
    validation: new DataLoader({ inputs: options.test }, { batchSize }),
    maxEpochs: options.epochs,
    seed,
    progress: 'none',
    callbacks: [
      {
        onStep: (metrics) => options.onStep?.(metrics.step, metrics.loss),
        onEpochEnd: (metrics) => {
          const report = { epoch: metrics.epoch, trainLoss: metrics.trainLoss, testLoss: metrics.validationLoss!, seconds: metrics.seconds };
          reports.push(report);
          options.onEpoch?.(report);
        },
      },
    ],
  }).fitSync();
  return reports;
}

/** Mean loss over `data` in evaluation mode, without recording gradients. */
export function evaluate(model: Module, data: Tensor, batchSize: number, lossOf: (x: Tensor, y: Tensor) => Tensor): number {
  model.eval();
  const count = data.shape[0]!;
  let total = 0;
  noGrad(() => {
    for (let start = 0; start < count; start += batchSize) {
      total += tidy(() => {
        const batch = data.narrow(0, start, Math.min(batchSize, count - start));
        return lossOf(model.forward(batch), batch).item() * batch.shape[0]!;
      });
    }
  });
  return total / count;
}
