// latent-sweep's smoke profile through the real StudyContext: its tables, charts and image grids,
// the runs it records under its study id, and a second run that reuses them all.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { latentSweep, latentSweepSettings } from '../../src/studies/latent-sweep.js';
import { charts, images, pngSize, smokeRunBefore } from './study-harness.js';

const settings = latentSweepSettings.smoke;
const latents = [...new Set([...settings.sweep, ...settings.strips])].sort((a, b) => a - b);
// imageRows: 28-pixel digits with 2 pixels of padding between and around them.
const gridSize = (rows: number, columns: number) => ({ width: 30 * columns + 2, height: 30 * rows + 2 });

describe('latent-sweep study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(latentSweep);

  test('the smoke profile trains the sweep and the strip latent sizes, each once', () => {
    assert.deepEqual(latents, [3, 5, 10], 'smoke settings changed: update this test');
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), ['d=10', 'd=3', 'd=5']);
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      assert.equal(run.config.latent, Number(run.name!.slice(2)));
      assert.equal(run.config.epochs, settings.epochs);
    }
  });

  test('tables: final losses and decorrelation metrics, one row per latent size', () => {
    const [losses, decorrelation] = first().result.tables;
    assert.equal(losses!.name, 'losses');
    assert.deepEqual(losses!.columns, ['latent size', 'train loss', 'test loss', 'test PSNR (dB)']);
    assert.deepEqual(losses!.rows.map((row) => row[0]), latents);
    for (const row of losses!.rows) for (const value of row.slice(1)) assert.ok(typeof value === 'number' && value > 0, `row ${row}`);
    assert.equal(decorrelation!.name, 'decorrelation');
    assert.deepEqual(decorrelation!.columns, ['latent size', '‖corr − I‖_F', '|det corr|', 'mean |off-diagonal|', 'dead dimensions']);
    for (const [d, frobenius, determinant, offDiagonal, dead] of decorrelation!.rows as number[][]) {
      assert.ok(frobenius! > 0 && determinant! > 0 && determinant! <= 1 && offDiagonal! > 0 && offDiagonal! < 1, `d=${d}: ${frobenius}, ${determinant}, ${offDiagonal}`);
      assert.ok(Number.isInteger(dead) && dead! >= 0 && dead! <= d!);
    }
  });

  test('sections: loss curves, loss and decorrelation against d, reconstructions per d, strips per strip d', () => {
    const { sections } = first().result;
    assert.deepEqual(sections.map((s) => s.title), ['Loss curves by latent size', 'Final loss against latent size', 'Decorrelation of the code against latent size', 'Reconstructions by latent size', 'Interpolations between digits']);
    const svgs = charts(sections);
    assert.equal(svgs.length, 2 + 1 + 3);
    assert.ok(svgs.every((svg) => svg.startsWith('<svg')));
    const pictures = images(sections);
    assert.deepEqual(pictures.map((p) => p.caption!.split(':')[0]), ['Test images', ...latents.map((d) => `d = ${d}`), ...settings.strips.map((d) => `d = ${d}`)]);
    for (const picture of pictures) assert.deepEqual(pngSize(picture.png), { width: picture.width, height: picture.height });
    assert.deepEqual(pngSize(pictures[1]!.png), gridSize(1, 10));
    assert.deepEqual(pngSize(pictures.at(-1)!.png), gridSize(3, 10), 'a strip has one row per digit pair');
  });

  test('a second run reuses every finished run and gives the same tables', async () => {
    const before = first().store.listRuns({ studyId: first().studyId }).map((run) => run.id).sort();
    const second = await harness.run();
    assert.deepEqual(first().store.listRuns({ studyId: first().studyId }).map((run) => run.id).sort(), before);
    assert.deepEqual(second.log, [], 'nothing trained, so nothing logged');
    assert.deepEqual(second.result.tables, first().result.tables);
    assert.deepEqual([first().leakedTensors, second.leakedTensors], [0, 0], 'native tensors left alive by the study');
  });
});
