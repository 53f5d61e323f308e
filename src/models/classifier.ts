// Classifiers for the studies that ask what a representation is worth: an MLP on flattened
// inputs or on given features, and an MLP head on top of an encoder that is frozen or trained with it.
import * as nn from '../nn/index.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationName } from './activations.js';
import { checkBatch, checkPositiveInteger, sampleSize } from './checks.js';
import { convBottleneckLayers, convFeatureLayers, convFeatureSize } from './conv-layers.js';
import { convAutoencoderDefaults } from './conv-ae.js';
import { mlpLayers } from './mlp-layers.js';

/** Options of the MLP classifier: input shape, number of classes, hidden widths, activation and dropout. */
export interface MlpClassifierOptions {
  /** Shape of one sample: [D] for features, [1, 28, 28] for images (flattened inside). */
  inputShape: readonly number[];
  numClasses: number;
  /** Hidden widths, first to last; [] makes a linear (softmax regression) classifier. */
  hidden?: readonly number[];
  activation?: ActivationName;
  /** Dropout after each hidden activation; 0 for none. */
  dropout?: number;
}

/** Defaults of MlpClassifierOptions: one hidden layer of 100, relu, no dropout (as scikit-learn's MLPClassifier). */
export const mlpClassifierDefaults = { hidden: [100], activation: 'relu', dropout: 0 } as const satisfies Partial<MlpClassifierOptions>;

export class MlpClassifier extends nn.Module {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly layers: nn.Sequential;

  constructor(options: MlpClassifierOptions) {
    super();
    const { inputShape, numClasses, hidden = mlpClassifierDefaults.hidden, activation = mlpClassifierDefaults.activation, dropout = mlpClassifierDefaults.dropout } = options;
    checkPositiveInteger(numClasses, 'numClasses');
    this.inputShape = [...inputShape];
    this.numClasses = numClasses;
    const widths = [sampleSize(inputShape), ...hidden, numClasses];
    this.layers = this.registerModule('layers', new nn.Sequential(...mlpLayers(widths, { activation, batchNorm: false, dropout })));
  }

  /** [N, ...inputShape] → logits [N, numClasses] */
  forward(x: Tensor): Tensor {
    checkBatch(x, this.inputShape, 'MlpClassifier');
    if (this.inputShape.length === 1) return this.layers.forward(x);
    const flat = x.flatten(1); // [N, D]
    const logits = this.layers.forward(flat);
    flat.dispose();
    return logits;
  }
}

/**
 * A fresh encoder with ConvAutoencoder's layers ([N, 1, 28, 28] → [N, latent]), so that a
 * pretrained `ConvAutoencoder.encoder`'s state dict loads into it name for name.
 */
export function createConvEncoder(latent: number, dropout: number = convAutoencoderDefaults.dropout): nn.Sequential {
  checkPositiveInteger(latent, 'latent');
  return new nn.Sequential(...convFeatureLayers(), ...convBottleneckLayers(convFeatureSize, latent, dropout));
}

/** 'frozen': only the head learns, the encoder stays in eval mode; 'fine-tune': both learn. */
export type EncoderMode = 'frozen' | 'fine-tune';

/** Options of an MLP head on a pretrained encoder: the encoder, its output width, and whether it is frozen or fine-tuned. */
export interface EncoderClassifierOptions extends Omit<MlpClassifierOptions, 'inputShape'> {
  /** Maps a batch to [N, features]; the classifier owns it from now on (dispose() frees it). */
  encoder: nn.Module;
  /** Width of the encoder's output. */
  features: number;
  mode: EncoderMode;
}

/** An MLP head on an encoder's features. Build the optimizer from trainableParameters(). */
export class EncoderClassifier extends nn.Module {
  readonly encoder: nn.Module;
  readonly head: MlpClassifier;
  readonly mode: EncoderMode;

  constructor(options: EncoderClassifierOptions) {
    super();
    const { encoder, features, mode, ...head } = options;
    checkPositiveInteger(features, 'features');
    this.mode = mode;
    this.encoder = this.registerModule('encoder', encoder);
    this.head = this.registerModule('head', new MlpClassifier({ ...head, inputShape: [features] }));
    if (mode === 'frozen') this.encoder.eval();
  }

  /** The parameters an optimizer should update: the head's alone when the encoder is frozen. */
  trainableParameters(): Tensor[] {
    return this.mode === 'frozen' ? this.head.parameters() : this.parameters();
  }

  /** A frozen encoder stays in eval mode, so that training moves neither its batch-norm statistics nor applies its dropout. */
  override train(mode = true): this {
    super.train(mode);
    if (this.mode === 'frozen') this.encoder.train(false);
    return this;
  }

  /** [N, ...] → logits [N, numClasses] */
  forward(x: Tensor): Tensor {
    // A frozen encoder records no graph: nothing flows back into it, and its forward pass is cheaper.
    const features = this.mode === 'frozen' ? noGrad(() => this.encoder.forward(x)) : this.encoder.forward(x); // [N, features]
    const logits = this.head.forward(features);
    features.dispose();
    return logits;
  }
}
