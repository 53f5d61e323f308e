// `latentlab translate` through bin/latentlab: a tiny translation between two class folders,
// recorded as a run and printed as JSON, then drawn as a grid of sources above translations.
// Run: node --test dist/test/cli/translate.test.js
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { RunStore } from '../../src/track/store.js';
import { cli, cliJson, startCli, temporaryDir } from './helpers.js';

function folders(root: string, shift: number, perClass = 6): void {
  for (let k = 0; k < 2; k++) {
    mkdirSync(join(root, `c${k}`), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const image = new PNG({ width: 28, height: 28 });
      for (let p = 0; p < 784; p++) {
        const v = (p + shift * 7 + i * 13) % 28 < 14 === (k === 0) ? 230 : 20;
        image.data.set([v, v, v, 255], p * 4);
      }
      writeFileSync(join(root, `c${k}`, `${i}.png`), PNG.sync.write(image));
    }
  }
}

describe('latentlab translate', () => {
  const { dir, cleanup } = temporaryDir();
  const store = join(dir, 'store');
  after(cleanup);

  test('trains between two folders, prints the metrics as JSON, and draws the run as sources above translations', () => {
    folders(join(dir, 'a'), 0);
    folders(join(dir, 'b'), 3);
    const result = cliJson<{ run_id: string; target_loss: string; target_accuracy: number; diversity: number; real_diversity: number; frechet: number; per_class: { label: number; translations: number }[] }>(store, [
      'translate', '--source', join(dir, 'a'), '--target', join(dir, 'b'), '--target-loss', 'representative', '--epochs', '2', '--batch', '4',
    ]);
    assert.equal(result.target_loss, 'representative');
    assert.ok(result.target_accuracy >= 0 && result.target_accuracy <= 1);
    assert.deepEqual(result.per_class.map((row) => [row.label, row.translations]), [[0, 6], [1, 6]]);
    const drawn = cli(store, ['translate', result.run_id, '--out', join(dir, 'grid.png'), '--per-class', '3']);
    assert.equal(drawn.status, 0, drawn.stderr);
    assert.match(drawn.stdout, /6 sources of .* above their translations/);
    const png = PNG.sync.read(readFileSync(join(dir, 'grid.png')));
    // Two rows of six 56-pixel images (scale 2) with 2-pixel padding.
    assert.equal(png.height, 2 + 2 * (56 + 2));
    assert.equal(png.width, 2 + 6 * (56 + 2));
  });

  // 2 × 60 images in batches of 4: 30 steps an epoch, so that a stop lands inside the run.
  const long = () => ['translate', '--source', join(dir, 'long-a'), '--target', join(dir, 'long-b'), '--target-loss', 'class-mean', '--epochs', '4', '--batch', '4'];

  test('Ctrl-C stops a translation after the current batch (exit 130, run interrupted and unlocked); latentlab resume finishes it', async () => {
    folders(join(dir, 'long-a'), 0, 60);
    folders(join(dir, 'long-b'), 3, 60);
    const running = startCli(store, long());
    const line = await running.waitFor(/translating .* \(run (\S+)\)/);
    const id = /\(run (\S+)\)/.exec(line)![1]!;
    await running.waitFor(/epoch 1\/4/);
    running.child.kill('SIGINT');
    assert.equal(await running.exited, 130, running.stderr());
    assert.match(running.stderr(), new RegExp(`continue with: latentlab resume ${id}`));
    const opened = RunStore.open(store, { mode: 'read' });
    try {
      assert.equal(opened.getRun(id).status, 'interrupted');
      assert.equal(opened.getRun(id).lock, null);
    } finally {
      opened.close();
    }
    const resumed = cli(store, ['resume', id, '--json']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const outcome = JSON.parse(resumed.stdout) as { status: string; epochs: number; metrics: Record<string, number> };
    assert.equal(outcome.status, 'finished');
    assert.equal(outcome.epochs, 4);
    assert.ok(outcome.metrics.target_accuracy! >= 0 && outcome.metrics.diversity! >= 0);
    assert.match(resumed.stderr, /resuming translation run .* at epoch \d of 4/);
  });

  test('a killed translation (its process gone, the run left running) is taken over by latentlab resume', async () => {
    const running = startCli(store, long());
    const id = /\(run (\S+)\)/.exec(await running.waitFor(/translating .* \(run (\S+)\)/))![1]!;
    // After epoch 2's line, epoch 1's checkpoint is on disk (an epoch is committed, then checkpointed).
    await running.waitFor(/epoch 2\/4/);
    running.child.kill('SIGKILL');
    await running.exited;
    const opened = RunStore.open(store, { mode: 'read' });
    assert.equal(opened.getRun(id).status, 'running', 'a killed process releases nothing');
    opened.close();
    const resumed = cli(store, ['resume', id, '--json']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).status, 'finished');
  });
});
