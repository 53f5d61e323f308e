// The deep-autoencoder study (Hinton & Salakhutdinov, "Reducing the dimensionality of data with
// neural networks", Science 2006): the 784-1000-500-250-30 autoencoder on MNIST, pretrained as a
// stack of RBMs and fine-tuned by backpropagation, against PCA with 30 components and against the
// same autoencoder trained from random initialisation with the same fine-tuning budget.
import { noGrad } from '../tensor/autograd.js';
import { manualSeed } from '../tensor/runtime.js';
import { tidy, keep } from '../tensor/scope.js';
import { cat } from '../tensor/combine.js';
import { encodeSafetensors, loadSafetensors } from '../tensor/serialize.js';
import type { Tensor } from '../tensor/tensor.js';
import { loadDataset } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import { Adam } from '../optim/adam.js';
import { Trainer } from '../train/trainer.js';
import { PCA } from '../reduce/pca.js';
import { MlpAutoencoder } from '../models/mlp-ae.js';
import { pretrainDeepBeliefNet } from '../models/dbn.js';
import type { Section } from '../report/html.js';
import type { RunStore } from '../track/store.js';
import { curvesBlock, epochSeries, imageBlock } from './sweep-blocks.js';
import type { Study, StudyContext, StudyProfile, StudyResult, TaskRun } from './study.js';

export interface DeepAutoencoderSettings {
  /** Encoder widths, bottom to top; the last is the code (and PCA's number of components). */
  layers: readonly number[];
  /** Subsets of MNIST's 60,000 training and 10,000 test digits (all when absent). */
  data: { trainLimit?: number; testLimit?: number };
  /** Greedy pretraining: epochs per RBM, batch, SGD rate (the linear top layer's apart), momentum 0.5 → this, weight-cost. */
  pretrain: { epochs: number; batch: number; lr: number; topLr: number; momentum: number; weightCost: number };
  /** Fine-tuning of both autoencoders by Adam on the cross-entropy of the pixels. */
  finetune: { epochs: number; batch: number; lr: number };
}

// The paper's code: 50 epochs of CD-1 per RBM in batches of 100 (rate 0.1, 0.001 for the linear
// top, momentum 0.5 → 0.9, weight-cost 2e-4), then 200 epochs of conjugate gradients; here Adam.
// Quick: 10,000 digits, 10 RBM epochs, 30 fine-tuning epochs at a higher Adam rate, and the linear
// top RBM at 1e-2: at 1e-3 its 1,000 updates leave the code near its random start (measured on
// 2,000 digits, 784-256-64-16: unrolled test error 70 before fine-tuning at 1e-3, 29 at 1e-2).
export const deepAutoencoderSettings: Record<StudyProfile, DeepAutoencoderSettings> = {
  full: {
    layers: [1000, 500, 250, 30],
    data: {},
    pretrain: { epochs: 50, batch: 100, lr: 0.1, topLr: 1e-3, momentum: 0.9, weightCost: 2e-4 },
    finetune: { epochs: 50, batch: 100, lr: 1e-3 },
  },
  quick: {
    layers: [1000, 500, 250, 30],
    data: { trainLimit: 10000, testLimit: 2000 },
    pretrain: { epochs: 10, batch: 100, lr: 0.1, topLr: 1e-2, momentum: 0.9, weightCost: 2e-4 },
    finetune: { epochs: 30, batch: 100, lr: 3e-3 },
  },
  smoke: {
    layers: [64, 32, 8],
    data: { trainLimit: 400, testLimit: 100 },
    pretrain: { epochs: 1, batch: 100, lr: 0.1, topLr: 1e-2, momentum: 0.9, weightCost: 2e-4 },
    finetune: { epochs: 1, batch: 100, lr: 1e-3 },
  },
};

export function createDeepAutoencoderStudy(profiles: Record<StudyProfile, DeepAutoencoderSettings>): Study {
  return {
    name: 'deep-autoencoder',
    title: 'Deep autoencoder pretrained by RBMs against PCA (Hinton & Salakhutdinov 2006)',
    description:
      'The 784-1000-500-250-30 autoencoder on MNIST (logistic units, a linear 30-unit code, sigmoid output, cross-entropy), pretrained greedily as a stack of RBMs ' +
      '(CD-1; the top RBM with linear hidden units) and unrolled, then fine-tuned by backpropagation; against PCA with as many components as the code, and against ' +
      'the same autoencoder from random initialisation with the same fine-tuning. Error is the squared error per test image, summed over the 784 pixels. ' +
      'Look for the pretrained autoencoder at half of PCA’s error or less (the paper: 3.00 against 13.87 after far longer training), and for the gap to the random start.',
    run: (context) => runDeepAutoencoder(context, profiles[context.profile]),
  };
}

export const deepAutoencoder = createDeepAutoencoderStudy(deepAutoencoderSettings);

const dataset = 'mnist';
const seed = 0;
/** Test digits shown in the reconstruction grid. */
const shown = 10;
const methods = [
  { name: 'pca', label: 'PCA' },
  { name: 'random-init', label: 'autoencoder, random init' },
  { name: 'pretrained', label: 'autoencoder, RBM-pretrained' },
] as const;

interface Digits {
  train: Tensor;
  test: Tensor;
  dispose(): void;
}

function loadDigits(limits: DeepAutoencoderSettings['data']): Digits {
  const load = (split: 'train' | 'test', limit?: number) => {
    const set = loadDataset(dataset, { split, limit });
    set.targets.dispose();
    return set.inputs; // [N, 1, 28, 28] in [0, 1]
  };
  const train = load('train', limits.trainLimit);
  const test = load('test', limits.testLimit);
  return { train, test, dispose: () => [train, test].forEach((t) => t.dispose()) };
}

/** Mean over images [N, ...] of ‖x − x̂‖² summed over pixels. */
export function squaredErrorPerImage(x: Tensor, reconstruction: Tensor): number {
  return tidy(() => x.flatten(1).sub(reconstruction.flatten(1)).square().sum({ dim: 1 }).mean().item());
}

async function runDeepAutoencoder(context: StudyContext, settings: DeepAutoencoderSettings): Promise<StudyResult> {
  const digits = loadDigits(settings.data);
  try {
    const results: Record<string, { runId: string; metrics: Record<string, number> }> = {};
    for (const method of methods) results[method.name] = await methodTask(context, digits, settings, method.name);
    const pca = results.pca!.metrics.test_error!;
    const rows = methods.map((m) => [m.label, results[m.name]!.metrics.train_error ?? NaN, results[m.name]!.metrics.test_error ?? NaN, (results[m.name]!.metrics.test_error ?? NaN) / pca]);
    return {
      tables: [{ name: 'errors', title: `Squared error per image (sum over 784 pixels), code size ${settings.layers.at(-1)}`, columns: ['method', 'train_error', 'test_error', 'ratio_to_pca'], rows }],
      sections: await sections(context.store, results, digits, settings),
    };
  } finally {
    digits.dispose();
  }
}

async function methodTask(context: StudyContext, digits: Digits, settings: DeepAutoencoderSettings, method: (typeof methods)[number]['name']) {
  const code = settings.layers.at(-1)!;
  const config = method === 'pca' ? { dataset, ...settings.data, nComponents: code, seed } : { dataset, ...settings.data, layers: settings.layers, ...(method === 'pretrained' ? { pretrain: settings.pretrain } : {}), finetune: settings.finetune, seed };
  const { run, metrics } = await context.task(`${method} code=${code}`, { model: method === 'pca' ? 'pca' : 'deep-ae', dataset, config }, async (task) => {
    const reconstruct = method === 'pca' ? fitPca(digits, code) : await trainAutoencoder(task, digits, settings, method === 'pretrained');
    try {
      const [train, test] = [digits.train, digits.test].map((x) => reconstructInChunks(reconstruct.apply, x));
      try {
        // Kept for the report's grid, so that a reused run draws it again.
        task.store.addArtifact(task.run.id, 'reconstructions', 'reconstructions.safetensors', encodeSafetensors({ test: test!.narrow(0, 0, Math.min(shown, test!.shape[0]!)).contiguous() }));
        return { train_error: squaredErrorPerImage(digits.train, train!), test_error: squaredErrorPerImage(digits.test, test!) };
      } finally {
        [train, test].forEach((t) => t!.dispose());
      }
    } finally {
      reconstruct.dispose();
    }
  });
  return { runId: run.id, metrics };
}

interface Reconstructor {
  apply(x: Tensor): Tensor;
  dispose(): void;
}

function fitPca(digits: Digits, components: number): Reconstructor {
  const rows = digits.train.flatten(1); // [N, 784]
  let pca: PCA;
  try {
    pca = new PCA({ nComponents: components, seed }).fit(rows);
  } finally {
    rows.dispose();
  }
  return { apply: (x) => tidy(() => pca.inverseTransform(pca.transform(x.flatten(1))).reshape(x.shape)), dispose: () => pca.dispose() };
}

/** The unrolled DBN (pretrained) or the same MlpAutoencoder from its default initialisation, fine-tuned by Adam on the pixels' cross-entropy. */
export async function trainAutoencoder(task: Pick<TaskRun, 'log'>, digits: Pick<Digits, 'train'>, settings: DeepAutoencoderSettings, pretrained: boolean): Promise<Reconstructor> {
  const { layers, pretrain, finetune } = settings;
  let model: MlpAutoencoder;
  if (pretrained) {
    const dbn = pretrainDeepBeliefNet(digits.train, {
      layers,
      ...pretrain,
      seed,
      linearTop: true,
      onEpoch: (layer, epoch, reconstruction) => task.log([{ key: `rbm${layer + 1}_reconstruction`, value: reconstruction, epoch }]),
    });
    model = dbn.toAutoencoder();
    dbn.dispose();
  } else {
    manualSeed(seed);
    model = new MlpAutoencoder({ inputShape: digits.train.shape.slice(1), latent: layers.at(-1)!, hidden: layers.slice(0, -1), activation: 'sigmoid', outputActivation: 'sigmoid', reconstruction: 'bce' });
  }
  const optimizer = new Adam(model.parameters(), { lr: finetune.lr });
  await new Trainer({
    model,
    optimizer,
    loss: (_m, batch) => model.loss(batch),
    train: new DataLoader({ inputs: digits.train }, { batchSize: finetune.batch, shuffle: true, seed }),
    maxEpochs: finetune.epochs,
    seed,
    progress: 'none',
    callbacks: [{ onEpochEnd: (metrics) => task.log([{ key: 'train_loss', value: metrics.trainLoss, epoch: metrics.epoch }]) }],
  }).fit();
  optimizer.dispose();
  model.eval();
  return { apply: (x) => model.reconstruct(x), dispose: () => model.dispose() };
}

function reconstructInChunks(apply: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return noGrad(() =>
    tidy(() => {
      const parts: Tensor[] = [];
      for (let start = 0; start < x.shape[0]!; start += 1000) parts.push(apply(x.narrow(0, start, Math.min(1000, x.shape[0]! - start))));
      return parts.length === 1 ? parts[0]! : cat(parts, 0);
    }),
  );
}

async function sections(store: RunStore, results: Record<string, { runId: string }>, digits: Digits, settings: DeepAutoencoderSettings): Promise<Section[]> {
  const rows = [tidy(() => keep(digits.test.narrow(0, 0, Math.min(shown, digits.test.shape[0]!)).contiguous()))];
  for (const method of methods) {
    const artifact = store.artifacts(results[method.name]!.runId, 'reconstructions')[0];
    if (!artifact) continue;
    const { tensors } = loadSafetensors(store.artifactPath(artifact));
    rows.push(tensors.test!);
  }
  const autoencoders = methods.filter((m) => m.name !== 'pca').map((m) => ({ name: m.label, id: results[m.name]!.runId }));
  const pretraining = settings.layers.map((_, i) => ({ name: `RBM ${i + 1}`, key: `rbm${i + 1}_reconstruction` }));
  return [
    {
      title: 'Reconstructions',
      description: `The first ${shown} test digits (top), then their reconstructions by ${methods.map((m) => m.label).join(', ')} (top to bottom).`,
      blocks: [imageBlock(rows, `test digits; ${methods.map((m) => m.label).join('; ')}`)],
    },
    {
      title: 'Training curves',
      description: 'Fine-tuning: mean cross-entropy per pixel of each epoch. Pretraining: each RBM’s squared reconstruction error per sample of each epoch.',
      blocks: [
        {
          kind: 'grid',
          blocks: [
            await curvesBlock(epochSeries(store, autoencoders, 'train_loss'), 'Fine-tuning loss'),
            await curvesBlock(
              pretraining.map((p) => ({ name: p.name, points: store.metrics(results.pretrained!.runId, p.key).map((row) => ({ x: row.epoch ?? row.step, y: row.value })) })),
              'Pretraining: reconstruction error of each RBM',
            ),
          ],
        },
      ],
    },
  ];
}
