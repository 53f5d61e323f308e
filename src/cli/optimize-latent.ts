// `latentlab optimize-latent`: a code found by gradient descent through a run's frozen decoder,
// for a class (its prototype) or an image file (its projection), drawn as a PNG.
import { Command } from 'commander';
import { ArgumentError } from '../tensor/errors.js';
import { cat } from '../tensor/combine.js';
import { latentOptimizationDefaults } from '../analysis/latent-optimization.js';
import { optimizeRunLatent, type LatentTarget } from '../runs/optimize-latent.js';
import { imageRows, writePng } from '../report/image-grid.js';
import { examples, integerBetween, nonNegativeInteger, positiveNumber, storeOption, withStore } from './options.js';

interface Flags {
  class?: number;
  image?: string;
  steps: number;
  lr: number;
  seed: number;
  out: string;
  store?: string;
  json?: boolean;
}

export function optimizeLatentCommand(): Command {
  const command = new Command('optimize-latent')
    .description("find by gradient descent the code whose decoding through a run's frozen decoder is closest (MSE) to every training image of a class (its prototype, drawn beside the decoding of the class's mean code and the pixel mean) or to one image (its projection)")
    .argument('<run>', 'run id (or a unique prefix) of an autoencoder run')
    .option('--class <k>', 'class label: the prototype of that class of the run\'s training data', nonNegativeInteger)
    .option('--image <file.png>', 'an image of the run\'s size: project it into the latent space')
    .option('--steps <n>', 'gradient steps (Adam)', integerBetween(1, 1_000_000), latentOptimizationDefaults.steps)
    .option('--lr <x>', 'initial step size (decays to 0 along a half cosine)', positiveNumber, latentOptimizationDefaults.lr)
    .option('--seed <n>', 'seed of the random starting code', nonNegativeInteger, latentOptimizationDefaults.seed)
    .requiredOption('--out <file.png>', 'PNG to write: prototype, mean-code decoding, pixel mean (--class); the image above its projection (--image)')
    .addOption(storeOption())
    .option('--json', 'print {run_id, losses, code, images} as JSON')
    .action(async (id: string, flags: Flags) => {
      if ((flags.class === undefined) === (flags.image === undefined)) throw new ArgumentError('give one of --class <k> and --image <file.png>');
      if (!flags.out.toLowerCase().endsWith('.png')) throw new ArgumentError(`--out must name a .png file, got '${flags.out}'`);
      const target: LatentTarget = flags.class !== undefined ? { kind: 'class', label: flags.class } : { kind: 'image', path: flags.image! };
      await withStore(flags, 'read', (store) => {
        const result = optimizeRunLatent(store, id, target, { steps: flags.steps, lr: flags.lr, seed: flags.seed });
        try {
          // A class's three images side by side; an image above its projection.
          const rows = target.kind === 'class' ? [cat(result.rows, 0)] : result.rows;
          let png;
          try {
            png = imageRows(rows, { scale: 2 });
          } finally {
            if (target.kind === 'class') rows[0]!.dispose();
          }
          writePng(flags.out, png);
          if (flags.json) {
            console.log(JSON.stringify({ run_id: result.runId, losses: result.losses, start_loss: result.startLoss, code: result.code, images: result.images, out: flags.out }, null, 2));
            return;
          }
          const losses = Object.entries(result.losses).map(([name, value]) => `${name.replace('_', '-')} ${value.toPrecision(4)}`);
          console.log(`wrote ${flags.out} (${png.width}×${png.height}); mean MSE over ${result.images} image${result.images === 1 ? '' : 's'}: ${losses.join(', ')}`);
        } finally {
          result.dispose();
        }
      });
    });
  return examples(command, [
    'latentlab optimize-latent 20261123-1425 --class 3 --out prototype-3.png',
    'latentlab optimize-latent 20261123-1425 --image digit.png --steps 1000 --lr 0.02 --out projection.png',
  ]);
}
