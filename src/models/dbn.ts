// Deep belief nets (Hinton, Osindero & Teh 2006): RBMs trained greedily one layer at a time, each
// on the hidden probabilities of the one below, then fine-tuned by backpropagation either as a
// classifier (sigmoid layers with the RBMs' weights and a softmax on top: an MlpClassifier) or
// unrolled into a deep autoencoder (the encoder the RBMs' weights, the decoder their transposes:
// an MlpAutoencoder), as Hinton & Salakhutdinov (Science 2006). Fine-tuned models are the
// ordinary classes, so everything that trains or evaluates those takes them.
import { noGrad } from '../tensor/autograd.js';
import { ArgumentError } from '../tensor/errors.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy, keep } from '../tensor/scope.js';
import { cat } from '../tensor/combine.js';
import type { Tensor } from '../tensor/tensor.js';
import * as nn from '../nn/index.js';
import { DataLoader } from '../data/loader.js';
import { SGD } from '../optim/sgd.js';
import { Trainer } from '../train/trainer.js';
import { MlpAutoencoder } from './mlp-ae.js';
import { MlpClassifier } from './classifier.js';
import { RestrictedBoltzmannMachine } from './rbm.js';
import { checkPositiveInteger } from './checks.js';

/** Layer widths, epochs, batch size, learning rate, momentum and weight cost of a deep belief net's greedy layer-by-layer RBM pretraining. */
export interface PretrainOptions {
  /** Hidden widths, bottom to top, e.g. [1000, 500, 250, 30]. */
  layers: readonly number[];
  /** Epochs of each RBM. */
  epochs: number;
  batch: number;
  /** SGD learning rate of the logistic layers. */
  lr: number;
  /** Momentum: `initialMomentum` for the first 5 epochs, then this (the guide's 0.5 → 0.9). */
  momentum: number;
  initialMomentum?: number;
  /** L2 on the weights (the guide's weight-cost, 2e-4 in Hinton & Salakhutdinov's code). */
  weightCost: number;
  /** CD-k of every layer. */
  cd?: number;
  seed: number;
  /** The top RBM's hidden units linear with unit-variance Gaussian noise: the deep autoencoder's real-valued code. */
  linearTop?: boolean;
  /** The learning rate of a linear top layer (its units are unbounded; 1e-3 in the paper's code). */
  topLr?: number;
  /** After each RBM epoch: layer (from 0), epoch (from 1), mean reconstruction error per sample. */
  onEpoch?(layer: number, epoch: number, reconstruction: number): void;
}

/** Epochs at the initial momentum before the final one, as the guide (§9) and the paper's code. */
export const momentumSwitchEpoch = 5;

/** The stack of RBMs a greedy pretraining gives, bottom first. */
export class DeepBeliefNet extends nn.Module {
  readonly inputShape: readonly number[];
  readonly rbms: readonly RestrictedBoltzmannMachine[];

  constructor(inputShape: readonly number[], rbms: readonly RestrictedBoltzmannMachine[]) {
    super();
    if (rbms.length === 0) throw new ArgumentError('a deep belief net needs at least one RBM');
    this.inputShape = [...inputShape];
    this.rbms = rbms.map((rbm, i) => this.registerModule(`rbm${i}`, rbm));
  }

  /** The widths of the hidden layers, bottom to top. */
  get layers(): number[] {
    return this.rbms.map((rbm) => rbm.latent);
  }

  /** The top layer's hidden means [N, top] of samples [N, ...inputShape] (one upward pass). */
  forward(x: Tensor): Tensor {
    return tidy(() => this.rbms.reduce((h, rbm) => rbm.hiddenMean(h), x.flatten(1)));
  }

  /**
   * A classifier for fine-tuning: sigmoid layers with the RBMs' weights and hidden biases, and a
   * fresh softmax layer (nn.Linear's initialisation) on top. Every RBM must have Bernoulli hidden units.
   */
  toClassifier(numClasses: number): MlpClassifier {
    if (this.rbms.some((rbm) => rbm.hiddenUnits !== 'bernoulli')) throw new ArgumentError('a DBN classifier needs logistic hidden units in every layer: pretrain without linearTop');
    const classifier = new MlpClassifier({ inputShape: this.inputShape, numClasses, hidden: this.layers, activation: 'sigmoid' });
    const linears = classifier.layers.layers.filter((layer): layer is nn.Linear => layer instanceof nn.Linear);
    noGrad(() =>
      this.rbms.forEach((rbm, i) => {
        linears[i]!.weight.copy_(rbm.weight);
        linears[i]!.bias!.copy_(rbm.hiddenBias);
      }),
    );
    return classifier;
  }

  /**
   * The unrolled deep autoencoder: encoder layer i has RBM i's weights and hidden biases, decoder
   * layer i (from the top) their transposes and the visible biases, untied from then on; sigmoid
   * units, a linear code (the top RBM should have linear hidden units: linearTop), a sigmoid output
   * and cross-entropy reconstruction, as the paper's MNIST autoencoder.
   */
  toAutoencoder(): MlpAutoencoder {
    const layers = this.layers;
    const autoencoder = new MlpAutoencoder({
      inputShape: this.inputShape,
      latent: layers.at(-1)!,
      hidden: layers.slice(0, -1),
      activation: 'sigmoid',
      outputActivation: 'sigmoid',
      reconstruction: 'bce',
    });
    const linears = (stack: nn.Sequential) => stack.layers.filter((layer): layer is nn.Linear => layer instanceof nn.Linear);
    const [encoder, decoder] = [linears(autoencoder.encoder), linears(autoencoder.decoder)];
    noGrad(() =>
      this.rbms.forEach((rbm, i) => {
        encoder[i]!.weight.copy_(rbm.weight);
        encoder[i]!.bias!.copy_(rbm.hiddenBias);
        const mirror = decoder[this.rbms.length - 1 - i]!;
        mirror.weight.copy_(rbm.weight.t());
        mirror.bias!.copy_(rbm.visibleBias);
      }),
    );
    return autoencoder;
  }
}

/**
 * Greedy layer-wise pretraining on `inputs` [N, ...] with values in [0, 1]: RBM i (CD-k, SGD with
 * momentum and weight-cost) trains on the hidden probabilities of RBM i − 1.
 */
export function pretrainDeepBeliefNet(inputs: Tensor, options: PretrainOptions): DeepBeliefNet {
  const { layers, epochs, batch, lr, momentum, initialMomentum = 0.5, weightCost, cd = 1, seed, linearTop = false, topLr = 1e-3 } = options;
  if (layers.length === 0) throw new ArgumentError('give at least one hidden layer width, e.g. layers [500, 500]');
  layers.forEach((width) => checkPositiveInteger(width, 'every layer width'));
  checkPositiveInteger(epochs, 'epochs');
  const inputShape = inputs.shape.slice(1);
  const rbms: RestrictedBoltzmannMachine[] = [];
  let data = inputs.flatten(1);
  try {
    layers.forEach((width, layer) => {
      const top = layer === layers.length - 1;
      manualSeed(seed + layer);
      const rbm = new RestrictedBoltzmannMachine({ inputShape: [data.shape[1]!], latent: width, cd, weightCost, hiddenUnits: top && linearTop ? 'gaussian' : 'bernoulli' });
      rbms.push(rbm);
      const optimizer = new SGD(rbm.parameters(), { lr: top && linearTop ? topLr : lr, momentum: initialMomentum });
      new Trainer({
        model: rbm,
        optimizer,
        loss: (_m, b) => rbm.loss(b),
        train: new DataLoader({ inputs: data }, { batchSize: Math.min(batch, data.shape[0]!), shuffle: true, seed: seed + layer }),
        maxEpochs: epochs,
        seed: seed + layer,
        progress: 'none',
        callbacks: [
          {
            onEpochEnd: (metrics) => {
              if (metrics.epoch === momentumSwitchEpoch) for (const group of optimizer.paramGroups) group.momentum = momentum;
              options.onEpoch?.(layer, metrics.epoch, metrics.trainTerms.reconstruction!);
            },
          },
        ],
      }).fitSync();
      optimizer.dispose();
      rbm.eval();
      if (!top) {
        const next = hiddenProbabilities(rbm, data);
        if (data !== inputs) data.dispose();
        data = next;
      }
    });
  } catch (error) {
    rbms.forEach((rbm) => rbm.dispose());
    throw error;
  } finally {
    if (data !== inputs) data.dispose();
  }
  return new DeepBeliefNet(inputShape, rbms);
}

// E[h | v] of every sample, in chunks (the activations of 60,000 digits fit; their graphs need not).
function hiddenProbabilities(rbm: RestrictedBoltzmannMachine, data: Tensor): Tensor {
  return noGrad(() =>
    tidy(() => {
      const chunks: Tensor[] = [];
      for (let start = 0; start < data.shape[0]!; start += 1000) chunks.push(rbm.hiddenMean(data.narrow(0, start, Math.min(1000, data.shape[0]! - start))));
      return keep(cat(chunks, 0));
    }),
  );
}
