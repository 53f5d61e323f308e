// upsampling's smoke profile through the real StudyContext: its table of test losses and
// checkerboard measures, its image grids, the runs it records and a second run that reuses them.
// Run: npx tsc -p . && node --test dist/test/studies/upsampling.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { upsampling, upsamplingModes, upsamplingSettings } from '../../src/studies/upsampling.js';
import { charts, images, pngSize, smokeRunBefore } from './study-harness.js';

const settings = upsamplingSettings.smoke;
const gridSize = (rows: number, columns: number) => ({ width: 30 * columns + 2, height: 30 * rows + 2 });

describe('upsampling study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(upsampling);

  test('trains one conv autoencoder per upsampling mode under the study id', () => {
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), ['upsample=bilinear', 'upsample=deconv', 'upsample=nearest']);
    for (const run of runs) {
      assert.equal(run.status, 'finished');
      assert.equal(run.model, 'conv-ae');
      assert.equal(`upsample=${run.config.upsample}`, run.name);
      assert.equal(run.config.epochs, settings.epochs);
    }
  });

  test('table: test loss and checkerboard measures per mode, and the test images as reference', () => {
    const [table] = first().result.tables;
    assert.equal(table!.name, 'upsampling');
    assert.deepEqual(table!.columns, ['upsample', 'test_loss', 'test_psnr', 'flat_checkerboard', 'random_code_checkerboard', 'reconstruction_checkerboard']);
    assert.deepEqual(table!.rows.map((row) => row[0]), [...upsamplingModes, '(test images)']);
    for (const row of table!.rows.slice(0, 3)) {
      const [, loss, psnr, ...measures] = row as [string, number, number, number, number, number];
      assert.ok(loss > 0 && loss < 0.25 && psnr > 0, `row ${row}`);
      // Images in [0, 1] score at most 0.25 (a 0/1 checkerboard).
      for (const measure of measures) assert.ok(measure >= 0 && measure <= 0.25, `row ${row}`);
    }
    const reference = table!.rows[3]!;
    assert.deepEqual(reference.slice(1, 5), [null, null, null, null]);
    assert.ok((reference[5] as number) > 0, 'real images have some energy at the Nyquist frequencies too');
  });

  test('sections: measures, the flat image, reconstructions, random decodings, curves', () => {
    const { sections } = first().result;
    assert.deepEqual(sections.map((s) => s.title), ['Checkerboard measure', 'A flat gray image, reconstructed', 'Reconstructions', 'Decodings of random codes', 'Training curves']);
    assert.equal(charts(sections).length, 2);
    const [flat, shown, decoded] = images(sections);
    assert.deepEqual(pngSize(flat!.png), gridSize(2, 3), 'raw and stretched rows of three modes');
    assert.deepEqual(pngSize(shown!.png), gridSize(4, 10), 'originals, then three modes');
    assert.deepEqual(pngSize(decoded!.png), gridSize(3, 10));
  });

  test('a second run reuses every finished run and gives the same tables', async () => {
    const ids = first().store.listRuns({ studyId: first().studyId }).map((run) => run.id).sort();
    const live = liveTensorCount();
    const second = await harness.run();
    assert.equal(liveTensorCount(), live, 'the study freed every tensor it made');
    assert.deepEqual(second.store.listRuns({ studyId: second.studyId }).map((run) => run.id).sort(), ids);
    assert.deepEqual(second.log, [], 'nothing trained, so nothing logged');
    assert.deepEqual(second.result.tables, first().result.tables);
  });
});
