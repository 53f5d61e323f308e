// The studies by name, each with its title and a loader: `study list`, the CLI's help and an
// unknown name's message need only these, and loading a study pulls in its models, its data and
// the training loop. A test checks that each loaded study carries the name and title listed here.
import { ArgumentError } from '../tensor/errors.js';
import type { Study } from './study.js';

/** A study in the catalogue: its name, title and a loader. */
export interface StudyEntry {
  /** The name on the command line, e.g. 'activation-table'. */
  name: string;
  title: string;
  /** Imports the study's module and returns the study. */
  load(): Promise<Study>;
}

/** Every study, by name and title, each loaded only when asked for (its module imported on demand). */
export const studyCatalogue: readonly StudyEntry[] = [
  { name: 'latent-sweep', title: 'Latent size sweep of an MLP autoencoder on MNIST', load: async () => (await import('./latent-sweep.js')).latentSweep },
  { name: 'depth-sweep', title: 'Depth sweep of an MLP autoencoder on MNIST', load: async () => (await import('./depth-sweep.js')).depthSweep },
  { name: 'activation-table', title: 'Activations of the one-hidden-layer autoencoder on MNIST', load: async () => (await import('./activation-table.js')).activationTable },
  { name: 'optimizer-table', title: 'Optimizers and step sizes on an MLP classifier', load: async () => (await import('./optimizer-table.js')).optimizerTable },
  { name: 'linear-ae-vs-pca', title: 'Linear autoencoder against PCA on MNIST', load: async () => (await import('./linear-ae-vs-pca.js')).linearAeVsPca },
  { name: 'transfer', title: 'Transfer from an autoencoder with few labels', load: async () => (await import('./transfer.js')).transfer },
  { name: 'upsampling', title: 'Transposed convolution against resize-convolution in a conv autoencoder', load: async () => (await import('./upsampling.js')).upsampling },
  { name: 'compare-reductions', title: 'PCA, kernel PCA, LDA, ICA, LLE, t-SNE, UMAP, an autoencoder and a VAE on the same digits', load: async () => (await import('./compare-reductions.js')).compareReductions },
  { name: 'manifold-mismatch', title: 'Manifold mismatch: Gaussian and hyperspherical latents for data on a circle and a sphere', load: async () => (await import('./manifold-mismatch.js')).manifoldMismatch },
  { name: 'gan-vs-vae', title: 'GANs against VAEs on Fashion-MNIST, by their samples', load: async () => (await import('./gan-vs-vae.js')).ganVsVae },
  { name: 'deep-autoencoder', title: 'Deep autoencoder pretrained by RBMs against PCA (Hinton & Salakhutdinov 2006)', load: async () => (await import('./deep-autoencoder.js')).deepAutoencoder },
  { name: 'domain-translation', title: 'Translating between two image domains class by class: what each target loss gives', load: async () => (await import('./domain-translation.js')).domainTranslation },
  { name: 'likelihood', title: 'Test log-likelihood on dynamically binarized MNIST: VAE, IWAE, flow posterior', load: async () => (await import('./likelihood.js')).likelihood },
  { name: 'few-labels', title: 'Few labels on MNIST: semi-supervised autoencoders and VAEs against a classifier on the labels alone', load: async () => (await import('./few-labels.js')).fewLabels },
];

/** The names of the studies, in catalogue order (`latentlab study list`). */
export const studyNames: readonly string[] = studyCatalogue.map((entry) => entry.name);

/** The study of this name, loaded; an unknown name is an error that lists the studies. */
export async function loadStudy(name: string): Promise<Study> {
  const entry = studyCatalogue.find((candidate) => candidate.name === name);
  if (!entry) throw new ArgumentError(`unknown study '${name}': choose one of ${studyNames.join(', ')} (latentlab study list)`);
  return entry.load();
}

/** Every study, loaded (for the library and the tests; the CLI loads only the one it runs). */
export async function loadStudies(): Promise<Study[]> {
  return Promise.all(studyCatalogue.map((entry) => entry.load()));
}
