// Robustness of the command line: bad calls of every command and option (missing, unknown and
// malformed values, unknown run ids, unwritable outputs, bad environment variables), each run as a
// user would against a copy of a small store. Every case checks the exit code, one line on stderr
// naming the problem, no stack trace, no hang and the store unchanged (harness.ts).
// Run: node --test dist/test/robustness/cli.test.js
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { bin } from '../cli/helpers.js';
import { describeCliCases, type CaseContext, type CliCase } from './harness.js';
import { flipped, mnistFolder, truncated } from '../data/mnist-files.js';

// A valid tiny training: a bad flag added to it is the only thing wrong with the call, and should
// the flag be accepted the call trains in a second instead of hanging the suite.
const tinyTrain = ['train', '--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '2', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32'];
/** tinyTrain with one flag replaced or added. */
function trainWith(flag: string, value?: string): string[] {
  const args = [...tinyTrain];
  const at = args.indexOf(flag);
  if (at >= 0) args.splice(at, 2, ...(value === undefined ? [flag] : [flag, value]));
  else args.push(...(value === undefined ? [flag] : [flag, value]));
  return args;
}

/** One case per bad value of a numeric flag: the error must name the flag. */
function badValues(label: string, args: (value: string) => string[], flag: string, values: string[], extra: Partial<CliCase> = {}): CliCase[] {
  return values.map((value) => ({
    name: `${label} ${flag} ${JSON.stringify(value)} is refused, naming ${flag}`,
    args: args(value),
    stderr: new RegExp(flag.replace(/^--/, '-?-?')),
    ...extra,
  }));
}

const writeFile = (context: CaseContext, name: string, content: string | Buffer) => {
  const path = join(context.dir, name);
  writeFileSync(path, content);
  return path;
};

const cases: CliCase[] = [
  // ---- the program, help and unknown commands
  { name: 'an unknown command is refused, naming it', args: ['frobnicate'], stderr: /frobnicate/ },
  { name: 'help for an unknown command says the command is unknown (issue example)', args: ['help', 'frobnicate'], stderr: /unknown command.*frobnicate|frobnicate.*unknown/i },
  { name: 'an unknown global option is refused, naming it', args: ['--frobnicate'], stderr: /--frobnicate/ },
  { name: 'an unknown option of train is refused, naming it', args: [...tinyTrain, '--latnet', '2'], stderr: /--latnet/ },
  { name: 'runs with an unknown subcommand is refused, naming it', args: ['runs', 'frobnicate'], stderr: /frobnicate|too many arguments/ },
  { name: 'study with an unknown subcommand is refused, naming it', args: ['study', 'frobnicate'], stderr: /frobnicate/ },
  { name: 'bench with an unknown subcommand is refused, naming it', args: ['bench', 'frobnicate'], stderr: /frobnicate/ },
  { name: 'study list with an extra argument is refused', args: ['study', 'list', 'extra'], stderr: /argument/ },
  {
    name: '--version prints the version and exits 0',
    args: ['--version'],
    exit: 0,
    anyStderr: true,
    check: (r) => assert.match(r.stdout, /^\d+\.\d+\.\d+/),
  },
  ...['train', 'resume', 'runs', 'eval', 'reconstruct', 'sample', 'interpolate', 'report', 'study', 'reduce', 'classifier', 'optimize-latent', 'translate', 'explore', 'tune', 'demo', 'bench'].map(
    (command): CliCase => ({
      name: `${command} --help prints its usage with examples and exits 0`,
      args: [command, '--help'],
      exit: 0,
      anyStderr: true,
      check: (r) => {
        assert.match(r.stdout, new RegExp(`Usage: latentlab ${command}`));
        assert.match(r.stdout, /Examples:/);
      },
    }),
  ),
  { name: 'help train prints the usage of train and exits 0', args: ['help', 'train'], exit: 0, anyStderr: true, check: (r) => assert.match(r.stdout, /Usage: latentlab train/) },

  // ---- train: every flag with a missing or malformed value
  { name: 'train --model without a value is refused, naming --model', args: ['train', '--model'], stderr: /--model/ },
  { name: 'tune without --param or --space is refused, asking for one', args: ['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1'], stderr: /nothing to search.*--param/ },
  { name: 'tune --param with an inverted range is refused, naming the parameter', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1'], '--param', 'dropout=0.5..0'], stderr: /'dropout' has an empty or inverted range/ },
  { name: 'tune --param log: with a non-positive bound is refused, naming the parameter', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1'], '--param', 'lr=log:0..1e-2'], stderr: /log-scaled 'lr' needs positive bounds/ },
  { name: 'tune --param of an unknown option is refused, naming it', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1'], '--param', 'learning=0..1'], stderr: /unknown option learning/ },
  { name: 'tune --param without = is refused, showing the forms', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1'], '--param', 'lr'], stderr: /bad parameter 'lr': expected name=range/ },
  { name: 'tune --param with an empty range is refused, naming the parameter', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1'], '--param', 'dropout=0.2..0.2'], stderr: /'dropout' has an empty or inverted range/ },
  ...badValues('tune', (v) => [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1', '--param', 'lr=log:1e-4..1e-2'], '--workers', v], '--workers', ['0', '-1', 'abc', '1.5']),
  { name: 'tune --sampler bogus is refused, listing the samplers', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1', '--param', 'lr=log:1e-4..1e-2'], '--sampler', 'bogus'], stderr: /--sampler.*bogus.*gp/ },
  { name: 'tune --objective of an unknown metric is refused, listing the metrics a run records', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1', '--param', 'lr=log:1e-4..1e-2'], '--objective', 'accuracy'], stderr: /unknown objective metric 'accuracy': a run records .*test_mse/ },
  { name: 'tune --prune bogus is refused, listing the rules', args: [...['tune', '--model', 'mlp-ae', '--dataset', 'mnist', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--trials', '1', '--param', 'lr=log:1e-4..1e-2'], '--prune', 'bogus'], stderr: /--prune.*bogus.*median/ },
  { name: 'train without --model is refused, naming model', args: tinyTrain.filter((_, i, a) => a[i] !== '--model' && a[i - 1] !== '--model'), stderr: /model/ },
  { name: 'train --model bogus is refused, naming the model', args: trainWith('--model', 'bogus'), stderr: /bogus|model/ },
  { name: 'train --dataset bogus is refused, naming --dataset', args: trainWith('--dataset', 'bogus'), stderr: /--dataset|bogus/ },
  ...badValues('train', (v) => trainWith('--latent', v), '--latent', ['0', '-1', 'abc', '1.5', '1e308', 'NaN', '']),
  ...badValues('train', (v) => trainWith('--hidden', v), '--hidden', ['0,16', '16,,4', 'abc', '-5', '']),
  ...badValues('train', (v) => trainWith('--epochs', v), '--epochs', ['0', '-1', 'abc', '2.5', '1e308'], { timeout: 20_000 }),
  ...badValues('train', (v) => trainWith('--batch', v), '--batch', ['0', '-3', 'abc', '1e308']),
  ...badValues('train', (v) => trainWith('--lr', v), '--lr', ['0', '-1', 'abc', 'Infinity', '1e308']),
  ...badValues('train', (v) => trainWith('--momentum', v), '--momentum', ['-1', '1.5', 'abc']),
  ...badValues('train', (v) => trainWith('--weight-decay', v), '--weight-decay', ['-1', 'abc']),
  ...badValues('train', (v) => trainWith('--lr-decay', v), '--lr-decay', ['-1', 'abc', 'Infinity']),
  { name: 'train --lr-decay on an adversarial model is refused, naming the flag', args: ['train', '--model', 'dcgan', '--lr-decay', '1', '--epochs', '1'], stderr: /^latentlab: --lr-decay decays the one optimizer of an autoencoder, and dcgan trains two: remove it$/ },
  ...badValues('train', (v) => trainWith('--seed', v), '--seed', ['-1', '1.5', 'abc']),
  // ---- data-parallel flags (src/distributed/launch.ts): refused before any process starts
  ...badValues('train', (v) => trainWith('--nproc', v), '--nproc', ['0', '-2', 'two', '1.5']),
  ...badValues('train', (v) => [...tinyTrain, '--world', v, '--rank', '0'], '--world', ['0', 'abc']),
  { name: 'train --rank without --world is refused, asking for it', args: [...tinyTrain, '--rank', '0'], stderr: /^latentlab: .*needs the number of processes: give --world N/ },
  { name: 'train --rank 2 of --world 2 is refused, giving the ranks', args: [...tinyTrain, '--world', '2', '--rank', '2'], stderr: /^latentlab: --rank 2 is not a rank of a 2-process job: ranks go from 0 to 1$/ },
  { name: 'train --master without a port is refused, showing the form', args: [...tinyTrain, '--world', '2', '--rank', '1', '--master', 'node0'], stderr: /^latentlab: --master must be host:port/ },
  { name: 'train --nproc with --rank is refused, saying which to drop', args: [...tinyTrain, '--nproc', '2', '--rank', '1'], stderr: /--nproc starts the local workers itself.*drop --rank/ },
  { name: 'train with WORLD_SIZE but no RANK is refused, naming RANK', args: tinyTrain, env: { WORLD_SIZE: '2' }, stderr: /needs its rank: give --rank \(or RANK\)/ },
  ...badValues('train', (v) => trainWith('--train-limit', v), '--train-limit', ['0']),
  ...badValues('train', (v) => trainWith('--test-limit', v), '--test-limit', ['0', 'abc']),
  ...badValues('train', (v) => trainWith('--dropout', v), '--dropout', ['1', '-0.1', 'abc']),
  ...badValues('train', (v) => trainWith('--beta', v), '--beta', ['-1', 'abc']),
  ...badValues('train', (v) => trainWith('--decoder-std', v), '--decoder-std', ['0', 'abc']),
  { name: 'train --activation bogus is refused, naming the activation', args: trainWith('--activation', 'bogus'), stderr: /activation/ },
  { name: 'train --output-activation bogus is refused, naming it', args: trainWith('--output-activation', 'bogus'), stderr: /output-?activation|outputActivation/i },
  { name: 'train --optimizer bogus is refused, naming --optimizer', args: trainWith('--optimizer', 'bogus'), stderr: /--optimizer|bogus/ },
  { name: 'train --loss bogus is refused, naming the loss', args: trainWith('--loss', 'bogus'), stderr: /loss|reconstruction/ },
  { name: 'train --loss huber:0 (a scale that is not positive) is refused, naming huber', args: trainWith('--loss', 'huber:0'), stderr: /huber/ },
  { name: 'train --loss mse:2 (a parameter on a loss without one) is refused, naming mse', args: trainWith('--loss', 'mse:2'), stderr: /mse/ },
  { name: 'train --model svae --latent 1 is refused: a sphere needs latent ≥ 2', args: ['train', '--model', 'svae', '--dataset', 'mnist', '--latent', '1', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32'], stderr: /latent ≥ 2/ },
  { name: 'train --model svae (Bernoulli decoder) on swiss-roll is refused, naming the decoder', args: ['train', '--model', 'svae', '--dataset', 'swiss-roll', '--latent', '2', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32'], stderr: /bernoulli/ },
  { name: 'train --contraction -1 on contractive is refused, naming contraction', args: [...trainWith('--model', 'contractive'), '--contraction', '-1'], stderr: /contraction/ },
  { name: 'train --contraction on mlp-ae is refused, naming contraction', args: trainWith('--contraction', '0.1'), stderr: /contraction/ },
  { name: 'train --denoise gaussian:abc is refused, naming denoise', args: trainWith('--denoise', 'gaussian:abc'), stderr: /denoise|gaussian/ },
  { name: 'train --denoise bogus:0.3 is refused, naming denoise', args: trainWith('--denoise', 'bogus:0.3'), stderr: /denoise|bogus/ },
  { name: 'train --denoise gaussian:-1 is refused, naming denoise', args: trainWith('--denoise', 'gaussian:-1'), stderr: /denoise|gaussian/ },
  { name: 'train --denoise mask:1.5 is refused, naming denoise', args: trainWith('--denoise', 'mask:1.5'), stderr: /denoise|mask/ },
  { name: 'train --sparse l1:abc is refused, naming sparse', args: trainWith('--sparse', 'l1:abc'), stderr: /sparse|l1/ },
  { name: 'train --sparse kl:2 (a target activation above 1) is refused, naming sparse', args: trainWith('--sparse', 'kl:2'), stderr: /sparse|kl/ },
  { name: 'train --upsample bogus on conv-ae is refused, naming upsample', args: ['train', '--model', 'conv-ae', '--dataset', 'mnist', '--latent', '2', '--epochs', '1', '--train-limit', '32', '--test-limit', '16', '--upsample', 'bogus'], stderr: /upsample/ },
  { name: 'train --upsample on mlp-ae (does not apply) is refused, naming upsample', args: trainWith('--upsample', 'nearest'), stderr: /upsample/ },
  { name: 'train --beta on mlp-ae (a VAE option) is refused, naming beta', args: trainWith('--beta', '2'), stderr: /beta/ },
  { name: 'train --conditional on mlp-ae is refused, naming conditional', args: trainWith('--conditional'), stderr: /conditional/ },
  { name: 'train --decoder bogus on vae is refused, naming decoder', args: [...trainWith('--model', 'vae'), '--decoder', 'bogus'], stderr: /decoder/ },
  // the prior and posterior families (issue 16)
  { name: 'train --model gmvae --components 1 is refused: at least 2', args: [...trainWith('--model', 'gmvae'), '--components', '1'], stderr: /--components must be an integer from 2/ },
  { name: 'train --model iwae --samples 0 is refused: at least 1', args: [...trainWith('--model', 'iwae'), '--samples', '0'], stderr: /--samples must be an integer from 1/ },
  { name: 'train --model vae --flow planar:0 is refused, showing the forms', args: [...trainWith('--model', 'vae'), '--flow', 'planar:0'], stderr: /--flow expects planar:<layers> or realnvp:<layers>/ },
  { name: 'train --model conv-iwae --samples 0 is refused: at least 1', args: ['train', '--model', 'conv-iwae', '--dataset', 'mnist', '--latent', '2', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--samples', '0'], stderr: /--samples must be an integer from 1/ },
  { name: 'train --model conv-wae on swiss-roll is refused, pointing to wae', args: ['train', '--model', 'conv-wae', '--dataset', 'swiss-roll', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32'], stderr: /conv-wae expects 28×28 single-channel images.*use wae/ },
  { name: 'train --model wae --kernel gauss is refused, naming kernel', args: [...trainWith('--model', 'wae'), '--kernel', 'gauss'], stderr: /kernel/ },
  { name: 'train --model swae --prior sphere --latent 1 is refused: the sphere needs 2 dimensions', args: ['train', '--model', 'swae', '--prior', 'sphere', '--dataset', 'mnist', '--latent', '1', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32'], stderr: /sphere prior needs a latent size of at least 2/ },
  { name: 'train --model swae --projections 0 is refused, naming projections', args: [...trainWith('--model', 'swae'), '--projections', '0'], stderr: /--projections/ },
  { name: 'train --samples on wae (an iwae option) is refused, naming samples', args: [...trainWith('--model', 'wae'), '--samples', '3'], stderr: /samples does not apply to wae/ },
  { name: 'train --tied on conv-ae is refused, naming tied', args: ['train', '--model', 'conv-ae', '--dataset', 'mnist', '--latent', '2', '--epochs', '1', '--train-limit', '32', '--test-limit', '16', '--tied'], stderr: /tied/ },
  { name: 'train --unit-norm on mlp-ae (shallow-ae only) is refused, naming unit-norm', args: trainWith('--unit-norm'), stderr: /unit-norm/ },
  { name: 'train --name "" is refused, naming name', args: trainWith('--name', ''), stderr: /name/ },
  // --labels (issue 17): more labels than training samples, fewer than classes, on data without classes
  { name: 'train --labels 65 (more than the 64 training samples) is refused, naming --labels and the sample count', args: trainWith('--labels', '65'), stderr: /--labels 65 is more than the 64 training samples/ },
  { name: 'train --labels 5 (fewer than the 10 classes) is refused, naming --labels and the classes', args: trainWith('--labels', '5'), stderr: /--labels 5 is fewer than the 10 classes/ },
  ...badValues('train', (v) => trainWith('--labels', v), '--labels', ['0', '-1', 'abc', '1.5']),
  { name: 'train --labels on swiss-roll (no classes) is refused, naming the labels', args: ['train', '--model', 'mlp-ae', '--dataset', 'swiss-roll', '--latent', '2', '--hidden', '8', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--labels', '10'], stderr: /--labels 10 needs class labels/ },
  { name: 'train --head-input sample on mlp-ae is refused: no Gaussian posterior', args: [...trainWith('--labels', '20'), '--head-input', 'sample'], stderr: /head-input.*Gaussian posterior/ },
  { name: 'train --model m2 on moons (data outside [0, 1]) is refused, naming the Bernoulli decoder', args: ['train', '--model', 'm2', '--dataset', 'moons', '--latent', '2', '--hidden', '8', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--labels', '10'], stderr: /m2's Bernoulli decoder needs data in \[0, 1\]/ },
  { name: 'train --model semi-ae on swiss-roll (no classes) is refused, naming semi-ae', args: ['train', '--model', 'semi-ae', '--dataset', 'swiss-roll', '--latent', '2', '--hidden', '8', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--loss', 'mse'], stderr: /semi-ae.*class labels/ },
  // multi-task heads and the csv data set (issue 17): unknown or non-numeric target columns, options of other models
  ...((): CliCase[] => {
    const table = (c: CaseContext) => writeFile(c, 'table.csv', `x1,x2,kind,y\n${Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2 ? 'odd' : 'even'},${i * 0.5}`).join('\n')}\n`);
    const multitask = (...extra: string[]) => ['train', '--model', 'multitask-ae', '--dataset', 'csv', '--data-dir', 'table.csv', '--latent', '2', '--hidden', '8', '--epochs', '1', '--batch', '8', '--output-activation', 'identity', ...extra];
    return [
      { name: 'train --dataset csv --target of an unknown column is refused, listing the columns', setup: table, args: multitask('--target', 'price'), stderr: /no column named 'price' for the target: its columns are 'x1', 'x2', 'kind', 'y'/ },
      { name: 'train --dataset csv --target of a column of names as a regression target is refused, saying :class', setup: table, args: multitask('--target', 'kind,y'), stderr: /--target kind is a regression target and needs a finite number in every row, but .*line 2 holds 'even'.*kind:class/ },
      { name: 'train --dataset csv leaving a column of names as an input is refused, saying to make it a target', setup: table, args: multitask('--target', 'y'), stderr: /column 'kind' \(index 2\) holds 'even', which is not a number: every input column must hold numbers/ },
      { name: 'train --dataset csv without --target is refused, asking for it', setup: table, args: multitask(), stderr: /the csv data set needs --target/ },
      { name: 'train --target with a bad kind is refused, naming the kinds', setup: table, args: multitask('--target', 'y:number'), stderr: /the kind after ':' must be class or value, got 'number'/ },
      { name: 'train --target on mnist is refused: it names csv columns', args: trainWith('--target', 'y'), stderr: /--target names columns of the csv data set, and mnist has its own targets/ },
      { name: 'train --sharing on a model without task heads is refused, naming multitask-ae', args: trainWith('--sharing', 'soft'), stderr: /--sharing does not apply to mlp-ae \(only to multitask-ae\)/ },
      { name: 'train --sharing with an unknown mode is refused, listing the modes', setup: table, args: multitask('--target', 'y,kind:class', '--sharing', 'both'), stderr: /--sharing.*both.*hard, soft|hard, soft.*both/ },
      { name: 'train multitask-ae --soft-weight without --sharing soft is refused, saying so', setup: table, args: multitask('--target', 'y,kind:class', '--soft-weight', '0.1'), stderr: /--soft-weight\) is the penalty between the towers of soft sharing: add sharing soft/ },
      { name: 'train multitask-ae --sharing soft with one target is refused: a tower per task needs two', setup: table, args: multitask('--target', 'kind:class', '--sharing', 'soft'), stderr: /soft sharing ties one tower per task, and there is 1 task/ },
      ...badValues('train', (v) => [...multitask('--target', 'y,kind:class', '--sharing', 'soft'), '--soft-weight', v], '--soft-weight', ['-1', 'abc']).map((c) => ({ ...c, setup: table })),
    ];
  })(),
  {
    name: 'train --loss bce on data outside [0, 1] (swiss-roll) is refused, naming bce (issue example)',
    args: ['train', '--model', 'mlp-ae', '--dataset', 'swiss-roll', '--latent', '2', '--hidden', '8', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--loss', 'bce'],
    stderr: /bce|\[0, 1\]/,
  },
  { name: 'train --data-dir on a missing folder is refused, naming the folder', args: trainWith('--data-dir', '/nonexistent-latentlab-data'), stderr: /nonexistent-latentlab-data/ },
  {
    name: 'train --data-dir holding corrupt IDX files is refused, naming a file',
    setup: (c) => {
      const dir = join(c.dir, 'idx');
      mkdirSync(dir);
      for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(dir, name), 'not an idx file');
    },
    args: (c) => trainWith('--data-dir', join(c.dir, 'idx')),
    stderr: /idx/,
  },
  {
    name: 'train --data-dir holding gzip files that are not gzip is refused, naming a file',
    setup: (c) => {
      const dir = join(c.dir, 'idx');
      mkdirSync(dir);
      for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(dir, `${name}.gz`), 'not gzip');
    },
    args: (c) => trainWith('--data-dir', join(c.dir, 'idx')),
    stderr: /idx|gz/,
  },
  {
    name: 'train --data-dir holding a truncated MNIST file is refused, naming the file and how to get it again',
    setup: (c) => mnistFolder(join(c.dir, 'mnist'), { 'train-images-idx3-ubyte': truncated(4096) }),
    args: (c) => trainWith('--data-dir', join(c.dir, 'mnist')),
    stderr: /train-images-idx3-ubyte has 4096 bytes where the original has 47040016 \(truncated.*downloadDataset\('mnist'/,
  },
  {
    name: 'train --data-dir holding an MNIST file with a wrong sha256 is refused, naming the file and the checksums',
    setup: (c) => mnistFolder(join(c.dir, 'mnist'), { 't10k-labels-idx1-ubyte': flipped(8) }),
    args: (c) => trainWith('--data-dir', join(c.dir, 'mnist')),
    stderr: /t10k-labels-idx1-ubyte has sha256 [0-9a-f]{64} where the original has ff7bcfd4.*downloadDataset\('mnist'/,
  },
  { name: 'train --dataset mnist-10k with --data-dir is refused, naming the data folder', args: [...trainWith('--dataset', 'mnist-10k'), '--data-dir', '/tmp'], stderr: /mnist-10k.*data folder/ },
  {
    name: 'train on fashion-mnist with LATENTLAB_FASHION_MNIST on a missing folder is refused, naming the folder',
    args: ['train', '--model', 'mlp-ae', '--dataset', 'fashion-mnist', '--latent', '2', '--epochs', '1', '--train-limit', '32', '--test-limit', '16'],
    env: { LATENTLAB_FASHION_MNIST: '/nonexistent-fashion' },
    stderr: /nonexistent-fashion|Fashion-MNIST/i,
    timeout: 20_000,
  },
  {
    name: 'train --batch 7 with a last batch of one under batch norm: trains with finite losses or names --batch (issue example)',
    args: [...trainWith('--batch', '7'), '--batch-norm', '--json'],
    exit: 'any',
    anyStderr: true,
    store: 'created',
    check: (r) => {
      if (r.code === 0) {
        const out = JSON.parse(r.stdout) as { metrics: Record<string, number> };
        for (const [key, value] of Object.entries(out.metrics)) assert.ok(Number.isFinite(value), `${key} is ${value}`);
      } else {
        const last = r.stderr.trim().split('\n').at(-1)!;
        assert.match(last, /batch/, 'the error must name the batch size, not the learning rate');
        assert.doesNotMatch(last, /learning rate/);
      }
    },
  },

  // ---- train --config files
  { name: 'train --config on a missing file is refused, naming the file', args: [...tinyTrain, '--config', 'missing.json'], stderr: /missing\.json/ },
  { name: 'train --config on a folder is refused, naming it', setup: (c) => mkdirSync(join(c.dir, 'conf.json')), args: [...tinyTrain, '--config', 'conf.json'], stderr: /conf\.json/ },
  { name: 'train --config with invalid JSON is refused, naming the file', setup: (c) => writeFile(c, 'bad.json', '{"latent": 2,'), args: [...tinyTrain, '--config', 'bad.json'], stderr: /bad\.json/ },
  { name: 'train --config with an empty file is refused, naming the file', setup: (c) => writeFile(c, 'empty.json', ''), args: [...tinyTrain, '--config', 'empty.json'], stderr: /empty\.json/ },
  { name: 'train --config holding an array is refused, naming the file', setup: (c) => writeFile(c, 'array.json', '[1, 2]'), args: [...tinyTrain, '--config', 'array.json'], stderr: /array\.json/ },
  { name: 'train --config with an unknown key is refused, naming the key', setup: (c) => writeFile(c, 'typo.json', '{"latnt": 2}'), args: [...tinyTrain, '--config', 'typo.json'], stderr: /latnt/ },
  { name: 'train --config with a __proto__ key is refused, naming it (issue example)', setup: (c) => writeFile(c, 'proto.json', '{"__proto__": {"latent": 64}}'), args: [...tinyTrain, '--config', 'proto.json'], stderr: /__proto__/ },
  { name: 'train --config with latent as text is refused, naming latent', setup: (c) => writeFile(c, 'text.json', '{"model": "mlp-ae", "latent": "abc"}'), args: ['train', '--config', 'text.json', '--epochs', '1', '--train-limit', '32', '--dataset', 'mnist'], stderr: /latent/ },
  { name: 'train --config with a bogus model is refused, naming model', setup: (c) => writeFile(c, 'model.json', '{"model": "bogus", "latent": 2}'), args: ['train', '--config', 'model.json', '--dataset', 'mnist'], stderr: /model/ },
  { name: 'train --config with epochs 1e308 is refused, naming epochs', setup: (c) => writeFile(c, 'epochs.json', '{"epochs": 1e308}'), args: [...tinyTrain.filter((a, i, all) => a !== '--epochs' && all[i - 1] !== '--epochs'), '--config', 'epochs.json'], stderr: /epochs/, timeout: 20_000 },
  { name: 'train --config with hidden as a string is refused, naming hidden', setup: (c) => writeFile(c, 'hidden.json', '{"hidden": "16"}'), args: [...tinyTrain.filter((a, i, all) => a !== '--hidden' && all[i - 1] !== '--hidden'), '--config', 'hidden.json'], stderr: /hidden/ },
  { name: 'train --config with momentum on adam keeps one rule: momentum 2 is refused, naming momentum', setup: (c) => writeFile(c, 'momentum.json', '{"optimizer": "sgd", "momentum": 2}'), args: [...tinyTrain, '--config', 'momentum.json'], stderr: /momentum/ },

  // ---- output paths that cannot be written
  { name: 'train --store under /proc is refused, naming the path, without hanging (issue example)', args: [...tinyTrain, '--store', '/proc/latentlab-store'], stderr: /\/proc\/latentlab-store/, timeout: 15_000 },
  { name: 'train --store on a file in the way of the folder is refused, naming it', setup: (c) => writeFile(c, 'afile', 'x'), args: (c) => [...tinyTrain, '--store', join(c.dir, 'afile')], stderr: /afile/ },
  { name: 'train --store under a file (ENOTDIR) is refused, naming it', setup: (c) => writeFile(c, 'afile', 'x'), args: (c) => [...tinyTrain, '--store', join(c.dir, 'afile', 'store')], stderr: /afile/ },
  {
    // A report folder that cannot be made is refused before training, not after an hour of it
    // (that the outcome is printed before a report that fails at the end is in test/cli/train.test.ts).
    name: 'train --report under /proc is refused before training, naming the folder, nothing recorded (issue example)',
    args: [...tinyTrain, '--report', '/proc/latentlab-report'],
    stderr: /\/proc\/latentlab-report/,
    timeout: 20_000,
  },
  { name: 'report --out under /proc is refused, naming it, without hanging (issue example)', args: (c) => ['report', c.runs.alpha!, '--out', '/proc/latentlab-report'], stderr: /\/proc\/latentlab-report/, timeout: 15_000 },
  { name: 'report --out on a file in the way is refused, naming it', setup: (c) => writeFile(c, 'taken', 'x'), args: (c) => ['report', c.runs.alpha!, '--out', 'taken'], stderr: /taken/ },
  { name: 'reconstruct --out under /proc is refused, naming it', args: (c) => ['reconstruct', c.runs.alpha!, '--out', '/proc/latentlab.png'], stderr: /\/proc\/latentlab\.png/, timeout: 15_000 },
  { name: 'reconstruct --out naming a folder is refused, naming it', setup: (c) => mkdirSync(join(c.dir, 'pic.png')), args: (c) => ['reconstruct', c.runs.alpha!, '--out', 'pic.png'], stderr: /pic\.png/ },
  { name: 'reconstruct --out under a file (ENOTDIR) is refused, naming it', setup: (c) => writeFile(c, 'afile', 'x'), args: (c) => ['reconstruct', c.runs.alpha!, '--out', 'afile/pic.png'], stderr: /afile/ },
  { name: 'reduce --out under /proc is refused, naming it', args: ['reduce', '--method', 'pca', '--n', '100', '--out', '/proc/latentlab-map.png'], stderr: /\/proc\/latentlab-map\.png/, timeout: 15_000 },
  { name: 'reduce --save under /proc is refused, naming it', args: ['reduce', '--method', 'pca', '--n', '100', '--save', '/proc/latentlab.npy'], stderr: /\/proc\/latentlab\.npy/, timeout: 15_000 },
  { name: 'runs --store under /proc is refused, naming it, without hanging', args: ['runs', '--store', '/proc/latentlab-store'], stderr: /\/proc\/latentlab-store/, timeout: 15_000 },
  { name: 'study run --out under /proc is refused before any run, naming it', args: ['study', 'run', 'activation-table', '--smoke', '--out', '/proc/latentlab-study'], stderr: /\/proc\/latentlab-study/, timeout: 15_000 },
  { name: 'study run --store under /proc is refused, naming it, without hanging', args: ['study', 'run', 'activation-table', '--smoke', '--store', '/proc/latentlab-store'], stderr: /\/proc\/latentlab-store/, timeout: 15_000 },

  // ---- resume
  { name: 'resume without a run id is refused, naming the argument', args: ['resume'], stderr: /run/ },
  { name: 'resume of an unknown run is refused, naming the id', args: ['resume', 'zzzz'], stderr: /zzzz/ },
  { name: 'resume of an ambiguous prefix is refused, naming the prefix', args: ['resume', '2'], stderr: /'2'.*matches 2 runs|ambiguous/ },
  { name: 'resume of a finished run is refused, saying it has finished', args: (c) => ['resume', c.runs.alpha!], stderr: /finished/ },
  { name: 'resume "" is refused, naming the run id', args: ['resume', ''], stderr: /run id/ },
  { name: 'resume --force of a finished run says it has finished (--force exists, issue acceptance)', args: (c) => ['resume', c.runs.alpha!, '--force'], stderr: /finished/ },
  { name: 'resume in a store that does not exist is refused without creating it', args: (c) => ['resume', 'zzzz', '--store', join(c.dir, 'nostore')], stderr: /zzzz|nostore/, check: (_r, c) => assert.ok(!existsSync(join(c.dir, 'nostore')), 'resume created a store') },

  // ---- runs
  { name: 'runs list --status bogus is refused, naming the status', args: ['runs', 'list', '--status', 'bogus'], stderr: /status|bogus/ },
  { name: 'runs list --model bogus is refused, naming the model (issue example)', args: ['runs', 'list', '--model', 'bogus'], stderr: /bogus/ },
  ...badValues('runs list', (v) => ['runs', 'list', '--limit', v], '--limit', ['0', '-1', 'abc', '1.5']),
  { name: 'runs show without a run id is refused, naming the argument', args: ['runs', 'show'], stderr: /run/ },
  { name: 'runs show of an unknown run is refused, naming it', args: ['runs', 'show', 'zzzz'], stderr: /zzzz/ },
  { name: 'runs show of an ambiguous prefix is refused, naming it', args: ['runs', 'show', '2'], stderr: /'2'.*matches 2 runs|ambiguous/ },
  { name: 'runs compare with one run is refused, asking for two', args: (c) => ['runs', 'compare', c.runs.alpha!], stderr: /two|at least 2|more than one/ },
  { name: 'runs compare with an unknown run is refused, naming it', args: (c) => ['runs', 'compare', c.runs.alpha!, 'zzzz'], stderr: /zzzz/ },
  { name: 'runs rm of an unknown run is refused and removes nothing', args: ['runs', 'rm', 'zzzz'], stderr: /zzzz/ },
  { name: 'runs rm of a known and an unknown run removes neither', args: (c) => ['runs', 'rm', c.runs.alpha!, 'zzzz'], stderr: /zzzz/ },
  { name: 'runs rm of an ambiguous prefix removes nothing', args: ['runs', 'rm', '2'], stderr: /'2'.*matches 2 runs|ambiguous/ },
  {
    name: 'runs --json lists both prepared runs and exits 0',
    args: ['runs', '--json'],
    exit: 0,
    anyStderr: true,
    check: (r, c) => assert.deepEqual((JSON.parse(r.stdout) as { id: string }[]).map((run) => run.id).sort(), [c.runs.alpha, c.runs.beta].sort()),
  },
  { name: 'runs show of a unique prefix shows the run and exits 0', args: (c) => ['runs', 'show', c.runs.beta!.slice(0, -2)], exit: 0, anyStderr: true, check: (r, c) => assert.match(r.stdout, new RegExp(`run ${c.runs.beta}`)) },

  // ---- eval
  { name: 'eval without a run id is refused, naming the argument', args: ['eval'], stderr: /run/ },
  { name: 'eval of an unknown run is refused, naming it', args: ['eval', 'zzzz'], stderr: /zzzz/ },
  { name: 'eval of an ambiguous prefix is refused, naming it', args: ['eval', '2'], stderr: /'2'.*matches 2 runs|ambiguous/ },
  ...badValues('eval', (v) => ['eval', 'zzzz', '--batch', v], '--batch', ['0', 'abc']),
  ...badValues('eval', (v) => ['eval', 'zzzz', '--iwae-samples', v], '--iwae-samples', ['-1', 'abc', '1.5']),
  { name: 'eval --iwae-samples 1e308 on a VAE is refused, naming --iwae-samples, without hanging', args: (c) => ['eval', c.runs.beta!, '--iwae-samples', '1e308'], stderr: /iwae/, timeout: 20_000 },
  { name: 'eval of a finished run prints its metrics and exits 0', args: (c) => ['eval', c.runs.alpha!, '--json'], exit: 0, anyStderr: true, check: (r) => assert.ok(Number.isFinite((JSON.parse(r.stdout) as { metrics: { test_mse: number } }).metrics.test_mse)) },

  ...badValues('eval', (v) => ['eval', 'zzzz', '--samples', v], '--samples', ['0', '5', 'abc']),
  { name: 'eval of a VAE whose data set has no reference classifier yet is refused, naming the command that trains one', args: (c) => ['eval', c.runs.beta!], stderr: /no reference classifier of mnist.*latentlab classifier train --dataset mnist/ },
  { name: 'eval --classifier of an unknown run is refused, naming it', args: (c) => ['eval', c.runs.beta!, '--classifier', 'zzzz'], stderr: /zzzz/ },
  { name: 'eval --classifier of a run that is no classifier is refused, naming the run', args: (c) => ['eval', c.runs.beta!, '--classifier', c.runs.alpha!], stderr: /mlp-ae run, not a reference classifier/ },
  { name: 'eval --classifier without a value is refused, naming --classifier', args: (c) => ['eval', c.runs.beta!, '--classifier'], stderr: /--classifier/ },
  {
    name: 'eval --no-sample-metrics of a VAE prints its test metrics, the sample metrics marked skipped, and exits 0',
    args: (c) => ['eval', c.runs.beta!, '--no-sample-metrics', '--iwae-samples', '0', '--json'],
    exit: 0,
    anyStderr: true,
    check: (r) => assert.deepEqual((JSON.parse(r.stdout) as { sample_metrics: unknown }).sample_metrics, { skipped: 'skipped (--no-sample-metrics)' }),
  },

  // ---- classifier
  { name: 'classifier train without --dataset is refused, naming --dataset', args: ['classifier', 'train'], stderr: /--dataset/ },
  { name: 'classifier train --dataset bogus is refused, naming the data set', args: ['classifier', 'train', '--dataset', 'bogus'], stderr: /'bogus' is not a known data set/ },
  { name: 'classifier train on a data set without labels is refused, saying so', args: ['classifier', 'train', '--dataset', 'swiss-roll'], stderr: /swiss-roll has no class labels/ },
  { name: 'classifier train on a data set that is not 28×28 is refused, saying so', args: ['classifier', 'train', '--dataset', 'cifar10'], stderr: /28×28.*cifar10 holds 32×32/ },
  ...badValues('classifier train', (v) => ['classifier', 'train', '--dataset', 'mnist', '--seed', v], '--seed', ['-1', 'abc']),
  ...badValues('classifier train', (v) => ['classifier', 'train', '--dataset', 'mnist', '--epochs', v], '--epochs', ['0', '1e308']),
  ...badValues('classifier train', (v) => ['classifier', 'train', '--dataset', 'mnist', '--train-limit', v], '--train-limit', ['0']),
  { name: 'classifier with an unknown subcommand is refused, naming it', args: ['classifier', 'frobnicate'], stderr: /frobnicate|too many arguments/ },
  { name: 'classifier list of a store without classifiers says how to train one and exits 0', args: ['classifier', 'list'], exit: 0, anyStderr: true, check: (r) => assert.match(r.stdout, /no reference classifiers in .*latentlab classifier train --dataset mnist/) },

  // ---- reconstruct, sample, interpolate
  { name: 'reconstruct without --out is refused, naming --out', args: (c) => ['reconstruct', c.runs.alpha!], stderr: /--out/ },
  { name: 'reconstruct --out x.txt is refused, naming .png', args: (c) => ['reconstruct', c.runs.alpha!, '--out', 'x.txt'], stderr: /\.png/ },
  { name: 'reconstruct of an unknown run is refused, naming it', args: ['reconstruct', 'zzzz', '--out', 'x.png'], stderr: /zzzz/ },
  ...badValues('reconstruct', (v) => ['reconstruct', 'zzzz', '--out', 'x.png', '--n', v], '--n', ['0', 'abc']),
  { name: 'reconstruct --n 100000 on a 32-image test set is refused, naming --n, quickly (issue example)', args: (c) => ['reconstruct', c.runs.alpha!, '--out', 'x.png', '--n', '100000'], stderr: /--n|\b32\b/, timeout: 20_000 },
  { name: 'reconstruct writes a PNG and exits 0', args: (c) => ['reconstruct', c.runs.alpha!, '--out', 'x.png', '--n', '4'], exit: 0, anyStderr: true, check: (_r, c) => assert.ok(statSync(join(c.dir, 'x.png')).size > 0) },
  { name: 'sample of a plain autoencoder (no prior) is refused, saying it needs a VAE', args: (c) => ['sample', c.runs.alpha!, '--out', 's.png'], stderr: /VAE|variational|prior/i },
  ...badValues('sample', (v) => ['sample', 'zzzz', '--out', 's.png', '--columns', v], '--columns', ['0', 'abc']),
  ...badValues('sample', (v) => ['sample', 'zzzz', '--out', 's.png', '--n', v], '--n', ['0', '-2']),
  { name: 'sample of a VAE writes a PNG and exits 0', args: (c) => ['sample', c.runs.beta!, '--out', 's.png', '--n', '4'], exit: 0, anyStderr: true, check: (_r, c) => assert.ok(statSync(join(c.dir, 's.png')).size > 0) },
  // ---- RBMs (issue 17)
  { name: 'train --model rbm --cd 0 is refused in one line, naming --cd and its range', args: ['train', '--model', 'rbm', '--dataset', 'mnist', '--cd', '0'], stderr: /--cd must be an integer from 1/ },
  { name: 'train --cd on a model that is not an RBM is refused, naming rbm', args: trainWith('--cd', '2'), stderr: /--cd does not apply to mlp-ae \(only to rbm\)/ },
  { name: 'train --chains without --persistent is refused, saying to add persistent', args: ['train', '--model', 'rbm', '--dataset', 'mnist', '--chains', '10'], stderr: /chains applies to persistent CD only/ },
  {
    name: 'train --model rbm --visible gaussian on unstandardised MNIST warns in one line what to do, and trains',
    args: ['train', '--model', 'rbm', '--visible', 'gaussian', '--dataset', 'mnist', '--latent', '4', '--epochs', '1', '--train-limit', '32', '--test-limit', '16', '--batch', '32'],
    exit: 0,
    anyStderr: true,
    store: 'created',
    check: (r) => assert.match(r.stderr, /^warning: Gaussian visible units assume each input has mean 0 and variance 1, .*: standardise the data first .* or use --visible bernoulli/m),
  },
  { name: 'sample --gibbs-steps of a VAE is refused, saying it applies to RBM runs', args: (c) => ['sample', c.runs.beta!, '--out', 's.png', '--gibbs-steps', '5'], stderr: /--gibbs-steps applies to RBM runs/ },
  ...badValues('sample', (v) => ['sample', 'zzzz', '--out', 's.png', '--gibbs-steps', v], '--gibbs-steps', ['-1', 'abc']),
  // ---- adversarial models (issue 14)
  { name: 'train --lr-g on a model that is not adversarial is refused, naming --lr-g', args: trainWith('--lr-g', '1e-3'), stderr: /--lr-g applies to adversarial models only/ },
  { name: 'train --conditional gan on a data set without labels is refused, naming conditional', args: ['train', '--model', 'gan', '--dataset', 'swiss-roll', '--conditional', '--epochs', '1'], stderr: /conditional.*labels|labels.*conditional/ },
  // ---- the adversarial autoencoder
  { name: 'train aae --prior mixture --conditional on a data set without labels is refused, naming conditional', args: ['train', '--model', 'aae', '--prior', 'mixture', '--dataset', 'swiss-roll', '--conditional', '--epochs', '1'], stderr: /conditional.*labels|labels.*conditional/ },
  { name: 'train aae --prior mixture --latent 1 is refused, naming the code size', args: ['train', '--model', 'aae', '--prior', 'mixture', '--latent', '1', '--epochs', '1'], stderr: /latent must be at least 2/ },
  { name: 'train aae --prior uniform is refused, naming the choices', args: ['train', '--model', 'aae', '--prior', 'uniform', '--epochs', '1'], stderr: /--prior.*gaussian, ball, sphere, mixture/ },
  { name: 'train aae --prior ball (a prior of swae) is refused, naming the priors of aae', args: ['train', '--model', 'aae', '--prior', 'ball', '--epochs', '1'], stderr: /prior 'ball' does not apply to aae: choose one of gaussian, mixture/ },
  { name: 'train vae --prior mixture is refused, naming --prior and aae', args: ['train', '--model', 'vae', '--prior', 'mixture', '--epochs', '1'], stderr: /--prior does not apply to vae \(only to swae, conv-swae, aae\)/ },
  { name: 'train aae on points outside [0, 1] is refused, naming its sigmoid output', args: ['train', '--model', 'aae', '--loss', 'mse', '--dataset', 'swiss-roll', '--epochs', '1'], stderr: /aae generates images in \[0, 1\] \(a sigmoid output\)/ },
  { name: 'train aae --gan-loss hinge is refused, naming --gan-loss', args: ['train', '--model', 'aae', '--gan-loss', 'hinge', '--epochs', '1'], stderr: /--gan-loss does not apply to aae/ },
  (() => {
    let runId = '';
    return {
      name: 'sample --classes 11 of a 10-class conditional GAN is refused, naming the class and the range',
      setup: (c: CaseContext) => {
        const result = spawnSync(process.execPath, [bin, 'train', '--model', 'gan', '--conditional', '--dataset', 'mnist', '--latent', '4', '--epochs', '1', '--train-limit', '32', '--test-limit', '16', '--batch', '32', '--json'], {
          env: { ...process.env, LATENTLAB_STORE: c.store, LATENTLAB_THREADS: '1,1' },
          encoding: 'utf8',
        });
        assert.equal(result.status, 0, result.stderr);
        runId = (JSON.parse(result.stdout) as { run_id: string }).run_id;
      },
      args: () => ['sample', runId, '--out', 's.png', '--classes', '11'],
      stderr: /class 11 does not exist: the model has 10 classes, 0 to 9/,
    } satisfies CliCase;
  })(),
  {
    name: 'a GAN whose loss becomes NaN stops with one line naming the player; the run is recorded failed with its last good checkpoint kept',
    args: ['train', '--model', 'gan', '--dataset', 'mnist', '--latent', '4', '--train-limit', '32', '--test-limit', '16', '--batch', '32', '--epochs', '6', '--optimizer', 'sgd', '--lr', '10', '--momentum', '0.9', '--gan-loss', 'hinge'],
    anyStderr: true, // the epochs before it are logged; the error is the last line
    store: 'created',
    timeout: 60_000,
    check: (r, c) => {
      assert.match(r.stderr.trim().split('\n').at(-1)!, /^latentlab: loss of [dg] became (NaN|-?Infinity) at epoch [2-6] .*last\.safetensors\) was written before it/);
      const result = spawnSync(process.execPath, [bin, 'runs', '--json'], { env: { ...process.env, LATENTLAB_STORE: c.store }, encoding: 'utf8' });
      const runs = JSON.parse(result.stdout) as { id: string; status: string }[];
      const failed = runs.find((run) => !Object.values(c.runs).includes(run.id))!;
      assert.equal(failed.status, 'failed');
      assert.ok(existsSync(join(c.store, 'artifacts', failed.id, 'checkpoints', 'last.safetensors')), 'the last good checkpoint is gone');
    },
  },
  { name: 'interpolate --method bogus is refused, naming --method', args: (c) => ['interpolate', c.runs.alpha!, '--out', 'i.png', '--method', 'bogus'], stderr: /--method|bogus/ },
  { name: 'interpolate with --between and --classes is refused, naming both', args: (c) => ['interpolate', c.runs.alpha!, '--out', 'i.png', '--between', '0,1', '--classes', '3,8'], stderr: /--between.*--classes/ },
  ...badValues('interpolate', (v) => ['interpolate', 'zzzz', '--out', 'i.png', '--between', v], '--between', ['a,b', '1', '1,2,3', '-1,2']),
  { name: 'interpolate --between 0,99999 beyond the test set is refused, naming the index', args: (c) => ['interpolate', c.runs.alpha!, '--out', 'i.png', '--between', '0,99999'], stderr: /99999|--between/ },
  { name: 'interpolate --classes 3,42 (no class 42) is refused, naming the class', args: (c) => ['interpolate', c.runs.alpha!, '--out', 'i.png', '--classes', '3,42'], stderr: /42/ },
  ...badValues('interpolate', (v) => ['interpolate', 'zzzz', '--out', 'i.png', '--steps', v], '--steps', ['0', 'abc']),
  { name: 'interpolate --steps 1 (both ends need 2) is refused, naming --steps', args: (c) => ['interpolate', c.runs.alpha!, '--out', 'i.png', '--steps', '1'], stderr: /steps/ },

  // ---- report
  { name: 'report without --out is refused, naming --out', args: (c) => ['report', c.runs.alpha!], stderr: /--out/ },
  { name: 'report without a run is refused, naming the argument', args: ['report', '--out', 'r'], stderr: /run/ },
  { name: 'report of an unknown run is refused, naming it', args: ['report', 'zzzz', '--out', 'r'], stderr: /zzzz/ },
  ...badValues('report', (v) => ['report', 'zzzz', '--out', 'r', '--map-samples', v], '--map-samples', ['0', 'abc']),

  // ---- study
  { name: 'study run of an unknown study is refused, naming it', args: ['study', 'run', 'bogus'], stderr: /bogus/ },
  { name: 'study run without a name is refused, naming the argument', args: ['study', 'run'], stderr: /name/ },
  ...badValues('study run', (v) => ['study', 'run', 'latent-sweep', '--smoke', '--workers', v], '--workers', ['0', '-1', 'abc', '1.5', '']),
  { name: 'study report of an unknown study is refused, naming it', args: ['study', 'report', 'bogus', '--out', 'r'], stderr: /bogus/ },
  { name: 'study report without --out is refused, naming --out', args: ['study', 'report', 'latent-sweep'], stderr: /--out/ },
  { name: 'study run few-labels --out under /proc is refused before any run, naming it', args: ['study', 'run', 'few-labels', '--smoke', '--out', '/proc/latentlab-few-labels'], stderr: /\/proc\/latentlab-few-labels/, timeout: 15_000 },

  // ---- reduce
  { name: 'reduce without --method is refused, naming --method', args: ['reduce'], stderr: /--method/ },
  { name: 'reduce --method bogus is refused, naming --method', args: ['reduce', '--method', 'bogus'], stderr: /--method|bogus/ },
  { name: 'reduce --method ae: without a run id is refused', args: ['reduce', '--method', 'ae:'], stderr: /--method|ae:/ },
  { name: 'reduce --method ae:zzzz (unknown run) is refused, naming it', args: ['reduce', '--method', 'ae:zzzz', '--n', '50'], stderr: /zzzz/ },
  { name: 'reduce --dataset bogus is refused, naming the data set', args: ['reduce', '--method', 'pca', '--dataset', 'bogus'], stderr: /bogus/ },
  { name: 'reduce --split bogus is refused, naming --split', args: ['reduce', '--method', 'pca', '--split', 'bogus'], stderr: /--split|bogus/ },
  ...badValues('reduce', (v) => ['reduce', '--method', 'pca', '--n', v], '--n', ['0', 'abc', '-5']),
  {
    // "the first n samples" with n beyond the split may fairly mean all of them; what it must not do is hang or fail obscurely
    name: 'reduce --n 1e308 embeds the whole test split (2000 digits) or is refused naming --n',
    args: ['reduce', '--method', 'pca', '--split', 'test', '--n', '1e308', '--json'],
    exit: 'any',
    anyStderr: true,
    timeout: 20_000,
    check: (r) => {
      if (r.code === 0) assert.equal((JSON.parse(r.stdout) as { n: number }).n, 2000);
      else assert.match(r.stderr.trim().split('\n').at(-1)!, /--n/);
    },
  },
  ...badValues('reduce', (v) => ['reduce', '--method', 'pca', '--n', '100', '--components', v], '--components', ['0', 'abc']),
  { name: 'reduce --components 1000 above the 784 features is refused, naming components', args: ['reduce', '--method', 'pca', '--n', '100', '--components', '1000'], stderr: /components|nComponents/ },
  ...badValues('reduce', (v) => ['reduce', '--method', 'pca', '--n', '100', '--neighbors', v], '--neighbors', ['0', 'abc']),
  { name: 'reduce --neighbors 500 on 100 samples is refused, naming neighbors', args: ['reduce', '--method', 'pca', '--n', '100', '--neighbors', '500'], stderr: /neighbors/ },
  ...badValues('reduce', (v) => ['reduce', '--method', 'pca', '--n', '100', '--seed', v], '--seed', ['-1', 'abc']),
  { name: 'reduce --param without = is refused, naming --param', args: ['reduce', '--method', 'pca', '--param', 'whiten'], stderr: /--param/ },
  { name: 'reduce --param with an unknown option is refused, naming it', args: ['reduce', '--method', 'pca', '--n', '100', '--param', 'bogus=1'], stderr: /bogus/ },
  { name: 'reduce --param whiten=maybe is refused, naming whiten (issue example)', args: ['reduce', '--method', 'pca', '--n', '100', '--param', 'whiten=maybe'], stderr: /whiten/ },
  { name: 'reduce --param perplexity=-5 on tsne is refused, naming perplexity', args: ['reduce', '--method', 'tsne', '--n', '100', '--param', 'perplexity=-5'], stderr: /perplexity/ },
  { name: 'reduce --param nNeighbors=abc on umap is refused, naming nNeighbors', args: ['reduce', '--method', 'umap', '--n', '100', '--param', 'nNeighbors=abc'], stderr: /nNeighbors/ },
  { name: 'reduce --param kernel=bogus on kpca is refused, naming kernel', args: ['reduce', '--method', 'kpca', '--n', '100', '--param', 'kernel=bogus'], stderr: /kernel|bogus/ },
  { name: 'reduce --out map.txt is refused, naming .png and .svg', args: ['reduce', '--method', 'pca', '--n', '100', '--out', 'map.txt'], stderr: /\.png|\.svg/ },
  { name: 'reduce --save x.csv is refused, naming .npy', args: ['reduce', '--method', 'pca', '--n', '100', '--save', 'x.csv'], stderr: /\.npy/ },
  { name: 'reduce --components 1 with a map is refused, saying a map needs 2', args: ['reduce', '--method', 'pca', '--n', '100', '--components', '1', '--out', 'map.png'], stderr: /2 components|components/ },
  { name: 'reduce --data-dir on a missing folder is refused, naming it', args: ['reduce', '--method', 'pca', '--n', '100', '--data-dir', '/nonexistent-latentlab-data'], stderr: /nonexistent-latentlab-data/ },
  { name: 'reduce pca on mnist prints its metrics and exits 0', args: ['reduce', '--method', 'pca', '--n', '100', '--json'], exit: 0, anyStderr: true, check: (r) => assert.ok((JSON.parse(r.stdout) as { metrics: { trustworthiness: number } }).metrics.trustworthiness > 0) },
  ...(['swiss-roll', 'blobs', 'moons', 'circles', 's-curve'] as const).map(
    (dataset): CliCase => ({
      name: `reduce pca on ${dataset} works and exits 0 (issue: fails on every synthetic set)`,
      args: ['reduce', '--method', 'pca', '--dataset', dataset, '--n', '100', '--json'],
      exit: 0,
      anyStderr: true,
      check: (r) => assert.ok(Number.isFinite((JSON.parse(r.stdout) as { metrics: { trustworthiness: number } }).metrics.trustworthiness)),
    }),
  ),
  { name: 'reduce --save writes the embedding and exits 0', args: ['reduce', '--method', 'pca', '--n', '100', '--save', 'e.npy'], exit: 0, anyStderr: true, check: (_r, c) => assert.equal(readFileSync(join(c.dir, 'e.npy')).subarray(1, 6).toString(), 'NUMPY') },

  // ---- demo and bench: bad values are refused before any training or measuring
  ...badValues('demo', (v) => ['demo', '--epochs', v], '--epochs', ['0', 'abc']),
  ...badValues('demo', (v) => ['demo', '--samples', v], '--samples', ['0', 'abc']),
  ...badValues('demo', (v) => ['demo', '--seed', v], '--seed', ['-1']),
  { name: 'demo --data-dir on a missing folder is refused, naming it', args: ['demo', '--data-dir', '/nonexistent-latentlab-data', '--epochs', '1', '--samples', '100'], stderr: /nonexistent-latentlab-data/, timeout: 20_000 },
  ...badValues('bench', (v) => ['bench', '--seconds', v], '--seconds', ['0', 'abc', '-1']),
  ...badValues('bench', (v) => ['bench', '--rounds', v], '--rounds', ['0', 'abc']),
  { name: 'bench --only bogus is refused, naming the workload', args: ['bench', '--only', 'bogus'], stderr: /bogus/, timeout: 20_000 },
  ...badValues('bench quality', (v) => ['bench', 'quality', '--epochs', v], '--epochs', ['0']),
  { name: 'bench reduce --only bogus is refused, naming the task', args: ['bench', 'reduce', '--only', 'bogus'], stderr: /bogus/, timeout: 20_000 },

  // ---- explore (each case fails before the server listens: none may hang)
  ...badValues('explore', (v) => ['explore', '--port', v], '--port', ['70000', '65536', '-1', 'abc', '1.5', '']),
  ...badValues('explore', (v) => ['explore', '--port', '0', '--loaded', v], '--loaded', ['0', '65', 'abc']),
  { name: 'explore with an unknown run id is refused, naming it', args: ['explore', '--port', '0', 'zzzz-no-such-run'], stderr: /zzzz-no-such-run/ },
  { name: 'explore with a run id prefix shared by two runs is refused as ambiguous', args: ['explore', '--port', '0', '2'], stderr: /matches 2 runs/ },
  { name: 'explore --host on an address not of this machine is refused, naming it', args: ['explore', '--port', '0', '--host', '203.0.113.7'], stderr: /203\.0\.113\.7/ },
  { name: 'explore on a missing store is refused, naming it', args: (c) => ['explore', '--port', '0', '--store', join(c.dir, 'nowhere')], stderr: /nowhere/ },

  // ---- environment variables
  ...['abc', '0', '-1', '1,2,3', '1e308', '1,'].map((value): CliCase => ({ name: `LATENTLAB_THREADS=${JSON.stringify(value)} is refused, naming the variable (issue example)`, args: ['runs'], env: { LATENTLAB_THREADS: value }, stderr: /LATENTLAB_THREADS/ })),
  ...['abc', '-5', '1e308'].map((value): CliCase => ({ name: `LATENTLAB_CPU_CACHE_MB=${JSON.stringify(value)} is refused, naming the variable`, args: ['runs'], env: { LATENTLAB_CPU_CACHE_MB: value }, stderr: /LATENTLAB_CPU_CACHE_MB/ })),
  { name: 'LATENTLAB_STORE under /proc is refused, naming the path, without hanging', args: ['runs'], env: { LATENTLAB_STORE: '/proc/latentlab-store' }, stderr: /\/proc\/latentlab-store/, timeout: 15_000 },
  { name: 'LATENTLAB_STORE on a file is refused, naming it', setup: (c) => writeFile(c, 'afile', 'x'), args: ['runs'], env: (c) => ({ LATENTLAB_STORE: join(c.dir, 'afile') }), stderr: /afile/ },
  {
    name: 'LATENTLAB_STORE="" falls back to ./latentlab-runs and lists no runs, exit 0',
    args: ['runs'],
    env: { LATENTLAB_STORE: '' },
    exit: 0,
    anyStderr: true,
    check: (r) => assert.match(r.stdout, /no runs in .*latentlab-runs/),
  },
];

describeCliCases('robustness: the command line', cases);
