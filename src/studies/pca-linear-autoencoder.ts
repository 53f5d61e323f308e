// The linear autoencoder of the linear-ae-vs-pca study, x̂ = W_d W_e x on centred data, trained
// by the Trainer on the summed squared error, optionally with an orthonormality penalty on W_d.
import { noGrad } from '../tensor/autograd.js';
import { eye } from '../tensor/creation.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import * as nn from '../nn/index.js';
import { Adam, CosineAnnealingLR } from '../optim/index.js';
import { DataLoader, type Batch } from '../data/loader.js';
import { Trainer } from '../train/trainer.js';

/**
 * z = W_e x, x̂ = W_d z, without biases: on centred data a bias would only have to learn the
 * mean, and without it the minimisers are exactly PCA's (Baldi & Hornik 1989).
 *
 * The decoder starts with orthonormal columns (Saxe et al. 2014). PyTorch's default U(±1/√k)
 * gives them norms √(D/3k), 6 to 16 here, against encoder rows of norm ~0.6: the unbalanced
 * factors slow training down (measured on MNIST, k = 10, 8 epochs: 0.8% above the optimum with
 * a largest principal angle of 78°, against 0.02% and 4°), and under the orthonormality penalty
 * they start it near 10⁴, whose gradients fill Adam's second-moment estimate for about a
 * thousand steps and stall the reconstruction (48% above the optimum after 8 epochs).
 */
export class LinearAutoencoder extends nn.Module {
  readonly encoder: nn.Linear;
  /** Its weight [D, k] is W_d: the columns span the subspace the reconstructions live in. */
  readonly decoder: nn.Linear;

  constructor(features: number, latent: number) {
    super();
    this.encoder = this.registerModule('encoder', new nn.Linear(features, latent, { bias: false }));
    this.decoder = this.registerModule('decoder', new nn.Linear(latent, features, { bias: false }));
    nn.init.orthogonal_(this.decoder.weight);
  }

  forward(x: Tensor): Tensor {
    return this.decoder.forward(this.encoder.forward(x)); // [N, D] → [N, k] → [N, D]
  }
}

export interface LinearAutoencoderTraining {
  latent: number;
  epochs: number;
  batch: number;
  /** Adam's initial rate, annealed to 0 along a cosine over the epochs (unless schedule is 'constant'). */
  lr: number;
  /** 'cosine' (default) or 'constant': a fixed rate keeps the minibatch noise to the end (the batch-size sweep measures it). */
  schedule?: 'cosine' | 'constant';
  /** Stop after this many steps (within the epochs), so that runs of different batch sizes take as many steps. */
  maxSteps?: number;
  /** λ of λ‖W_dᵀW_d − I‖²_F added to the loss; 0 for none. */
  orthonormality: number;
  seed: number;
}

/** Mean over samples (rows) of ‖x − x̂‖², summed over features: the error the covariance spectrum bounds. */
export function meanSquaredError(x: Tensor, reconstruction: Tensor): number {
  return tidy(() => x.sub(reconstruction).square().sum({ dim: 1 }).to('float64').mean().item());
}

/** ‖W_dᵀW_d − I‖²_F of a decoder weight W_d [D, k]: 0 when its columns are orthonormal. */
export function orthonormalityPenalty(decoderWeight: Tensor): Tensor {
  const k = decoderWeight.shape[1]!;
  return decoderWeight.T.matmul(decoderWeight).sub(eye(k, k, { dtype: decoderWeight.dtype })).square().sum();
}

/**
 * Trains a linear autoencoder on centred data [N, D] with Adam and a cosine-annealed rate: large
 * steps first, then small ones to settle into the minimum, which a 2% tolerance needs (a fixed
 * rate leaves the error hovering above it). `onEpoch` gets each epoch's mean training loss.
 */
export async function trainLinearAutoencoder(data: Tensor, options: LinearAutoencoderTraining, onEpoch?: (epoch: number, loss: number) => void): Promise<LinearAutoencoder> {
  const { latent, epochs, batch, lr, orthonormality, seed, schedule = 'cosine', maxSteps } = options;
  manualSeed(seed);
  const model = new LinearAutoencoder(data.shape[1]!, latent);
  const optimizer = new Adam(model.parameters(), { lr });
  const loss = (_: nn.Module, { inputs }: Batch) => {
    const reconstruction = inputs.sub(model.forward(inputs)).square().sum({ dim: 1 }).mean();
    if (orthonormality === 0) return reconstruction;
    const penalty = orthonormalityPenalty(model.decoder.weight);
    return { total: reconstruction.add(penalty.mul(orthonormality)), reconstruction, orthonormality: penalty };
  };
  const trainer = new Trainer({
    model,
    optimizer,
    loss,
    train: new DataLoader({ inputs: data }, { batchSize: Math.min(batch, data.shape[0]!), shuffle: true, seed }),
    maxEpochs: epochs,
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(schedule === 'cosine' ? { scheduler: new CosineAnnealingLR(optimizer, { tMax: epochs }) } : {}),
    seed,
    progress: 'none',
    callbacks: [{ onEpochEnd: (metrics) => onEpoch?.(metrics.epoch, metrics.trainLoss) }],
  });
  try {
    await trainer.fit();
  } finally {
    // Adam's moments are of no use after training: they go now, not at garbage collection.
    tidy(() => Object.values(optimizer.stateDict().tensors).forEach((tensor) => tensor.dispose()));
  }
  model.eval();
  return model;
}

/** The model's meanSquaredError on centred data [N, D]. */
export function autoencoderError(model: LinearAutoencoder, data: Tensor): number {
  return noGrad(() => tidy(() => meanSquaredError(data, model.forward(data))));
}
