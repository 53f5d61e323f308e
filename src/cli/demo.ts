// `latentlab demo`: a short training run of the dense autoencoder on Fashion-MNIST that prints
// its loss falling: the quickest check that the engine works on this machine.
import { Command } from 'commander';
import { integerBetween, nonNegativeInteger } from './options.js';
import { runDemo } from '../train/demo.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('train a small autoencoder on Fashion-MNIST for a few epochs and print the loss')
    .option('--epochs <n>', 'training epochs', integerBetween(1, 1000), 3)
    .option('--samples <n>', 'training images used (of 60000)', integerBetween(1, 60000), 20000)
    .option('--seed <n>', 'random seed', nonNegativeInteger, 0)
    .option('--data-dir <dir>', 'folder with the Fashion-MNIST IDX files')
    .option('--json', 'print one JSON document with the per-epoch losses')
    .addHelpText('after', '\nExamples:\n  latentlab demo\n  latentlab demo --epochs 5 --samples 60000 --json')
    .action((options: { epochs: number; samples: number; seed: number; dataDir?: string; json?: boolean }) => {
      const log = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      const result = runDemo({ ...options, log });
      if (options.json) console.log(JSON.stringify(result, null, 2));
    });
}
