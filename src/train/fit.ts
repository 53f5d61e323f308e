// A compact autoencoder training loop: shuffled mini-batches, reconstruction loss, per-epoch
// train and test loss. The demo and the benchmarks use it; the full Trainer builds on it.
import { noGrad } from '../tensor/autograd.js';
import { randperm } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { mseLoss } from '../nn/functional.js';

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  seconds: number;
}

export interface FitOptions {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  /** Training inputs, first dimension = samples. */
  train: Tensor;
  test: Tensor;
  epochs: number;
  batchSize: number;
  /** Loss of a reconstruction against its input; mean squared error by default. */
  loss?: (reconstruction: Tensor, input: Tensor) => Tensor;
  onEpoch?: (report: EpochReport) => void;
  onStep?: (step: number, loss: number) => void;
}

export function fitAutoencoder(options: FitOptions): EpochReport[] {
  const { model, optimizer, train, test, epochs, batchSize } = options;
  const lossOf = options.loss ?? ((x: Tensor, y: Tensor) => mseLoss(x, y));
  const reports: EpochReport[] = [];
  const count = train.shape[0]!;
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const begin = performance.now();
    model.train();
    const order = randperm(count);
    let total = 0;
    for (let start = 0; start < count; start += batchSize) {
      const loss = tidy(() => {
        const batch = train.indexSelect(0, order.narrow(0, start, Math.min(batchSize, count - start)));
        optimizer.zeroGrad();
        const value = lossOf(model.forward(batch), batch);
        value.backward();
        optimizer.step();
        return value.item() * batch.shape[0]!;
      });
      total += loss;
      options.onStep?.(++step, loss / Math.min(batchSize, count - start));
    }
    order.dispose();
    const report = { epoch, trainLoss: total / count, testLoss: evaluate(model, test, batchSize, lossOf), seconds: (performance.now() - begin) / 1000 };
    reports.push(report);
    options.onEpoch?.(report);
  }
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
