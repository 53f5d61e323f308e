// The configuration of a training run: the model's fields (src/models/registry.ts) and the
// training fields below, in ONE flat object, as a user writes it in a --config file:
//   { "model": "conv-ae", "latent": 32, "dataset": "fashion-mnist", "epochs": 10, "lr": 1e-3 }
// Unknown keys are rejected, so a typo never silently falls back to a default.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { expectedText, issueText, showValue } from '../tensor/schema.js';
import { datasetNames } from '../data/datasets.js';
import { parseTargetSpec } from '../data/csv-dataset.js';
import { adversarialModelNames, parseModelConfig, type ModelConfig } from '../models/registry.js';
import { optimizerNames } from '../optim/registry.js';

const count = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/**
 * The training options with their bounds: the one place they are checked. The CLI's flags,
 * choices and help text are generated from this schema and modelConfigSchema; the optimizers
 * and the trainer below keep cheap asserts only.
 */
export const trainingConfigSchema = z.strictObject({
  dataset: z.enum(datasetNames),
  /** Folder holding the data set's files (defaults: see loadDataset). */
  dataDir: z.string().min(1).optional(),
  /** Train on the first this many training samples (all by default). */
  trainLimit: count.optional(),
  /** Test on the first this many test samples (all by default). */
  testLimit: count.optional(),
  /** Labelled training samples (class-balanced, seeded); the rest count as unlabelled (src/runs/labels.ts). */
  labels: count.optional(),
  /** csv: the target columns (price, or species:class,petal_width); the other columns are the inputs. */
  target: z
    .string()
    .min(1)
    .max(10000)
    .superRefine((text, context) => {
      try {
        parseTargetSpec(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  /** What a head on a VAE's code reads: the posterior mean, a sample z, or (μ, log σ²). */
  headInput: z.enum(['mean', 'sample', 'moments']).optional(),
  epochs: z.number().int().min(1).max(1_000_000),
  batch: z.number().int().min(1).max(1_000_000),
  // Above 10 every optimizer here diverges at once; a typo (1e3 for 1e-3) is the likely cause.
  lr: z.number().positive().max(10),
  /**
   * Inverse-time decay of the learning rate: lr / (1 + lrDecay·e) after e epochs, e counted in
   * fractions of an epoch (the rate is set every step). None by default.
   */
  lrDecay: z.number().min(0).max(1000).optional(),
  optimizer: z.enum(optimizerNames),
  /** SGD and RMSprop momentum; 1 or more never forgets a gradient and diverges. */
  momentum: z.number().min(0).lt(1).optional(),
  weightDecay: z.number().min(0).max(1).optional(),
  /** Adam's (β1, β2); 0.5, 0.999 for adversarial models (Radford et al. 2016), 0.9, 0.999 otherwise. */
  betas: z.array(z.number().min(0).lt(1)).length(2).optional(),
  /** Learning rates of an adversarial model's generator and discriminator (lr by default). */
  lrG: z.number().positive().max(10).optional(),
  lrD: z.number().positive().max(10).optional(),
  /** Adversarial models: G updates after every dSteps batches (D updates on each)... */
  dSteps: z.number().int().min(1).max(100).optional(),
  /** ... and then gSteps times. */
  gSteps: z.number().int().min(1).max(100).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** A name for the run in listings (the id otherwise). */
  // Control characters in a name would break every table and log line it is printed in.
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}]*$/u)
    .optional()
    .describe('printable text of 1 to 200 characters (no newlines or escape codes)'),
});
/** A validated training configuration: data, budget, optimizer, seed and the options of the run. */
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** The training settings a run configuration starts from (Fashion-MNIST, 10 epochs, batch 128, Adam 1e-3, seed 0). */
export const trainingDefaults = { dataset: 'fashion-mnist', epochs: 10, batch: 128, lr: 1e-3, optimizer: 'adam', seed: 0 } as const satisfies Partial<TrainingConfig>;

/** A run's whole configuration: the model part and the training part. */
export interface RunConfig {
  model: ModelConfig;
  training: TrainingConfig;
}

const trainingKeys = new Set(Object.keys(trainingConfigSchema.shape));

// JSON.parse keeps these as own keys, but assigning them to an object changes its prototype
// instead of adding a key: the value would vanish and the run train with other settings.
const reservedKeys = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParseOptions {
  /** How the user wrote a key (a flag like --lr, a key in a file), for messages. */
  label?: (key: string) => string;
}

/**
 * Validates a flat run configuration (training defaults filled in). Throws ArgumentError with one
 * line naming the first bad key (as `label` writes it), the value and what is expected.
 */
export function parseRunConfig(raw: unknown, options: ParseOptions = {}): RunConfig {
  const label = options.label ?? ((key: string) => key);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ArgumentError('a run configuration must be a JSON object');
  const trainingPart: Record<string, unknown> = { ...trainingDefaults };
  const modelPart: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (reservedKeys.has(key)) throw new ArgumentError(`${label(key)} is not an option (a reserved name): remove it`);
    if (value === undefined) continue;
    (trainingKeys.has(key) ? trainingPart : modelPart)[key] = value;
  }
  const training = trainingConfigSchema.safeParse(trainingPart);
  if (!training.success) throw new ArgumentError(issueText(trainingConfigSchema.shape, training.error.issues[0]!, trainingPart, label));
  const model = parseModelConfig(modelPart, label);
  checkTrainingApplies(model, training.data, label);
  return { model, training: training.data };
}

// Training options that only some models or optimizers read: given elsewhere, they would be
// silently ignored, and the run would not be the one asked for.
function checkTrainingApplies(model: ModelConfig, training: TrainingConfig, label: (key: string) => string): void {
  if (!adversarialModelNames.includes(model.model)) {
    const adversarialOnly = (['lrG', 'lrD', 'dSteps', 'gSteps'] as const).find((key) => training[key] !== undefined);
    if (adversarialOnly) {
      throw new ArgumentError(`${label(adversarialOnly)} applies to adversarial models only (${adversarialModelNames.join(', ')}), not ${model.model}: ${adversarialOnly.startsWith('lr') ? 'set the learning rate with --lr (lr in a config file)' : 'remove it'}`);
    }
  }
  // The trainer steps a schedule on one optimizer; an adversarial model has one per player.
  if (training.lrDecay !== undefined && adversarialModelNames.includes(model.model)) throw new ArgumentError(`${label('lrDecay')} decays the one optimizer of an autoencoder, and ${model.model} trains two: remove it`);
  checkLabelsApply(model, training, label);
  if (training.target !== undefined && training.dataset !== 'csv') throw new ArgumentError(`${label('target')} names columns of the csv data set, and ${training.dataset} has its own targets: remove it`);
  // Neither key was given, so there is no label to echo: name both spellings.
  if (training.dataset === 'csv' && training.target === undefined) throw new ArgumentError('the csv data set needs --target (target in a config file): the column(s) to predict, like price or species:class (the other columns are the inputs)');
  if (training.dataset === 'csv' && training.dataDir === undefined) throw new ArgumentError('the csv data set reads one CSV file: give its path with --data-dir (dataDir in a config file)');
  if (training.betas !== undefined && training.optimizer !== 'adam' && training.optimizer !== 'adamw') {
    throw new ArgumentError(`${label('betas')} applies to the optimizers adam and adamw, not ${training.optimizer}`);
  }
}

// --labels feeds a head on the code of an autoencoder; --head-input says what of a VAE's code it reads.
function checkLabelsApply(model: ModelConfig, training: TrainingConfig, label: (key: string) => string): void {
  if (training.labels !== undefined && adversarialModelNames.includes(model.model)) throw new ArgumentError(`${label('labels')} trains a head on an autoencoder's code, and ${model.model} has none: remove it`);
  if (training.labels !== undefined && model.conditional) throw new ArgumentError(`${label('labels')} withholds labels, and a conditional ${model.model} reads every one: drop ${label('labels')} or ${label('conditional')}`);
  if (training.headInput === undefined) return;
  if (training.labels === undefined) throw new ArgumentError(`${label('headInput')} applies with ${label('labels')} (the head trained on the labelled codes): add ${label('labels')} or remove it`);
  if (training.headInput !== 'mean' && model.model !== 'vae' && model.model !== 'conv-vae') {
    throw new ArgumentError(`${label('headInput')} ${training.headInput} reads a Gaussian posterior (vae, conv-vae), which ${model.model} does not have: use mean`);
  }
}

/**
 * A configuration read back from the store (resume, load): parsed by the same schema, so a
 * damaged or hand-edited record fails here with one line naming the run and the key.
 */
export function parseStoredRunConfig(runId: string, stored: unknown): RunConfig {
  try {
    return parseRunConfig(stored);
  } catch (error) {
    if (error instanceof ArgumentError) throw new ArgumentError(`the stored configuration of run ${runId} is invalid (edited by hand?): ${error.message}`, { cause: error });
    throw error;
  }
}

/** The optimizer settings of a checkpoint's parameter group, checked by the training schema. */
export function checkOptimizerSettings(group: Record<string, unknown>, where: string): void {
  for (const key of ['lr', 'momentum', 'weightDecay', 'betas'] as const) {
    if (!(key in group)) continue;
    const field = trainingConfigSchema.shape[key];
    // a scheduler may have lowered lr to 0 (cosine annealing ends there); the schema's bounds otherwise
    if (!field.safeParse(group[key]).success && !(key === 'lr' && group[key] === 0)) {
      throw new ArgumentError(`${where}: optimizer ${key} must be ${expectedText(field)}, got ${showValue(group[key])}`);
    }
  }
}

/** The flat object parseRunConfig reads: what is stored with a run and written to --config files. */
export function flattenRunConfig(config: RunConfig): Record<string, unknown> {
  return { ...config.model, ...config.training };
}

/** Reads a --config JSON file; a missing or malformed file gives one line naming it. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FileFormatError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FileFormatError(`config file ${path} must hold a JSON object, like {"model": "conv-ae", "latent": 32}`);
  const reserved = Object.keys(value).find((key) => reservedKeys.has(key));
  if (reserved) throw new FileFormatError(`config file ${path} has a key '${reserved}', which is not an option (a reserved name): remove it`);
  return value as Record<string, unknown>;
}
