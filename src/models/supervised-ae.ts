// Autoencoders with a classifier head on the code (Le, Patterson & White 2018; Ranzato & Szummer
// 2008): supervised-ae minimises L_p + λ·L_r on labelled data, semi-ae E_R + α·E_C where E_R runs
// over every sample and E_C over the labelled ones (target −1 marks a sample without a label).
import * as nn from '../nn/index.js';
import * as F from '../nn/functional.js';
import { ArgumentError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch } from '../data/loader.js';
import type { Autoencoder, LossTerms } from './autoencoder.js';
import { checkPositiveInteger } from './checks.js';
import { MlpAutoencoder, mlpAutoencoderDefaults, type MlpAutoencoderOptions } from './mlp-ae.js';
import { MlpClassifier } from './classifier.js';
import { reconstructionLoss } from './reconstruction.js';

/** The target of a training sample whose label is withheld (semi-supervised runs). */
export const unlabelledTarget = -1;

/** Sizes and loss weights of the supervised and semi-supervised autoencoders (an MLP autoencoder with a softmax head on its code). */
export interface LabelledAutoencoderOptions extends Omit<MlpAutoencoderOptions, 'denoise' | 'sparse' | 'tied'> {
  numClasses: number;
  /** λ: weight of the reconstruction loss (supervised-ae: L_p + λ·L_r). */
  reconWeight?: number;
  /** α: weight of the classification loss (semi-ae: E_R + α·E_C). */
  classWeight?: number;
  /** Whether the model learns from unlabelled samples too (semi-ae); the run's data plumbing reads it. */
  semiSupervised?: boolean;
}

/** mlp-ae's defaults with both loss weights at 1. */
export const labelledAutoencoderDefaults = { ...mlpAutoencoderDefaults, reconWeight: 1, classWeight: 1 } as const;

/** An MLP autoencoder whose code also feeds a linear softmax head (the code is the head's only input). */
export class LabelledAutoencoder extends nn.Module implements Autoencoder {
  readonly conditional = false;
  readonly latent: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly reconWeight: number;
  readonly classWeight: number;
  readonly semiSupervised: boolean;
  readonly autoencoder: MlpAutoencoder;
  readonly head: MlpClassifier;

  constructor(options: LabelledAutoencoderOptions) {
    super();
    const { numClasses, reconWeight = 1, classWeight = 1, semiSupervised = false, ...autoencoder } = options;
    checkPositiveInteger(numClasses, 'numClasses');
    for (const [name, value] of [['reconWeight', reconWeight], ['classWeight', classWeight]] as const) {
      if (!(value >= 0 && Number.isFinite(value))) throw new ArgumentError(`${name} must be a non-negative number, got ${value}`);
    }
    this.numClasses = numClasses;
    this.reconWeight = reconWeight;
    this.classWeight = classWeight;
    this.semiSupervised = semiSupervised;
    this.autoencoder = this.registerModule('autoencoder', new MlpAutoencoder(autoencoder));
    this.latent = this.autoencoder.latent;
    this.inputShape = this.autoencoder.inputShape;
    this.head = this.registerModule('head', new MlpClassifier({ inputShape: [this.latent], numClasses, hidden: [] }));
  }

  encode(x: Tensor): Tensor {
    return this.autoencoder.encode(x);
  }

  decode(z: Tensor): Tensor {
    return this.autoencoder.decode(z);
  }

  reconstruct(x: Tensor): Tensor {
    return this.autoencoder.reconstruct(x);
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /** [N, ...inputShape] → class logits [N, numClasses], through the code. */
  classify(x: Tensor): Tensor {
    return tidy(() => this.head.forward(this.encode(x)));
  }

  /**
   * { total = reconWeight·recon + classWeight·classification, recon, classification }: recon over
   * every sample of the batch, classification (mean cross-entropy) over those with a label; a batch
   * without one contributes no classification loss.
   */
  loss(batch: Batch): LossTerms {
    if (!batch.targets) throw new ArgumentError('a supervised or semi-supervised autoencoder trains on labelled data: the batch has no targets');
    const targets = batch.targets;
    return tidy((): LossTerms => {
      const code = this.encode(batch.inputs); // [N, latent]
      const recon = reconstructionLoss(this.decode(code), batch.inputs, this.autoencoder.reconstruction);
      const logits = this.head.forward(code); // [N, classes]
      const labelled = targets.ge(0).sum().item();
      const summed = F.crossEntropy(logits, targets, { reduction: 'sum', ignoreIndex: unlabelledTarget });
      const classification = summed.div(Math.max(labelled, 1));
      return { total: recon.mul(this.reconWeight).add(classification.mul(this.classWeight)), recon, classification };
    });
  }
}

/** An autoencoder with a classifier of its own (supervised-ae, semi-ae, m2). */
export interface ClassifyingAutoencoder extends Autoencoder {
  /** [N, ...inputShape] → class logits [N, numClasses]. */
  classify(x: Tensor): Tensor;
  readonly numClasses: number;
}

/** Whether a model has a classifier head of its own (supervised-ae, semi-ae, m2). */
export function isLabelledAutoencoder(model: unknown): model is ClassifyingAutoencoder {
  return typeof (model as Partial<ClassifyingAutoencoder>).classify === 'function' && typeof (model as Partial<ClassifyingAutoencoder>).encode === 'function';
}
