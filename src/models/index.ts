// Autoencoders, VAEs, GANs and RBMs: one file per family.
export { ConvAutoencoder, type ConvAutoencoderOptions, type UpsampleMode } from './conv-ae.js';
