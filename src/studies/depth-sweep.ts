// The depth-sweep study: MLP autoencoders on MNIST with 1 to 4 hidden layers per encoder and
// decoder, at constant width and at equal parameter count, so that depth and size are not confounded.
import { mean, standardDeviation } from '../analysis/statistics.js';
import { lineChart } from '../report/charts.js';
import type { RunRecord } from '../track/store.js';
import { curvesBlock, epochSeries } from './sweep-blocks.js';
import { equalParameterWidth, mlpAutoencoderParameters } from './sweep-widths.js';
import type { Study, StudyContext, StudyProfile, StudyResult } from './study.js';

export interface DepthSweepSettings {
  /** Hidden layers per encoder (and per decoder). */
  depths: readonly number[];
  /** Units of every hidden layer of the constant-width family, whose 1-layer model sets the parameter budget. */
  width: number;
  /** Every model is trained once per seed; the table gives the mean and spread. */
  seeds: readonly number[];
  epochs: number;
  /** Subsets of MNIST's 8,000 training and 2,000 test digits (all when absent). */
  data: { trainLimit?: number; testLimit?: number };
}

export const depthSweepSettings: Record<StudyProfile, DepthSweepSettings> = {
  full: { depths: [1, 2, 3, 4], width: 256, seeds: [0, 1, 2], epochs: 50, data: {} },
  quick: { depths: [1, 2, 3, 4], width: 256, seeds: [0, 1], epochs: 8, data: { trainLimit: 4000, testLimit: 1000 } },
  smoke: { depths: [1, 2], width: 64, seeds: [0], epochs: 1, data: { trainLimit: 256, testLimit: 128 } },
};

/** What every model shares: only the hidden widths and the seed vary. */
export const depthSweepModel = {
  model: 'mlp-ae',
  latent: 16,
  activation: 'relu',
  outputActivation: 'sigmoid',
  reconstruction: 'mse',
  dataset: 'mnist',
  batch: 128,
  optimizer: 'adam',
  lr: 1e-3,
} as const;

const inputSize = 28 * 28;

export type DepthFamily = 'constant width' | 'equal parameters';

export interface DepthVariant {
  family: DepthFamily;
  depth: number;
  hidden: number[];
  parameters: number;
}

/**
 * The models of the sweep: per depth, `width` units in every hidden layer (the parameter count
 * grows with depth), and the width at which the count matches the 1-layer model's.
 */
export function depthVariants(settings: Pick<DepthSweepSettings, 'depths' | 'width'>, latent: number = depthSweepModel.latent): DepthVariant[] {
  const budget = mlpAutoencoderParameters(inputSize, [settings.width], latent);
  const variant = (family: DepthFamily, depth: number, width: number): DepthVariant => {
    const hidden = new Array<number>(depth).fill(width);
    return { family, depth, hidden, parameters: mlpAutoencoderParameters(inputSize, hidden, latent) };
  };
  return (['constant width', 'equal parameters'] as const).flatMap((family) =>
    settings.depths.map((depth) => variant(family, depth, family === 'constant width' ? settings.width : equalParameterWidth(inputSize, latent, depth, budget))),
  );
}

/** The study over the given settings per profile (tests inject settings where a finding is robust). */
export function createDepthSweepStudy(profiles: Record<StudyProfile, DepthSweepSettings>): Study {
  return {
    name: 'depth-sweep',
    title: 'Depth sweep of an MLP autoencoder on MNIST',
    description:
      'MLP autoencoders (ReLU, latent size 16, sigmoid output, MSE, Adam) with 1 to 4 hidden layers in the encoder and in the mirrored decoder, in two families: ' +
      'every hidden layer as wide as the 1-layer model (so deeper models are also larger), and widths chosen so that every depth has the parameter count of the 1-layer model. ' +
      'Compare the two test-loss lines: the gap between them is what size adds, and the slope of the equal-parameter line is what depth alone buys.',
    run: (context) => runDepthSweep(context, profiles[context.profile]),
  };
}

export const depthSweep = createDepthSweepStudy(depthSweepSettings);

interface VariantResult extends DepthVariant {
  runs: RunRecord[];
}

async function runDepthSweep(context: StudyContext, settings: DepthSweepSettings): Promise<StudyResult> {
  const results: VariantResult[] = [];
  for (const variant of depthVariants(settings)) {
    const runs: RunRecord[] = [];
    // Keyed by widths, so the 1-layer model both families share is trained once.
    for (const seed of settings.seeds) runs.push(await context.train(`hidden=${variant.hidden.join('-')},seed=${seed}`, { ...depthSweepModel, hidden: variant.hidden, seed, epochs: settings.epochs, ...settings.data }));
    results.push({ ...variant, runs });
  }
  const reference = mlpAutoencoderParameters(inputSize, [settings.width], depthSweepModel.latent);
  const finals = (result: VariantResult, key: string) => result.runs.map((run) => context.store.finalMetrics(run.id)[key] ?? NaN);
  const testLoss = results.map((r) => finals(r, 'test_loss'));
  // One curve per model: the 1-layer model belongs to both families.
  const curves = [...new Map(results.map((r) => [r.runs[0]!.id, { name: `${r.depth} × ${r.hidden[0]}`, id: r.runs[0]!.id }])).values()];
  const againstDepth = (family: DepthFamily) => ({ name: family, points: results.flatMap((r, i) => (r.family === family ? [{ x: r.depth, y: mean(testLoss[i]!) }] : [])) });
  return {
    tables: [
      {
        name: 'depth',
        title: 'Final losses by depth and parameter count',
        columns: ['family', 'hidden layers', 'units per layer', 'parameters', 'parameters / 1-layer model', 'seeds', 'mean train loss', 'mean test loss', 'test loss std over seeds'],
        rows: results.map((r, i) => [r.family, r.depth, r.hidden[0]!, r.parameters, r.parameters / reference, r.runs.length, mean(finals(r, 'train_loss')), mean(testLoss[i]!), standardDeviation(testLoss[i]!)]),
      },
    ],
    sections: [
      {
        title: 'Test loss against depth',
        description: `Final test loss (MSE per pixel), mean over ${settings.seeds.length} seed${settings.seeds.length > 1 ? 's' : ''}. The 1-layer model (${settings.width} units, ${reference.toLocaleString('en-US')} parameters) starts both lines.`,
        blocks: [{ kind: 'chart', svg: await lineChart({ series: [againstDepth('constant width'), againstDepth('equal parameters')], title: 'Test loss against depth', xTitle: 'hidden layers per encoder', yTitle: 'test loss (MSE per pixel)', logScale: true }) }],
      },
      {
        title: 'Loss curves',
        description: `Per epoch, one line per model (hidden layers × units per layer), for the first seed (${settings.seeds[0]}).`,
        blocks: [{ kind: 'grid', blocks: [await curvesBlock(epochSeries(context.store, curves, 'train_loss'), 'Train loss'), await curvesBlock(epochSeries(context.store, curves, 'test_loss'), 'Test loss')] }],
      },
    ],
  };
}

