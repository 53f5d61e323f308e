// The domain-translation study: one translator (src/models/translator.ts) per target loss from a
// source domain to a target domain (MNIST digit k → Fashion-MNIST item k), in one table (accuracy
// under the target classifier, diversity within a class beside real images', Fréchet distance to
// the real class) and one figure; then the class prototypes of the target domain found by latent
// optimisation through a frozen decoder, beside the mean code's decoding and the pixel mean.
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import { loadDomain } from '../runs/translation-domains.js';
import { loadDataset } from '../data/datasets.js';
import { classPrototypes } from '../analysis/latent-optimization.js';
import { isRunProcessAlive } from '../runs/liveness.js';
import { loadTranslator, resumeTranslation, storedTranslateConfig, translate, translateDefaults, translateRun, translationGrid, translatorModel, type TranslateConfig } from '../runs/translate-run.js';
import type { Section } from '../report/html.js';
import type { RunRecord } from '../track/store.js';
import { LatentlabError } from '../tensor/errors.js';
import { curvesBlock, epochSeries, imageBlock } from './sweep-blocks.js';
import type { Study, StudyContext, StudyProfile, StudyResult } from './study.js';

export interface DomainTranslationSettings {
  /** Domains: data sets by name, or folders of class folders. */
  source: string;
  target: string;
  /** The --target-loss of each translator, in the table's order. */
  targets: readonly string[];
  epochs: number;
  batch?: number;
  trainLimit?: number;
  testLimit?: number;
  /** The target's reference classifier trained on its first this many images (quick and weaker). */
  classifierTrainLimit?: number;
  /** Test sources drawn per class in the figure. */
  shownPerClass: number;
  /**
   * The conv autoencoder trained on the target domain whose frozen decoder the prototypes are
   * searched through; none for a folder target (an autoencoder run needs a data set by name).
   */
  prototypes?: { latent: number; epochs: number; trainLimit?: number; steps: number };
}

// The combination chosen by measurement (quick settings, see the README): classifier +
// representative scored above classifier + random-example and classifier-noise + random-example
// in accuracy, diversity and Fréchet distance at once. The study keeps the runner-up beside it.
export const combinationTarget = 'classifier+representative';
export const translationTargets = ['classifier', 'classifier-noise', 'random-example', 'representative', 'class-mean', 'classifier+random-example', combinationTarget] as const;

/*
 * Why representative and class-mean need the budget to collapse. Their translator must map every
 * test digit of class k to one image, so it must first recognise the digit; the within-class
 * diversity of its translations (mean pairwise distance) then has two parts: the share p of test
 * digits sent to another class's image, which adds about 2p·d (d ≈ 9, the distance between two
 * class images), and what is left of the fit on the digits it routes right. Measured (1,000 test
 * digits; real images' diversity 8.71, median distance 8.58), for representative:
 *   5,000 digits × 2 epochs (156 steps, the quick profile before): diversity 2.00, median 1.34;
 *   5,000 digits × 10 epochs (780 steps): 97.2% routed right, diversity 1.03 (0.66 over the
 *     right-routed ones), median 0.26: 5,000 digits are too few to recognise the test digits;
 *   60,000 digits × 1 epoch (937 steps): 98.1% routed right, diversity 0.77 (0.52 over the
 *     right-routed), median 0.27; class-mean 97.6%, 0.67 (0.46), 0.27;
 *   60,000 digits × 3 epochs (2,811 steps): 98.9% routed right, diversity 0.46 (0.31), median 0.14.
 * So the quick profile trains on all the digits for one epoch (about 6× the steps of before).
 */
export const domainTranslationSettings: Record<StudyProfile, DomainTranslationSettings> = {
  full: { source: 'mnist', target: 'fashion-mnist', targets: translationTargets, epochs: 10, shownPerClass: 2, prototypes: { latent: 32, epochs: 10, steps: 500 } },
  // All 60,000 training digits for one epoch (937 steps), not 5,000 for 2 (156 steps): see above.
  quick: {
    source: 'mnist',
    target: 'fashion-mnist',
    targets: translationTargets,
    epochs: 1,
    testLimit: 1000,
    classifierTrainLimit: 5000,
    shownPerClass: 2,
    prototypes: { latent: 32, epochs: 3, trainLimit: 5000, steps: 200 },
  },
  smoke: {
    source: 'mnist',
    target: 'fashion-mnist',
    targets: ['classifier', 'random-example'],
    epochs: 1,
    trainLimit: 128,
    testLimit: 64,
    classifierTrainLimit: 300,
    shownPerClass: 1,
    prototypes: { latent: 8, epochs: 1, trainLimit: 128, steps: 10 },
  },
};

/** The study with its settings per profile; tests give other settings under 'smoke' to check its finding. */
export function createDomainTranslationStudy(profiles: Record<StudyProfile, DomainTranslationSettings>): Study {
  return {
    name: 'domain-translation',
    title: 'Translating between two image domains class by class: what each target loss gives',
    description:
      'An encoder–decoder turns an image of class k of a source domain (MNIST digits) into an image of class k of a target domain (Fashion-MNIST items), ' +
      'trained towards one target loss each: the cross-entropy of the target domain’s frozen classifier (classifier; classifier-noise with an extra class for uniform noise), ' +
      'L2 to a random image of the class drawn anew each step (random-example), to one fixed representative image (representative), to the class’s pixel mean (class-mean), ' +
      'and a combination. Look for the trade-off: the classifier target reaches high accuracy under the classifier with images far from real ones (high Fréchet distance); ' +
      'representative and class-mean collapse each class to one image (diversity near zero); random-example keeps diversity above them. ' +
      'Then the class prototypes of the target domain: the code whose decoding by a frozen decoder is closest to all images of a class, beside the decoding of the mean code and the pixel mean.',
    run: (context) => runDomainTranslation(context, profiles[context.profile]),
  };
}

export const domainTranslation = createDomainTranslationStudy(domainTranslationSettings);

async function runDomainTranslation(context: StudyContext, settings: DomainTranslationSettings): Promise<StudyResult> {
  const runs: RunRecord[] = [];
  for (const targetLoss of settings.targets) runs.push(await translation(context, settings, targetLoss));
  const finals = runs.map((run) => context.store.finalMetrics(run.id));
  const measured = pixelMeasures(context, runs, settings);
  const realDiversity = finals[0]?.real_diversity ?? null;
  const table = {
    name: 'domain-translation',
    title: `Translation ${settings.source} → ${settings.target} by target loss`,
    columns: ['target_loss', 'target_accuracy', 'diversity', 'real_diversity', 'diversity_ratio', 'median_distance', 'frechet', 'nearest_real', 'train_loss'],
    rows: [
      ...settings.targets.map((targetLoss, i) => {
        const m = finals[i]!;
        return [targetLoss, m.target_accuracy ?? null, m.diversity ?? null, m.real_diversity ?? null, m.diversity !== undefined && m.real_diversity ? m.diversity / m.real_diversity : null, measured.median[i]!, m.frechet ?? null, measured.nearest[i]!, m.train_loss ?? null];
      }),
      // The real test images of the target: the classifier's accuracy on them, their own diversity.
      ['(real target images)', finals[0]?.classifier_accuracy ?? null, realDiversity, realDiversity, 1, measured.realMedian, 0, 0, null],
    ],
  };
  const sections: Section[] = [
    {
      title: 'Translations',
      description: `Top row: test images of ${settings.source}, ${settings.shownPerClass} per class in class order; below, their translations into ${settings.target} by each target loss (${settings.targets.join(', ')}, top to bottom).`,
      blocks: [translationFigure(context, runs, settings)],
    },
    {
      title: 'Training curves',
      description: 'Mean training loss of each epoch (each target loss has its own scale).',
      blocks: [await curvesBlock(epochSeries(context.store, runs.map((run, i) => ({ name: settings.targets[i]!, id: run.id })), 'train_loss'), 'Train loss')],
    },
    await prototypeSection(context, settings),
  ];
  return { tables: [table], sections };
}

// The translation run of this study with this target loss: the finished one with the same settings
// if there is one, the stopped one continued, else trained now.
async function translation(context: StudyContext, settings: DomainTranslationSettings, targetLoss: string): Promise<RunRecord> {
  const { store, studyId } = context;
  const key = `target=${targetLoss}`;
  const config: TranslateConfig = {
    ...translateDefaults,
    source: settings.source,
    target: settings.target,
    targetLoss,
    epochs: settings.epochs,
    ...(settings.batch !== undefined ? { batch: settings.batch } : {}),
    ...(settings.trainLimit !== undefined ? { trainLimit: settings.trainLimit } : {}),
    ...(settings.testLimit !== undefined ? { testLimit: settings.testLimit } : {}),
    ...(settings.classifierTrainLimit !== undefined ? { classifierTrainLimit: settings.classifierTrainLimit } : {}),
  };
  const same = store
    .listRuns({ studyId, model: translatorModel })
    .filter((run) => run.name === key && JSON.stringify(sorted(storedTranslateConfig(run))) === JSON.stringify(sorted(config)));
  const finished = same.find((run) => run.status === 'finished');
  if (finished) return finished;
  const unfinished = same.find((run) => run.status !== 'running' || !isRunProcessAlive(run));
  const options = { log: () => {}, ...(context.signal ? { signal: context.signal } : {}) };
  const outcome = unfinished ? (context.log(`${key}: resuming run ${unfinished.id}`), await resumeTranslation(store, unfinished.id, options)) : await translateRun(store, config, { ...options, name: key, studyId });
  if (outcome.status !== 'finished') throw new LatentlabError(`the study's run ${key} (${outcome.run.id}) was ${outcome.status}: run the study again to continue it`);
  const m = outcome.metrics!;
  context.log(`${key}: run ${outcome.run.id} finished, target accuracy ${(100 * m.accuracy).toFixed(1)}%, diversity ${m.diversity.toFixed(3)} (real ${m.realDiversity.toFixed(3)}), Fréchet ${m.frechet.toFixed(2)}`);
  return outcome.run;
}

// Measures in pixels of each run's translations of the test sources. Readability: the distance of
// each translation to the nearest real test image of its target class (mean over translations); a
// translation that looks like some real item is near one, an image made only to be classified
// right need not be. Collapse: the median distance between two translations of one class (mean
// over classes), which, unlike the mean (diversity), a minority of translations that land in
// another class does not lift: it is 0 where most of a class's translations are one image.
function pixelMeasures(context: StudyContext, runs: readonly RunRecord[], settings: DomainTranslationSettings): { nearest: number[]; median: number[]; realMedian: number } {
  const limit = settings.testLimit !== undefined ? { limit: settings.testLimit } : {};
  const sources = loadDomain(settings.source, 'source', { split: 'test', ...limit });
  const real = loadDomain(settings.target, 'target', { split: 'test', ...limit });
  const numClasses = real.classes.length;
  try {
    const nearest: number[] = [];
    const median: number[] = [];
    for (const run of runs) {
      const loaded = loadTranslator(context.store, run.id);
      const translations = translate(loaded.model, loaded.normalization, sources.images);
      try {
        nearest.push(meanNearestDistance(translations, sources.labels, real.images, real.labels, numClasses));
        median.push(medianPairwiseDistance(translations, sources.labels, numClasses));
      } finally {
        translations.dispose();
        loaded.dispose();
      }
    }
    return { nearest, median, realMedian: medianPairwiseDistance(real.images, real.labels, numClasses) };
  } finally {
    sources.dispose();
    real.dispose();
  }
}

/** Per class of `labels`, the median Euclidean distance over distinct pairs of its images; the mean over classes with two images or more. */
export function medianPairwiseDistance(images: Tensor, labels: Tensor, numClasses: number): number {
  const medians: number[] = [];
  for (let k = 0; k < numClasses; k++) {
    const distances = noGrad(() =>
      tidy(() => {
        const index = labels.eq(k).nonzero().flatten();
        if (index.shape[0]! < 2) return null;
        const flat = images.indexSelect(0, index).flatten(1).double(); // [n, D]
        const norms = flat.pow(2).sum({ dim: 1 });
        const squared = norms.unsqueeze(1).add(norms.unsqueeze(0)).sub(flat.matmul(flat.t()).mul(2)).clampMin(0); // [n, n]
        return { n: index.shape[0]!, values: squared.toTypedArray() as Float64Array };
      }),
    );
    if (!distances) continue;
    const pairs: number[] = [];
    for (let i = 0; i < distances.n; i++) for (let j = i + 1; j < distances.n; j++) pairs.push(Math.sqrt(distances.values[i * distances.n + j]!));
    pairs.sort((a, b) => a - b);
    const middle = pairs.length / 2;
    medians.push(pairs.length % 2 === 1 ? pairs[Math.floor(middle)]! : (pairs[middle - 1]! + pairs[middle]!) / 2);
  }
  return medians.length > 0 ? medians.reduce((sum, value) => sum + value, 0) / medians.length : Number.NaN;
}

/** Mean over `images` (labels int64) of the Euclidean distance to the nearest image of `reference` with the same label. */
export function meanNearestDistance(images: Tensor, labels: Tensor, reference: Tensor, referenceLabels: Tensor, numClasses: number): number {
  let [sum, count] = [0, 0];
  for (let k = 0; k < numClasses; k++) {
    const part = noGrad(() =>
      tidy(() => {
        const mine = labels.eq(k).nonzero().flatten();
        const theirs = referenceLabels.eq(k).nonzero().flatten();
        if (mine.shape[0] === 0 || theirs.shape[0] === 0) return { sum: 0, count: 0 };
        const a = images.indexSelect(0, mine).flatten(1).double(); // [n, D]
        const b = reference.indexSelect(0, theirs).flatten(1).double(); // [m, D]
        const squared = a.pow(2).sum({ dim: 1 }).unsqueeze(1).add(b.pow(2).sum({ dim: 1 }).unsqueeze(0)).sub(a.matmul(b.t()).mul(2)).clampMin(0); // [n, m]
        return { sum: squared.min(1).values.sqrt().sum().item(), count: mine.shape[0]! };
      }),
    );
    sum += part.sum;
    count += part.count;
  }
  return count > 0 ? sum / count : Number.NaN;
}

function sorted(config: object): [string, unknown][] {
  return Object.entries(config).sort(([a], [b]) => a.localeCompare(b));
}

// The source row (the first run's test sources), then each run's translations of the same images.
function translationFigure(context: StudyContext, runs: readonly RunRecord[], settings: DomainTranslationSettings) {
  const rows: Tensor[] = [];
  try {
    for (const [i, run] of runs.entries()) {
      const loaded = loadTranslator(context.store, run.id);
      try {
        if (i === 0) {
          const grid = translationGrid(loaded, settings.shownPerClass);
          rows.push(grid.sources, grid.translations);
        } else {
          rows.push(translate(loaded.model, loaded.normalization, rows[0]!));
        }
      } finally {
        loaded.dispose();
      }
    }
  } catch (error) {
    rows.forEach((row) => row.dispose());
    throw error;
  }
  return imageBlock(rows, `${settings.source} test images, then their translations: ${settings.targets.join(', ')} (top to bottom)`);
}

// Prototypes through the frozen decoder of a conv autoencoder trained on the target domain.
async function prototypeSection(context: StudyContext, settings: DomainTranslationSettings): Promise<Section> {
  const title = 'Class prototypes of the target domain by latent optimisation';
  const spec = settings.prototypes;
  if (!spec) return { title, description: `Not computed: the target ${settings.target} is a folder, and the autoencoder they need trains on a data set by name.`, blocks: [] };
  const run = await context.train('target-autoencoder', {
    model: 'conv-ae',
    dataset: settings.target,
    latent: spec.latent,
    epochs: spec.epochs,
    batch: 128,
    optimizer: 'adam',
    lr: 1e-3,
    seed: 0,
    ...(spec.trainLimit !== undefined ? { trainLimit: spec.trainLimit } : {}),
    ...(settings.testLimit !== undefined ? { testLimit: settings.testLimit } : {}),
  });
  const loaded = context.load(run);
  const train = loadDataset(settings.target, { split: 'train', ...(spec.trainLimit !== undefined ? { limit: spec.trainLimit } : {}) });
  try {
    const classes = train.classes ?? [];
    const found = classPrototypes(loaded.model, train.inputs, train.targets, classes.length, { steps: spec.steps });
    found.codes.dispose();
    const mean = (pick: (losses: (typeof found.losses)[number]) => number) => found.losses.reduce((sum, losses) => sum + pick(losses), 0) / found.losses.length;
    return {
      title,
      description:
        `Through the frozen decoder of a conv autoencoder (latent ${spec.latent}, ${spec.epochs} epochs) trained on ${settings.target} (run ${run.id}): per class, the code found by Adam from a random start (${spec.steps} steps) ` +
        'whose decoding is closest (MSE) to all training images of the class, the decoding of the class’s mean code, and the pixel mean (the floor of that loss: mean ‖D(z) − xᵢ‖² = ‖D(z) − x̄‖² + const).',
      blocks: [
        imageBlock([found.prototypes, found.meanCodeDecodings, found.pixelMeans], 'per class: optimised code, decoded mean code, pixel mean (top to bottom)'),
        {
          kind: 'table',
          caption: 'Mean squared error to the class’s training images, per class and mean over classes.',
          columns: ['class', 'prototype', 'mean_code', 'pixel_mean'],
          rows: [
            ...found.losses.map((losses, k) => [classes[k] ?? String(k), losses.prototype, losses.meanCode, losses.pixelMean]),
            ['(mean)', mean((l) => l.prototype), mean((l) => l.meanCode), mean((l) => l.pixelMean)],
          ],
        },
      ],
    };
  } finally {
    [train.inputs, train.targets].forEach((t) => t.dispose());
    loaded.dispose();
  }
}
