// The configuration of a training run: the model's fields (src/models/registry.ts) and the
// training fields below, in ONE flat object, as a user writes it in a --config file:
//   { "model": "conv-ae", "latent": 32, "dataset": "fashion-mnist", "epochs": 10, "lr": 1e-3 }
// Unknown keys are rejected, so a typo never silently falls back to a default.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { datasetNames } from '../data/datasets.js';
import { parseModelConfig, type ModelConfig } from '../models/registry.js';
import { optimizerNames } from '../optim/registry.js';

const positiveInteger = z.number().int().positive();

export const trainingConfigSchema = z.strictObject({
  dataset: z.enum(datasetNames),
  /** Folder holding the data set's files (defaults: see loadDataset). */
  dataDir: z.string().min(1).optional(),
  /** Train on the first this many training samples (all by default). */
  trainLimit: positiveInteger.optional(),
  /** Test on the first this many test samples (all by default). */
  testLimit: positiveInteger.optional(),
  epochs: positiveInteger,
  batch: positiveInteger,
  lr: z.number().positive().finite(),
  optimizer: z.enum(optimizerNames),
  /** SGD and RMSprop momentum. */
  momentum: z.number().min(0).max(1).optional(),
  weightDecay: z.number().min(0).finite().optional(),
  seed: z.number().int().min(0),
  /** A name for the run in listings (the id otherwise). */
  name: z.string().min(1).max(200).optional(),
});
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

export const trainingDefaults = { dataset: 'fashion-mnist', epochs: 10, batch: 128, lr: 1e-3, optimizer: 'adam', seed: 0 } as const satisfies Partial<TrainingConfig>;

export interface RunConfig {
  model: ModelConfig;
  training: TrainingConfig;
}

const trainingKeys = new Set(Object.keys(trainingConfigSchema.shape));

/** Validates a flat run configuration (training defaults filled in); one readable line per problem. */
export function parseRunConfig(raw: unknown): RunConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ArgumentError('a run configuration must be a JSON object');
  const trainingPart: Record<string, unknown> = { ...trainingDefaults };
  const modelPart: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    (trainingKeys.has(key) ? trainingPart : modelPart)[key] = value;
  }
  const training = trainingConfigSchema.safeParse(trainingPart);
  if (!training.success) throw new ArgumentError(describeIssue(training.error.issues[0]!, trainingPart));
  return { model: parseModelConfig(modelPart), training: training.data };
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
  return value as Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const key = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `unknown option ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  const got = key in input ? `, got ${JSON.stringify(input[key])}` : '';
  switch (issue.code) {
    case 'invalid_value':
      return `${key} must be one of ${issue.values.join(', ')}${got}`;
    case 'too_small':
      return `${key} must be ${issue.minimum === 0 && !issue.inclusive ? 'positive' : `at least ${issue.minimum}`}${got}`;
    case 'invalid_type':
      return issue.expected === 'int' ? `${key} must be an integer${got}` : `${key} must be a ${issue.expected}${got}`;
    default:
      return `${key}: ${issue.message}${got}`;
  }
}
