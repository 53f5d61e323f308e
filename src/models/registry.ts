// Model configurations: the model families by name, the schema of their options (one flat block,
// unknown keys rejected), the defaults of each family, and createModel. Each family takes only
// the options that apply to it; parseModelConfig says which when one does not.
//
// Defaults (besides each model file's *Defaults): latent 32 for the autoencoders, 20 for the
// VAEs (as pytorch/examples), 100 (the noise size) for the GANs, 8 for the adversarial autoencoder; a VAE or GAN is unconditional
// unless `conditional` is true.
import { z } from 'zod';
import { ArgumentError } from '../tensor/errors.js';
import { issueText, showValue } from '../tensor/schema.js';
import { activationNames } from './activations.js';
import type { Autoencoder } from './autoencoder.js';
import { ganDefaults, type AdversarialModel } from './adversarial.js';
import { AdversarialAutoencoder, aaeDefaults, aaePriors, type AaePrior } from './aae.js';
import { Dcgan, dcganDefaults } from './dcgan.js';
import { ganLosses, smoothable } from './gan-losses.js';
import { MlpGan, mlpGanDefaults } from './gan.js';
import { imageShape } from './conv-layers.js';
import { ContractiveAutoencoder, contractiveDefaults } from './contractive.js';
import { ConvAutoencoder, convAutoencoderDefaults } from './conv-ae.js';
import { ConvVariationalAutoencoder, convVariationalDefaults } from './conv-vae.js';
import { MlpAutoencoder, mlpAutoencoderDefaults } from './mlp-ae.js';
import { parseReconstruction, reconstructionLosses } from './reconstruction.js';
import { parseDenoise, parseSparse } from './regularizers.js';
import { RestrictedBoltzmannMachine, rbmDefaults, visibleUnits } from './rbm.js';
import { ShallowAutoencoder, shallowAutoencoderDefaults } from './shallow-ae.js';
import { checkSphereLatent, ConvHypersphericalVae, convHypersphericalDefaults, MlpHypersphericalVae, mlpHypersphericalDefaults } from './svae.js';
import { LabelledAutoencoder, labelledAutoencoderDefaults } from './supervised-ae.js';
import { m2Defaults, SemiSupervisedVae } from './m2.js';
import { m1m2Defaults, StackedSemiSupervisedVae } from './m1m2.js';
import { MultiTaskAutoencoder, multiTaskDefaults, sharingModes } from './multitask-ae.js';
import type { TargetTask } from '../data/csv-dataset.js';
import { gaussianDecoderDefaults, MlpVariationalAutoencoder, mlpVariationalDefaults, variationalDefaults } from './vae.js';
import { parseFlow } from './flows.js';
import { MixturePriorVariationalAutoencoder, mixturePriorDefaults } from './gmvae.js';
import { ConvImportanceWeightedAutoencoder, ImportanceWeightedAutoencoder, importanceWeightedDefaults } from './iwae.js';
import { ConvSlicedWassersteinAutoencoder, SlicedWassersteinAutoencoder, slicedPriors, slicedWassersteinDefaults } from './swae.js';
import { ConvWassersteinAutoencoder, WassersteinAutoencoder, wassersteinDefaults } from './wae.js';

import { adversarialModelNames, ganModelNames, modelNames, type ModelName } from './names.js';

export { adversarialModelNames, ganModelNames, modelNames, type ModelName } from './names.js';
/** What createModel builds: an autoencoder, or an adversarial model (a GAN). */
export type LabModel = Autoencoder | AdversarialModel;

// A string option in the short syntax of regularizers.ts, failing with that parser's message;
// `describe` comes last because wrapping a schema drops its description.
const shortSyntax = (parse: (text: string) => unknown) =>
  z.string().superRefine((text, context) => {
    try {
      parse(text);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

/** Largest latent size and hidden width: beyond, a layer's weights alone would not fit in memory. */
export const maxWidth = 65536;
const width = z.number().int().min(1).max(maxWidth);

/**
 * The options of every family, with their bounds: the one place a model option is checked (the
 * CLI's flags, choices and help text are generated from it; the models keep cheap asserts only).
 */
export const modelConfigSchema = z.strictObject({
  model: z.enum(modelNames),
  latent: width,
  /** Hidden widths of the MLP models' encoders, first to last; decoders mirror them. */
  hidden: z.array(width).min(1).max(64).optional(),
  activation: z.enum(activationNames).optional(),
  outputActivation: z.enum(['sigmoid', 'identity']).optional(),
  batchNorm: z.boolean().optional(),
  dropout: z.number().min(0).lt(1).optional(),
  upsample: z.enum(['deconv', 'nearest', 'bilinear']).optional(),
  denoise: shortSyntax(parseDenoise).optional().describe('a string like gaussian:0.3 or mask:0.25'),
  sparse: shortSyntax(parseSparse).optional().describe('a string like l1:1e-3 or kl:0.05'),
  tied: z.boolean().optional(),
  /** λ of the contractive AE's penalty λ‖∂h/∂x‖²_F. */
  contraction: z.number().min(0).optional(),
  /** shallow-ae: rows of W₁ and columns of W₂ kept at unit norm. */
  unitNorm: z.boolean().optional(),
  beta: z.number().min(0).optional(),
  conditional: z.boolean().optional(),
  decoder: z.enum(['bernoulli', 'gaussian']).optional(),
  /** σ of the Gaussian decoder. */
  decoderStd: z.number().positive().optional(),
  reconstruction: shortSyntax(parseReconstruction).optional().describe(`${reconstructionLosses.join(', ')}`),
  ganLoss: z.enum(ganLosses).optional(),
  /** One-sided label smoothing: D's target for real samples is 1 − s. */
  labelSmoothing: z.number().min(0).lt(1).optional(),
  /** σ of the Gaussian noise added to D's inputs. */
  instanceNoise: z.number().min(0).max(10).optional(),
  /** The prior on codes of the adversarial autoencoder (gaussian, mixture) and of swae (also ball, sphere). */
  prior: z.enum(slicedPriors).optional(),
  /** RBMs: the visible units' distribution (gaussian needs inputs standardised to mean 0, variance 1). */
  visible: z.enum(visibleUnits).optional(),
  /** RBMs: Gibbs steps of contrastive divergence (CD-k). */
  cd: z.number().int().min(1).max(1000).optional(),
  /** RBMs: persistent CD. */
  persistent: z.boolean().optional(),
  /** RBMs: persistent chains. */
  chains: width.optional(),
  /** RBMs: L2 penalty on the weights only (Hinton's weight-cost). */
  weightCost: z.number().min(0).max(1).optional(),
  /** wae's MMD kernel. */
  kernel: z.enum(['imq', 'rbf']).optional(),
  /** swae's random directions per batch. */
  projections: z.number().int().min(1).max(10000).optional(),
  /** gmvae's mixture components (one would be the plain VAE). */
  components: z.number().int().min(2).max(1000).optional(),
  /** iwae's importance samples per input. */
  samples: z.number().int().min(1).max(10000).optional(),
  /** A normalizing flow on the VAE's posterior. */
  flow: shortSyntax(parseFlow).optional().describe('a string like planar:8 or realnvp:4'),
  /** λ of supervised-ae's L_p + λ·L_r (and of multitask-ae's Σ_t L_t + λ·L_r). */
  reconWeight: z.number().min(0).max(1e6).optional(),
  /** α of semi-ae's E_R + α·E_C, and of M2's classification term. */
  classWeight: z.number().min(0).max(1e6).optional(),
  /** multitask-ae: one encoder for every head (hard), or a tower per task tied by an L2 penalty (soft). */
  sharing: z.enum(sharingModes).optional(),
  /** multitask-ae, soft sharing: λ of the penalty λ·Σ‖W_a − W_b‖² between the towers. */
  softWeight: z.number().min(0).max(1e6).optional(),
});
/** A validated model configuration: the family, its code size and the options that apply to it. */
export type ModelConfig = z.infer<typeof modelConfigSchema>;
type OptionName = Exclude<keyof ModelConfig, 'model' | 'latent'>;

const regularized = ['denoise', 'sparse', 'reconstruction'] as const;
const variational = ['beta', 'conditional', 'decoder', 'decoderStd', 'outputActivation'] as const;
const hyperspherical = ['beta', 'decoder', 'decoderStd', 'outputActivation'] as const;
const adversarial = ['conditional', 'ganLoss', 'labelSmoothing', 'instanceNoise'] as const;
const applicable: Record<ModelName, readonly OptionName[]> = {
  'mlp-ae': ['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'tied', ...regularized],
  'shallow-ae': ['activation', 'tied', 'unitNorm', ...regularized],
  'conv-ae': ['upsample', 'dropout', ...regularized],
  vae: ['hidden', 'activation', 'batchNorm', 'dropout', ...variational, 'flow'],
  'conv-vae': ['upsample', 'dropout', ...variational],
  svae: ['hidden', 'activation', 'batchNorm', 'dropout', ...hyperspherical],
  'conv-svae': ['upsample', 'dropout', ...hyperspherical],
  contractive: ['hidden', 'activation', 'contraction', 'reconstruction'],
  'supervised-ae': ['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'reconstruction', 'reconWeight'],
  'semi-ae': ['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'reconstruction', 'classWeight'],
  m2: ['hidden', 'activation', 'classWeight'],
  m1m2: ['hidden', 'activation', 'classWeight'],
  'multitask-ae': ['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'reconstruction', 'reconWeight', 'sharing', 'softWeight'],
  gan: ['dropout', ...adversarial],
  dcgan: ['upsample', ...adversarial],
  aae: ['hidden', 'prior', 'conditional', 'reconstruction'],
  rbm: ['visible', 'cd', 'persistent', 'chains', 'weightCost'],
  wae: ['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'reconstruction', 'beta', 'kernel'],
  'conv-wae': ['upsample', 'dropout', 'reconstruction', 'beta', 'kernel'],
  swae: ['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'reconstruction', 'beta', 'projections', 'prior'],
  'conv-swae': ['upsample', 'dropout', 'reconstruction', 'beta', 'projections', 'prior'],
  gmvae: ['hidden', 'activation', 'batchNorm', 'dropout', 'beta', 'decoder', 'decoderStd', 'outputActivation', 'components'],
  iwae: ['hidden', 'activation', 'batchNorm', 'dropout', 'decoder', 'decoderStd', 'outputActivation', 'samples', 'flow'],
  'conv-iwae': ['upsample', 'dropout', 'decoder', 'decoderStd', 'outputActivation', 'samples', 'flow'],
};

// wae and swae: the MLP autoencoder's defaults, less tied weights (the decoder needs its own to fit the prior's codes).
const { tied: _tied, ...priorMatchingDefaults } = mlpAutoencoderDefaults;
// mlp-ae's, less tied (the head reads the code, the decoder is its own).
const { tied: _labelledTied, ...labelledBase } = labelledAutoencoderDefaults;
const labelledDefaults = { ...labelledBase, hidden: [...labelledBase.hidden], reconWeight: undefined, classWeight: undefined };

const defaults: Record<ModelName, Partial<ModelConfig>> = {
  'mlp-ae': { latent: 32, ...mlpAutoencoderDefaults, hidden: [...mlpAutoencoderDefaults.hidden] },
  'shallow-ae': { latent: 32, ...shallowAutoencoderDefaults },
  'conv-ae': { latent: 32, ...convAutoencoderDefaults },
  vae: { latent: 20, ...variationalDefaults, conditional: false, ...mlpVariationalDefaults, hidden: [...mlpVariationalDefaults.hidden] },
  'conv-vae': { latent: 20, ...variationalDefaults, conditional: false, ...convVariationalDefaults },
  svae: { latent: 20, ...variationalDefaults, ...mlpHypersphericalDefaults, hidden: [...mlpHypersphericalDefaults.hidden] },
  'conv-svae': { latent: 20, ...variationalDefaults, ...convHypersphericalDefaults },
  // No hidden layer unless given: the paper's single sigmoid layer, whose penalty has a closed form.
  contractive: { latent: 32, activation: contractiveDefaults.activation, contraction: contractiveDefaults.contraction, reconstruction: contractiveDefaults.reconstruction },
  'supervised-ae': { latent: 32, ...labelledDefaults, reconWeight: labelledAutoencoderDefaults.reconWeight },
  'semi-ae': { latent: 32, ...labelledDefaults, classWeight: labelledAutoencoderDefaults.classWeight },
  // The paper's M2 on MNIST: latent 50, one hidden layer of 500.
  m2: { latent: 50, ...m2Defaults, hidden: [...m2Defaults.hidden] },
  // M1 of the paper: latent 50, two hidden layers of 600 (M2's own sizes are fixed in m1m2.ts).
  m1m2: { latent: 50, hidden: [...m1m2Defaults.hidden], activation: m1m2Defaults.activation, classWeight: m2Defaults.classWeight },
  // softWeight only where given: it applies to soft sharing alone (checkCombination).
  'multitask-ae': { latent: 32, ...labelledDefaults, reconWeight: multiTaskDefaults.reconWeight, sharing: multiTaskDefaults.sharing },
  gan: { ...ganDefaults, conditional: false, ...mlpGanDefaults },
  dcgan: { ...ganDefaults, conditional: false, ...dcganDefaults },
  aae: { latent: 8, ...aaeDefaults, conditional: false, hidden: [...aaeDefaults.hidden] },
  rbm: { latent: 500, ...rbmDefaults },
  wae: { latent: 8, ...priorMatchingDefaults, hidden: [...mlpAutoencoderDefaults.hidden], ...wassersteinDefaults },
  'conv-wae': { latent: 8, ...convAutoencoderDefaults, ...wassersteinDefaults },
  swae: { latent: 8, ...priorMatchingDefaults, hidden: [...mlpAutoencoderDefaults.hidden], ...slicedWassersteinDefaults },
  'conv-swae': { latent: 8, ...convAutoencoderDefaults, ...slicedWassersteinDefaults },
  gmvae: { latent: 20, ...variationalDefaults, ...mlpVariationalDefaults, hidden: [...mlpVariationalDefaults.hidden], components: mixturePriorDefaults.components },
  iwae: { latent: 20, decoder: variationalDefaults.decoder, ...mlpVariationalDefaults, hidden: [...mlpVariationalDefaults.hidden], ...importanceWeightedDefaults },
  'conv-iwae': { latent: 20, decoder: variationalDefaults.decoder, ...convVariationalDefaults, ...importanceWeightedDefaults },
};

/**
 * Validates a model configuration and fills in the family's defaults. Throws ArgumentError with
 * one line naming the first bad field. Keys whose value is undefined count as absent.
 */
export function parseModelConfig(raw: unknown, label: (key: string) => string = (key) => key): ModelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ArgumentError('a model configuration must be an object like { model: "conv-ae", latent: 32 }');
  const given = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
  const model = given.model;
  if (model === undefined) throw new ArgumentError(`${label('model')} is required: choose one of ${modelNames.join(', ')}`);
  if (!modelNames.includes(model as ModelName)) throw new ArgumentError(`unknown model ${showValue(model)}: choose one of ${modelNames.join(', ')}`);
  checkApplicable(model as ModelName, given, label);
  const withDefaults: Record<string, unknown> = { ...defaults[model as ModelName], ...given };
  if (withDefaults.decoder === 'gaussian') Object.assign(withDefaults, { ...gaussianDecoderDefaults, ...given });
  const result = modelConfigSchema.safeParse(withDefaults);
  if (!result.success) throw new ArgumentError(issueText(modelConfigSchema.shape, result.error.issues[0]!, withDefaults, label));
  checkCombination(result.data);
  return result.data;
}

function checkApplicable(model: ModelName, given: Record<string, unknown>, label: (key: string) => string): void {
  const takes = new Set<string>(['model', 'latent', ...applicable[model]]);
  for (const key of Object.keys(given)) {
    if (takes.has(key)) continue;
    if (key in modelConfigSchema.shape) {
      const families = modelNames.filter((name) => applicable[name].includes(key as OptionName));
      throw new ArgumentError(`${label(key)} does not apply to ${model} (only to ${families.join(', ')})`);
    }
    const name = label(key) === key ? `'${key}'` : label(key);
    throw new ArgumentError(`unknown option ${name}: ${model} takes latent, ${applicable[model].join(', ')}`);
  }
}

// Options that are valid alone but not together.
function checkCombination(config: ModelConfig): void {
  if (config.model === 'svae' || config.model === 'conv-svae') checkSphereLatent(config.latent);
  if (config.reconstruction === 'bce' && config.model === 'shallow-ae') {
    throw new ArgumentError("reconstruction 'bce' needs outputs in (0, 1), and shallow-ae's output is linear: use 'half-sse' or 'mse'");
  }
  if (config.reconstruction === 'bce' && config.outputActivation === 'identity') {
    throw new ArgumentError("reconstruction 'bce' needs outputs in (0, 1): use outputActivation 'sigmoid', or reconstruction 'mse'");
  }
  if (config.labelSmoothing && config.ganLoss && !smoothable.includes(config.ganLoss)) {
    throw new ArgumentError(`label smoothing applies to the GAN losses ${smoothable.join(', ')}, not ${config.ganLoss}: drop it or choose another loss`);
  }
  if (config.model === 'aae' && config.prior !== undefined && !(aaePriors as readonly string[]).includes(config.prior)) {
    throw new ArgumentError(`prior '${config.prior}' does not apply to aae: choose one of ${aaePriors.join(', ')}`);
  }
  if (config.model === 'aae' && config.prior === 'mixture' && config.latent < 2) {
    throw new ArgumentError(`a mixture prior places its components on a circle in two code dimensions: latent must be at least 2, got ${config.latent}`);
  }
  if (config.model === 'rbm' && !config.persistent && config.chains !== rbmDefaults.chains) {
    throw new ArgumentError('chains applies to persistent CD only (CD-k restarts its chains at each batch): add persistent, or drop chains');
  }
  if (config.softWeight !== undefined && config.sharing !== 'soft') {
    throw new ArgumentError('softWeight (--soft-weight) is the penalty between the towers of soft sharing: add sharing soft (--sharing soft), or drop it');
  }
  if (config.flow !== undefined && config.conditional) throw new ArgumentError('a flow posterior is not implemented for the conditional VAE: drop conditional or flow');
  if (config.decoder === 'bernoulli') {
    for (const key of ['decoderStd', 'outputActivation'] as const) {
      if (config[key] !== undefined) throw new ArgumentError(`${key} applies to decoder 'gaussian' only (a Bernoulli decoder outputs probabilities)`);
    }
  }
}

/**
 * The model a parsed configuration (parseModelConfig's result) describes, for samples of
 * `data.inputShape` (and `numClasses` for conditional models). The configuration is not parsed
 * again: the model constructors assert what they need.
 */
export function createModel(c: ModelConfig, data: ModelData): Autoencoder {
  if (ganModelNames.includes(c.model)) throw new ArgumentError(`${c.model} is an adversarial model, not an autoencoder: build it with createLabModel`);
  return createLabModel(c, data) as Autoencoder;
}

/** What a model is built for: the shape of a sample, the class count (conditional and labelled models) and the targets (multitask-ae's heads). */
export interface ModelData {
  /** Shape of one sample, e.g. [1, 28, 28]. */
  inputShape: readonly number[];
  /** Classes of the data set's labels. */
  numClasses?: number;
  /** The data set's targets, one head each (multitask-ae); a labelled set without them gets one class task. */
  tasks?: readonly TargetTask[];
}

/** The model of any family a configuration describes: an autoencoder or an adversarial model. */
export function createLabModel(c: ModelConfig, data: ModelData): LabModel {
  const { inputShape } = data;
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((size) => Number.isInteger(size) && size > 0)) {
    throw new ArgumentError(`createModel needs an input shape of positive integers (e.g. [1, 28, 28] or [784]), got ${JSON.stringify(inputShape)}`);
  }
  const mlpAlternative: Partial<Record<ModelName, ModelName>> = { 'conv-ae': 'mlp-ae', 'conv-vae': 'vae', 'conv-svae': 'svae', 'conv-wae': 'wae', 'conv-swae': 'swae', 'conv-iwae': 'iwae', dcgan: 'gan' };
  const alternative = mlpAlternative[c.model];
  if (alternative && inputShape.join() !== imageShape.join()) {
    throw new ArgumentError(`${c.model} expects 28×28 single-channel images, got [${inputShape.join(', ')}]: use ${alternative} for other data`);
  }
  if (c.conditional && data.numClasses === undefined) {
    throw new ArgumentError(`a conditional ${c.model} needs class labels, and the data has none: drop conditional or use labelled data`);
  }
  if ((c.model === 'supervised-ae' || c.model === 'semi-ae' || c.model === 'm2' || c.model === 'm1m2') && data.numClasses === undefined) {
    throw new ArgumentError(`${c.model} trains a classifier head on class labels, and the data has none: use a labelled data set (mnist, fashion-mnist, ...)`);
  }
  const numClasses = c.conditional ? data.numClasses : undefined;
  switch (c.model) {
    case 'mlp-ae':
      return new MlpAutoencoder({ ...c, inputShape });
    case 'shallow-ae':
      return new ShallowAutoencoder({ ...c, inputShape });
    case 'conv-ae':
      return new ConvAutoencoder(c);
    case 'vae':
      // A flow makes the KL a Monte-Carlo estimate: iwae.ts's bound at one sample.
      if (c.flow !== undefined) return new ImportanceWeightedAutoencoder({ ...c, inputShape, samples: 1 });
      return new MlpVariationalAutoencoder({ ...c, inputShape, numClasses });
    case 'iwae':
      return new ImportanceWeightedAutoencoder({ ...c, inputShape });
    case 'conv-iwae':
      return new ConvImportanceWeightedAutoencoder(c);
    case 'gmvae':
      return new MixturePriorVariationalAutoencoder({ ...c, inputShape });
    case 'wae':
      return new WassersteinAutoencoder({ ...c, inputShape });
    case 'conv-wae':
      return new ConvWassersteinAutoencoder(c);
    case 'swae':
      return new SlicedWassersteinAutoencoder({ ...c, inputShape });
    case 'conv-swae':
      return new ConvSlicedWassersteinAutoencoder(c);
    case 'conv-vae':
      return new ConvVariationalAutoencoder({ ...c, numClasses });
    case 'svae':
      return new MlpHypersphericalVae({ ...c, inputShape });
    case 'conv-svae':
      return new ConvHypersphericalVae(c);
    case 'contractive':
      return new ContractiveAutoencoder({ ...c, inputShape });
    case 'supervised-ae':
    case 'semi-ae': {
      const { reconWeight, classWeight, ...rest } = c;
      const weights = { ...(reconWeight !== undefined ? { reconWeight } : {}), ...(classWeight !== undefined ? { classWeight } : {}) };
      return new LabelledAutoencoder({ ...rest, ...weights, inputShape, numClasses: data.numClasses!, semiSupervised: c.model === 'semi-ae' });
    }
    case 'm2':
      return new SemiSupervisedVae({ ...c, inputShape, numClasses: data.numClasses! });
    case 'm1m2':
      return new StackedSemiSupervisedVae({ ...c, inputShape, numClasses: data.numClasses! });
    case 'multitask-ae': {
      const tasks = data.tasks ?? (data.numClasses !== undefined ? [{ name: 'class', kind: 'class' as const, numClasses: data.numClasses }] : undefined);
      if (!tasks) throw new ArgumentError('multitask-ae trains a head per target, and the data has none: use a labelled data set, or csv with --target');
      return new MultiTaskAutoencoder({ ...c, inputShape, tasks });
    }
    case 'gan':
      return new MlpGan({ ...c, inputShape, numClasses });
    case 'dcgan':
      return new Dcgan({ ...c, numClasses });
    case 'aae':
      // parseModelConfig has refused the priors of swae alone for aae.
      return new AdversarialAutoencoder({ ...c, prior: c.prior as AaePrior | undefined, inputShape, numClasses });
    case 'rbm':
      return new RestrictedBoltzmannMachine({ ...c, inputShape });
  }
  throw new ArgumentError(`unknown model ${showValue((c as { model: unknown }).model)}: parse the configuration with parseModelConfig first`);
}
