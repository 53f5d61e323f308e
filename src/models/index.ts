// Autoencoders, VAEs, GANs and RBMs: one file per family.
export { ConvAutoencoder, convAutoencoderDefaults, type ConvAutoencoderOptions, type UpsampleMode } from './conv-ae.js';
export { isGenerative, isAutoencoder, type Autoencoder, type GenerativeAutoencoder, type LossTerms } from './autoencoder.js';
export { DeterministicAutoencoder, type ObjectiveOptions } from './deterministic-ae.js';
export { ContractiveAutoencoder, contractiveDefaults, jacobianNormSquared, sigmoidJacobianNormSquared, type ContractiveAutoencoderOptions } from './contractive.js';
export { MlpAutoencoder, mlpAutoencoderDefaults, type MlpAutoencoderOptions } from './mlp-ae.js';
export { ShallowAutoencoder, shallowAutoencoderDefaults, type ShallowAutoencoderOptions } from './shallow-ae.js';
export {
  VariationalAutoencoder, MlpVariationalAutoencoder, variationalDefaults, gaussianDecoderDefaults, mlpVariationalDefaults,
  type VariationalOptions, type MlpVariationalAutoencoderOptions, type DecoderLikelihood,
} from './vae.js';
export {
  HypersphericalVariationalAutoencoder, MlpHypersphericalVae, ConvHypersphericalVae, mlpHypersphericalDefaults, convHypersphericalDefaults, checkSphereLatent,
  type HypersphericalOptions, type MlpHypersphericalOptions, type ConvHypersphericalOptions,
} from './svae.js';
export { ConvVariationalAutoencoder, convVariationalDefaults, type ConvVariationalAutoencoderOptions } from './conv-vae.js';
export { activationNames, createActivation, type ActivationName } from './activations.js';
export { reconstructionLosses, reconstructionLoss, parseReconstruction, type ReconstructionLoss, type ParsedReconstruction } from './reconstruction.js';
export {
  parseDenoise, parseSparse, corrupt, sparsityPenalty, defaultKLSparsityWeight, type Denoise, type Sparsity,
} from './regularizers.js';
export { modelNames, adversarialModelNames, ganModelNames, modelConfigSchema, parseModelConfig, createModel, createLabModel, type ModelName, type ModelConfig, type LabModel, type ModelData } from './registry.js';
export { MlpClassifier, mlpClassifierDefaults, EncoderClassifier, createConvEncoder, type MlpClassifierOptions, type EncoderClassifierOptions, type EncoderMode } from './classifier.js';
export { LeNet, leNetDefaults, leNetFeatureSize, type LeNetOptions } from './lenet.js';
export { isGenerativeModel, generateSamples, type GenerativeModel } from './generative.js';
export { GenerativeAdversarialNetwork, isAdversarial, ganDefaults, fixedNoiseSize, type AdversarialModel, type AdversarialSchedule, type GanOptions } from './adversarial.js';
export { MlpGan, mlpGanDefaults, type MlpGanOptions } from './gan.js';
export { Dcgan, DcganDiscriminator, dcganDefaults, type DcganOptions } from './dcgan.js';
export { ganLosses, discriminatorLoss, generatorLoss, gradientPenalty, gradientPenaltyWeight, type GanLoss } from './gan-losses.js';
export { AdversarialAutoencoder, aaeDefaults, aaePriors, mixtureComponents, type AaePrior, type AdversarialAutoencoderOptions } from './aae.js';
export { RestrictedBoltzmannMachine, rbmTestMetrics, gaussianInputWarning, rbmDefaults, visibleUnits, defaultGibbsSteps, type RbmOptions, type VisibleUnits } from './rbm.js';
export { exactLogPartition, annealedLogPartition, baseRateBiases, meanLogLikelihood, type AnnealingOptions, type AnnealingEstimate } from './rbm-partition.js';
export { DeepBeliefNet, pretrainDeepBeliefNet, momentumSwitchEpoch, type PretrainOptions } from './dbn.js';
export { WassersteinAutoencoder, ConvWassersteinAutoencoder, PriorMatchingAutoencoder, ConvPriorMatchingAutoencoder, MmdPenalty, wassersteinDefaults, type WassersteinOptions, type ConvWassersteinOptions, type PriorPenaltyOptions, type ConvPriorPenaltyOptions, type PriorPenalty } from './wae.js';
export { SlicedWassersteinAutoencoder, ConvSlicedWassersteinAutoencoder, SlicedPenalty, slicedWassersteinDefaults, slicedPriors, type SlicedPrior, type SlicedWassersteinOptions, type ConvSlicedWassersteinOptions, type SlicedPenaltyOptions } from './swae.js';
export { ImportanceWeightedAutoencoder, ConvImportanceWeightedAutoencoder, ImportanceWeightedVariationalAutoencoder, importanceWeightedDefaults, type ImportanceWeightedOptions, type ConvImportanceWeightedOptions, type ImportanceWeightingOptions, type LogWeights } from './iwae.js';
export { MixturePriorVariationalAutoencoder, mixturePriorDefaults, type MixturePriorOptions } from './gmvae.js';
export { adjustedRandIndex, matchedAccuracy, minimumCostAssignment } from './gmvae-agreement.js';
export { Flow, PlanarFlow, AffineCoupling, parseFlow, flowKinds, type FlowKind, type FlowSpec, type FlowLayer } from './flows.js';
export { LabelledAutoencoder, labelledAutoencoderDefaults, isLabelledAutoencoder, unlabelledTarget, type ClassifyingAutoencoder, type LabelledAutoencoderOptions } from './supervised-ae.js';
export { SemiSupervisedVae, m2Defaults, type M2Options } from './m2.js';
export { StackedSemiSupervisedVae, m1m2Defaults, type M1M2Options } from './m1m2.js';
export { MultiTaskAutoencoder, TaskHead, multiTaskDefaults, sharingModes, softSharingPenalty, taskTargets, taskTermName, isMultiTaskAutoencoder, type MultiTaskAutoencoderOptions, type Sharing } from './multitask-ae.js';
