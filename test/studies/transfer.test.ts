// The transfer study on its smoke profile against a temporary run store: one pretrained autoencoder,
// a classifier run per (labels, mode, seed), the accuracy table's shape, and reuse on a second run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { transfer, transferProfiles } from '../../src/studies/transfer.js';
import { smokeRunBefore } from './study-harness.js';

const smoke = transferProfiles.smoke;
const modes = ['frozen', 'fine-tune', 'scratch'];

describe('transfer study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(transfer);

  test('the table has a row per (labels, mode) with the mean accuracy over seeds', () => {
    const { tables } = first().result;
    const [table] = tables;
    assert.equal(tables.length, 1);
    assert.deepEqual(table!.columns, ['labels', 'encoder', 'mean accuracy', 'std', 'per seed']);
    assert.deepEqual(
      table!.rows.map((row) => [row[0], row[1]]),
      smoke.labels.flatMap((labels) => modes.map((mode) => [labels, mode])),
    );
    for (const [, , mean, std, perSeed] of table!.rows) {
      assert.ok(typeof mean === 'number' && mean >= 0 && mean <= 1, `mean ${mean}`);
      assert.equal(std, null, 'one seed in the smoke profile: no standard deviation');
      assert.ok(Math.abs(Number(perSeed) - mean) <= 5e-5, `per seed ${perSeed}, mean ${mean}`);
    }
  });

  test('records the pretrained conv-ae and one finished classifier run per (labels, mode, seed)', () => {
    const { store, studyId } = first();
    const runs = store.listRuns({ studyId });
    const autoencoders = runs.filter((run) => run.model === 'conv-ae');
    assert.equal(autoencoders.length, 1);
    assert.equal(autoencoders[0]!.config.latent, 15);
    const classifiers = runs.filter((run) => run.model === 'conv-classifier');
    assert.equal(classifiers.length, smoke.labels.length * modes.length * smoke.seeds);
    assert.equal(runs.length, classifiers.length + 1);
    for (const run of runs) assert.equal(run.status, 'finished');
    // Frozen and fine-tuned classifiers name the autoencoder they started from; scratch ones start from random weights.
    for (const run of classifiers) assert.equal(run.config.encoder, run.config.mode === 'scratch' ? 'random' : autoencoders[0]!.id);
  });

  test('frees every tensor it made (data, pretrained model, classifiers)', () => {
    assert.equal(first().leakedTensors, 0);
  });

  test('a second run reuses every finished run and gives the same table', async () => {
    const { store, studyId, result } = first();
    const ids = store.listRuns({ studyId }).map((run) => run.id).sort();
    const again = (await harness.run()).result;
    assert.deepEqual(store.listRuns({ studyId }).map((run) => run.id).sort(), ids);
    assert.deepEqual(again.tables, result.tables);
  });
});
