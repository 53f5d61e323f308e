// The fully connected stacks of the MLP models (MlpAutoencoder, MlpVariationalAutoencoder):
// Linear layers through a list of widths with batch norm, activation and dropout between them,
// and the mirrored encoder–decoder pair the MLP autoencoder families share.
import * as nn from '../nn/index.js';
import { ArgumentError } from '../tensor/errors.js';
import { createActivation, type ActivationName } from './activations.js';
import { checkPositiveInteger, sampleSize } from './checks.js';

export interface HiddenLayerOptions {
  activation: ActivationName;
  batchNorm: boolean;
  /** Dropout probability after each hidden activation; 0 for none. */
  dropout: number;
}

type LinearFactory = (inFeatures: number, outFeatures: number, index: number) => nn.Module;

/**
 * Linear(widths[0] → widths[1]) … Linear(widths[n−2] → widths[n−1]), with [BatchNorm1d]
 * activation [Dropout] after every Linear but the last (batch norm before the activation, as
 * the conv AE). `linear` makes the i-th Linear, so a tied decoder can pass TiedLinears.
 */
export function mlpLayers(widths: readonly number[], options: HiddenLayerOptions, linear: LinearFactory = (i, o) => new nn.Linear(i, o)): nn.Module[] {
  widths.forEach((width) => checkPositiveInteger(width, 'every layer width'));
  if (!(options.dropout >= 0 && options.dropout < 1)) throw new ArgumentError(`dropout must be in [0, 1), got ${options.dropout}`);
  const layers: nn.Module[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push(linear(widths[i]!, widths[i + 1]!, i));
    if (i + 2 === widths.length) break;
    if (options.batchNorm) layers.push(new nn.BatchNorm1d(widths[i + 1]!));
    layers.push(createActivation(options.activation));
    if (options.dropout > 0) layers.push(new nn.Dropout(options.dropout));
  }
  return layers;
}

/** The two ends of a mirrored encoder–decoder pair: what enters the encoder beside the input, what it emits, what enters the decoder. */
export interface MirroredEnds {
  /** Features joined to the flattened input (a one-hot class of a conditional model); 0 by default. */
  encoderExtra?: number;
  /** The encoder's outputs: the code, or a distribution's parameters (2L for μ and log σ²). */
  encoderOut: number;
  /** The decoder's inputs: the code, with a one-hot class where conditional. */
  decoderIn: number;
}

/**
 * The layers of the MLP encoder [size + extra → ...hidden → out] and of its mirror, the decoder
 * [in → ...hidden reversed → size]: the shape every MLP autoencoder family shares (VAE, S-VAE,
 * M2, AAE), each choosing only what its code is.
 */
export function mirroredMlpLayers(size: number, hidden: readonly number[], ends: MirroredEnds, options: HiddenLayerOptions): { encoder: nn.Module[]; decoder: nn.Module[] } {
  return {
    encoder: mlpLayers([size + (ends.encoderExtra ?? 0), ...hidden, ends.encoderOut], options),
    decoder: mlpLayers([ends.decoderIn, ...[...hidden].reverse(), size], options),
  };
}

/** The options that shape an MLP autoencoder's networks (the decoder mirrors the encoder). */
export interface MlpShapeOptions {
  /** Shape of one sample, e.g. [1, 28, 28]; flattened inside the model. */
  inputShape: readonly number[];
  /** Encoder hidden widths; the decoder mirrors them. */
  hidden?: readonly number[];
  activation?: ActivationName;
  batchNorm?: boolean;
  dropout?: number;
}

/** What an MLP family takes for the shape options a caller leaves out. */
export type MlpShapeDefaults = Required<Omit<MlpShapeOptions, 'inputShape'>>;

/** An MLP autoencoder's encoder and decoder from its shape options, `defaults` filling what they leave out. */
export function mirroredMlp(options: MlpShapeOptions, defaults: MlpShapeDefaults, ends: MirroredEnds): { encoder: nn.Sequential; decoder: nn.Sequential } {
  const { hidden = defaults.hidden, activation = defaults.activation, batchNorm = defaults.batchNorm, dropout = defaults.dropout } = options;
  const layers = mirroredMlpLayers(sampleSize(options.inputShape), hidden, ends, { activation, batchNorm, dropout });
  return { encoder: new nn.Sequential(...layers.encoder), decoder: new nn.Sequential(...layers.decoder) };
}
