// Robustness of `latentlab translate` and `latentlab optimize-latent`: each bad input (class counts
// that differ, an empty class folder, images of another size, a class the data set lacks, ...)
// is one clear line, no stack, and the store unchanged (harness.ts).
// Run: node --test dist/test/robustness/translate.test.js
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describeCliCases, type CaseContext, type CliCase } from './harness.js';

/** root/c0 .. c{classes-1}, each with `perClass` grey PNGs of size×size (the sizes of `odd` differ). */
function classFolders(context: CaseContext, name: string, classes: number, options: { perClass?: number; size?: number; emptyClass?: number; oddSize?: number } = {}): string {
  const root = join(context.dir, name);
  for (let k = 0; k < classes; k++) {
    mkdirSync(join(root, `c${k}`), { recursive: true });
    if (k === options.emptyClass) continue;
    for (let i = 0; i < (options.perClass ?? 2); i++) {
      const size = k === 1 && i === 0 && options.oddSize ? options.oddSize : options.size ?? 28;
      const image = new PNG({ width: size, height: size });
      image.data.fill(255);
      writeFileSync(join(root, `c${k}`, `${i}.png`), PNG.sync.write(image));
    }
  }
  return root;
}

const quick = ['--epochs', '1', '--train-limit', '64', '--test-limit', '32'];

const cases: CliCase[] = [
  // ---- translate
  {
    name: 'translate with source and target of different class counts is refused, naming both counts',
    args: (c) => ['translate', '--source', 'mnist', '--target', classFolders(c, 'three', 3), ...quick],
    stderr: /has 10 classes and the target .* has 3/,
  },
  {
    name: 'translate with an empty class folder is refused, naming the folder',
    args: (c) => ['translate', '--source', classFolders(c, 'a', 3), '--target', classFolders(c, 'b', 3, { emptyClass: 2 }), ...quick],
    stderr: /c2 holds no \.png images/,
  },
  {
    name: 'translate with target images of another size than the source is refused, naming both shapes',
    args: (c) => ['translate', '--source', 'mnist', '--target', classFolders(c, 'small', 10, { size: 16, perClass: 1 }), ...quick],
    stderr: /\[1, 28, 28\] images and the target .* holds \[1, 16, 16\]/,
  },
  {
    name: 'translate with images of two sizes in one folder is refused, naming a file',
    args: (c) => ['translate', '--source', classFolders(c, 'mixed', 2, { oddSize: 20 }), '--target', classFolders(c, 'b', 2), ...quick],
    stderr: /0\.png is 20×20 but .* is 28×28/,
  },
  {
    name: 'translate between two folders of 16×16 images (one size, not 28×28) is refused: the target classifier reads 28×28',
    args: (c) => ['translate', '--source', classFolders(c, 'a16', 2, { size: 16 }), '--target', classFolders(c, 'b16', 2, { size: 16 }), ...quick],
    stderr: /the target .*b16 holds \[1, 16, 16\] images: the target classifier \(and the metrics\) read 28×28 grey images/,
  },
  { name: 'resume of a run id that does not exist is refused, naming it', args: ['resume', 'zzzz-no-such-run'], stderr: /zzzz-no-such-run/ },
  { name: 'translate --target-loss bogus is refused, naming it', args: ['translate', '--source', 'mnist', '--target', 'fashion-mnist', '--target-loss', 'bogus', ...quick], stderr: /unknown target loss 'bogus'/ },
  { name: 'translate --normalize bogus is refused, naming --normalize', args: ['translate', '--source', 'mnist', '--target', 'fashion-mnist', '--normalize', 'bogus'], stderr: /--normalize/ },
  { name: 'translate --source on a missing folder is refused, naming it', args: ['translate', '--source', '/nonexistent-latentlab-letters', '--target', 'fashion-mnist', ...quick], stderr: /nonexistent-latentlab-letters.*neither a data set/ },
  { name: 'translate without --target is refused', args: ['translate', '--source', 'mnist'], stderr: /--source and --target/ },
  { name: 'translate --dropout 1 is refused, naming --dropout', args: ['translate', '--source', 'mnist', '--target', 'fashion-mnist', '--dropout', '1'], stderr: /--dropout/ },
  { name: 'translate <run> of an autoencoder run is refused: not a translation', args: (c) => ['translate', c.runs.alpha!, '--out', 'grid.png'], stderr: /not a translation/ },
  { name: 'translate <run> without --out is refused, naming --out', args: (c) => ['translate', c.runs.alpha!], stderr: /--out/ },

  // ---- optimize-latent
  { name: 'optimize-latent --class 12 is refused: mnist has classes 0 to 9', args: (c) => ['optimize-latent', c.runs.alpha!, '--class', '12', '--out', 'p.png'], stderr: /--class 12 is not a class of mnist: its classes are 0 to 9/ },
  { name: 'optimize-latent with neither --class nor --image is refused', args: (c) => ['optimize-latent', c.runs.alpha!, '--out', 'p.png'], stderr: /--class .*--image/ },
  { name: 'optimize-latent with both --class and --image is refused', args: (c) => ['optimize-latent', c.runs.alpha!, '--class', '1', '--image', 'x.png', '--out', 'p.png'], stderr: /one of --class/ },
  {
    name: 'optimize-latent --image of another size is refused, naming both sizes',
    args: (c) => ['optimize-latent', c.runs.alpha!, '--image', join(classFolders(c, 'big', 1, { size: 32, perClass: 1 }), 'c0', '0.png'), '--out', 'p.png'],
    stderr: /\[1, 32, 32\] but the decoder .* draws \[1, 28, 28\]/,
  },
  { name: 'optimize-latent --image on a missing file is refused, naming it', args: (c) => ['optimize-latent', c.runs.alpha!, '--image', 'missing.png', '--out', 'p.png'], stderr: /image not found: missing\.png/ },
  ...['0', '-1', 'abc'].map((value): CliCase => ({ name: `optimize-latent --steps ${value} is refused, naming --steps`, args: (c) => ['optimize-latent', c.runs.alpha!, '--class', '1', '--steps', value, '--out', 'p.png'], stderr: /--steps/ })),
  { name: 'optimize-latent --out p.txt is refused, naming --out', args: (c) => ['optimize-latent', c.runs.alpha!, '--class', '1', '--out', 'p.txt'], stderr: /--out/ },
  {
    name: 'optimize-latent --class 3 writes the PNG and prints the three losses, store unchanged',
    args: (c) => ['optimize-latent', c.runs.alpha!, '--class', '3', '--steps', '20', '--out', 'p.png', '--json'],
    exit: 0,
    anyStderr: true,
    check: (r, c) => {
      const out = JSON.parse(r.stdout) as { losses: Record<string, number> };
      assert.deepEqual(Object.keys(out.losses), ['prototype', 'mean_code', 'pixel_mean']);
      assert.ok(existsSync(join(c.dir, 'p.png')));
    },
  },
];

describeCliCases('robustness: translate and optimize-latent', cases);
