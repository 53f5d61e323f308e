// `latentlab reconstruct`, `sample` and `interpolate`: a recorded run's pictures as PNG files.
import { Command, Option } from 'commander';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { loadGenerativeRun, loadRun, type LoadedRun } from '../runs/load.js';
import { differentClassPair, interpolationStrip, reconstructions } from '../analysis/visuals.js';
import { generateSamples } from '../models/generative.js';
import { defaultGibbsSteps, RestrictedBoltzmannMachine } from '../models/rbm.js';
import type { Autoencoder } from '../models/autoencoder.js';
import type { LabModel } from '../models/registry.js';
import type { RunStore } from '../track/store.js';
import { imageRows, writePng } from '../report/image-grid.js';
import { examples, integerBetween, integerList, integerPair, storeOption, withStore } from './options.js';

const imageScale = 2; // 28-pixel digits are too small to see at 1:1
// A row of 100 digits is 5,600 pixels wide at that scale: more is no longer a picture to look at.
const maxPerRow = 100;
const maxSamples = 4096;

export function reconstructCommand(): Command {
  const command = imageCommand('reconstruct', 'test images (top row) above their reconstructions (bottom row)')
    .option('--n <n>', `number of test images (at most ${maxPerRow}, and the test set's size)`, integerBetween(1, maxPerRow), 10)
    .action((id: string, flags: ImageFlags & { n: number }) =>
      withRun(id, flags, (loaded) => {
        const available = loaded.test.inputs.shape[0]!;
        if (flags.n > available) throw new ArgumentError(`--n ${flags.n} is more than the ${available} test images of run ${id}: use --n ${available} or fewer`);
        const { originals, reconstructions: outputs } = reconstructions(loaded.model, loaded.test, flags.n);
        return save(flags.out, [originals, outputs], flags.n);
      }),
    );
  return examples(command, ['latentlab reconstruct 20261123-1425 --out reconstructions.png --n 16']);
}

export function sampleCommand(): Command {
  const command = imageCommand('sample', 'images drawn from a generative model (VAEs, GANs, RBMs)')
    .option('--n <n>', 'number of samples', integerBetween(1, maxSamples), 64)
    .option('--columns <n>', 'images per row', integerBetween(1, maxPerRow), 8)
    .option('--classes <list>', 'conditional models: the classes to draw, cycled over the samples, e.g. 3 or 0,1,2 (default: every class)', integerList)
    .option('--gibbs-steps <n>', `RBMs: Gibbs steps of each chain from its random start (default ${defaultGibbsSteps})`, integerBetween(0, 1_000_000))
    .action((id: string, flags: ImageFlags & { n: number; columns: number; classes?: number[]; gibbsSteps?: number }) =>
      withRun(id, flags, (loaded) => {
        const model = loaded.model;
        if (flags.gibbsSteps !== undefined && !(model instanceof RestrictedBoltzmannMachine)) {
          throw new ArgumentError(`--gibbs-steps applies to RBM runs, and run ${loaded.run.id} is a ${loaded.run.model}: drop it`);
        }
        const samples = model instanceof RestrictedBoltzmannMachine && flags.gibbsSteps !== undefined ? model.sampleGibbs(flags.n, flags.gibbsSteps) : generateSamples(model, flags.n, flags.classes);
        const rows = Array.from({ length: Math.ceil(flags.n / flags.columns) }, (_, row) => samples.narrow(0, row * flags.columns, Math.min(flags.columns, flags.n - row * flags.columns)));
        return save(flags.out, rows, flags.columns, [samples]);
      }, loadGenerativeRun),
    );
  return examples(command, ['latentlab sample 20261123-1425 --out samples.png --n 100 --columns 10', 'latentlab sample 20261206-1705 --out gibbs.png --gibbs-steps 5000']);
}

export function interpolateCommand(): Command {
  const command = imageCommand('interpolate', 'decoded points along a latent path between two test images or two class means')
    .addOption(new Option('--method <method>', 'linear or slerp (spherical)').choices(['linear', 'slerp']).default('linear'))
    .option('--between <i,j>', 'two test image indices (default: the first image and the first of another class)', integerPair)
    .option('--classes <a,b>', 'two class labels: interpolate between their mean codes', integerPair)
    .option('--steps <n>', 'images in the strip, both ends included', integerBetween(2, maxPerRow), 10)
    .action((id: string, flags: ImageFlags & { method: 'linear' | 'slerp'; between?: [number, number]; classes?: [number, number]; steps: number }) =>
      withRun(id, flags, (loaded) => {
        if (flags.between && flags.classes) throw new ArgumentError('give --between or --classes, not both');
        const ends = flags.classes
          ? { kind: 'class-means' as const, first: flags.classes[0], second: flags.classes[1] }
          : { kind: 'samples' as const, ...(flags.between ? { first: flags.between[0], second: flags.between[1] } : differentClassPair(loaded.test)) };
        const strip = interpolationStrip(loaded.model, loaded.test, ends, flags.steps, flags.method);
        return save(flags.out, [strip], flags.steps);
      }),
    );
  return examples(command, [
    'latentlab interpolate 20261123-1425 --out strip.png --method slerp',
    'latentlab interpolate 20261123-1425 --out digits.png --classes 3,8 --steps 12',
  ]);
}

interface ImageFlags {
  out: string;
  store?: string;
}

function imageCommand(name: string, what: string): Command {
  return new Command(name)
    .description(`write ${what} of a run as a PNG`)
    .argument('<run>', 'run id (or a unique prefix)')
    .requiredOption('--out <file.png>', 'PNG file to write')
    .addOption(storeOption());
}

async function withRun<M extends LabModel = Autoencoder>(id: string, flags: ImageFlags, draw: (loaded: LoadedRun<M>) => string, load: (store: RunStore, id: string) => LoadedRun<M> = loadRun as never): Promise<void> {
  if (!flags.out.toLowerCase().endsWith('.png')) throw new ArgumentError(`--out must name a .png file, got '${flags.out}'`);
  await withStore(flags, 'read', (store) => {
    const loaded = load(store, id);
    try {
      console.log(draw(loaded));
    } finally {
      loaded.dispose();
    }
  });
}

/** Writes rows of images as one PNG, frees them, and says what was written. */
function save(path: string, rows: Tensor[], columns: number, alsoFree: Tensor[] = []): string {
  try {
    const png = imageRows(rows, { columns, scale: imageScale });
    writePng(path, png);
    return `wrote ${path} (${png.width}×${png.height})`;
  } finally {
    for (const t of [...rows, ...alsoFree]) t.dispose();
  }
}
