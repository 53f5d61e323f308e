// The HTML report of one or more recorded runs: loss curves (runs overlaid), parameters and final
// metrics, then per run its reconstructions, interpolation strips (linear and slerp), 2-D latent
// map, latent correlations with the decorrelation metrics, prior samples and KL per dimension
// (VAEs), model summary and timings; for adversarial runs, the fixed noise batch's samples epoch
// by epoch and both players' losses. Self-contained: one index.html that works offline.
import { readFileSync } from 'node:fs';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { summary } from '../nn/summary.js';
import { isGenerative } from '../models/autoencoder.js';
import { defaultGibbsSteps, RestrictedBoltzmannMachine } from '../models/rbm.js';
import { decorrelationMetrics } from '../analysis/decorrelation.js';
import { median } from '../analysis/statistics.js';
import { barChart, heatmap, lineChart, scatterChart } from '../report/charts.js';
import { imageRows } from '../report/image-grid.js';
import { writeReport, type Block, type Page, type Section } from '../report/html.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { adversarialModelNames, ganModelNames } from '../models/registry.js';
import { epochSamplesKind } from './train-run.js';
import { ensureDirectory } from '../util/files.js';
import { compareRuns } from './compare.js';
import { loadRun, type LoadedRun } from './load.js';
import { differentClassPair, interpolationStrip, latentMap, priorSamples, reconstructions, testCodes } from '../analysis/visuals.js';

/** Loss-curve scale and latent-map size of buildRunReport. */
export interface RunReportOptions {
  /** Loss curves on a log scale. */
  logScale?: boolean;
  /** Test samples shown in the latent map (and used for the correlations). */
  mapSamples?: number;
}

const imageScale = 2;

/** Writes dir/index.html for the runs and returns its path. */
export async function writeRunReport(store: RunStore, ids: readonly string[], dir: string, options: RunReportOptions = {}): Promise<string> {
  ensureDirectory(dir, 'the report folder'); // before the minutes of building it, not after
  return writeReport(dir, await buildRunReport(store, ids, options));
}

/** The HTML report page of one or more runs: loss curves, an overview, then each run's reconstructions, samples and latent maps. */
export async function buildRunReport(store: RunStore, ids: readonly string[], options: RunReportOptions = {}): Promise<Page> {
  const runs = ids.map((id) => store.getRun(id));
  const sections: Section[] = [await lossSection(store, runs.map((run) => run.id), options.logScale ?? false), overviewSection(store, runs.map((run) => run.id))];
  for (const run of runs) {
    // A GAN has samples only; an adversarial autoencoder has an autoencoder's sections too.
    if ((ganModelNames as readonly string[]).includes(run.model)) {
      sections.push(await adversarialSection(store, run));
      continue;
    }
    const loaded = loadRun(store, run.id);
    try {
      sections.push(...(await runSections(store, loaded, options)));
    } finally {
      loaded.dispose();
    }
    if ((adversarialModelNames as readonly string[]).includes(run.model)) sections.push(await adversarialSection(store, run));
  }
  const title = runs.length === 1 ? `${runs[0]!.name ?? runs[0]!.id}: ${runs[0]!.model} on ${runs[0]!.dataset}` : `${runs.length} runs compared`;
  return { title, subtitle: `latentlab report of ${runs.map((run) => run.id).join(', ')}`, generated: new Date(), sections };
}

async function lossSection(store: RunStore, ids: string[], logScale: boolean): Promise<Section> {
  const several = ids.length > 1;
  const series = ids.flatMap((id) =>
    (['train_loss', 'test_loss'] as const).map((key) => ({
      name: `${several ? `${id} ` : ''}${key === 'train_loss' ? 'train' : 'test'}`,
      points: store.metrics(id, key).map((row) => ({ x: row.epoch ?? 0, y: row.value })),
    })),
  ).filter((s) => s.points.length > 0);
  const blocks: Block[] = series.length
    ? [{ kind: 'chart', svg: await lineChart({ series, xTitle: 'epoch', yTitle: 'loss', title: 'Train and test loss per epoch', logScale }) }]
    : [{ kind: 'text', text: 'No epoch has finished yet.' }];
  return { title: 'Loss curves', description: 'Mean training loss of each epoch and the test loss measured after it.', blocks };
}

function overviewSection(store: RunStore, ids: string[]): Section {
  const runs = ids.map((id) => store.getRun(id));
  const finals = ids.map((id) => store.finalMetrics(id));
  const metricKeys = [...new Set(finals.flatMap((m) => Object.keys(m)))].filter((key) => !key.includes('/')).sort();
  const blocks: Block[] = [
    {
      kind: 'table',
      caption: 'Final metrics',
      columns: ['metric', ...ids],
      rows: [['status', ...runs.map((run) => run.status)], ...metricKeys.map((key) => [key, ...finals.map((m) => m[key] ?? null)])],
    },
  ];
  if (runs.length > 1) {
    const { parameters } = compareRuns(store, ids);
    blocks.push({ kind: 'table', caption: 'Parameters that differ', columns: ['parameter', ...ids], rows: parameters.map((p) => [p.key, ...p.values.map(show)]) });
  }
  const common = runs.length > 1 ? new Set(compareRuns(store, ids).parameters.map((p) => p.key)) : new Set<string>();
  const shared = Object.entries(runs[0]!.config).filter(([key]) => !common.has(key));
  blocks.push({ kind: 'table', caption: runs.length > 1 ? 'Parameters in common' : 'Parameters', columns: ['parameter', 'value'], rows: shared.map(([key, value]) => [key, show(value)]) });
  return { title: 'Runs', blocks };
}

async function runSections(store: RunStore, loaded: LoadedRun, options: RunReportOptions): Promise<Section[]> {
  const { run, model, test } = loaded;
  const label = `${run.id}${run.name ? ` (${run.name})` : ''}`;
  const sections: Section[] = [];
  const image: ImageBlockOf = (rows, columns, caption) => {
    try {
      const png = imageRows(rows, { columns, scale: imageScale });
      return { kind: 'image', ...png, caption, alt: caption };
    } finally {
      rows.forEach((t) => t.dispose());
    }
  };

  // Points rather than images (swiss-roll, a CSV table): the reconstructions as numbers, and
  // none of the views that draw a sample as a picture.
  const pictures = test.inputs.shape.length === 4;
  if (!pictures) sections.push({ title: `${label}: reconstructions`, blocks: [reconstructionTable(model, test)] });
  else sections.push(pictureSection(model, test, label, image));

  const map = latentMap(model, test, options.mapSamples ?? 2000);
  const points = map.labels.map((labelIndex, i) => ({ x: map.points[2 * i]!, y: map.points[2 * i + 1]!, label: className(test, labelIndex) }));
  const axes = map.explained ? map.axes.map((axis, i) => `${axis} (${(100 * map.explained![i]!).toFixed(1)}% of variance)`) : map.axes;
  const codes = testCodes(model, test, Math.min(options.mapSamples ?? 2000, test.inputs.shape[0]!));
  const decorrelation = decorrelationMetrics(codes);
  codes.dispose();
  sections.push({
    title: `${label}: latent space`,
    description: model.latent === 2 ? 'The 2-D code of each test sample.' : `The test codes projected on their first two principal components (latent size ${model.latent}).`,
    blocks: [
      {
        kind: 'grid',
        blocks: [
          { kind: 'chart', svg: await scatterChart({ points, title: 'Latent map', xTitle: axes[0], yTitle: axes[1] }) },
          { kind: 'chart', svg: await heatmap({ matrix: decorrelation.correlation, title: 'Pearson correlation of the latent dimensions', domain: [-1, 1] }) },
        ],
      },
      {
        kind: 'table',
        caption: 'Decorrelation of the code (0, 1 and 0 for fully decorrelated dimensions)',
        columns: ['‖corr − I‖_F', '|det corr|', 'mean |off-diagonal|'],
        rows: [[decorrelation.frobenius, decorrelation.absDeterminant, decorrelation.meanAbsOffDiagonal]],
      },
    ],
  });

  if (!pictures) {
    // no filters or prior draws to draw
  } else if (model instanceof RestrictedBoltzmannMachine) {
    sections.push(rbmSection(model, label, image));
  } else if (isGenerative(model)) {
    const samples = priorSamples(model, 40, test.classes?.length);
    const rows = [0, 1, 2, 3].map((row) => samples.narrow(0, row * 10, 10));
    const prior = (model as { prior?: string }).prior === 'mixture' ? 'the mixture of Gaussians' : 'N(0, I)';
    const blocks: Block[] = [image(rows, 10, `Decoded draws from the prior ${prior}`)];
    samples.dispose();
    const kl = klPerDimension(loaded);
    if (kl) blocks.push({ kind: 'chart', svg: await barChart({ bars: kl.map((value, i) => ({ label: `z${i + 1}`, value })), title: 'KL divergence per latent dimension (nats)', xTitle: 'dimension', yTitle: 'KL' }) });
    sections.push({ title: `${label}: generative model`, blocks });
  }

  sections.push({ title: `${label}: model and timings`, blocks: [modelSummary(loaded), timingTable(store, run.id)] });
  return sections;
}

type ImageBlockOf = (rows: Tensor[], columns: number, caption: string) => Block;

// Test images beside their reconstructions, and interpolation strips between two test images (and two class means).
function pictureSection(model: LoadedRun['model'], test: LoadedRun['test'], label: string, image: ImageBlockOf): Section {
  const { originals, reconstructions: outputs } = reconstructions(model, test, 10);
  const pair = differentClassPair(test);
  const strips = (['linear', 'slerp'] as const).map((method) =>
    image([interpolationStrip(model, test, { kind: 'samples', ...pair }, 10, method)], 10, `${method} interpolation between test images ${pair.first} and ${pair.second}`),
  );
  const classStrips =
    test.targetKind === 'class'
      ? (['linear', 'slerp'] as const).map((method) => image([interpolationStrip(model, test, { kind: 'class-means', first: 0, second: 1 }, 10, method)], 10, `${method} interpolation between the mean codes of classes ${className(test, 0)} and ${className(test, 1)}`))
      : [];
  return {
    title: `${label}: reconstructions and interpolations`,
    blocks: [image([originals, outputs], 10, 'Test images (top) and their reconstructions (bottom)'), ...strips, ...classStrips],
  };
}

// The first test samples of point data, each beside its reconstruction and their squared error.
function reconstructionTable(model: LoadedRun['model'], test: LoadedRun['test'], count = 5): Block {
  const { originals, reconstructions: outputs } = reconstructions(model, test, count);
  try {
    const [inputs, outputsList] = [originals.flatten(1).toArray() as number[][], outputs.flatten(1).toArray() as number[][]];
    const values = (row: number[]) => row.slice(0, 6).map((value) => value.toPrecision(3)).join(', ') + (row.length > 6 ? `, … (${row.length})` : '');
    return {
      kind: 'table',
      caption: `The first ${inputs.length} test samples and their reconstructions`,
      columns: ['sample', 'input', 'reconstruction', 'squared error'],
      rows: inputs.map((row, i) => [i, values(row), values(outputsList[i]!), row.reduce((sum, value, j) => sum + (value - outputsList[i]![j]!) ** 2, 0)]),
    };
  } finally {
    originals.dispose();
    outputs.dispose();
  }
}

// An RBM's filters (its weights as images) and samples of its Gibbs chains.
function rbmSection(model: RestrictedBoltzmannMachine, label: string, image: ImageBlockOf): Section {
  const blocks: Block[] = [];
  if (model.inputShape.length === 3) {
    const filters = model.filters(100);
    blocks.push(image([filters], 10, `The first ${filters.shape[0]} of ${model.latent} filters (rows of W, each scaled to its own range)`));
    const samples = model.sampleGibbs(20, defaultGibbsSteps);
    blocks.push(image([samples], 10, `20 Gibbs chains after ${defaultGibbsSteps} steps from random bits (visible means of the last step)`));
  } else {
    blocks.push({ kind: 'text', text: 'The inputs are not images: no filters to draw.' });
  }
  return { title: `${label}: RBM filters and Gibbs samples`, blocks };
}

// Most epochs' grids shown: the first, the last and evenly spaced ones between.
const maxSampleGrids = 8;

async function adversarialSection(store: RunStore, run: RunRecord): Promise<Section> {
  const label = `${run.id}${run.name ? ` (${run.name})` : ''}`;
  const grids = store.artifacts(run.id, epochSamplesKind);
  const shown = grids.length <= maxSampleGrids ? grids : Array.from({ length: maxSampleGrids }, (_, i) => grids[Math.round((i * (grids.length - 1)) / (maxSampleGrids - 1))]!);
  const blocks: Block[] = shown.map((artifact) => {
    const png = readFileSync(store.artifactPath(artifact));
    const epoch = Number(/epoch-(\d+)/.exec(artifact.path)?.[1]);
    const caption = `epoch ${epoch}`;
    // a PNG's width and height are the first fields of its IHDR chunk, at bytes 16 and 20
    return { kind: 'image', png, width: png.readUInt32BE(16), height: png.readUInt32BE(20), caption, alt: `samples of the fixed noise batch after ${caption}` };
  });
  const series = (['train_loss_d', 'train_loss_g'] as const)
    .map((key) => ({ name: key.slice('train_'.length), points: store.metrics(run.id, key).map((row) => ({ x: row.epoch ?? 0, y: row.value })) }))
    .filter((s) => s.points.length > 0);
  const charts: Block[] = series.length ? [{ kind: 'chart', svg: await lineChart({ series, xTitle: 'epoch', yTitle: 'loss', title: 'Discriminator and generator loss per epoch' }) }] : [];
  return {
    title: `${label}: samples during training`,
    description: 'The same fixed noise batch through the generator after each epoch (conditional models: one class per row).',
    blocks: [...(blocks.length ? [{ kind: 'grid', blocks } as Block] : [{ kind: 'text', text: 'No epoch has finished yet.' } as Block]), ...charts],
  };
}

function klPerDimension(loaded: LoadedRun): number[] | undefined {
  const model = loaded.model as unknown as { klPerDimension?: (x: Tensor, labels?: Tensor) => Tensor };
  if (typeof model.klPerDimension !== 'function') return undefined;
  const count = Math.min(1000, loaded.test.inputs.shape[0]!);
  return noGrad(() =>
    tidy(() => {
      const labels = loaded.model.conditional ? loaded.test.targets.narrow(0, 0, count) : undefined;
      return Array.from(model.klPerDimension!(loaded.test.inputs.narrow(0, 0, count), labels).toTypedArray() as ArrayLike<number>);
    }),
  );
}

function modelSummary(loaded: LoadedRun): Block {
  if (loaded.model.conditional) return { kind: 'text', text: `${loaded.model.constructor.name}, ${loaded.model.parameterCount().toLocaleString('en-US')} parameters.` };
  const text = tidy(() => summary(loaded.model, loaded.test.inputs.narrow(0, 0, 2)).text);
  return { kind: 'code', text };
}

function timingTable(store: RunStore, id: string): Block {
  const epochs = store.metrics(id, 'epoch_seconds');
  const rates = store.metrics(id, 'train_samples_per_second');
  const total = epochs.reduce((sum, row) => sum + row.value, 0);
  const rows: (string | number | null)[][] = [
    ['epochs', epochs.length],
    ['training time (s)', total],
    ['mean epoch time (s)', epochs.length ? total / epochs.length : null],
    ['median training samples/s of an epoch', rates.length ? median(rates.map((row) => row.value)) : null],
  ];
  return { kind: 'table', caption: 'Timings', columns: ['', 'value'], rows };
}

function className(test: LoadedRun['test'], label: number): string {
  return test.classes?.[label] ?? String(label);
}

function show(value: unknown): string {
  return value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
}
