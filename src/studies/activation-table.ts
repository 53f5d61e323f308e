// The activation-table study: the one-hidden-layer autoencoder without biases, z = σ(W₁x),
// x̂ = W₂z, trained by plain SGD on ½‖x − x̂‖², for five activations σ and three hidden sizes.
import type { ActivationName } from '../models/activations.js';
import type { Block } from '../report/html.js';
import { reconstructions } from '../analysis/visuals.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RunRecord } from '../track/store.js';
import { curvesBlock, epochSeries, imageBlock } from './sweep-blocks.js';
import type { Study, StudyContext, StudyProfile, StudyResult } from './study.js';

export type StudiedActivation = Extract<ActivationName, 'relu' | 'sigmoid' | 'tanh' | 'identity' | 'negative'>;

export interface ActivationTableSettings {
  activations: readonly StudiedActivation[];
  /** Hidden units (the code size). */
  hidden: readonly number[];
  epochs: number;
  /** Subsets of MNIST's 8,000 training and 2,000 test digits (all when absent). */
  data: { trainLimit?: number; testLimit?: number };
}

const allActivations: readonly StudiedActivation[] = ['relu', 'sigmoid', 'tanh', 'identity', 'negative'];

export const activationTableSettings: Record<StudyProfile, ActivationTableSettings> = {
  full: { activations: allActivations, hidden: [25, 50, 100], epochs: 30, data: {} },
  quick: { activations: allActivations, hidden: [25, 50, 100], epochs: 8, data: { trainLimit: 3000, testLimit: 1000 } },
  smoke: { activations: ['sigmoid', 'tanh'], hidden: [25], epochs: 1, data: { trainLimit: 256, testLimit: 128 } },
};

/**
 * The classic setting: plain SGD (no momentum) with step 0.005, 0.01 for tanh. Its updates were
 * per sample or in small minibatches; we take minibatches of 32, which keeps the steps' noise
 * while costing a thirtieth of the per-sample calls (the loss is a mean over the batch, so a
 * step is the mean of 32 per-sample gradients).
 */
export const activationTableTraining = {
  model: 'shallow-ae',
  reconstruction: 'half-sse',
  dataset: 'mnist',
  optimizer: 'sgd',
  batch: 32,
  seed: 0,
} as const;

export function learningRate(activation: StudiedActivation): number {
  return activation === 'tanh' ? 0.01 : 0.005;
}

const activationLabels: Record<StudiedActivation, string> = { relu: 'ReLU', sigmoid: 'sigmoid', tanh: 'tanh', identity: 'identity', negative: 'negative (−a)' };

/** The study over the given settings per profile (tests inject settings where a finding is robust). */
export function createActivationTableStudy(profiles: Record<StudyProfile, ActivationTableSettings>): Study {
  return {
    name: 'activation-table',
    title: 'Activations of the one-hidden-layer autoencoder on MNIST',
    description:
      'The autoencoder z = σ(W₁x), x̂ = W₂z without biases, trained by plain SGD (minibatches of 32) for the loss ½‖x − x̂‖² per digit, ' +
      'with σ ReLU, sigmoid, tanh, identity or negation and 25, 50 or 100 hidden units. The identity and negation give the same linear model up to the sign ' +
      'of W₁ (their losses should be close: both can reach the PCA subspace, the optimum of a linear autoencoder); look at how much the nonlinear activations gain or lose against them, and how the gap changes with the hidden size.',
    run: (context) => runActivationTable(context, profiles[context.profile]),
  };
}

export const activationTable = createActivationTableStudy(activationTableSettings);

interface Trained {
  activation: StudiedActivation;
  hidden: number;
  run: RunRecord;
}

async function runActivationTable(context: StudyContext, settings: ActivationTableSettings): Promise<StudyResult> {
  const trained: Trained[] = [];
  for (const activation of settings.activations) {
    for (const hidden of settings.hidden) {
      const config = { ...activationTableTraining, activation, latent: hidden, lr: learningRate(activation), epochs: settings.epochs, ...settings.data };
      trained.push({ activation, hidden, run: await context.train(`${activation},hidden=${hidden}`, config) });
    }
  }
  const curves: Block[] = [];
  for (const activation of settings.activations) {
    const runs = trained.filter((t) => t.activation === activation);
    const series = runs.flatMap((t) => (['train', 'test'] as const).flatMap((split) => epochSeries(context.store, [{ name: `${t.hidden} hidden, ${split}`, id: t.run.id }], `${split}_loss`)));
    curves.push(await curvesBlock(series, activationLabels[activation], 'epoch', 'loss (½‖x − x̂‖² per digit)'));
  }

  return {
    tables: [
      {
        name: 'losses',
        title: 'Final train and test loss (½‖x − x̂‖² per digit) by activation and hidden size',
        columns: ['activation', 'hidden units', 'learning rate', 'train loss', 'test loss'],
        rows: trained.map(({ activation, hidden, run }) => {
          const final = context.store.finalMetrics(run.id);
          return [activationLabels[activation], hidden, learningRate(activation), final.train_loss ?? null, final.test_loss ?? null];
        }),
      },
    ],
    sections: [
      { title: 'Loss curves by activation', description: 'Mean training loss of each epoch and the test loss after it, one chart per activation.', blocks: [{ kind: 'grid', blocks: curves }] },
      {
        title: 'Reconstructions by activation and hidden size',
        description: `The first ten test digits (top row), then their reconstructions with ${settings.hidden.join(', ')} hidden units. The output is linear: values outside [0, 1] are drawn clipped.`,
        blocks: [{ kind: 'grid', blocks: settings.activations.map((activation) => reconstructionGrid(context, trained.filter((t) => t.activation === activation))) }],
      },
    ],
  };
}

/** Test digits above their reconstructions by each hidden size of one activation. */
function reconstructionGrid(context: StudyContext, runs: readonly Trained[]): Block {
  const rows: Tensor[] = [];
  runs.forEach((t, i) => {
    const loaded = context.load(t.run);
    try {
      const shown = reconstructions(loaded.model, loaded.test, 10);
      // Every run has the same test split: its digits are shown once, on top.
      if (i === 0) rows.push(shown.originals);
      else shown.originals.dispose();
      rows.push(shown.reconstructions);
    } finally {
      loaded.dispose();
    }
  });
  return imageBlock(rows, `${activationLabels[runs[0]!.activation]}: test digits, then ${runs.map((t) => t.hidden).join(', ')} hidden units`);
}
