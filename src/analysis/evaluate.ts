// Test-set metrics of a trained autoencoder, as `latentlab eval` prints them and a finished run
// records them: reconstruction error per pixel (MSE, BCE), PSNR and SSIM for images, and for
// VAEs the ELBO and (optionally) the importance-weighted bound, all in eval mode.
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LoadedDataset } from '../data/datasets.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { meanBinaryCrossEntropy, mse, psnr, ssim } from './image-quality.js';

/** Batch size and importance samples of evaluateAutoencoder. */
export interface EvaluationOptions {
  batchSize?: number;
  /** Samples per test point of the IWAE bound (VAEs); 0 skips it (the default: it costs k decoder passes). */
  iwaeSamples?: number;
}

/** Test metrics by name (test_mse, test_bce, test_psnr, ...), as evaluateAutoencoder returns them. */
export type EvaluationMetrics = Record<string, number>;

interface Variational {
  elbo(x: Tensor, labels?: Tensor): Tensor;
  importanceWeightedBound(x: Tensor, k: number, labels?: Tensor): Tensor;
}

interface Clustering {
  clusterAgreement(x: Tensor, labels: Tensor): { ari: number; accuracy: number };
}

/** Models that assign each input to a cluster (gmvae), scored against the class labels. */
export function isClustering(model: Autoencoder): model is Autoencoder & Clustering {
  return typeof (model as Partial<Clustering>).clusterAgreement === 'function';
}

/** Whether an autoencoder is variational: it has an ELBO and an importance-weighted bound to report. */
export function isVariational(model: Autoencoder): model is Autoencoder & Variational {
  return typeof (model as Partial<Variational>).elbo === 'function' && typeof (model as Partial<Variational>).importanceWeightedBound === 'function';
}

/**
 * Means over the test set, weighted by batch size: test_mse and test_bce per input value,
 * test_psnr and test_ssim per image (images only), test_elbo and test_iwae per sample in nats (VAEs),
 * test_cluster_ari and test_cluster_accuracy (clustering models, labelled data).
 */
export function evaluateAutoencoder(model: Autoencoder, test: LoadedDataset, options: EvaluationOptions = {}): EvaluationMetrics {
  const { batchSize = 500, iwaeSamples = 0 } = options;
  const images = test.inputs.ndim === 4;
  const variational = isVariational(model);
  const labelled = model.conditional;
  const count = test.inputs.shape[0]!;
  const sums: Record<string, number> = {};
  const add = (key: string, value: number, weight: number) => (sums[key] = (sums[key] ?? 0) + value * weight);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let start = 0; start < count; start += batchSize) {
        tidy(() => {
          const size = Math.min(batchSize, count - start);
          const x = test.inputs.narrow(0, start, size);
          const labels = labelled ? test.targets.narrow(0, start, size) : undefined;
          const reconstruction = model.reconstruct(x, labels);
          add('test_mse', mse(reconstruction, x), size);
          add('test_bce', meanBinaryCrossEntropy(reconstruction, x), size);
          if (images) {
            add('test_psnr', psnr(reconstruction, x), size);
            add('test_ssim', ssim(reconstruction, x), size);
          }
          if (variational) {
            add('test_elbo', model.elbo(x, labels).item(), size);
            if (iwaeSamples > 0) add('test_iwae', model.importanceWeightedBound(x, iwaeSamples, labels).item(), size);
          }
        });
      }
    });
    if (isClustering(model) && test.targets.dtype === 'int64' && test.targets.ndim === 1) {
      const { ari, accuracy } = noGrad(() => model.clusterAgreement(test.inputs, test.targets));
      Object.assign(sums, { test_cluster_ari: ari * count, test_cluster_accuracy: accuracy * count });
    }
  } finally {
    model.train(wasTraining);
  }
  return Object.fromEntries(Object.entries(sums).map(([key, total]) => [key, total / count]));
}
