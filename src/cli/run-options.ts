// The flags of `latentlab train`, generated from the run configuration's schemas
// (src/runs/config.ts and src/models/registry.ts): a flag's choices, the bounds in its help and
// its errors all come from the schema, so there is no second list to keep in step. The flags are
// parsed to numbers, lists and booleans only; the schema checks them, and its messages name the
// flag (--lr) or the key in the --config file ('lr' in run.json) the value came from.
import { basename } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import { modelConfigSchema, type ModelConfig } from '../models/registry.js';
import { parseRunConfig, readConfigFile, trainingConfigSchema, trainingDefaults, type RunConfig, type TrainingConfig } from '../runs/config.js';
import { enumValues, expectedText, schemaType } from '../tensor/schema.js';

type ConfigKey = keyof ModelConfig | keyof TrainingConfig;

// What each key means, with the placeholder of its value; the type makes every key a flag.
const meaning: Record<ConfigKey, [placeholder: string | null, help: string]> = {
  model: ['name', 'model'],
  dataset: ['name', 'data set'],
  latent: ['n', 'latent size'],
  hidden: ['widths', 'hidden layer widths of MLP models, e.g. 256,64'],
  activation: ['name', 'hidden activation (negative: shallow-ae only)'],
  outputActivation: ['name', 'output activation'],
  batchNorm: [null, 'batch norm between hidden layers (mlp-ae, vae)'],
  dropout: ['p', 'dropout probability between hidden layers'],
  upsample: ['mode', 'conv decoders: transposed conv (deconv) or resize-conv'],
  denoise: ['noise', 'corrupt inputs while training: gaussian:<std> or mask:<fraction>'],
  sparse: ['penalty', 'code sparsity: l1:<weight> or kl:<target activation>'],
  tied: [null, 'decoder weights tied to the encoder (mlp-ae, shallow-ae)'],
  contraction: ['weight', 'weight of the contractive penalty ‖∂h/∂x‖² (contractive)'],
  unitNorm: [null, 'rows of W1 and columns of W2 kept at unit norm (shallow-ae)'],
  beta: ['b', 'weight of the KL term (beta-VAE, gmvae) or of the prior penalty (wae, swae)'],
  conditional: [null, 'condition the model on the class label (CVAE, CGAN, AAE)'],
  decoder: ['kind', 'VAE likelihood'],
  decoderStd: ['sigma', 'standard deviation of the gaussian decoder'],
  reconstruction: ['kind', 'reconstruction loss of AEs: mse, bce, half-sse, l1, huber:<δ> or logcosh:<a>'],
  ganLoss: ['kind', 'adversarial loss of GANs'],
  labelSmoothing: ['s', "one-sided label smoothing: D's target for real images is 1 - s (GANs)"],
  instanceNoise: ['sigma', "std of Gaussian noise added to D's inputs (GANs)"],
  prior: ['name', 'prior on the codes: aae (gaussian, mixture), swae (also ball: uniform in the unit ball; sphere)'],
  visible: ['kind', 'RBM visible units (gaussian: inputs standardised to mean 0, variance 1)'],
  cd: ['k', 'RBM: Gibbs steps of contrastive divergence (CD-k)'],
  persistent: [null, 'RBM: persistent CD (chains continue across batches)'],
  chains: ['n', 'RBM: persistent chains'],
  weightCost: ['w', 'RBM: L2 penalty on the weights, not the biases'],
  kernel: ['name', "wae's MMD kernel"],
  projections: ['n', "swae's random projections per batch"],
  components: ['k', "gmvae's mixture components"],
  samples: ['k', "iwae's importance samples per input"],
  flow: ['spec', 'normalizing flow on the posterior (vae, iwae): planar:<layers> or realnvp:<layers>'],
  reconWeight: ['λ', 'weight of the reconstruction loss: L_p + λ·L_r (supervised-ae, multitask-ae)'],
  classWeight: ['α', 'weight of the classification loss: E_R + α·E_C (semi-ae)'],
  sharing: ['mode', 'multitask-ae: one encoder for every head (hard), or a tower per task tied by an L2 penalty (soft)'],
  softWeight: ['λ', 'multitask-ae --sharing soft: weight of the penalty λ·Σ‖W_a − W_b‖² between the towers (default 0.01)'],
  target: ['columns', 'csv data set: the target column(s) the heads predict, e.g. price or species:class,petal_width (:class for classes, else regression)'],
  labels: ['n', 'use n class-balanced labels of the training set (seeded), the rest unlabelled; trains a head on the code'],
  headInput: ['kind', 'what the head reads of a VAE code: mean (μ), sample (z ~ q(z|x)) or moments (μ, log σ²)'],
  epochs: ['n', 'training epochs'],
  batch: ['n', 'batch size'],
  lr: ['rate', 'learning rate'],
  lrDecay: ['d', 'learning rate lr / (1 + d·epochs), set every step (epochs in fractions)'],
  optimizer: ['name', 'optimizer'],
  momentum: ['m', 'momentum (sgd, rmsprop)'],
  weightDecay: ['w', 'weight decay'],
  betas: ['b1,b2', "Adam's betas (default 0.5,0.999 for GANs, 0.9,0.999 otherwise)"],
  lrG: ['rate', "generator's learning rate (GANs, the aae's encoder against D; default --lr)"],
  lrD: ['rate', "discriminator's learning rate (GANs, aae; default --lr)"],
  dSteps: ['k', 'GANs: the generator updates after every k batches (D on each)'],
  gSteps: ['k', 'GANs: generator updates each time it updates'],
  seed: ['n', 'random seed'],
  trainLimit: ['n', 'train on the first n training samples'],
  testLimit: ['n', 'test on the first n test samples'],
  dataDir: ['dir', "folder with the data set's files (csv: the CSV file)"],
  name: ['name', 'a name for the run'],
};

// Flags named otherwise than their key (the key is what --config files and `runs show` use).
const flagNames: Partial<Record<ConfigKey, string>> = { reconstruction: 'loss' };

const kebab = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The flag a configuration key is set by, e.g. '--lr', '--decoder-std', '--loss'. */
export function flagOf(key: string): string {
  return `--${kebab(flagNames[key as ConfigKey] ?? key)}`;
}

const schemaOf = (key: ConfigKey): z.ZodType => (modelConfigSchema.shape as Record<string, z.ZodType>)[key] ?? (trainingConfigSchema.shape as Record<string, z.ZodType>)[key]!;

/** One commander Option per configuration key. */
export function runConfigOptions(): Option[] {
  return (Object.keys(meaning) as ConfigKey[]).map((key) => {
    const [placeholder, help] = meaning[key];
    const schema = schemaOf(key);
    const type = schemaType(schema);
    const fallback = (trainingDefaults as Record<string, unknown>)[key];
    const text = `${help}${type === 'number' || type === 'array' ? `: ${expectedText(schema)}` : ''}${fallback !== undefined ? ` (default ${fallback})` : ''}`;
    if (type === 'boolean') return new Option(flagOf(key), text);
    const option = new Option(`${flagOf(key)} <${placeholder}>`, text);
    const choices = enumValues(schema);
    if (choices) return option.choices(choices);
    if (type === 'number') return option.argParser(numberParser(expectedText(schema)));
    if (type === 'array') return option.argParser(listParser(expectedText(schema)));
    return option;
  });
}

// Only the form is checked here (a number, a list of numbers); the bounds are the schema's.
function numberParser(expected: string): (value: string) => number {
  return (value) => {
    const number = value.trim() === '' ? NaN : Number(value);
    if (Number.isNaN(number)) throw new InvalidArgumentError(`expected ${expected}`);
    return number;
  };
}

function listParser(expected: string): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
    if (parts.some(Number.isNaN)) throw new InvalidArgumentError(`expected ${expected}, comma-separated like 256,64`);
    return parts;
  };
}

/**
 * The run configuration of `train`'s flags over an optional --config file (flags win), parsed
 * once; a bad value's message names the flag, or the key and the file it came from.
 */
export function runConfigFromFlags(flags: Record<string, unknown>): RunConfig {
  const { raw, label } = runOptionsFromFlags(flags);
  return parseRunConfig(raw, { label });
}

/** The run options given (--config file, then flags), unparsed, and where each came from. */
export function runOptionsFromFlags(flags: Record<string, unknown>): { raw: Record<string, unknown>; label: (key: string) => string } {
  const file = flags.config === undefined ? undefined : String(flags.config);
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  const source = new Map<string, string>(Object.keys(raw).map((key) => [key, `'${key}' in ${basename(file!)}`]));
  for (const key of Object.keys(meaning)) {
    const value = flags[camel(flagNames[key as ConfigKey] ?? key)];
    if (value === undefined) continue;
    raw[key] = value;
    source.set(key, flagOf(key));
  }
  return { raw, label: (key) => source.get(key) ?? key };
}
