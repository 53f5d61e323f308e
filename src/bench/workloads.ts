// The engine benchmark's workloads: the models of the design notes trained with Adam on
// Fashion-MNIST, a DCGAN's D-and-G step, an RBM's CD-1 update, an MLP VAE's negative ELBO, and
// the activation-table study's per-sample SGD steps, where the cost of each operator call (not
// the arithmetic) sets the pace. bench/engine_baseline.py defines the same in PyTorch.
import * as nn from '../nn/index.js';
import { ConvAutoencoder } from '../models/conv-ae.js';
import { Dcgan } from '../models/dcgan.js';
import { MlpVariationalAutoencoder } from '../models/vae.js';
import type { StepContext } from '../train/step.js';
import type { Batch } from '../data/loader.js';
import { arange } from '../tensor/creation.js';
import { F } from '../nn/index.js';
import { Adam, SGD } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import { RestrictedBoltzmannMachine } from '../models/rbm.js';
import { ShallowAutoencoder } from '../models/shallow-ae.js';
import { adaptThreads } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { WorkloadName } from './workload-names.js';

export interface Workload {
  name: WorkloadName;
  description: string;
  batch: number;
  model: 'dense' | 'conv' | 'dcgan' | 'rbm' | 'vae' | 'shallow';
}

export const workloads: Workload[] = [
  { name: 'dense-ae-b128', description: 'dense AE 784-256-32-256-784, batch 128', batch: 128, model: 'dense' },
  { name: 'dense-ae-b512', description: 'dense AE 784-256-32-256-784, batch 512', batch: 512, model: 'dense' },
  { name: 'conv-ae-b128', description: 'conv AE of the design notes (latent 32), batch 128', batch: 128, model: 'conv' },
  { name: 'dcgan-b128', description: 'dcgan (ns loss), one D step and one G step per batch of 128', batch: 128, model: 'dcgan' },
  { name: 'rbm-cd1-b128', description: 'RBM 784-500, one CD-1 update (SGD, momentum 0.5) per batch of 128', batch: 128, model: 'rbm' },
  { name: 'vae-b128', description: 'MLP VAE 784-400-(20+20), 20-400-784, ReLU, Bernoulli decoder, negative ELBO, batch 128', batch: 128, model: 'vae' },
  { name: 'shallow-ae-b1', description: 'shallow AE 784-100-784 without biases (sigmoid), ½‖x − x̂‖², plain SGD, one sample per step', batch: 1, model: 'shallow' },
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
  readonly #optimizers: Optimizer<{ lr: number }>[];
  readonly #step: () => void;
  readonly #data: Tensor;
  #batches = 0;

  constructor(
    readonly workload: Workload,
    images: Tensor,
    warmupSteps = 10,
  ) {
    this.#data = workload.model === 'conv' || workload.model === 'dcgan' ? images.view(-1, 1, 28, 28) : images.view(-1, 784);
    if (workload.model === 'rbm') {
      // The Trainer's path for an RBM: backward() of the CD surrogate gives the CD gradient (rbm.ts).
      const rbm = new RestrictedBoltzmannMachine({ inputShape: [784], latent: 500 });
      const optimizer = new SGD(rbm.parameters(), { lr: 0.1, momentum: 0.5 });
      this.#model = rbm;
      this.#optimizers = [optimizer];
      this.#step = () => {
        optimizer.zeroGrad();
        rbm.loss(this.#nextBatch()).total.backward();
        optimizer.step();
      };
    } else if (workload.model === 'dcgan') {
      const gan = new Dcgan({ latent: 100 });
      const adam = (params: Tensor[]) => new Adam(params, { lr: 2e-4, betas: [0.5, 0.999] });
      const optimizers: Record<string, Adam> = { d: adam(gan.discriminator.parameters()), g: adam(gan.generator.parameters()) };
      // The Trainer's own context adds finiteness and gradient-norm checks; the baseline has none.
      const update = (name: string, loss: Tensor) => {
        optimizers[name]!.zeroGrad();
        loss.backward();
        optimizers[name]!.step();
      };
      this.#model = gan;
      this.#optimizers = Object.values(optimizers);
      this.#step = () => {
        const context: StepContext = { update, epoch: 1, step: this.#batches };
        gan.trainStep(this.#nextBatch(), context, { dSteps: 1, gSteps: 1 });
      };
    } else if (workload.model === 'shallow' || workload.model === 'vae') {
      // A step on the model's own loss, as the baseline's model_loss_step. vae: pytorch/examples'
      // VAE (one hidden layer of 400, latent 20), the baseline's MlpVae; shallow: the
      // activation-table study's model and optimizer (studies/activation-table.ts) at a constant step.
      const model =
        workload.model === 'vae'
          ? new MlpVariationalAutoencoder({ inputShape: [784], latent: 20, hidden: [400] })
          : new ShallowAutoencoder({ inputShape: [784], latent: 100, activation: 'sigmoid', reconstruction: 'half-sse' });
      const optimizer = workload.model === 'vae' ? new Adam(model.parameters(), { lr: 1e-3 }) : new SGD(model.parameters(), { lr: 0.005 });
      this.#model = model;
      this.#optimizers = [optimizer];
      this.#step = () => {
        const batch = this.#nextBatch();
        optimizer.zeroGrad();
        model.loss(batch).total.backward();
        optimizer.step();
      };
    } else {
      const model = workload.model === 'conv' ? new ConvAutoencoder({ latent: 32 }) : denseAutoencoder();
      const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
      this.#model = model;
      this.#optimizers = [optimizer];
      this.#step = () => {
        const batchData = this.#nextBatch().inputs;
        optimizer.zeroGrad();
        F.mseLoss(model.forward(batchData), batchData).backward();
        optimizer.step();
      };
    }
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
    for (const optimizer of this.#optimizers) optimizer.dispose();
    this.#model.dispose();
    this.#data.dispose();
  }

  #trainStep(): void {
    tidy(() => this.#step());
  }

  /** The next consecutive slice of the data, as the baseline takes it (inside the step's tidy). */
  #nextBatch(): Batch {
    const { batch } = this.workload;
    const start = (this.#batches++ * batch) % (this.#data.shape[0]! - batch);
    return { inputs: this.#data.narrow(0, start, batch), indices: arange(start, start + batch, 1, { dtype: 'int64' }), dispose() {} };
  }
}
