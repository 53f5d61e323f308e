// The linear-ae-vs-pca study: a linear autoencoder trained by gradient descent against PCA with as
// many components, on MNIST digits, both measured against the optimum the covariance spectrum sets.
import { principalAngles } from '../analysis/subspace.js';
import { PCA } from '../reduce/pca.js';
import { lineChart, type Series } from '../report/charts.js';
import type { Block, Section } from '../report/html.js';
import { encodeSafetensors, loadSafetensors } from '../tensor/serialize.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RunStore } from '../track/store.js';
import { discardedVariance, loadPcaStudyData, type PcaStudyData } from './pca-data.js';
import { autoencoderError, meanSquaredError, orthonormalityPenalty, trainLinearAutoencoder, type LinearAutoencoder } from './pca-linear-autoencoder.js';
import { curvesBlock, epochSeries, imageBlock } from './sweep-blocks.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable } from './study.js';

export interface LinearAeVsPcaSettings {
  /** Numbers of components k. */
  latents: readonly number[];
  /** Subsets of MNIST's 60,000 training and 10,000 test digits (all when absent). */
  data: { trainLimit?: number; testLimit?: number };
  epochs: number;
  batch: number;
  /** Adam's initial rate (cosine-annealed to 0). */
  lr: number;
  /** λ of the variant's penalty λ‖W_dᵀW_d − I‖²_F. */
  orthonormality: number;
  /** The k whose decoder columns are drawn beside the principal axes. */
  shownLatent: number;
  /**
   * The minibatch-size sweep: the linear autoencoder with `latent` components trained at each batch
   * size B for the same number of steps at a constant rate, so that every B has as many updates
   * and differs only in how well each step's covariance estimate (B digits' XᵀX/B) matches the
   * data's: its noise stays in the subspace the run ends with.
   */
  batchSweep: { latent: number; batches: readonly number[]; steps: number; lr: number };
}

// Batches of 256 with a cosine-annealed rate of 1e-2 (measured on 8,000 digits): 8 epochs land
// within 0.7% of the optimum for every k up to 50, 30 epochs within 0.01% for k ≤ 25, where the
// largest principal angles also shrink (k = 25: 74° → 10°).
export const linearAeVsPcaSettings: Record<StudyProfile, LinearAeVsPcaSettings> = {
  full: { latents: [2, 5, 10, 25, 50], data: {}, epochs: 30, batch: 256, lr: 1e-2, orthonormality: 1, shownLatent: 10, batchSweep: { latent: 10, batches: [1, 4, 16, 64, 256, 1024], steps: 4000, lr: 1e-3 } },
  quick: {
    latents: [2, 5, 10, 25, 50],
    data: { trainLimit: 8000, testLimit: 2000 },
    epochs: 8,
    batch: 256,
    lr: 1e-2,
    orthonormality: 1,
    shownLatent: 10,
    batchSweep: { latent: 10, batches: [4, 16, 64, 256, 1024], steps: 2000, lr: 1e-3 },
  },
  smoke: { latents: [2, 5], data: { trainLimit: 500, testLimit: 200 }, epochs: 2, batch: 100, lr: 1e-2, orthonormality: 1, shownLatent: 5, batchSweep: { latent: 2, batches: [10, 100], steps: 20, lr: 1e-3 } },
};

/** The study over the given settings per profile (tests inject settings where a finding is robust). */
export function createLinearAeVsPcaStudy(profiles: Record<StudyProfile, LinearAeVsPcaSettings>): Study {
  return {
    name: 'linear-ae-vs-pca',
    title: 'Linear autoencoder against PCA on MNIST',
    description:
      'A linear autoencoder (x̂ = W_d W_e x, no biases, on centred digits) trained by Adam against PCA with k components, for k from 2 to 50, ' +
      'plus a variant with the penalty λ‖W_dᵀW_d − I‖²_F on its decoder. Error is the mean over training digits of ‖x − x̂‖² summed over the 784 pixels, ' +
      'with the data centred by the training mean for all; its optimum for any rank-k linear map is Σ_{i>k} λᵢ, the discarded eigenvalues of the training covariance XᵀX/N. ' +
      'Look for both reaching the optimum (a linear autoencoder has no other local minima, Baldi & Hornik 1989), and for the principal angles between the decoder’s ' +
      'column space and the top-k principal subspace: small where λ_k clearly exceeds λ_{k+1}, large where the two nearly tie, as then the error barely tells the subspaces apart. ' +
      'The decoder’s columns span the principal subspace but are not the principal axes themselves, penalty or not. ' +
      'The minibatch-size sweep trains one k at batch sizes B from a few digits to a thousand, as many steps each at a constant rate: each step sees the covariance of B digits only, ' +
      'so a small B estimates it poorly and the learned subspace ends further from the principal one (larger angles, larger excess error).',
    run: (context) => runLinearAeVsPca(context, profiles[context.profile]),
  };
}

export const linearAeVsPca = createLinearAeVsPcaStudy(linearAeVsPcaSettings);

const dataset = 'mnist';
const seed = 0;
const variants = [
  { name: 'linear-ae', label: 'linear AE', penalised: false },
  { name: 'linear-ae+orthonormal', label: 'linear AE + orthonormality', penalised: true },
] as const;
type Variant = (typeof variants)[number];

const autoencoderMetricKeys = ['train_error', 'test_error', 'max_principal_angle_deg', 'mean_principal_angle_deg', 'decoder_orthonormality'] as const;
type AutoencoderMetrics = Record<(typeof autoencoderMetricKeys)[number], number>;

interface Row {
  k: number;
  pca: { train_error: number; test_error: number; optimum: number };
  autoencoders: { runId: string; metrics: AutoencoderMetrics }[]; // in the order of `variants`
}

async function runLinearAeVsPca(context: StudyContext, settings: LinearAeVsPcaSettings): Promise<StudyResult> {
  const data = loadPcaStudyData(settings.data);
  try {
    const rows: Row[] = [];
    for (const k of settings.latents) {
      const pca = await pcaTask(context, data, settings, k);
      const autoencoders = [];
      for (const variant of variants) autoencoders.push(await autoencoderTask(context, data, settings, k, variant));
      rows.push({ k, pca, autoencoders });
    }
    const sweep: SweepRow[] = [];
    for (const batch of settings.batchSweep.batches) sweep.push(await batchSweepTask(context, data, settings, batch));
    const optimum = discardedVariance(data.eigenvalues, settings.batchSweep.latent);
    return {
      tables: [...tables(rows, data.eigenvalues), batchSweepTable(sweep, settings, optimum)],
      sections: [...(await sections(context, rows, data, settings)), await batchSweepSection(sweep, settings, optimum)],
    };
  } finally {
    data.dispose();
  }
}

async function pcaTask(context: StudyContext, data: PcaStudyData, settings: LinearAeVsPcaSettings, k: number): Promise<Row['pca']> {
  // svdSolver 'auto' as a user would run it: covariance_eigh on these N × 784 digits (N ≤ 60,000), exact, one pass over the data.
  const config = { dataset, ...settings.data, nComponents: k, svdSolver: 'auto', seed };
  const { metrics } = await context.task(`pca k=${k}`, { model: 'pca', dataset, config }, () => {
    const pca = new PCA({ nComponents: k, seed }).fit(data.train);
    try {
      const error = (x: Tensor) => tidy(() => meanSquaredError(x, pca.inverseTransform(pca.transform(x))));
      return { train_error: error(data.train), test_error: error(data.test), optimum: discardedVariance(data.eigenvalues, k) };
    } finally {
      pca.dispose();
    }
  });
  return { train_error: metrics.train_error ?? NaN, test_error: metrics.test_error ?? NaN, optimum: metrics.optimum ?? NaN };
}

async function autoencoderTask(context: StudyContext, data: PcaStudyData, settings: LinearAeVsPcaSettings, k: number, variant: Variant): Promise<Row['autoencoders'][number]> {
  const { epochs, batch, lr } = settings;
  const orthonormality = variant.penalised ? settings.orthonormality : 0;
  const config = { dataset, ...settings.data, latent: k, epochs, batch, lr, optimizer: 'adam', schedule: 'cosine', orthonormality, seed };
  const { run, metrics } = await context.task(`${variant.name} k=${k}`, { model: 'linear-ae', dataset, config }, async (task) => {
    const model = await trainLinearAutoencoder(data.trainCentred, { latent: k, epochs, batch, lr, orthonormality, seed }, (epoch, loss) => task.log([{ key: 'train_loss', value: loss, epoch }]));
    try {
      const decoder = model.decoder.weight; // [784, k]
      const angles = tidy(() => principalAngles(decoder, data.axes.narrow(1, 0, k)));
      task.log(angles.map((angle, i) => ({ key: 'principal_angle_deg', value: angle, step: i + 1 })));
      // The decoder is kept for the report's picture of its columns.
      task.store.addArtifact(task.run.id, 'weights', 'decoder.safetensors', encodeSafetensors({ decoder }));
      return subspaceMetrics(model, data, angles);
    } finally {
      model.dispose();
    }
  });
  // NaN for a metric a run lacks, so that a gap shows in the table instead of failing the study.
  return { runId: run.id, metrics: Object.fromEntries(autoencoderMetricKeys.map((key) => [key, metrics[key] ?? NaN])) as AutoencoderMetrics };
}

/** A trained linear autoencoder's errors and how far its decoder's span is from the top-k principal axes. */
function subspaceMetrics(model: LinearAutoencoder, data: PcaStudyData, angles: number[]): Record<string, number> {
  return {
    train_error: autoencoderError(model, data.trainCentred),
    test_error: autoencoderError(model, data.testCentred),
    max_principal_angle_deg: Math.max(...angles),
    mean_principal_angle_deg: angles.reduce((sum, angle) => sum + angle, 0) / angles.length,
    decoder_orthonormality: tidy(() => orthonormalityPenalty(model.decoder.weight).sqrt().item()),
  };
}

interface SweepRow {
  batch: number;
  metrics: AutoencoderMetrics;
}

async function batchSweepTask(context: StudyContext, data: PcaStudyData, settings: LinearAeVsPcaSettings, batch: number): Promise<SweepRow> {
  const { latent: k, steps, lr } = settings.batchSweep;
  const epochs = Math.ceil((steps * batch) / data.trainCentred.shape[0]!); // enough epochs for the steps; the last may stop part-way
  const config = { dataset, ...settings.data, latent: k, steps, batch, lr, optimizer: 'adam', schedule: 'constant', orthonormality: 0, seed };
  const { metrics } = await context.task(`batch-sweep k=${k} B=${batch}`, { model: 'linear-ae', dataset, config }, async (task) => {
    const model = await trainLinearAutoencoder(data.trainCentred, { latent: k, epochs, maxSteps: steps, batch, lr, orthonormality: 0, seed, schedule: 'constant' }, (epoch, loss) => task.log([{ key: 'train_loss', value: loss, epoch }]));
    try {
      const decoder = model.decoder.weight; // [784, k]
      const angles = tidy(() => principalAngles(decoder, data.axes.narrow(1, 0, k)));
      return subspaceMetrics(model, data, angles);
    } finally {
      model.dispose();
    }
  });
  return { batch, metrics: Object.fromEntries(autoencoderMetricKeys.map((key) => [key, metrics[key] ?? NaN])) as AutoencoderMetrics };
}

function batchSweepTable(sweep: readonly SweepRow[], settings: LinearAeVsPcaSettings, optimum: number): StudyTable {
  const { latent, steps, lr } = settings.batchSweep;
  return {
    name: 'batch-sweep',
    title: `Minibatch size B against the learned subspace (k = ${latent}, ${steps} steps of Adam at a constant ${lr} for every B): training error, its excess over the optimum, principal angles`,
    columns: ['batch', 'steps', 'optimum', 'ae_error', 'ae_gap_pct', 'ae_test_error', 'max_principal_angle_deg', 'mean_principal_angle_deg'],
    rows: sweep.map(({ batch, metrics }) => [
      batch,
      steps,
      optimum,
      metrics.train_error,
      gapPercent(metrics.train_error, optimum),
      metrics.test_error,
      metrics.max_principal_angle_deg,
      metrics.mean_principal_angle_deg,
    ]),
  };
}

async function batchSweepSection(sweep: readonly SweepRow[], settings: LinearAeVsPcaSettings, optimum: number): Promise<Section> {
  // log₂ B on the x axis: the batch sizes grow by factors (the charts have no log x scale).
  const points = (value: (row: SweepRow) => number) => sweep.map((row) => ({ x: Math.log2(row.batch), y: value(row) }));
  const gap = await lineChart({
    series: [{ name: 'excess over the optimum (%)', points: points((row) => gapPercent(row.metrics.train_error, optimum)) }],
    title: 'Excess training error',
    xTitle: 'log₂ B (batch size)',
    yTitle: 'excess (%)',
  });
  const angles = await lineChart({
    series: [
      { name: 'largest angle', points: points((row) => row.metrics.max_principal_angle_deg) },
      { name: 'mean angle', points: points((row) => row.metrics.mean_principal_angle_deg) },
    ],
    title: 'Principal angles to the top-k subspace',
    xTitle: 'log₂ B (batch size)',
    yTitle: 'angle (°)',
  });
  return {
    title: `Minibatch size and the learned subspace (k = ${settings.batchSweep.latent})`,
    description:
      `The same linear autoencoder trained for ${settings.batchSweep.steps} steps with batches of ${settings.batchSweep.batches.join(', ')} digits at a constant rate: each step's gradient uses the covariance of its B digits, ` +
      'an estimate whose noise shrinks as 1/B, and with a constant rate that noise stays in the learned subspace. With as many steps each, the small batches end further from the principal subspace.',
    blocks: [{ kind: 'grid', blocks: [{ kind: 'chart', svg: gap }, { kind: 'chart', svg: angles }] }],
  };
}

const gapPercent = (error: number, optimum: number) => (100 * (error - optimum)) / optimum;

function tables(rows: readonly Row[], eigenvalues: readonly number[]): StudyTable[] {
  return [
    {
      name: 'errors',
      title: 'Training error against the optimum Σ_{i>k} λᵢ, and the largest principal angle to the top-k principal subspace',
      columns: ['k', 'optimum', 'pca_error', 'ae_error', 'ae_gap_pct', 'max_principal_angle_deg', 'ae_ortho_error', 'ae_ortho_gap_pct', 'ortho_max_principal_angle_deg'],
      rows: rows.map(({ k, pca, autoencoders: [plain, ortho] }) => [
        k,
        pca.optimum,
        pca.train_error,
        plain!.metrics.train_error,
        gapPercent(plain!.metrics.train_error, pca.optimum),
        plain!.metrics.max_principal_angle_deg,
        ortho!.metrics.train_error,
        gapPercent(ortho!.metrics.train_error, pca.optimum),
        ortho!.metrics.max_principal_angle_deg,
      ]),
    },
    {
      name: 'details',
      title: 'Eigenvalues at the cut, test errors, mean principal angles and ‖W_dᵀW_d − I‖_F',
      columns: ['k', 'lambda_k', 'lambda_k+1', 'pca_test_error', 'ae_test_error', 'ae_ortho_test_error', 'mean_principal_angle_deg', 'ortho_mean_principal_angle_deg', 'decoder_orthonormality', 'ortho_decoder_orthonormality'],
      rows: rows.map(({ k, pca, autoencoders: [plain, ortho] }) => [
        k,
        eigenvalues[k - 1]!,
        eigenvalues[k]!,
        pca.test_error,
        plain!.metrics.test_error,
        ortho!.metrics.test_error,
        plain!.metrics.mean_principal_angle_deg,
        ortho!.metrics.mean_principal_angle_deg,
        plain!.metrics.decoder_orthonormality,
        ortho!.metrics.decoder_orthonormality,
      ]),
    },
  ];
}

async function sections(context: StudyContext, rows: readonly Row[], data: PcaStudyData, settings: LinearAeVsPcaSettings): Promise<Section[]> {
  const againstK = (value: (row: Row) => number): Series['points'] => rows.map((row) => ({ x: row.k, y: value(row) }));
  const errorSeries: Series[] = [
    { name: 'optimum Σ_{i>k} λᵢ', points: againstK((row) => row.pca.optimum) },
    { name: 'PCA', points: againstK((row) => row.pca.train_error) },
    ...variants.map((variant, i) => ({ name: variant.label, points: againstK((row) => row.autoencoders[i]!.metrics.train_error) })),
  ];
  const gapSeries: Series[] = [
    { name: 'PCA', points: againstK((row) => gapPercent(row.pca.train_error, row.pca.optimum)) },
    ...variants.map((variant, i) => ({ name: variant.label, points: againstK((row) => gapPercent(row.autoencoders[i]!.metrics.train_error, row.pca.optimum)) })),
  ];
  const angleSeries = (variant: number): Series[] =>
    rows.map((row) => ({ name: `k=${row.k}`, points: context.store.metrics(row.autoencoders[variant]!.runId, 'principal_angle_deg').map((m) => ({ x: m.step, y: m.value })) }));
  const runsOf = (variant: number) => rows.map((row) => ({ name: `k=${row.k}`, id: row.autoencoders[variant]!.runId }));
  const chart = async (series: Series[], title: string, xTitle: string, yTitle: string): Promise<Block> => ({ kind: 'chart', svg: await lineChart({ series, title, xTitle, yTitle }) });
  return [
    {
      title: 'Training error against k',
      description: 'Mean over training digits of ‖x − x̂‖² (summed over pixels), and its excess over the optimum in percent.',
      blocks: [
        {
          kind: 'grid',
          blocks: [await chart(errorSeries, 'Training error', 'components k', 'mean ‖x − x̂‖²'), await chart(gapSeries, 'Excess over the optimum', 'components k', 'excess (%)')],
        },
      ],
    },
    {
      title: 'Principal angles to the top-k principal subspace',
      description: 'All k principal angles (Björck & Golub 1973) between the decoder’s column space and the span of the top k principal axes, ascending; one line per k.',
      blocks: [{ kind: 'grid', blocks: await Promise.all(variants.map((variant, i) => chart(angleSeries(i), variant.label, 'angle index', 'principal angle (°)'))) }],
    },
    {
      title: 'Training curves',
      description: 'Mean training loss of each epoch (the penalised variant’s includes its penalty).',
      blocks: [{ kind: 'grid', blocks: await Promise.all(variants.map((variant, i) => curvesBlock(epochSeries(context.store, runsOf(i), 'train_loss'), variant.label))) }],
    },
    decoderColumnsSection(context.store, rows, data, settings.shownLatent),
  ];
}

// The principal axes above each variant's decoder columns, each image scaled to use the gray range
// symmetrically (mid-gray is 0), so that the bases can be compared by eye.
function decoderColumnsSection(store: RunStore, rows: readonly Row[], data: PcaStudyData, k: number): Section {
  const row = rows.find((r) => r.k === k);
  if (!row) return { title: 'Decoder columns', blocks: [{ kind: 'text', text: `k = ${k} was not trained, so there are no decoder columns to show.` }] };
  const asImages = (columns: Tensor) => tidy(() => columns.div(columns.abs().max(0, true).values).mul(0.5).add(0.5).T.to('float32').reshape([k, 1, 28, 28])); // [784, k] → [k, 1, 28, 28]
  const decoders = row.autoencoders.map(({ runId }) => {
    const { tensors } = loadSafetensors(store.artifactPath(store.artifacts(runId, 'weights')[0]!));
    try {
      return asImages(tensors.decoder!);
    } finally {
      Object.values(tensors).forEach((t) => t.dispose());
    }
  });
  const axes = asImages(data.axes.narrow(1, 0, k));
  return {
    title: `Decoder columns against principal axes (k = ${k})`,
    description: 'Top row: the first k principal axes. Below: the decoder columns of the linear autoencoder, then of its orthonormality-penalised variant. They span nearly the same subspace, in a different basis.',
    blocks: [imageBlock([axes, ...decoders], `k = ${k}: principal axes, ${variants.map((v) => `${v.label} decoder columns`).join(', ')} (top to bottom)`)],
  };
}
