// The engine benchmark's workloads: the models of the design notes trained with Adam on
// Fashion-MNIST. bench/engine_baseline.py defines the same three in PyTorch.
import * as nn from '../src/nn/index.js';
import { ConvAutoencoder } from '../src/models/conv-ae.js';
import { F } from '../src/nn/index.js';
import { Adam } from '../src/optim/index.js';
import { tidy } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';

export interface Workload {
  name: string;
  description: string;
  batch: number;
  conv: boolean;
}

export const workloads: Workload[] = [
  { name: 'dense-ae-b128', description: 'dense AE 784-256-32-256-784, batch 128', batch: 128, conv: false },
  { name: 'dense-ae-b512', description: 'dense AE 784-256-32-256-784, batch 512', batch: 512, conv: false },
  { name: 'conv-ae-b128', description: 'conv AE of the design notes (latent 32), batch 128', batch: 128, conv: true },
];

export function denseAutoencoder(): nn.Module {
  return new nn.Sequential(
    new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 32), new nn.ReLU(),
    new nn.Linear(32, 256), new nn.ReLU(), new nn.Linear(256, 784), new nn.Sigmoid(),
  );
}

/**
 * Trains `workload` on `images` ([N, 784] floats in [0, 1]) for `seconds` after `warmupSteps`,
 * and returns samples per second. Batches are consecutive slices, as in the baseline.
 */
export function measureWorkload(workload: Workload, images: Tensor, seconds: number, warmupSteps = 10): number {
  const model = workload.conv ? new ConvAutoencoder({ latent: 32 }) : denseAutoencoder();
  const data = workload.conv ? images.view(-1, 1, 28, 28) : images;
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const count = data.shape[0]!;
  let step = 0;
  const trainStep = () =>
    tidy(() => {
      const start = (step++ * workload.batch) % (count - workload.batch);
      const batch = data.narrow(0, start, workload.batch);
      optimizer.zeroGrad();
      const loss = F.mseLoss(model.forward(batch), batch);
      loss.backward();
      optimizer.step();
    });
  for (let i = 0; i < warmupSteps; i++) trainStep();
  let samples = 0;
  const begin = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    trainStep();
    samples += workload.batch;
    elapsed = Number(process.hrtime.bigint() - begin) / 1e9;
  }
  model.dispose();
  if (data !== images) data.dispose();
  return samples / elapsed;
}
