// Study `optimizer-table` (issue 6): five optimizers × three step sizes training one small MLP
// classifier on MNIST; mean ± std test accuracy over seeds, and the training-loss curves.
import { manualSeed } from '../tensor/runtime.js';
import { MlpClassifier } from '../models/classifier.js';
import type { OptimizerName } from '../optim/registry.js';
import { lineChart, type Block, type Series } from '../report/index.js';
import { sharedClassificationData, type SharedClassificationData } from './classify-data.js';
import { formatAccuracy, meanAndStd } from './classify-summary.js';
import { trainClassifier } from '../train/classifier.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable } from './study.js';

export interface OptimizerTableSettings {
  epochs: number;
  seeds: number;
  batch: number;
  /** First this many samples of MNIST's 60,000 training and 10,000 test digits (all when absent). */
  trainLimit?: number;
  testLimit?: number;
}

export const optimizerTableProfiles: Record<StudyProfile, OptimizerTableSettings> = {
  full: { epochs: 15, seeds: 3, batch: 100 },
  quick: { epochs: 8, seeds: 2, batch: 100, trainLimit: 8000, testLimit: 2000 },
  smoke: { epochs: 1, seeds: 1, batch: 100, trainLimit: 300, testLimit: 100 },
};

const optimizers: readonly { label: string; key: string; optimizer: OptimizerName; momentum?: number }[] = [
  { label: 'SGD', key: 'sgd', optimizer: 'sgd' },
  { label: 'SGD + momentum 0.9', key: 'sgd-momentum', optimizer: 'sgd', momentum: 0.9 },
  { label: 'RMSProp', key: 'rmsprop', optimizer: 'rmsprop' },
  { label: 'Adam', key: 'adam', optimizer: 'adam' },
  { label: 'AdaGrad', key: 'adagrad', optimizer: 'adagrad' },
];
const stepSizes = [0.5, 1e-2, 1e-5] as const;
/** 784-100-10 with ReLU: small enough that the optimizer, not the model, decides the outcome. */
const classifier = { hidden: [100], activation: 'relu' } as const;

type OptimizerChoice = (typeof optimizers)[number];
interface SeedResult {
  accuracy: number;
  diverged: boolean;
  /** Mean training loss per epoch, from epoch 1; shorter when it diverged. */
  trainLoss: number[];
}

/** The study with its settings per profile; tests give other settings under 'smoke' to check its finding. */
export function createOptimizerTableStudy(profiles: Record<StudyProfile, OptimizerTableSettings>): Study {
  return {
    name: 'optimizer-table',
    title: 'Optimizers and step sizes on an MLP classifier',
    description:
      `A ${[784, ...classifier.hidden, 10].join('-')} ReLU MLP trained on MNIST (60,000/10,000 digits; the first 8,000/2,000 in the quick profile) ` +
      `with SGD, SGD with momentum 0.9, RMSProp, Adam and AdaGrad at step sizes ${stepSizes.join(', ')}, over several seeds. ` +
      'Look for the step size each optimizer needs: at 0.5 SGD (with or without momentum) and AdaGrad still learn while RMSProp and ' +
      'Adam fail, and at 1e-5 only RMSProp and Adam, which scale each step by the size of recent gradients, make visible progress. ' +
      'A run whose loss became NaN or infinite stops there and is marked diverged; as in the published table, the mean over seeds includes it ' +
      '(with the accuracy of the weights it had when it diverged), and its curve ends where it diverged.',
    run: (ctx) => runOptimizerTable(ctx, profiles[ctx.profile]),
  };
}

export const optimizerTable = createOptimizerTableStudy(optimizerTableProfiles);

async function runOptimizerTable(ctx: StudyContext, settings: OptimizerTableSettings): Promise<StudyResult> {
  const data = sharedClassificationData('mnist', settings);
  const results = new Map<string, SeedResult[]>();
  try {
    for (const lr of stepSizes) {
      for (const choice of optimizers) {
        const seeds: SeedResult[] = [];
        for (let seed = 0; seed < settings.seeds; seed++) seeds.push(await runTask(ctx, settings, data, choice, lr, seed));
        results.set(cellKey(choice, lr), seeds);
      }
    }
  } finally {
    data.dispose();
  }
  const curves = {
    title: 'Training loss',
    description: 'Mean over seeds of the training loss per epoch, log scale; a curve ends at the last epoch that every seed completed.',
    blocks: await lossCharts(results),
  };
  return { tables: [accuracyTable(results, settings)], sections: [curves] };
}

const cellKey = (choice: OptimizerChoice, lr: number) => `${choice.key}-lr${lr}`;

async function runTask(ctx: StudyContext, settings: OptimizerTableSettings, data: SharedClassificationData, choice: OptimizerChoice, lr: number, seed: number): Promise<SeedResult> {
  const optimizer = { name: choice.optimizer, lr, ...(choice.momentum !== undefined ? { momentum: choice.momentum } : {}) };
  const config = {
    ...classifier,
    optimizer: optimizer.name,
    ...(optimizer.momentum !== undefined ? { momentum: optimizer.momentum } : {}),
    lr,
    epochs: settings.epochs,
    batch: settings.batch,
    seed,
    ...(settings.trainLimit !== undefined ? { trainLimit: settings.trainLimit } : {}),
    ...(settings.testLimit !== undefined ? { testLimit: settings.testLimit } : {}),
  };
  const { run, metrics } = await ctx.task(`${cellKey(choice, lr)}-seed${seed}`, { model: 'mlp-classifier', dataset: 'mnist', config }, async (task) => {
    const { train, test, numClasses } = data.get();
    manualSeed(seed); // the same seed gives the same initial weights
    const model = new MlpClassifier({ inputShape: train.inputs.shape.slice(1), numClasses, ...classifier });
    try {
      const outcome = await trainClassifier({
        model, parameters: model.parameters(), optimizer, train, test, batch: settings.batch, seed, epochs: settings.epochs, testEveryEpoch: true,
        onEpoch: ({ epoch, step, trainLoss, trainAccuracy, testLoss, testAccuracy }) =>
          task.log([
            { key: 'train_loss', value: trainLoss, epoch, step },
            { key: 'train_accuracy', value: trainAccuracy, epoch, step },
            { key: 'test_loss', value: testLoss!, epoch, step },
            { key: 'test_accuracy', value: testAccuracy!, epoch, step },
          ]),
      });
      const final = { train_loss: outcome.trainLoss, test_loss: outcome.testLoss, test_accuracy: outcome.testAccuracy };
      if (!outcome.divergence) return { ...final, diverged: 0 };
      // Logged at the step that diverged, so that the final values (stored at the last logged
      // step) do not overwrite the last complete epoch's, and the curve ends with the gap.
      const { epoch, step } = outcome.divergence;
      task.log(Object.entries(final).map(([key, value]) => ({ key, value, epoch, step })));
      return { ...final, diverged: 1, diverged_epoch: epoch };
    } finally {
      model.dispose();
    }
  });
  // Read back from the store, so that a reused run gives the same curve as a fresh one.
  const trainLoss = ctx.store.metrics(run.id, 'train_loss').map((row) => row.value);
  return { accuracy: metrics.test_accuracy!, diverged: metrics.diverged === 1, trainLoss };
}

function accuracyTable(results: Map<string, SeedResult[]>, settings: OptimizerTableSettings): StudyTable {
  const rows = stepSizes.flatMap((lr) =>
    optimizers.map((choice) => {
      const seeds = results.get(cellKey(choice, lr))!;
      // As published: every seed counts, a diverged one with the accuracy of the weights it had
      // before its loss became NaN or infinite (usually about chance); the mark beside says how many diverged.
      const { mean, std } = meanAndStd(seeds.map((s) => s.accuracy));
      const diverged = seeds.filter((s) => s.diverged).length;
      const mark = diverged === 0 ? null : `diverged (${diverged} of ${seeds.length})`;
      const perSeed = seeds.map((s) => `${formatAccuracy(s.accuracy)}${s.diverged ? ' (diverged)' : ''}`).join(', ');
      return [choice.label, lr, mean, std, mark, perSeed, diverged];
    }),
  );
  return {
    name: 'accuracy',
    title: `Test accuracy after ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}, mean over ${settings.seeds} seed${settings.seeds === 1 ? '' : 's'} including diverged runs (at the weights they had when they diverged)`,
    columns: ['optimizer', 'step size', 'mean accuracy', 'std', 'diverged', 'per seed', 'seeds diverged'],
    rows,
  };
}

async function lossCharts(results: Map<string, SeedResult[]>): Promise<Block[]> {
  const blocks: Block[] = [];
  for (const lr of stepSizes) {
    const series: Series[] = optimizers.map((choice) => {
      const seeds = results.get(cellKey(choice, lr))!;
      return { name: seeds.some((s) => s.diverged) ? `${choice.label} (diverged)` : choice.label, points: meanCurve(seeds.map((s) => s.trainLoss)) };
    });
    const title = `Step size ${lr}`;
    if (series.every((s) => s.points.length === 0)) {
      blocks.push({ kind: 'text', text: `${title}: every run diverged within its first epoch, so there is no curve to draw.` });
      continue;
    }
    blocks.push({ kind: 'chart', svg: await lineChart({ series, xTitle: 'epoch', yTitle: 'training loss', title, logScale: true }) });
  }
  return [{ kind: 'grid', blocks }];
}

/** Mean over seeds at each epoch, up to the last epoch where every seed has a finite loss. */
function meanCurve(curves: number[][]): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i < Math.min(...curves.map((c) => c.length)); i++) {
    const values = curves.map((c) => c[i]!);
    if (!values.every(Number.isFinite)) break;
    points.push({ x: i + 1, y: meanAndStd(values).mean });
  }
  return points;
}
