// torch.nn for latentlab: modules, layers, initialisers and the functional interface.
export { Module } from './module.js';
export { Linear, TiedLinear } from './linear.js';
export { Conv2d, ConvTranspose2d, type Conv2dOptions } from './conv.js';
export { BatchNorm1d, BatchNorm2d, LayerNorm, type BatchNormOptions } from './normalization.js';
export { ReLU, LeakyReLU, PReLU, ELU, SELU, GELU, Sigmoid, Tanh, Softplus, Identity, Negative } from './activation.js';
export { Dropout } from './dropout.js';
export { Flatten, Unflatten } from './reshape.js';
export { MaxPool2d, AvgPool2d, Upsample } from './sampling.js';
export { Sequential } from './sequential.js';
export {
  MSELoss, L1Loss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss,
  LogCoshLoss, KLDiagonalGaussiansLoss, KLToStandardNormalLoss, MMDLoss, SlicedWassersteinLoss, JensenShannonLoss, CircularLoss,
  logCoshLoss, klDiagonalGaussians, klToStandardNormal, mmd, slicedWasserstein, jensenShannon,
  circularLoss, circularMean, circularVariance,
  type MMDKernel, type MMDOptions, type SlicedWassersteinOptions, type JensenShannonOptions,
} from './losses.js';
export { hellinger, wasserstein1d, type HellingerOptions } from './distribution-distances.js';
export { summary, type ModelSummary, type LayerSummary } from './summary.js';
/** Weight initialisers, as torch.nn.init (PyTorch's random streams, bit for bit). */
export * as init from './init.js';
/** Functional forms of the layers, activations and losses, as torch.nn.functional. */
export * as F from './functional.js';
