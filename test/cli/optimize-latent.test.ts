// `latentlab optimize-latent` through bin/latentlab: a class prototype and an image projection of a
// tiny recorded run, written as PNGs of the expected layout.
// Run: node --test dist/test/cli/optimize-latent.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { cli, cliJson, temporaryDir } from './helpers.js';

describe('latentlab optimize-latent', () => {
  const { dir, cleanup } = temporaryDir();
  const store = join(dir, 'store');
  let run: string;
  before(() => {
    run = cliJson<{ run_id: string }>(store, ['train', '--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '3', '--hidden', '16', '--epochs', '1', '--train-limit', '200', '--test-limit', '20', '--batch', '32', '--json']).run_id;
  });
  after(cleanup);

  test('--class draws the prototype, mean-code decoding and pixel mean side by side; --image draws the image above its projection', () => {
    const classResult = cli(store, ['optimize-latent', run, '--class', '7', '--steps', '50', '--out', join(dir, 'seven.png')]);
    assert.equal(classResult.status, 0, classResult.stderr);
    assert.match(classResult.stdout, /mean MSE over \d+ images: prototype [\d.e-]+, mean-code [\d.e-]+, pixel-mean [\d.e-]+/);
    const three = PNG.sync.read(readFileSync(join(dir, 'seven.png')));
    assert.deepEqual([three.width, three.height], [2 + 3 * 58, 2 + 58]);

    const image = new PNG({ width: 28, height: 28 });
    for (let p = 0; p < 784; p++) image.data.set(p % 28 > 12 && p % 28 < 16 ? [255, 255, 255, 255] : [0, 0, 0, 255], p * 4);
    writeFileSync(join(dir, 'bar.png'), PNG.sync.write(image));
    const projected = cliJson<{ losses: { projection: number }; start_loss: number; code: number[] }>(store, ['optimize-latent', run, '--image', join(dir, 'bar.png'), '--steps', '50', '--json', '--out', join(dir, 'bar-projected.png')]);
    assert.equal(projected.code.length, 3);
    assert.ok(projected.losses.projection < projected.start_loss, JSON.stringify(projected));
    const two = PNG.sync.read(readFileSync(join(dir, 'bar-projected.png')));
    assert.deepEqual([two.width, two.height], [2 + 58, 2 + 2 * 58]);
  });
});
