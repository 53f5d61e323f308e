// The latent-sweep study: one MLP autoencoder architecture on MNIST digits trained at many latent
// sizes d, to see how reconstruction error, interpolations and the code's decorrelation change with d.
import { decorrelationMetrics, type DecorrelationMetrics } from '../analysis/decorrelation.js';
import type { LoadedDataset } from '../data/datasets.js';
import type { Autoencoder } from '../models/autoencoder.js';
import { lineChart } from '../report/charts.js';
import type { Block } from '../report/html.js';
import { interpolationStrip, testCodes } from '../analysis/visuals.js';
import { noGrad } from '../tensor/autograd.js';
import { tensor } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { permutation, seededRandom } from '../tensor/random.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RunRecord } from '../track/store.js';
import { curvesBlock, epochSeries, imageBlock } from './sweep-blocks.js';
import type { Study, StudyContext, StudyProfile, StudyResult } from './study.js';

export interface LatentSweepSettings {
  /** Latent sizes of the loss and decorrelation sweep. */
  sweep: readonly number[];
  /**
   * The interpolation strips shown: at each latent size d (trained as well when not in the
   * sweep), the digit pairs `from → to` drawn one row each.
   */
  strips: readonly StripSpec[];
  epochs: number;
  /** Subsets of MNIST's 60,000 training and 10,000 test digits (all when absent). */
  data: { trainLimit?: number; testLimit?: number };
  /** Test codes whose Pearson correlation the decorrelation metrics summarise. */
  codeSamples: number;
}

/** One figure of interpolation strips: a row per digit pair [from, to] at latent size d. */
export interface StripSpec {
  d: number;
  pairs: readonly (readonly [number, number])[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
// The published figures: 9 → 6, 5 → 4, 9 → 2 (and 2 → 3) at d = 10; 2 → 3 at d = 5, 15, 40, 90
// and 100; 7 → 9 at d = 3. The full profile adds the extreme d = 1000, more code than pixels.
const publishedStrips: readonly StripSpec[] = [
  { d: 3, pairs: [[7, 9]] },
  { d: 5, pairs: [[2, 3]] },
  { d: 10, pairs: [[9, 6], [5, 4], [9, 2], [2, 3]] },
  ...[15, 40, 90, 100].map((d) => ({ d, pairs: [[2, 3]] as const })),
];

export const latentSweepSettings: Record<StudyProfile, LatentSweepSettings> = {
  full: { sweep: [...range(5, 14), ...range(50, 55), ...range(100, 104)], strips: [...publishedStrips, { d: 1000, pairs: [[2, 3]] }], epochs: 50, data: {}, codeSamples: 2000 },
  quick: { sweep: [5, 8, 11, 14, 50, 53, 100, 103], strips: publishedStrips, epochs: 8, data: { trainLimit: 4000, testLimit: 1000 }, codeSamples: 1000 },
  smoke: { sweep: [5, 10], strips: [{ d: 3, pairs: [[7, 9]] }, { d: 10, pairs: [[9, 6], [5, 4]] }], epochs: 1, data: { trainLimit: 256, testLimit: 128 }, codeSamples: 128 },
};

/** What every latent size shares: only `latent` varies. */
export const latentSweepModel = {
  model: 'mlp-ae',
  hidden: [256],
  activation: 'relu',
  outputActivation: 'sigmoid',
  reconstruction: 'mse',
  dataset: 'mnist',
  batch: 128,
  optimizer: 'adam',
  lr: 1e-3,
  seed: 0,
} as const;

/** Interpolation strips run from the first test image of one digit to the first of the other. */
const stripSteps = 10;
/** Test digits drawn (with the model's seed) for the reconstruction figure. */
const shownDigits = 10;

/** The study over the given settings per profile (tests inject settings where a finding is robust). */
export function createLatentSweepStudy(profiles: Record<StudyProfile, LatentSweepSettings>): Study {
  return {
    name: 'latent-sweep',
    title: 'Latent size sweep of an MLP autoencoder on MNIST',
    description:
      'The same MLP autoencoder (784-256-d-256-784, ReLU, sigmoid output, MSE, Adam) trained on MNIST digits for latent sizes d from 3 to 104 (and 1000 in the full profile). ' +
      'Look for where the test loss stops improving as d grows, for whether the interpolations between two digits pass through plausible digits ' +
      'or through superimposed strokes, and for how correlated the code dimensions are: ‖corr − I‖_F grows with d by its number of entries alone, ' +
      'so compare d by the mean |off-diagonal| correlation, and read |det corr| (1 for uncorrelated dimensions) on its log scale.',
    run: (context) => runLatentSweep(context, profiles[context.profile]),
  };
}

export const latentSweep = createLatentSweepStudy(latentSweepSettings);

interface LatentResult {
  d: number;
  run: RunRecord;
  decorrelation: DecorrelationMetrics;
  reconstruction: Block;
  strip?: Block;
}

// The decorrelation metrics as charted against d; |det corr| falls by decades as d grows.
const decorrelationCharts: readonly { metric: string; value: (m: DecorrelationMetrics) => number; logScale: boolean }[] = [
  { metric: '‖corr − I‖_F', value: (m) => m.frobenius, logScale: false },
  { metric: '|det corr|', value: (m) => m.absDeterminant, logScale: true },
  { metric: 'mean |off-diagonal|', value: (m) => m.meanAbsOffDiagonal, logScale: false },
];

async function runLatentSweep(context: StudyContext, settings: LatentSweepSettings): Promise<StudyResult> {
  const latents = [...new Set([...settings.sweep, ...settings.strips.map((strip) => strip.d)])].sort((a, b) => a - b);
  const runs: RunRecord[] = [];
  for (const d of latents) runs.push(await context.train(`d=${d}`, { ...latentSweepModel, latent: d, epochs: settings.epochs, ...settings.data }));

  let originals: Block | undefined;
  const results = latents.map((d, i): LatentResult => {
    const loaded = context.load(runs[i]!);
    try {
      const { model, test } = loaded;
      const codes = testCodes(model, test, Math.min(settings.codeSamples, test.inputs.shape[0]!));
      const decorrelation = decorrelationMetrics(codes);
      codes.dispose();
      const shown = sampledReconstructions(model, test, shownDigits, latentSweepModel.seed);
      // Every run has the same test split and draws the same digits: they are shown once.
      if (i === 0) originals = imageBlock([shown.originals], `Test images (drawn at random with seed ${latentSweepModel.seed})`);
      else shown.originals.dispose();
      const reconstruction = imageBlock([shown.reconstructions], `d = ${d}`);
      const strip = settings.strips.find((s) => s.d === d);
      return { d, run: runs[i]!, decorrelation, reconstruction, strip: strip ? interpolationBlock(model, test, strip) : undefined };
    } finally {
      loaded.dispose();
    }
  });

  const finals = results.map((r) => context.store.finalMetrics(r.run.id));
  return {
    tables: [
      {
        name: 'losses',
        title: 'Final losses by latent size',
        columns: ['latent size', 'train loss', 'test loss', 'test PSNR (dB)'],
        rows: results.map((r, i) => [r.d, finals[i]!.train_loss ?? null, finals[i]!.test_loss ?? null, finals[i]!.test_psnr ?? null]),
      },
      {
        name: 'decorrelation',
        title: 'Decorrelation of the latent code by latent size',
        columns: ['latent size', ...decorrelationCharts.map((c) => c.metric), 'dead dimensions'],
        rows: results.map(({ d, decorrelation: m }) => [d, ...decorrelationCharts.map((c) => c.value(m)), m.deadDimensions]),
      },
    ],
    sections: [
      {
        title: 'Loss curves by latent size',
        description: 'Mean training loss (MSE per pixel) of each epoch, and the test loss after it, one line per latent size d.',
        blocks: [{ kind: 'grid', blocks: await lossCurves(context, results) }],
      },
      {
        title: 'Final loss against latent size',
        blocks: [await againstLatent(results, [{ name: 'train', values: finals.map((f) => f.train_loss) }, { name: 'test', values: finals.map((f) => f.test_loss) }], 'loss (MSE per pixel)', true)],
      },
      {
        title: 'Decorrelation of the code against latent size',
        description: `Summaries of the Pearson correlation matrix of the codes of ${settings.codeSamples} test digits: 0, 1 and 0 when the dimensions are uncorrelated.`,
        blocks: [
          {
            kind: 'grid',
            blocks: await Promise.all(decorrelationCharts.map((c) => againstLatent(results, [{ name: c.metric, values: results.map((r) => c.value(r.decorrelation)) }], c.metric, c.logScale))),
          },
        ],
      },
      {
        title: 'Reconstructions by latent size',
        description: `${shownDigits} test digits drawn at random (seed ${latentSweepModel.seed}), then their reconstructions by the model of each latent size d.`,
        blocks: [originals!, { kind: 'grid', blocks: results.map((r) => r.reconstruction) }],
      },
      {
        title: 'Interpolations between digits',
        description: `Decoded points on the straight line between the codes of two test digits, the first test image of each digit (${stripSteps} steps, both ends included), one row per pair, as in the published figures.`,
        blocks: results.flatMap((r) => (r.strip ? [r.strip] : [])),
      },
    ],
  };
}

async function lossCurves(context: StudyContext, results: readonly LatentResult[]): Promise<Block[]> {
  const named = results.map((r) => ({ name: `d=${r.d}`, id: r.run.id }));
  return [await curvesBlock(epochSeries(context.store, named, 'train_loss'), 'Train loss'), await curvesBlock(epochSeries(context.store, named, 'test_loss'), 'Test loss')];
}

async function againstLatent(results: readonly LatentResult[], series: { name: string; values: (number | undefined)[] }[], yTitle: string, logScale: boolean): Promise<Block> {
  const points = (values: (number | undefined)[]) => results.map((r, i) => ({ x: r.d, y: values[i] ?? NaN }));
  const title = `${yTitle} against latent size`;
  return { kind: 'chart', svg: await lineChart({ series: series.map((s) => ({ name: s.name, points: points(s.values) })), title, xTitle: 'latent size d', yTitle, logScale }) };
}

function interpolationBlock(model: Autoencoder, test: LoadedDataset, { d, pairs }: StripSpec): Block {
  const rows = pairs.map(([a, b]) => interpolationStrip(model, test, { kind: 'samples', first: firstOfClass(test, a), second: firstOfClass(test, b) }, stripSteps, 'linear'));
  return imageBlock(rows, `d = ${d}: ${pairs.map(([a, b]) => `${a} → ${b}`).join(', ')}${pairs.length > 1 ? ' (top to bottom)' : ''}`);
}

/** The test indices of the reconstruction figure: `n` distinct ones drawn with `seed`. */
export function shownTestIndices(testCount: number, n: number, seed: number): number[] {
  return Array.from(permutation(testCount, seededRandom(seed)).subarray(0, Math.min(n, testCount)));
}

function sampledReconstructions(model: Autoencoder, test: LoadedDataset, n: number, seed: number): { originals: Tensor; reconstructions: Tensor } {
  const indices = shownTestIndices(test.inputs.shape[0]!, n, seed);
  return noGrad(() =>
    tidy(() => {
      const originals = test.inputs.indexSelect(0, tensor(Int32Array.from(indices), { dtype: 'int64' })); // [n, 1, 28, 28]
      return { originals, reconstructions: model.reconstruct(originals) };
    }),
  );
}

function firstOfClass(test: LoadedDataset, label: number): number {
  const index = (test.targets.toTypedArray() as BigInt64Array).indexOf(BigInt(label));
  if (index < 0) throw new ArgumentError(`the test split holds no digit ${label}: raise testLimit`);
  return index;
}
