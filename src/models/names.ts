// The model families by name, apart from the registry that builds them: what lists and checks
// names (`latentlab runs --model`) needs without loading every model's code.

/** The model families `latentlab train --model` knows, in the order help texts list them. */
export const modelNames = ['mlp-ae', 'shallow-ae', 'conv-ae', 'vae', 'conv-vae', 'svae', 'conv-svae', 'contractive', 'wae', 'conv-wae', 'swae', 'conv-swae', 'gmvae', 'iwae', 'conv-iwae', 'supervised-ae', 'semi-ae', 'm2', 'm1m2', 'multitask-ae', 'gan', 'dcgan', 'aae', 'rbm'] as const;
/** A model family's name. */
export type ModelName = (typeof modelNames)[number];
/** The families trained by several optimizers (the training options lrG, lrD, dSteps, gSteps apply to them). */
export const adversarialModelNames: readonly ModelName[] = ['gan', 'dcgan', 'aae'];
/** The adversarial families without an encoder (GANs): scored by their samples alone. */
export const ganModelNames: readonly ModelName[] = ['gan', 'dcgan'];
