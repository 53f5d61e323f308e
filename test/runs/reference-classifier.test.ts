// The reference classifier in the run store (src/runs/reference-classifier.ts): trained once and
// found again by data set and seed (never retrained silently), loaded with the same weights, and
// refused for data sets it cannot read. A tiny training (300 digits, 1 epoch: seconds) stands in
// for the full one; its accuracy is not the point here.
// Run: node --test dist/test/runs/reference-classifier.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { currentHolder, processStartTime } from '../../src/runs/liveness.js';
import { join } from 'node:path';
import { ArgumentError, noGrad, rand, tidy } from '../../src/tensor/index.js';
import { RunStore } from '../../src/track/store.js';
import {
  ClassifierInterruptedError, findReferenceClassifiers, loadClassifierRun, loadReferenceClassifier, referenceClassifierModel, referenceClassifierProblem, resumeReferenceClassifier,
  trainReferenceClassifier, type ReferenceClassifier,
} from '../../src/runs/reference-classifier.js';
import { datasetStamp } from '../../src/runs/versions.js';
import { readFileSync } from 'node:fs';

const tiny = { dataset: 'mnist', trainLimit: 300, testLimit: 200, epochs: 1 } as const;

describe('trainReferenceClassifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-classifier-'));
  let store: RunStore;
  let first: ReferenceClassifier;

  before(async () => {
    store = RunStore.open(join(dir, 'store'));
    first = await trainReferenceClassifier(store, tiny);
  });
  after(() => {
    first.dispose();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('records a finished run of model reference-classifier with its test accuracy and weights', () => {
    assert.equal(first.cached, false);
    assert.equal(first.run.model, referenceClassifierModel);
    assert.equal(first.run.status, 'finished');
    assert.equal(first.run.seed, 0);
    assert.equal(first.run.config.trainSamples, 300);
    assert.ok(first.testAccuracy > 0.1 && first.testAccuracy <= 1);
    assert.equal(store.finalMetrics(first.run.id).test_accuracy, first.testAccuracy);
    assert.equal(store.artifacts(first.run.id, 'model').length, 1);
    assert.deepEqual(store.metrics(first.run.id, 'train_loss').map((row) => row.epoch), [1], 'one train_loss per epoch, as runs counts epochs');
  });

  test('a second call finds the recorded classifier: same run, no new run, cached', async () => {
    const runs = store.listRuns().length;
    const again = await trainReferenceClassifier(store, tiny);
    try {
      assert.equal(again.cached, true);
      assert.equal(again.run.id, first.run.id);
      assert.equal(store.listRuns().length, runs);
      // the same weights: the same logits
      tidy(() => {
        const x = rand([4, 1, 28, 28]);
        const [a, b] = noGrad(() => [first.model.eval().forward(x), again.model.forward(x)]);
        assert.ok(a!.sub(b!).abs().max().item() < 1e-6);
      });
    } finally {
      again.dispose();
    }
  });

  test('another seed or training limit is another classifier; found by data set and seed', () => {
    assert.equal(findReferenceClassifiers(store, 'mnist', { seed: 0, trainLimit: 300 }).length, 1);
    assert.equal(findReferenceClassifiers(store, 'mnist', { seed: 1 }).length, 0);
    assert.equal(findReferenceClassifiers(store, 'fashion-mnist').length, 0);
  });

  test('loadReferenceClassifier skips a limited classifier and names the command that trains the full one', () => {
    assert.throws(() => loadReferenceClassifier(store, 'mnist'), /no reference classifier of mnist in .*: train one with latentlab classifier train --dataset mnist/);
    assert.throws(() => loadReferenceClassifier(store, 'mnist', { seed: 2 }), /--dataset mnist --seed 2/);
  });

  test('loadClassifierRun loads a classifier run by record and refuses another kind of run', () => {
    const loaded = loadClassifierRun(store, first.run);
    assert.equal(loaded.testAccuracy, first.testAccuracy);
    assert.equal(loaded.model.training, false);
    loaded.dispose();
    const other = store.createRun({ model: 'vae', dataset: 'mnist' });
    assert.throws(() => loadClassifierRun(store, other), /is a vae run, not a reference classifier/);
  });
});

describe('reference classifier runs: lock, resume, data stamp, noise class', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-classifier-'));
  let store: RunStore;
  before(() => {
    store = RunStore.open(join(dir, 'store'));
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a training stopped by its signal is kept interrupted and unlocked; asking again continues that run, not a new one', async () => {
    const options = { ...tiny, epochs: 2, trainLimit: 200 };
    const controller = new AbortController();
    await assert.rejects(
      trainReferenceClassifier(store, { ...options, signal: controller.signal, log: (line) => line.includes('epoch 1/2') && controller.abort() }),
      (error: Error) => error instanceof ClassifierInterruptedError && /stopped after 1 complete epoch: continue it with latentlab resume \S+/.test(error.message),
    );
    const [run] = store.listRuns({ model: referenceClassifierModel });
    assert.equal(run!.status, 'interrupted');
    assert.equal(run!.lock, null);
    assert.equal(run!.versions['data:mnist'], datasetStamp('mnist'), 'the data stamp is recorded with the run');
    const lines: string[] = [];
    const continued = await trainReferenceClassifier(store, { ...options, log: (line) => lines.push(line) });
    try {
      assert.equal(continued.run.id, run!.id, 'the interrupted run is continued');
      assert.equal(continued.run.status, 'finished');
      assert.ok(lines.some((line) => line.includes('from its last checkpoint')), lines.join('\n'));
      assert.deepEqual(store.metrics(run!.id, 'train_loss').map((row) => row.epoch), [1, 2]);
      assert.equal(store.listRuns({ model: referenceClassifierModel }).length, 1);
    } finally {
      continued.dispose();
    }
  });

  test('a killed one (running, its process gone) is taken over by resumeReferenceClassifier; a live holder is refused', async () => {
    const options = { ...tiny, trainLimit: 150, epochs: 2 };
    await assert.rejects(trainReferenceClassifier(store, { ...options, signal: AbortSignal.abort() }), ClassifierInterruptedError);
    const run = findReferenceClassifiers(store, 'mnist', { trainLimit: 150 }, true)[0]!;
    store.claimRun(run.id, currentHolder(), store.getRun(run.id));
    await assert.rejects(trainReferenceClassifier(store, options), /is being trained by process \d+ .*latentlab resume/);
    await assert.rejects(resumeReferenceClassifier(store, run.id), /is held by process/);
    const start = processStartTime(process.pid);
    if (start !== null) store.claimRun(run.id, { pid: process.pid, host: hostname(), processStart: String(Number(start) + 1) }, store.getRun(run.id));
    const outcome = await resumeReferenceClassifier(store, run.id, { force: start === null });
    assert.equal(outcome.status, 'finished');
    assert.ok(outcome.testAccuracy > 0.1);
    assert.equal(store.getRun(run.id).lock, null);
  });

  test('a classifier of another copy of the data set (another stamp, or none) is not used; the error says why', async () => {
    const real = await trainReferenceClassifier(store, { ...tiny, trainLimit: 100 });
    real.dispose();
    const weights = readFileSync(store.artifactPath(store.artifacts(real.run.id, 'model')[0]!));
    // As recorded by an older latentlab: mnist was then the 8,000 digits, and no stamp was kept.
    for (const versions of [{ 'data:mnist': '8000+2000 [1, 28, 28] sha256:0123456789abcdef' }, {}] as Record<string, string>[]) {
      const old = store.createRun({ model: referenceClassifierModel, dataset: 'mnist', seed: 0, config: { ...real.run.config, trainLimit: null }, versions });
      store.addArtifact(old.id, 'model', 'model.safetensors', weights);
      store.setStatus(old.id, 'finished');
    }
    assert.equal(findReferenceClassifiers(store, 'mnist', { trainLimit: null }).length, 2);
    assert.equal(findReferenceClassifiers(store, 'mnist', { trainLimit: null, stamp: datasetStamp('mnist') }).length, 0);
    assert.throws(() => loadReferenceClassifier(store, 'mnist'), /no reference classifier of mnist .*trained on another copy of mnist, recorded before data stamps; today's is 60000\+10000 \[1, 28, 28\] sha256:/);
  });

  test('noiseClass: one class more, fine-tuned from the plain classifier, that tells uniform noise from digits; kept apart from it', async () => {
    const plain = await trainReferenceClassifier(store, { ...tiny, trainLimit: 300 });
    const noisy = await trainReferenceClassifier(store, { ...tiny, trainLimit: 300, noiseClass: true });
    try {
      assert.equal(noisy.model.numClasses, 11);
      assert.equal(noisy.run.config.base, plain.run.id);
      assert.equal(noisy.run.config.noiseClass, true);
      assert.equal(findReferenceClassifiers(store, 'mnist', { trainLimit: 300 })[0]!.id, plain.run.id, 'the plain lookup never returns the noise-class one');
      const noiseShare = tidy(() => noGrad(() => noisy.model.forward(rand([200, 1, 28, 28])).argmax(1).eq(10).float().mean().item()));
      assert.ok(noiseShare > 0.9, `uniform noise read as the noise class: ${noiseShare}`);
      const again = await trainReferenceClassifier(store, { ...tiny, trainLimit: 300, noiseClass: true });
      assert.equal(again.cached, true);
      again.dispose();
    } finally {
      plain.dispose();
      noisy.dispose();
    }
  });
});

describe('data sets without a reference classifier', () => {
  test('each is refused in one line saying why, before anything is trained', async () => {
    assert.match(referenceClassifierProblem('swiss-roll')!, /swiss-roll has no class labels/);
    assert.match(referenceClassifierProblem('blobs')!, /points, not 28×28 images/);
    assert.match(referenceClassifierProblem('cifar10')!, /32×32 colour images/);
    assert.match(referenceClassifierProblem('bogus')!, /'bogus' is not a known data set/);
    assert.equal(referenceClassifierProblem('fashion-mnist'), undefined);
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-classifier-'));
    const store = RunStore.open(dir);
    try {
      await assert.rejects(trainReferenceClassifier(store, { dataset: 'cifar10' }), ArgumentError);
      assert.equal(store.listRuns().length, 0);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
