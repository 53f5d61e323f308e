// Autoencoders, VAEs, GANs and RBMs: one file per family.
export { ConvAutoencoder, convAutoencoderDefaults, type ConvAutoencoderOptions, type UpsampleMode } from './conv-ae.js';
export { isGenerative, type Autoencoder, type GenerativeAutoencoder, type LossTerms } from './autoencoder.js';
export { DeterministicAutoencoder, type ObjectiveOptions } from './deterministic-ae.js';
export { MlpAutoencoder, mlpAutoencoderDefaults, type MlpAutoencoderOptions } from './mlp-ae.js';
export { ShallowAutoencoder, shallowAutoencoderDefaults, type ShallowAutoencoderOptions } from './shallow-ae.js';
export {
  VariationalAutoencoder, MlpVariationalAutoencoder, variationalDefaults, gaussianDecoderDefaults, mlpVariationalDefaults,
  type VariationalOptions, type MlpVariationalAutoencoderOptions, type DecoderLikelihood,
} from './vae.js';
export { ConvVariationalAutoencoder, convVariationalDefaults, type ConvVariationalAutoencoderOptions } from './conv-vae.js';
export { activationNames, createActivation, type ActivationName } from './activations.js';
export { reconstructionLosses, reconstructionLoss, type ReconstructionLoss } from './reconstruction.js';
export {
  parseDenoise, parseSparse, corrupt, sparsityPenalty, defaultKLSparsityWeight, type Denoise, type Sparsity,
} from './regularizers.js';
export { modelNames, modelConfigSchema, parseModelConfig, createModel, type ModelName, type ModelConfig } from './registry.js';
export { MlpClassifier, mlpClassifierDefaults, EncoderClassifier, createConvEncoder, type MlpClassifierOptions, type EncoderClassifierOptions, type EncoderMode } from './classifier.js';
export { LeNet, leNetDefaults, leNetFeatureSize, type LeNetOptions } from './lenet.js';
