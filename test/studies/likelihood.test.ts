// likelihood's smoke profile through the real StudyContext (its table, the runs it records, a
// second run that reuses them), and its findings on injected settings: a trained VAE's
// importance-sampled log-likelihood far above an untrained one's (computed here, on the same
// binarized test digits), and for every model the k-sample estimate at or above its ELBO; an
// interrupted training resumed from its checkpoint; the full profile's settings.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/datasets.js';
import { RunStore } from '../../src/track/store.js';
import { createStudyContext, studyIdOf } from '../../src/studies/context.js';
import type { TaskRun } from '../../src/studies/study.js';
import { Adam } from '../../src/optim/index.js';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint } from '../../src/train/checkpoint.js';
import { manualSeed } from '../../src/tensor/runtime.js';
import { tidy } from '../../src/tensor/scope.js';
import { rand } from '../../src/tensor/creation.js';
import {
  binarize, binarizedTestDigits, createLikelihoodStudy, importanceSampledLogLikelihood, likelihood, likelihoodModel, likelihoodModels, likelihoodSettings, LikelihoodInterruptedError,
  trainForLikelihood, type LikelihoodModel, type LikelihoodSettings,
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

// Resuming: a training stopped after its first epoch continues from its checkpoint (its marked
// epoch-1 loss shows it was read, not trained again) and ends exactly where an uninterrupted one
// does (the checkpoint carries the generator's state), both called directly and through the
// study, whose context throws away an unfinished task's run.
const resumeSettings: LikelihoodSettings = { epochs: 2, batch: 50, lr: 1e-3, trainLimit: 200, testLimit: 20, importanceSamples: 10, models: likelihoodModels.slice(0, 1), seed: 3 };

// Rewrites a likelihood checkpoint with its epoch-1 loss set to −1; restoring it first leaves the generator in the saved state, which the rewrite records again.
function markEpochOneLoss(path: string, row: LikelihoodModel): void {
  const saved = readCheckpoint(path);
  const model = likelihoodModel(row);
  const optimizer = new Adam(model.parameters(), { lr: resumeSettings.lr, eps: 1e-4 });
  try {
    restoreCheckpoint(saved, { model, optimizer });
    writeCheckpoint(path, { model, optimizer, state: { ...(saved.state as object), trainLosses: [-1] } });
  } finally {
    saved.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

function recordingTask(losses: number[], onLog?: () => void): TaskRun {
  return { run: {} as TaskRun['run'], store: {} as TaskRun['store'], log: (rows) => { for (const row of rows) losses[row.epoch! - 1] = row.value; onLog?.(); } };
}

describe('likelihood: an interrupted training resumes from its checkpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-likelihood-resume-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('stopped after epoch 1, then run again: the same losses and test scores as an uninterrupted training, its epoch-1 loss logged again', async () => {
    const data = { train: loadDataset('mnist', { split: 'train', limit: resumeSettings.trainLimit }), testBinary: binarizedTestDigits(resumeSettings.testLimit) };
    try {
      const row = likelihoodModels[0]!;
      const straightLosses: number[] = [];
      const straight = await trainForLikelihood(row, resumeSettings, data, recordingTask(straightLosses), { checkpointDir: join(dir, 'straight') });
      const controller = new AbortController();
      const firstLosses: number[] = [];
      await assert.rejects(
        trainForLikelihood(row, resumeSettings, data, recordingTask(firstLosses, () => controller.abort()), { checkpointDir: join(dir, 'stopped'), signal: controller.signal }),
        (error: Error) => error instanceof LikelihoodInterruptedError && /stopped after epoch 1 of 2.*run the study again/.test(error.message),
      );
      assert.equal(firstLosses.length, 1);
      const last = join(dir, 'stopped', 'last.safetensors');
      assert.ok(existsSync(last));
      // Mark the checkpoint: its epoch-1 loss becomes −1 (model, optimizer and generator untouched),
      // so a training that started over instead of resuming would log the real loss.
      markEpochOneLoss(last, row);
      const lines: string[] = [];
      const resumedLosses: number[] = [];
      const resumed = await trainForLikelihood(row, resumeSettings, data, recordingTask(resumedLosses), { checkpointDir: join(dir, 'stopped'), log: (line) => lines.push(line) });
      assert.ok(lines.some((line) => line.startsWith('resuming from epoch 1')), lines.join('\n'));
      assert.deepEqual(resumedLosses, [-1, straightLosses[1]]);
      for (const key of ['train_loss', 'test_elbo', 'test_log_likelihood', 'epochs']) assert.equal(resumed[key], straight[key], key);
    } finally {
      [data.train.inputs, data.train.targets, data.testBinary].forEach((t) => t.dispose());
    }
  });

  test('a checkpoint of something else is refused by name, not silently trained over', async () => {
    const other = join(dir, 'other');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'last.safetensors'), 'not a checkpoint');
    const data = { train: loadDataset('mnist', { split: 'train', limit: 100 }), testBinary: binarizedTestDigits(10) };
    try {
      await assert.rejects(trainForLikelihood(likelihoodModels[0]!, { ...resumeSettings, trainLimit: 100 }, data, undefined, { checkpointDir: other }), /last\.safetensors/);
    } finally {
      [data.train.inputs, data.train.targets, data.testBinary].forEach((t) => t.dispose());
    }
  });

  test('through the study: Ctrl-C after epoch 1 stops it; run again, it resumes that model (not from the start) and removes the checkpoint once done', async () => {
    const study = createLikelihoodStudy({ ...likelihoodSettings, smoke: resumeSettings });
    const store = RunStore.open(join(dir, 'store'));
    try {
      const studyId = studyIdOf('likelihood', 'smoke');
      const controller = new AbortController();
      const stopped = createStudyContext({ store, profile: 'smoke', studyId, log: () => {}, signal: controller.signal });
      // Abort as soon as the first epoch's loss is recorded.
      const logMetrics = store.logMetrics.bind(store);
      store.logMetrics = (id, rows) => { logMetrics(id, rows); if (rows.some((row) => row.key === 'train_loss')) controller.abort(); };
      await assert.rejects(study.run(stopped), LikelihoodInterruptedError);
      store.logMetrics = logMetrics;
      const checkpoints = join(store.dir, 'studies', 'likelihood-smoke', 'checkpoints');
      assert.equal(readdirSync(checkpoints).length, 1);
      const lines: string[] = [];
      const result = await study.run(createStudyContext({ store, profile: 'smoke', studyId, log: (line) => lines.push(line) }));
      assert.ok(lines.some((line) => /^vae: resuming from epoch 1/.test(line)), lines.join('\n'));
      const [run] = store.listRuns({ studyId }).filter((r) => r.status === 'finished');
      assert.deepEqual(store.metrics(run!.id, 'train_loss').map((m) => m.epoch), [1, 2]);
      assert.equal(result.tables[0]!.rows[0]![1], 2);
      assert.deepEqual(readdirSync(checkpoints), []);
    } finally {
      store.close();
    }
  });
});

describe('likelihood full profile: a fair comparison in about an hour of 2 free cores', () => {
  test('every model, all 60,000 training digits, the same epochs (no time budget that would cut the costly models short), the first 1,000 test digits at k = 5000', () => {
    const full = likelihoodSettings.full;
    assert.deepEqual(full.models.map((m) => m.key), likelihoodModels.map((m) => m.key));
    assert.equal(full.trainLimit, undefined);
    assert.equal(full.maxSeconds, undefined);
    assert.deepEqual([full.testLimit, full.importanceSamples], [1000, 5000]);
    // Each published value names its source, and the S-VAE rows say theirs is another architecture.
    for (const row of likelihoodModels.filter((m) => m.published)) assert.match(row.published!.source, /^(Burda et al\. 2016|Davidson et al\. 2018), Table 1/);
    for (const row of likelihoodModels.filter((m) => m.requires === 'svae')) assert.match(row.published!.source, /not this one/);
  });
});
