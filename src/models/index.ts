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
export { modelNames, adversarialModelNames, modelConfigSchema, parseModelConfig, createModel, createLabModel, type ModelName, type ModelConfig, type LabModel } from './registry.js';
export { MlpClassifier, mlpClassifierDefaults, EncoderClassifier, createConvEncoder, type MlpClassifierOptions, type EncoderClassifierOptions, type EncoderMode } from './classifier.js';
export { LeNet, leNetDefaults, leNetFeatureSize, type LeNetOptions } from './lenet.js';
export { isGenerativeModel, generateSamples, type GenerativeModel } from './generative.js';
export { GenerativeAdversarialNetwork, isAdversarial, ganDefaults, fixedNoiseSize, type AdversarialModel, type AdversarialSchedule, type GanOptions } from './adversarial.js';
export { MlpGan, mlpGanDefaults, type MlpGanOptions } from './gan.js';
export { Dcgan, DcganDiscriminator, dcganDefaults, type DcganOptions } from './dcgan.js';
export { ganLosses, discriminatorLoss, generatorLoss, gradientPenalty, gradientPenaltyWeight, type GanLoss } from './gan-losses.js';
export { WassersteinAutoencoder, PriorMatchingAutoencoder, wassersteinDefaults, type WassersteinOptions, type PriorPenaltyOptions } from './wae.js';
export { SlicedWassersteinAutoencoder, slicedWassersteinDefaults, slicedPriors, type SlicedPrior, type SlicedWassersteinOptions } from './swae.js';
export { ImportanceWeightedAutoencoder, importanceWeightedDefaults, type ImportanceWeightedOptions, type LogWeights } from './iwae.js';
export { MixturePriorVariationalAutoencoder, mixturePriorDefaults, type MixturePriorOptions } from './gmvae.js';
export { adjustedRandIndex, matchedAccuracy, minimumCostAssignment } from './gmvae-agreement.js';
export { Flow, PlanarFlow, AffineCoupling, parseFlow, flowKinds, type FlowKind, type FlowSpec, type FlowLayer } from './flows.js';
