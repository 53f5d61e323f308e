// `latentlab reduce`: embeds a data set with a classical reduction or a trained autoencoder, prints
// the embedding's quality and draws it as a map (PNG raster or SVG chart).
import { extname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { datasetNames } from '../data/datasets.js';
import { writeNpy } from '../data/npy.js';
import { reducerOptions, reductionMethods, isReductionMethod, type ReducerOptionValue } from '../reduce/registry.js';
import { scatterChart } from '../report/charts.js';
import { writePng } from '../report/image-grid.js';
import { scatterImage } from '../report/scatter-image.js';
import { embedDataset, type Embedding } from '../runs/embed.js';
import { ArgumentError } from '../tensor/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { formatNumber } from '../train/progress.js';
import { examples, nonNegativeInteger, positiveInteger, storeOption, withStore } from './options.js';

interface ReduceFlags {
  method: string;
  dataset: string;
  dataDir?: string;
  split: 'train' | 'test';
  n: number;
  components: number;
  param: Record<string, ReducerOptionValue>;
  neighbors: number;
  seed: number;
  out?: string;
  save?: string;
  store?: string;
  json?: boolean;
}

/** "perplexity=50" → { perplexity: 50 }, accumulated over repeated --param flags. */
function parameter(value: string, previous: Record<string, ReducerOptionValue> = {}): Record<string, ReducerOptionValue> {
  const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected name=value like perplexity=50, got '${value}'`);
  const [, name, text] = match as unknown as [string, string, string];
  const parsed: ReducerOptionValue = text === 'true' ? true : text === 'false' ? false : Number.isFinite(Number(text)) ? Number(text) : text;
  return { ...previous, [name]: parsed };
}

function method(value: string): string {
  if (isReductionMethod(value) || /^ae:.+/.test(value)) return value;
  throw new InvalidArgumentError(`expected one of ${reductionMethods.join(', ')} or ae:<run id>, got '${value}'`);
}

function split(value: string): 'train' | 'test' {
  if (value === 'train' || value === 'test') return value;
  throw new InvalidArgumentError(`expected train or test, got '${value}'`);
}

export function reduceCommand(): Command {
  const optionList = reductionMethods.map((name) => `  ${name.padEnd(7)} ${reducerOptions(name).join(', ') || '(none)'}`).join('\n');
  const command = new Command('reduce')
    .description('embed a data set with a classical reduction or an autoencoder; print trustworthiness, continuity, kNN accuracy and time; draw the map')
    .requiredOption('--method <name>', `${reductionMethods.join('|')}|ae:<run id>`, method)
    .option('--dataset <name>', `data set (${datasetNames.join(', ')})`, 'mnist')
    .option('--data-dir <dir>', "the data set's files (default: its usual place)")
    .option('--split <split>', 'train or test', split, 'train')
    .option('--n <count>', 'the first n samples of the split', positiveInteger, 5000)
    .option('--components <d>', 'embedding dimensions', positiveInteger, 2)
    .option('--param <name=value>', 'a method option, repeatable (see below)', parameter, {})
    .option('--neighbors <k>', 'neighbours for trustworthiness, continuity and kNN accuracy', positiveInteger, 5)
    .option('--seed <n>', 'random seed', nonNegativeInteger, 0)
    .option('--out <file>', 'draw the map: .png (raster, one dot per point) or .svg (chart with axes and legend)')
    .option('--save <file.npy>', 'save the embedding as .npy')
    .addOption(storeOption())
    .option('--json', 'print {method, dataset, n, seconds, metrics} as JSON')
    .addHelpText('after', `\nMethod options (--param), as the estimators name them:\n${optionList}`)
    .action(async (flags: ReduceFlags) => {
      if (flags.out && !['.png', '.svg'].includes(extname(flags.out).toLowerCase())) throw new ArgumentError(`--out must end in .png or .svg, got '${flags.out}'`);
      if (flags.save && extname(flags.save).toLowerCase() !== '.npy') throw new ArgumentError(`--save must end in .npy, got '${flags.save}'`);
      const run = (store?: Parameters<typeof embedDataset>[0]['store']) =>
        embedDataset({
          method: flags.method,
          dataset: flags.dataset,
          dataDir: flags.dataDir,
          split: flags.split,
          n: flags.n,
          nComponents: flags.components,
          seed: flags.seed,
          params: flags.param,
          neighbors: flags.neighbors,
          store,
        });
      const embedding = flags.method.startsWith('ae:') ? await withStore(flags, 'read', run) : run();
      try {
        if (flags.out) await drawMap(embedding, flags.out);
        if (flags.save) writeNpy(flags.save, embedding.points);
        print(embedding, flags);
      } finally {
        embedding.dispose();
      }
    });
  return examples(command, [
    'latentlab reduce --method tsne --dataset mnist --n 5000 --out tsne.png',
    'latentlab reduce --method umap --param nNeighbors=30 --param minDist=0.05 --json',
    'latentlab reduce --method kpca --param kernel=rbf --param gamma=0.02 --n 2000',
    'latentlab reduce --method ae:20261123-1425 --out latent.svg',
  ]);
}

async function drawMap(embedding: Embedding, file: string): Promise<void> {
  if (embedding.points.shape[1]! < 2) throw new ArgumentError('a map needs at least 2 components');
  const values = Array.from(embedding.points.toTypedArray() as ArrayLike<number>);
  const d = embedding.points.shape[1]!;
  const x = values.filter((_, i) => i % d === 0);
  const y = values.filter((_, i) => i % d === 1);
  const labels = embedding.labels ? Array.from(embedding.labels.toTypedArray() as ArrayLike<number | bigint>, Number) : x.map(() => 0);
  if (extname(file).toLowerCase() === '.png') {
    writePng(file, scatterImage(x, y, labels));
    return;
  }
  const svg = await scatterChart({
    title: `${embedding.title} of ${x.length} ${embedding.dataset} samples`,
    points: x.map((xi, i) => ({ x: xi, y: y[i]!, label: String(labels[i]) })),
    xTitle: 'component 1',
    yTitle: 'component 2',
  });
  writeFileAtomic(file, svg);
}

function print(embedding: Embedding, flags: ReduceFlags): void {
  const n = embedding.points.shape[0]!;
  if (flags.json) {
    console.log(JSON.stringify({ method: embedding.method, title: embedding.title, dataset: embedding.dataset, n, components: embedding.points.shape[1], seconds: embedding.seconds, neighbors: flags.neighbors, metrics: embedding.metrics }, null, 2));
    return;
  }
  console.log(`${embedding.title} of ${n} ${embedding.dataset} samples to ${embedding.points.shape[1]} dimensions in ${embedding.seconds.toFixed(2)} s`);
  for (const [key, value] of Object.entries(embedding.metrics)) console.log(`  ${key.padEnd(21)} ${formatNumber(value)}${key === 'reconstruction_error' ? '' : ` (k = ${flags.neighbors})`}`);
  if (flags.out) console.log(`map written to ${flags.out}`);
  if (flags.save) console.log(`embedding saved to ${flags.save}`);
}
