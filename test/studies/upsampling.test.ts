// upsampling's smoke profile through the real StudyContext: its table of test losses and
// checkerboard measures, its image grids, the runs it records and a second run that reuses them;
// then its finding, on settings long enough to show it: every decoder learns to reconstruct, and
// the transposed-convolution one leaves far more checkerboard than resize-convolution.
// Run: npx tsc -p . && node --test dist/test/studies/upsampling.test.js
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../../src/data/datasets.js';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { tidy } from '../../src/tensor/scope.js';
import { createUpsamplingStudy, upsampling, upsamplingModes, upsamplingSettings, type UpsamplingSettings } from '../../src/studies/upsampling.js';
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
      // Wiring only: one epoch on 128 digits learns little (the finding test below checks the loss).
      assert.ok(loss > 0 && psnr > 0, `row ${row}`);
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

// 1,000 digits, two epochs in minibatches of 16 (126 Adam steps per decoder), 200 test digits:
// about 15 s on one thread for the three decoders. Measured: test MSE 0.027 (deconv), 0.023
// (nearest), 0.028 (bilinear) against 0.067 for the mean image; deconv's checkerboard measure
// 90 to 340 times the resize-convolutions' (flat gray, random codes, reconstructions).
const finding: UpsamplingSettings = { dataset: 'mnist', data: { trainLimit: 1000, testLimit: 200 }, epochs: 2, batch: 16, measuredImages: 200, randomCodes: 64 };
/** A decoder that learned must beat the mean image by this factor at least (measured: 0.42 or below). */
const lossRatio = 0.6;
/** Deconv's checkerboard measure over each resize-conv's, at least (measured: 90 or more). */
const checkerboardRatio = 10;

let meanImageBaseline: number | undefined;
/** Test MSE per pixel of predicting every test image by the mean training image: the baseline a model must beat. */
function meanImageMse(): number {
  return (meanImageBaseline ??= computeMeanImageMse());
}

function computeMeanImageMse(): number {
  const train = loadDataset(finding.dataset, { split: 'train', limit: finding.data.trainLimit });
  const testSet = loadDataset(finding.dataset, { split: 'test', limit: finding.data.testLimit });
  try {
    return tidy(() => testSet.inputs.sub(train.inputs.mean({ dim: 0 })).square().mean().item());
  } finally {
    for (const tensor of [train.inputs, train.targets, testSet.inputs, testSet.targets]) tensor.dispose();
  }
}

describe('upsampling study finding: deconv leaves a checkerboard that resize-conv does not', () => {
  const { first } = smokeRunBefore(createUpsamplingStudy({ ...upsamplingSettings, smoke: finding }));
  type Row = [string, number, number, number, number, number];
  const row = (mode: string) => first().result.tables[0]!.rows.find((r) => r[0] === mode) as Row;

  test('every decoder reconstructs test digits far better than the mean training image', (t) => {
    const baseline = meanImageMse();
    const losses = upsamplingModes.map((mode) => row(mode)[1]);
    t.diagnostic(`test MSE ${upsamplingModes.map((mode, i) => `${mode} ${losses[i]!.toFixed(4)}`).join(', ')}; mean image ${baseline.toFixed(4)}`);
    upsamplingModes.forEach((mode, i) => assert.ok(losses[i]! <= lossRatio * baseline, `${mode}: test MSE ${losses[i]} is not below ${lossRatio} × the mean image's ${baseline}`));
  });

  test("deconv's checkerboard measure is far above nearest's and bilinear's, on flat gray, random codes and reconstructions", (t) => {
    const measures = ['flat gray', 'random codes', 'reconstructions'];
    const energies = (mode: string): number[] => row(mode).slice(3) as number[];
    t.diagnostic(upsamplingModes.map((mode) => `${mode} ${energies(mode).map((v) => v.toExponential(2)).join(' / ')}`).join('; ') + ` (${measures.join(' / ')})`);
    // An untrained deconv decoder is periodic by construction; the finding is what survives training.
    const deconvLoss = row('deconv')[1];
    assert.ok(deconvLoss < meanImageMse(), `the deconv decoder did not learn (test MSE ${deconvLoss})`);
    const deconv = energies('deconv');
    for (const other of ['nearest', 'bilinear']) {
      energies(other).forEach((energy, i) => {
        assert.ok(deconv[i]! >= checkerboardRatio * energy, `${measures[i]}: deconv's ${deconv[i]} is not ${checkerboardRatio} × ${other}'s ${energy}`);
      });
    }
  });
});
