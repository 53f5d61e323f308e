// likelihood's smoke profile through the real StudyContext (its table, the runs it records, a
// second run that reuses them), and its findings on injected settings: a trained VAE's
// importance-sampled log-likelihood far above an untrained one's (computed here, on the same
// binarized test digits), and for every model the k-sample estimate at or above its ELBO.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed } from '../../src/tensor/runtime.js';
import { tidy } from '../../src/tensor/scope.js';
import { rand } from '../../src/tensor/creation.js';
import {
  binarize, binarizedTestDigits, createLikelihoodStudy, importanceSampledLogLikelihood, likelihood, likelihoodModel, likelihoodModels, likelihoodSettings, type LikelihoodSettings,
} from '../../src/studies/likelihood.js';
import { assertSecondRunReuses, smokeRunBefore } from './study-harness.js';

const columns = ['model', 'epochs', 'train loss', 'test ELBO', `test log p(x) (k = ${likelihoodSettings.smoke.importanceSamples})`, 'published log p(x)', 'published source', 'train seconds'];

describe('likelihood study (smoke profile)', () => {
  const { first, harness } = smokeRunBefore(likelihood);

  test('one table row per model, each from its finished run; the published values beside them', () => {
    const [table] = first().result.tables;
    assert.equal(table!.name, 'log-likelihood');
    assert.deepEqual(table!.columns, columns);
    assert.deepEqual(table!.rows.map((row) => row[0]), ['VAE (k = 1)', 'IWAE (k = 5)']);
    assert.deepEqual(table!.rows.map((row) => row[5]), [-86.76, -85.54]);
    const runs = first().store.listRuns({ studyId: first().studyId });
    assert.deepEqual(runs.map((run) => run.name).sort(), ['iwae-k5', 'vae']);
    for (const run of runs) assert.equal(run.status, 'finished');
  });

  test('a second run reuses both runs and gives the same table, leaking no tensors', () => assertSecondRunReuses(first, harness, { silent: true }));

  test('binarize draws each pixel Bernoulli(intensity): the mean of many draws is the intensity (4 standard errors)', () => {
    manualSeed(1);
    tidy(() => {
      const x = rand([1, 1000]).expand([400, 1000]).contiguous();
      const draws = binarize(x);
      assert.ok(draws.eq(0).logicalOr(draws.eq(1)).all().item(), 'binary');
      const error = draws.mean({ dim: 0 }).sub(x.select(0, 0)).abs().max().item();
      assert.ok(error < 4 * 0.5 / Math.sqrt(400) , `max |mean − p| = ${error}`);
    });
  });
});

// Findings on settings where they are robust: 3 epochs of 3,000 digits (90 Adam steps of 100) for
// the VAE and IWAE(5), 200 test digits, k = 100. Measured (seed 0): log p(x) −199.5 (VAE) and
// −196.5 (IWAE) against −543.0 for the untrained VAE; the estimates 4.2 and 29 nats above their ELBOs.
const findingSettings: LikelihoodSettings = { epochs: 3, batch: 100, lr: 1e-3, trainLimit: 3000, testLimit: 200, importanceSamples: 100, models: likelihoodModels.slice(0, 2), seed: 0 };

describe('likelihood finding: training raises log p(x) far above an untrained model; the estimate is above the ELBO', () => {
  const { first } = smokeRunBefore(createLikelihoodStudy({ ...likelihoodSettings, smoke: findingSettings }));

  test('the trained VAE scores over 200 nats above the untrained one on the same binarized digits', () => {
    const testDigits = binarizedTestDigits(findingSettings.testLimit);
    manualSeed(0);
    const untrained = likelihoodModel(likelihoodModels[0]!);
    untrained.eval();
    const baseline = importanceSampledLogLikelihood(untrained, testDigits, findingSettings.importanceSamples);
    untrained.dispose();
    testDigits.dispose();
    const [vae] = first().result.tables[0]!.rows;
    const trained = vae![4] as number;
    assert.ok(trained > baseline + 200, `trained ${trained} vs untrained ${baseline}`);
  });

  test('for every model the importance-sampled log p(x) is at or above the test ELBO (Burda et al. theorem 1)', () => {
    for (const row of first().result.tables[0]!.rows) {
      const [label, , , elbo, logLikelihood] = row as [string, number, number, number, number];
      assert.ok(logLikelihood >= elbo, `${label}: log p(x) ${logLikelihood} < ELBO ${elbo}`);
    }
  });
});
