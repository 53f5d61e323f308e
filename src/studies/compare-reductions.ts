// The compare-reductions study: the same MNIST digits embedded in two dimensions by PCA, kernel
// PCA, LDA, ICA, LLE, t-SNE, UMAP and the latents of a trained autoencoder and VAE, side by side,
// with how well each keeps neighbourhoods and classes, and what it costs.
import { readNpy, encodeNpy } from '../data/npy.js';
import { reductionTitle, type ReducerOptionValue, type ReductionMethod } from '../reduce/registry.js';
import { barChart, scatterChart } from '../report/charts.js';
import type { Block, Section } from '../report/html.js';
import { embedDataset } from '../runs/embed.js';
import { LatentlabError } from '../tensor/errors.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Study, StudyContext, StudyProfile, StudyResult, StudyTable } from './study.js';

export interface CompareReductionsSettings {
  /** The first n MNIST training digits are embedded. */
  n: number;
  /** The autoencoders: an MLP AE and a VAE with 2-D latents, trained on MNIST's training digits. */
  autoencoder: { epochs: number; trainLimit?: number; testLimit?: number };
  /** Options per method beyond the defaults (e.g. fewer t-SNE iterations for the smoke profile). */
  params: Partial<Record<ReductionMethod, Record<string, ReducerOptionValue>>>;
  /** Points drawn per map (the first this many): the metrics use all n. */
  drawn: number;
}

// Kernel PCA's RBF width: sklearn's default γ = 1/D (1/784) makes exp(−γ‖x − y‖²) nearly linear
// on digits, whose squared distances are ~100 (median, measured), and kernel PCA nearly PCA;
// γ = 0.01 puts the kernel's scale at that typical distance.
const kernelPca = { kernel: 'rbf', gamma: 0.01 };

export const compareReductionsSettings: Record<StudyProfile, CompareReductionsSettings> = {
  full: { n: 5000, autoencoder: { epochs: 30 }, params: { kpca: kernelPca }, drawn: 2500 },
  quick: { n: 2000, autoencoder: { epochs: 10 }, params: { kpca: kernelPca }, drawn: 2000 },
  smoke: {
    n: 300,
    autoencoder: { epochs: 1, trainLimit: 500, testLimit: 100 },
    params: { kpca: kernelPca, tsne: { nIter: 500 }, umap: { nEpochs: 50 } },
    drawn: 300,
  },
};

const methods: readonly ReductionMethod[] = ['pca', 'kpca', 'lda', 'ica', 'lle', 'tsne', 'umap'];
const dataset = 'mnist';
const neighbors = 5;
const seed = 0;

/** The study over the given settings per profile (tests inject settings where a finding is robust). */
export function createCompareReductionsStudy(profiles: Record<StudyProfile, CompareReductionsSettings>): Study {
  return {
    name: 'compare-reductions',
    title: 'PCA, kernel PCA, LDA, ICA, LLE, t-SNE, UMAP, an autoencoder and a VAE on the same digits',
    description:
      'The same MNIST training digits embedded in two dimensions by PCA, kernel PCA (RBF), LDA (which alone sees the labels), FastICA, LLE, t-SNE, UMAP, ' +
      'and the 2-D latents of an MLP autoencoder and of a VAE (its posterior means) trained on all training digits. ' +
      `Under each map: trustworthiness (are the neighbours in the map neighbours in the data?) and continuity (the converse), at k = ${neighbors}, as Venna & Kaski define them; ` +
      `leave-one-out ${neighbors}-nearest-neighbour accuracy of the digit labels in the map; and the seconds spent fitting. ` +
      'Look for the neighbour-embedding methods (t-SNE, UMAP) keeping local structure far better than the linear map, t-SNE and UMAP separating the classes without seeing a label, ' +
      'LDA separating the classes best among the linear maps (it is told them), and the autoencoders somewhere between: trained for reconstruction, not for neighbourhoods.',
    run: (context) => runCompareReductions(context, profiles[context.profile]),
  };
}

export const compareReductions = createCompareReductionsStudy(compareReductionsSettings);

interface Row {
  key: string;
  title: string;
  runId: string;
  metrics: Record<string, number>;
}

async function runCompareReductions(context: StudyContext, settings: CompareReductionsSettings): Promise<StudyResult> {
  const rows: Row[] = [];
  for (const method of methods) rows.push(await embedTask(context, settings, method, reductionTitle(method), settings.params[method]));
  const training = { latent: 2, dataset, ...settings.autoencoder, batch: 128, optimizer: 'adam', lr: 1e-3, seed };
  const autoencoder = await context.train('mlp-ae latent 2', { model: 'mlp-ae', ...training });
  rows.push(await embedTask(context, settings, `ae:${autoencoder.id}`, 'autoencoder (2-D latent)'));
  const vae = await context.train('vae latent 2', { model: 'vae', ...training });
  rows.push(await embedTask(context, settings, `ae:${vae.id}`, 'VAE (2-D latent, posterior means)', {}, 'embed vae'));
  return { tables: [table(rows)], sections: await sections(context, rows, settings) };
}

// One method's embedding as a task: its metrics are the task's, its points an artifact, so that
// a rerun (or `study report`) draws the maps without fitting again.
async function embedTask(
  context: StudyContext,
  settings: CompareReductionsSettings,
  method: string,
  title: string,
  params: Record<string, ReducerOptionValue> = {},
  key = method.startsWith('ae:') ? 'embed autoencoder' : `embed ${method}`,
): Promise<Row> {
  const config = { dataset, split: 'train', n: settings.n, method, params, neighbors, seed };
  const model = method.startsWith('ae:') ? (key === 'embed vae' ? 'vae' : 'mlp-ae') : method;
  const { run, metrics } = await context.task(key, { model, dataset, config }, (task) => {
    const embedding = embedDataset({ method, dataset, n: settings.n, params, neighbors, seed, store: context.store });
    try {
      task.store.addArtifact(task.run.id, 'embedding', 'embedding.npy', encodeNpy(embedding.points));
      if (embedding.labels) task.store.addArtifact(task.run.id, 'embedding', 'labels.npy', encodeNpy(embedding.labels));
      context.log(`${title}: ${embedding.seconds.toFixed(1)} s, trustworthiness ${embedding.metrics.trustworthiness.toFixed(4)}`);
      return { ...embedding.metrics, seconds: embedding.seconds };
    } finally {
      embedding.dispose();
    }
  });
  return { key, title, runId: run.id, metrics };
}

function table(rows: readonly Row[]): StudyTable {
  const columns = ['trustworthiness', 'continuity', 'knn_accuracy', 'seconds'];
  return {
    name: 'reductions',
    title: `Neighbourhoods kept (k = ${neighbors}), labels recovered and time, per method`,
    columns: ['method', ...columns],
    rows: rows.map((row) => [row.title, ...columns.map((column) => row.metrics[column] ?? null)]),
  };
}

async function sections(context: StudyContext, rows: readonly Row[], settings: CompareReductionsSettings): Promise<Section[]> {
  const maps: Block[] = [];
  for (const row of rows) {
    const [points, labels] = loadEmbedding(context, row.runId);
    try {
      const drawn = Math.min(settings.drawn, points.shape[0]!);
      const values = Array.from(points.narrow(0, 0, drawn).toTypedArray() as ArrayLike<number>);
      const classes = Array.from(labels.narrow(0, 0, drawn).toTypedArray() as ArrayLike<number | bigint>, Number);
      const svg = await scatterChart({
        title: row.title,
        points: classes.map((label, i) => ({ x: values[2 * i]!, y: values[2 * i + 1]!, label: String(label) })),
      });
      const m = row.metrics;
      const caption = `trustworthiness ${fixed(m.trustworthiness)} · continuity ${fixed(m.continuity)} · kNN accuracy ${fixed(m.knn_accuracy)} · ${fixed(m.seconds, 1)} s`;
      maps.push({ kind: 'chart', svg, caption });
    } finally {
      points.dispose();
      labels.dispose();
    }
  }
  const bars = async (metric: string, title: string): Promise<Block> => ({
    kind: 'chart',
    svg: await barChart({ bars: rows.map((row) => ({ label: row.title, value: row.metrics[metric] ?? NaN })), title, yTitle: metric.replace('_', ' ') }),
  });
  return [
    {
      title: 'Maps',
      description: `${settings.n} digits embedded by each method, coloured by digit (the first ${Math.min(settings.drawn, settings.n)} drawn; the metrics use all).`,
      blocks: [{ kind: 'grid', blocks: maps }],
    },
    {
      title: 'Quality and cost',
      blocks: [{ kind: 'grid', blocks: [await bars('trustworthiness', 'Trustworthiness'), await bars('knn_accuracy', 'kNN accuracy'), await bars('seconds', 'Seconds to fit')] }],
    },
  ];
}

function loadEmbedding(context: StudyContext, runId: string): [Tensor, Tensor] {
  const file = (name: string) => {
    const artifact = context.store.artifacts(runId, 'embedding').find((a) => a.name === name);
    if (!artifact) throw new LatentlabError(`run ${runId} has no ${name}: delete it (latentlab runs rm ${runId}) and run the study again`);
    return readNpy(context.store.artifactPath(artifact));
  };
  return tidy(() => [file('embedding.npy'), file('labels.npy')] as [Tensor, Tensor]);
}

function fixed(value: number | undefined, digits = 3): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}
