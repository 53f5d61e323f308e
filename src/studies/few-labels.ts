// Study `few-labels` (issue 17): MNIST with 100 to 3,000 labels, the rest of the training digits
// unlabelled. What do the unlabelled digits buy? Every method sees the same labelled digits (the
// seed picks them, class-balanced, as `--labels`); the test error is compared with the published
// M1+M2 numbers, and latent maps show how labels reshape an autoencoder's code.
import { scatterChart } from '../report/charts.js';
import type { Block, Section } from '../report/html.js';
import { manualSeed } from '../tensor/runtime.js';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { encodeSafetensors, loadSafetensors } from '../tensor/serialize.js';
import { encodeNpy, readNpy } from '../data/npy.js';
import { DataLoader, type TensorDataset } from '../data/loader.js';
import { Adam } from '../optim/adam.js';
import { Trainer } from '../train/trainer.js';
import { trainClassifier } from '../train/classifier.js';
import { MlpClassifier } from '../models/classifier.js';
import { pretrainDeepBeliefNet } from '../models/dbn.js';
import { LabelledAutoencoder } from '../models/supervised-ae.js';
import { MlpAutoencoder } from '../models/mlp-ae.js';
import { checkLabelCount, headAccuracy, labelledPositions, labelledSubset } from '../runs/labels.js';
import { embedDataset } from '../runs/embed.js';
import type { RunRecord } from '../track/store.js';
import { sharedClassificationData, type SharedClassificationData } from './classify-data.js';
import { meanAndStd } from './classify-summary.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable } from './study.js';

/** The methods compared, in the table's order. */
export const fewLabelsMethods = ['labels-alone', 'ae-fine-tune', 'supervised-ae', 'semi-ae', 'm2', 'm1m2', 'dbn-fine-tune'] as const;
/** One of the compared methods. */
export type FewLabelsMethod = (typeof fewLabelsMethods)[number];

/** What a profile trains: label counts, seeds, data, the budgets of each method and the latent maps. */
export interface FewLabelsSettings {
  /** Labelled training digits in total, class-balanced (at least 10). */
  labels: readonly number[];
  /** Seeds 0 … seeds − 1: each picks the labelled digits and the initial weights. */
  seeds: number;
  /** The first this many of MNIST's 60,000 training and 10,000 test digits (all when absent). */
  data: { trainLimit?: number; testLimit?: number };
  /** Epochs (batches of 128, over every training digit) of the models that learn from the unlabelled digits too. */
  epochs: { autoencoder: number; semi: number; m2: number; m1m2: number };
  /** Adam steps (batches of up to 128 labelled digits) of each classifier trained on the labels: alone, fine-tuned, supervised AE. */
  steps: number;
  /** The DBN: hidden widths and CD-1 epochs per RBM (batches of 100, over every training digit). */
  dbn: { layers: readonly number[]; epochs: number };
  /** Latent maps of a plain AE, a supervised AE and a VAE: the first n test digits; null for none. */
  maps: { n: number } | null;
  /** The methods run (all when absent): a finding test runs the ones it checks. */
  methods?: readonly FewLabelsMethod[];
}

// Full: all of MNIST, the four label counts of Kingma et al. (2014) and three seeds. The paper
// trained M1+M2 for thousands of epochs; these budgets are what 2 CPU cores give in hours.
// Quick: 10,000 training and 2,000 test digits, 100 and 1,000 labels, two seeds.
/** The settings of each profile: full (all of MNIST, four label counts, three seeds), quick, smoke. */
export const fewLabelsSettings: Record<StudyProfile, FewLabelsSettings> = {
  full: {
    labels: [100, 600, 1000, 3000],
    seeds: 3,
    data: {},
    epochs: { autoencoder: 20, semi: 20, m2: 10, m1m2: 20 },
    steps: 1000,
    dbn: { layers: [500, 500], epochs: 10 },
    maps: { n: 5000 },
  },
  quick: {
    labels: [100, 1000],
    seeds: 2,
    data: { trainLimit: 10000, testLimit: 2000 },
    epochs: { autoencoder: 10, semi: 10, m2: 3, m1m2: 10 },
    steps: 300,
    dbn: { layers: [500, 500], epochs: 5 },
    maps: { n: 2000 },
  },
  smoke: {
    labels: [20],
    seeds: 1,
    data: { trainLimit: 300, testLimit: 100 },
    epochs: { autoencoder: 1, semi: 1, m2: 1, m1m2: 1 },
    steps: 3,
    dbn: { layers: [32, 16], epochs: 1 },
    maps: { n: 100 },
  },
};

/**
 * Kingma, Rezende, Mohamed & Welling (2014), "Semi-supervised learning with deep generative
 * models", Table 1: MNIST test error (%) by labels, ± the standard deviation over runs where given.
 */
export const publishedErrors: readonly { method: string; errors: Readonly<Record<number, number>>; spread?: Readonly<Record<number, number>> }[] = [
  { method: 'M1+TSVM', errors: { 100: 11.82, 600: 5.72, 1000: 4.24, 3000: 3.49 } },
  { method: 'M2', errors: { 100: 11.97, 600: 4.94, 1000: 3.6, 3000: 3.92 } },
  { method: 'M1+M2', errors: { 100: 3.33, 600: 2.59, 1000: 2.4, 3000: 2.18 }, spread: { 100: 0.14, 600: 0.05, 1000: 0.02, 3000: 0.04 } },
];

const dataset = 'mnist';
const batch = 128;
const lr = 1e-3;
/** The autoencoders' shape (supervised-ae's and semi-ae's defaults): 784-256-32, ReLU, sigmoid output. */
const autoencoder = { latent: 32, hidden: [256], reconstruction: 'bce' } as const;
/** semi-ae's α: 0.1 with cross-entropy reconstruction was the best of those measured at 100 labels (README). */
const semiClassWeight = 0.1;
const neighbors = 5;

const titles: Record<FewLabelsMethod, string> = {
  'labels-alone': 'classifier on the labels alone',
  'ae-fine-tune': 'autoencoder pretrained, fine-tuned',
  'supervised-ae': 'supervised AE',
  'semi-ae': 'semi-supervised AE',
  m2: 'M2',
  m1m2: 'M1+M2',
  'dbn-fine-tune': 'DBN pretrained, fine-tuned',
};

/** The study with its settings per profile; tests give other settings under 'smoke' to check its finding. */
export function createFewLabelsStudy(profiles: Record<StudyProfile, FewLabelsSettings>): Study {
  return {
    name: 'few-labels',
    title: 'Few labels on MNIST: semi-supervised autoencoders and VAEs against a classifier on the labels alone',
    description:
      'MNIST with 100, 600, 1,000 and 3,000 labelled training digits (class-balanced, picked by the seed as --labels), the rest unlabelled. ' +
      'Test error of: a classifier trained on the labelled digits alone (the 784-256-32 encoder and a softmax head, from random weights); ' +
      'the same network initialised from an autoencoder pretrained on every training digit, then fine-tuned; the supervised AE (the labelled digits, with reconstruction); ' +
      'the semi-supervised AE (reconstruction on every digit, α = 0.1); M2 and M1+M2 of Kingma et al. (2014); and a DBN pretrained by RBMs on every digit, then fine-tuned as a classifier. ' +
      'Mean and standard deviation over the seeds, beside the published M1+M2, M2 and M1+TSVM errors. Then the latent maps (2-D PCA of the 32-D codes) of a plain AE, a supervised AE and a VAE, ' +
      'with kNN accuracy and trustworthiness in the code and in the map. Look for the methods that use the unlabelled digits (semi-supervised AE, M1+M2) ahead of the labels alone at 100 labels, the gap closing as labels grow, ' +
      'and for the supervised AE’s map separating the classes that the plain AE and the VAE mix.',
    run: (context) => runFewLabels(context, profiles[context.profile]),
  };
}

/** The study `few-labels` with its published, quick and smoke settings. */
export const fewLabels = createFewLabelsStudy(fewLabelsSettings);

/** One line for settings that cannot run, before anything trains. */
export function checkFewLabelsSettings(settings: FewLabelsSettings): void {
  const trainSize = Math.min(settings.data.trainLimit ?? 60000, 60000);
  if (settings.labels.length === 0) throw new ArgumentError('the few-labels study needs at least one label count, e.g. labels [100]');
  for (const count of settings.labels) {
    if (!Number.isInteger(count)) throw new ArgumentError(`label counts must be whole numbers, got ${count}`);
    checkLabelCount(count, trainSize, 10);
  }
  if (!Number.isInteger(settings.seeds) || settings.seeds < 1) throw new ArgumentError(`seeds must be a positive integer, got ${settings.seeds}`);
  if (!Number.isInteger(settings.steps) || settings.steps < 1) throw new ArgumentError(`steps must be a positive integer, got ${settings.steps}`);
  for (const method of settings.methods ?? []) {
    if (!fewLabelsMethods.includes(method)) throw new ArgumentError(`unknown method '${method}': choose from ${fewLabelsMethods.join(', ')}`);
  }
  if (settings.maps && (!Number.isInteger(settings.maps.n) || settings.maps.n <= 2 * neighbors)) {
    throw new ArgumentError(`the latent maps need more than ${2 * neighbors} digits (k = ${neighbors} neighbours), got ${settings.maps.n}`);
  }
}

async function runFewLabels(ctx: StudyContext, settings: FewLabelsSettings): Promise<StudyResult> {
  checkFewLabelsSettings(settings);
  const methods = fewLabelsMethods.filter((method) => !settings.methods || settings.methods.includes(method));
  const data = sharedClassificationData(dataset, settings.data);
  const errors = new Map<string, number[]>();
  const supervisedRuns = new Map<number, RunRecord>();
  const pretrained: RunRecord[] = [];
  try {
    for (let seed = 0; seed < settings.seeds; seed++) {
      const shared: Shared = { data, seed };
      if (methods.includes('ae-fine-tune') || (settings.maps && seed === 0)) pretrained[seed] = await ctx.train(`autoencoder seed${seed}`, { model: 'mlp-ae', ...autoencoder, ...trainingConfig(settings, seed), epochs: settings.epochs.autoencoder });
      const dbn = methods.includes('dbn-fine-tune') ? await pretrainDbn(ctx, settings, shared) : undefined;
      for (const labels of settings.labels) {
        for (const method of methods) {
          const accuracy = await runMethod(ctx, settings, shared, method, labels, { autoencoder: pretrained[seed], dbn, supervisedRuns });
          const key = `${labels}-${method}`;
          errors.set(key, [...(errors.get(key) ?? []), 100 * (1 - accuracy)]);
        }
      }
    }
  } finally {
    data.dispose();
  }
  const tables = [errorTable(settings, methods, errors), publishedTable(), budgetTable(settings, methods)];
  const sections: Section[] = [];
  if (settings.maps) {
    const largest = Math.max(...settings.labels);
    const supervised = supervisedRuns.get(largest) ?? (await ctx.train(`supervised-ae-labels${largest}-seed0`, supervisedConfig(settings, largest, 0)));
    const vae = await ctx.train('vae seed0', { model: 'vae', latent: autoencoder.latent, hidden: autoencoder.hidden, ...trainingConfig(settings, 0), epochs: settings.epochs.autoencoder });
    const maps = [
      { key: 'map autoencoder', title: 'plain AE', run: pretrained[0]! },
      { key: 'map supervised-ae', title: `supervised AE (${largest} labels)`, run: supervised },
      { key: 'map vae', title: 'VAE (posterior means)', run: vae },
    ];
    const rows: MapRow[] = [];
    for (const map of maps) rows.push(await mapTask(ctx, settings.maps.n, map));
    tables.push(mapTable(rows));
    sections.push(await mapSection(ctx, rows, settings.maps.n));
  }
  return { tables, sections };
}

interface Shared {
  data: SharedClassificationData;
  seed: number;
}

function trainingConfig(settings: FewLabelsSettings, seed: number) {
  return { dataset, batch, lr, optimizer: 'adam', seed, ...settings.data };
}

/** Epochs over the labelled digits that make `steps` Adam steps in batches of up to 128. */
function labelledEpochs(settings: FewLabelsSettings, labels: number): number {
  return Math.max(1, Math.round(settings.steps / Math.ceil(labels / batch)));
}

function supervisedConfig(settings: FewLabelsSettings, labels: number, seed: number) {
  return { model: 'supervised-ae', ...autoencoder, ...trainingConfig(settings, seed), labels, epochs: labelledEpochs(settings, labels) };
}

/** Test accuracy of one method at one label count, for the shared seed. */
async function runMethod(
  ctx: StudyContext,
  settings: FewLabelsSettings,
  shared: Shared,
  method: FewLabelsMethod,
  labels: number,
  pretrained: { autoencoder?: RunRecord; dbn?: RunRecord; supervisedRuns: Map<number, RunRecord> },
): Promise<number> {
  const { seed } = shared;
  const key = `${method}-labels${labels}-seed${seed}`;
  const runAccuracy = (run: RunRecord) => {
    const accuracy = ctx.store.finalMetrics(run.id).test_head_accuracy;
    if (accuracy === undefined) throw new LatentlabError(`run ${run.id} (${key}) recorded no test_head_accuracy: delete it (latentlab runs rm ${run.id}) and run the study again`);
    return accuracy;
  };
  const semi = { ...autoencoder, ...trainingConfig(settings, seed), labels };
  switch (method) {
    case 'labels-alone':
    case 'ae-fine-tune':
      return headTask(ctx, settings, shared, labels, key, method === 'ae-fine-tune' ? pretrained.autoencoder! : null);
    case 'supervised-ae': {
      const run = await ctx.train(key, supervisedConfig(settings, labels, seed));
      if (seed === 0) pretrained.supervisedRuns.set(labels, run);
      return runAccuracy(run);
    }
    case 'semi-ae':
      return runAccuracy(await ctx.train(key, { model: 'semi-ae', ...semi, classWeight: semiClassWeight, epochs: settings.epochs.semi }));
    case 'm2':
      return runAccuracy(await ctx.train(key, { model: 'm2', ...trainingConfig(settings, seed), labels, epochs: settings.epochs.m2 }));
    case 'm1m2':
      return runAccuracy(await ctx.train(key, { model: 'm1m2', ...trainingConfig(settings, seed), labels, epochs: settings.epochs.m1m2 }));
    case 'dbn-fine-tune':
      return dbnTask(ctx, settings, shared, labels, key, pretrained.dbn!);
  }
}

/** The labelled digits of a label count and seed: the ones `--labels` picks. */
function labelledDigits(shared: Shared, labels: number): { labelled: TensorDataset; test: TensorDataset; numClasses: number } {
  const { train, test, numClasses } = shared.data.get();
  return { labelled: labelledSubset(train, labelledPositions(train.targets, labels, numClasses, shared.seed)), test, numClasses };
}

const free = (set: TensorDataset) => [set.inputs, set.targets].forEach((tensor) => tensor?.dispose());

/**
 * The classifier on the labels: supervised-ae's network with no reconstruction (λ = 0), from
 * random weights or from a pretrained autoencoder's, trained by Adam on the labelled digits alone.
 */
async function headTask(ctx: StudyContext, settings: FewLabelsSettings, shared: Shared, labels: number, key: string, init: RunRecord | null): Promise<number> {
  const config = { ...autoencoder, labels, steps: settings.steps, batch, lr, optimizer: 'adam', seed: shared.seed, init: init?.id ?? 'random', ...settings.data };
  const { metrics } = await ctx.task(key, { model: 'supervised-ae', dataset, config }, async (task) => {
    const { labelled, test, numClasses } = labelledDigits(shared, labels);
    manualSeed(shared.seed);
    const model = new LabelledAutoencoder({ inputShape: labelled.inputs.shape.slice(1), ...autoencoder, numClasses, reconWeight: 0 });
    const optimizer = new Adam(model.parameters(), { lr });
    try {
      if (init) {
        const loaded = ctx.load(init);
        try {
          if (!(loaded.model instanceof MlpAutoencoder)) throw new LatentlabError(`run ${init.id} is a ${init.model}, not the mlp-ae the few-labels study pretrains`);
          model.autoencoder.loadStateDict(loaded.model.stateDict());
        } finally {
          loaded.dispose();
        }
      }
      await new Trainer({
        model,
        optimizer,
        loss: (_m, b) => model.loss(b),
        train: new DataLoader(labelled, { batchSize: Math.min(batch, labels), shuffle: true, seed: shared.seed }),
        maxSteps: settings.steps,
        seed: shared.seed,
        progress: 'none',
        callbacks: [{ onEpochEnd: (m) => task.log([{ key: 'train_loss', value: m.trainLoss, epoch: m.epoch }]) }],
      }).fit();
      return { test_head_accuracy: headAccuracy(model, test) };
    } finally {
      optimizer.dispose();
      model.dispose();
      free(labelled);
    }
  });
  return metrics.test_head_accuracy!;
}

const dbnPretrain = { batch: 100, lr: 0.1, momentum: 0.9, weightCost: 2e-4 } as const;

/** Greedy RBM pretraining on every training digit, once per seed; the classifier it unrolls into is kept as an artifact. */
async function pretrainDbn(ctx: StudyContext, settings: FewLabelsSettings, shared: Shared): Promise<RunRecord> {
  const config = { layers: settings.dbn.layers, epochs: settings.dbn.epochs, ...dbnPretrain, seed: shared.seed, ...settings.data };
  const { run } = await ctx.task(`dbn-pretrain seed${shared.seed}`, { model: 'dbn', dataset, config }, (task) => {
    const { train, numClasses } = shared.data.get();
    const dbn = pretrainDeepBeliefNet(train.inputs, {
      layers: settings.dbn.layers,
      epochs: settings.dbn.epochs,
      ...dbnPretrain,
      seed: shared.seed,
      onEpoch: (layer, epoch, reconstruction) => task.log([{ key: `rbm${layer + 1}_reconstruction`, value: reconstruction, epoch }]),
    });
    try {
      const classifier = dbn.toClassifier(numClasses);
      try {
        task.store.addArtifact(task.run.id, 'weights', 'dbn-classifier.safetensors', encodeSafetensors(classifier.stateDict()));
      } finally {
        classifier.dispose();
      }
      return Object.fromEntries(settings.dbn.layers.map((_, layer) => [`rbm${layer + 1}_reconstruction`, ctx.store.metrics(task.run.id, `rbm${layer + 1}_reconstruction`).at(-1)?.value ?? Number.NaN]));
    } finally {
      dbn.dispose();
    }
  });
  return run;
}

/** The pretrained DBN's classifier (sigmoid layers with the RBMs' weights, a fresh softmax on top), fine-tuned by Adam on the labelled digits. */
async function dbnTask(ctx: StudyContext, settings: FewLabelsSettings, shared: Shared, labels: number, key: string, pretrained: RunRecord): Promise<number> {
  const config = { pretrained: pretrained.id, layers: settings.dbn.layers, labels, steps: settings.steps, batch, lr, optimizer: 'adam', seed: shared.seed, ...settings.data };
  const { metrics } = await ctx.task(key, { model: 'dbn', dataset, config }, async () => {
    const artifact = ctx.store.artifacts(pretrained.id, 'weights').find((a) => a.name === 'dbn-classifier.safetensors');
    if (!artifact) throw new LatentlabError(`run ${pretrained.id} has no pretrained DBN weights: delete it (latentlab runs rm ${pretrained.id}) and run the study again`);
    const { labelled, test, numClasses } = labelledDigits(shared, labels);
    const model = new MlpClassifier({ inputShape: labelled.inputs.shape.slice(1), numClasses, hidden: settings.dbn.layers, activation: 'sigmoid' });
    const { tensors } = loadSafetensors(ctx.store.artifactPath(artifact));
    try {
      model.loadStateDict(tensors);
      manualSeed(shared.seed);
      const outcome = await trainClassifier({ model, parameters: model.parameters(), optimizer: { name: 'adam', lr }, train: labelled, test, batch, seed: shared.seed, steps: settings.steps });
      return { test_head_accuracy: outcome.testAccuracy, train_loss: outcome.trainLoss, diverged: outcome.divergence ? 1 : 0 };
    } finally {
      Object.values(tensors).forEach((tensor) => tensor.dispose());
      model.dispose();
      free(labelled);
    }
  });
  return metrics.test_head_accuracy!;
}

function errorTable(settings: FewLabelsSettings, methods: readonly FewLabelsMethod[], errors: Map<string, number[]>): StudyTable {
  const published = (method: FewLabelsMethod, labels: number) => publishedErrors.find((p) => p.method === (method === 'm1m2' ? 'M1+M2' : method === 'm2' ? 'M2' : ''))?.errors[labels] ?? null;
  const rows = settings.labels.flatMap((labels) =>
    methods.map((method) => {
      const seeds = errors.get(`${labels}-${method}`)!;
      const { mean, std } = meanAndStd(seeds);
      return [labels, titles[method], round(mean), std === null ? null : round(std), seeds.map((e) => e.toFixed(2)).join(', '), published(method, labels)];
    }),
  );
  return {
    name: 'test-error',
    title: `Test error (%) by labelled digits and method: mean and standard deviation over ${settings.seeds} seed${settings.seeds === 1 ? '' : 's'}, beside Kingma et al. (2014)`,
    columns: ['labels', 'method', 'mean error %', 'std', 'per seed', 'published error %'],
    rows,
  };
}

function publishedTable(): StudyTable {
  const counts = [100, 600, 1000, 3000];
  return {
    name: 'published',
    title: 'Kingma et al. (2014), Table 1: MNIST test error (%) with N labelled training digits (as quoted in issue 17; not re-checked against the paper)',
    // Numbers in the cells (a table read by --json), the standard deviations where given in a column of their own.
    columns: ['method', ...counts.map((n) => `${n} labels`), 'std over runs'],
    rows: publishedErrors.map((p) => [p.method, ...counts.map((n) => p.errors[n]!), p.spread ? counts.map((n) => p.spread![n]!.toFixed(2)).join(', ') : null]),
  };
}

/** What each method trained on, so that our numbers and the published ones are read with their budgets. */
function budgetTable(settings: FewLabelsSettings, methods: readonly FewLabelsMethod[]): StudyTable {
  const trainingDigits = settings.data.trainLimit ?? 60000;
  const digits = `${trainingDigits} training digits`;
  const labelled = `the N labelled digits, ${settings.steps} Adam steps (batch ≤ ${batch})`;
  const budgets: Record<FewLabelsMethod, string> = {
    'labels-alone': labelled,
    'ae-fine-tune': `AE: ${digits}, ${settings.epochs.autoencoder} epochs; then ${labelled}`,
    'supervised-ae': `the N labelled digits, about ${settings.steps} Adam steps (whole epochs, batch ≤ ${batch})`,
    'semi-ae': `${digits} (labelled ones repeated to a tenth), ${settings.epochs.semi} epochs, batch ${batch}`,
    m2: `${digits} (labelled ones repeated to a tenth), ${settings.epochs.m2} epochs, batch ${batch}`,
    m1m2: `${digits} (labelled ones repeated to a tenth), ${settings.epochs.m1m2} epochs, batch ${batch}`,
    'dbn-fine-tune': `RBMs ${settings.dbn.layers.join('-')}: ${digits}, ${settings.dbn.epochs} CD-1 epochs each; then ${labelled}`,
  };
  return {
    name: 'budgets',
    title: `Training budget of each method (test on ${settings.data.testLimit ?? 10000} test digits)`,
    columns: ['method', 'digits without labels used', 'training'],
    rows: [
      ...methods.map((method) => [titles[method], method === 'labels-alone' || method === 'supervised-ae' ? 0 : trainingDigits, budgets[method]]),
      // 60,000 less the 10,000 of the validation set
      ['Kingma et al. (published)', 50000, 'the MNIST training digits less a validation set, trained far longer (the paper’s budget, not re-checked here)'],
    ],
  };
}

interface MapRow {
  title: string;
  runId: string;
  metrics: Record<string, number>;
}

/** One model's codes of the first n test digits: kNN accuracy and trustworthiness in the code and in its 2-D PCA map, the map's points an artifact. */
async function mapTask(ctx: StudyContext, n: number, map: { key: string; title: string; run: RecordLike }): Promise<MapRow> {
  const config = { run: map.run.id, split: 'test', n, neighbors };
  const { run, metrics } = await ctx.task(map.key, { model: map.run.model, dataset, config }, (task) => {
    const options = { method: `ae:${map.run.id}`, dataset, split: 'test', n, neighbors, store: ctx.store } as const;
    const code = embedDataset({ ...options, nComponents: autoencoder.latent });
    code.dispose();
    const flat = embedDataset({ ...options, nComponents: 2 });
    try {
      task.store.addArtifact(task.run.id, 'embedding', 'embedding.npy', encodeNpy(flat.points));
      task.store.addArtifact(task.run.id, 'embedding', 'labels.npy', encodeNpy(flat.labels!));
      return {
        latent_knn_accuracy: code.metrics.knn_accuracy!,
        latent_trustworthiness: code.metrics.trustworthiness,
        map_knn_accuracy: flat.metrics.knn_accuracy!,
        map_trustworthiness: flat.metrics.trustworthiness,
      };
    } finally {
      flat.dispose();
    }
  });
  return { title: map.title, runId: run.id, metrics };
}

type RecordLike = Pick<RunRecord, 'id' | 'model'>;

function mapTable(rows: readonly MapRow[]): StudyTable {
  const columns = ['latent_knn_accuracy', 'latent_trustworthiness', 'map_knn_accuracy', 'map_trustworthiness'];
  return {
    name: 'latent-maps',
    title: `How labels reshape the code: ${neighbors}-NN accuracy (leave one out) and trustworthiness (k = ${neighbors}) of the 32-D code and of its 2-D PCA map, test digits`,
    columns: ['model', ...columns],
    rows: rows.map((row) => [row.title, ...columns.map((column) => row.metrics[column] ?? null)]),
  };
}

async function mapSection(ctx: StudyContext, rows: readonly MapRow[], n: number): Promise<Section> {
  const blocks: Block[] = [];
  for (const row of rows) {
    const file = (name: string) => {
      const artifact = ctx.store.artifacts(row.runId, 'embedding').find((a) => a.name === name);
      if (!artifact) throw new LatentlabError(`run ${row.runId} has no ${name}: delete it (latentlab runs rm ${row.runId}) and run the study again`);
      return readNpy(ctx.store.artifactPath(artifact));
    };
    const [points, labels] = tidy(() => [file('embedding.npy'), file('labels.npy')] as [Tensor, Tensor]);
    try {
      const values = Array.from(points.toTypedArray() as ArrayLike<number>);
      const classes = Array.from(labels.toTypedArray() as ArrayLike<number | bigint>, Number);
      const svg = await scatterChart({ title: row.title, points: classes.map((label, i) => ({ x: values[2 * i]!, y: values[2 * i + 1]!, label: String(label) })) });
      const m = row.metrics;
      blocks.push({ kind: 'chart', svg, caption: `kNN accuracy ${fixed(m.latent_knn_accuracy)} (code), ${fixed(m.map_knn_accuracy)} (map) · trustworthiness ${fixed(m.latent_trustworthiness)} (code), ${fixed(m.map_trustworthiness)} (map)` });
    } finally {
      points.dispose();
      labels.dispose();
    }
  }
  return {
    title: 'Latent maps',
    description: `The first ${n} test digits in the 2-D PCA of each model’s 32-D code, coloured by digit: a plain AE, the supervised AE (the largest label count, seed 0) and a VAE of the same shape.`,
    blocks: [{ kind: 'grid', blocks }],
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function fixed(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(3);
}
