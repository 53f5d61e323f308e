// The engine benchmark's workloads: the models of the design notes trained with Adam on
// Fashion-MNIST. bench/engine_baseline.py defines the same three in PyTorch.
import * as nn from '../nn/index.js';
import { ConvAutoencoder } from '../models/conv-ae.js';
import { F } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { adaptThreads } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

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
 * One workload's model and optimizer, trained in measured slices on `images` ([N, 784] floats in
 * [0, 1]) after a warm-up. Batches are consecutive slices, as in the baseline.
 */
export class WorkloadTrainer {
  readonly #model: nn.Module;
  readonly #optimizer: Adam;
  readonly #data: Tensor;
  #step = 0;

  constructor(
    readonly workload: Workload,
    images: Tensor,
    warmupSteps = 10,
  ) {
    this.#model = workload.conv ? new ConvAutoencoder({ latent: 32 }) : denseAutoencoder();
    this.#data = workload.conv ? images.view(-1, 1, 28, 28) : images.view(-1, 784);
    this.#optimizer = new Adam(this.#model.parameters(), { lr: 1e-3 });
    for (let i = 0; i < warmupSteps; i++) this.#trainStep();
  }

  /** Trains for `seconds` and returns samples per second. */
  measure(seconds: number): number {
    let samples = 0;
    const begin = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < seconds) {
      this.#trainStep();
      adaptThreads(); // as the Trainer does: the default threads follow the load
      samples += this.workload.batch;
      elapsed = Number(process.hrtime.bigint() - begin) / 1e9;
    }
    return samples / elapsed;
  }

  dispose(): void {
    this.#model.dispose();
    this.#data.dispose();
  }

  #trainStep(): void {
    tidy(() => {
      const { batch } = this.workload;
      const count = this.#data.shape[0]!;
      const batchData = this.#data.narrow(0, (this.#step++ * batch) % (count - batch), batch);
      this.#optimizer.zeroGrad();
      const loss = F.mseLoss(this.#model.forward(batchData), batchData);
      loss.backward();
      this.#optimizer.step();
    });
  }
}
