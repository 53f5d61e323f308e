// The reference classifier in the run store (src/runs/reference-classifier.ts): trained once and
// found again by data set and seed (never retrained silently), loaded with the same weights, and
// refused for data sets it cannot read. A tiny training (300 digits, 1 epoch: seconds) stands in
// for the full one; its accuracy is not the point here.
// Run: node --test dist/test/runs/reference-classifier.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, noGrad, rand, tidy } from '../../src/tensor/index.js';
import { RunStore } from '../../src/track/store.js';
import {
  findReferenceClassifiers, loadClassifierRun, loadReferenceClassifier, referenceClassifierModel, referenceClassifierProblem, trainReferenceClassifier, type ReferenceClassifier,
} from '../../src/runs/reference-classifier.js';

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
