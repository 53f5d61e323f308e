// Sample metrics of recorded runs (src/runs/sample-evaluation.ts): a conditional VAE scored through
// a recorded classifier, and the refusals (no classifier recorded, a classifier of another data
// set, a model that draws no samples). Tiny trainings (seconds); the values are not the point.
// Run: node --test dist/test/runs/sample-evaluation.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/track/store.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { trainRun } from '../../src/runs/train-run.js';
import { loadRun } from '../../src/runs/load.js';
import { trainReferenceClassifier } from '../../src/runs/reference-classifier.js';
import { evaluateRunSamples, sampleMetricsProblem } from '../../src/runs/sample-evaluation.js';

const quiet = { progress: 'none' as const, log: () => {} };
const data = { dataset: 'mnist', epochs: 1, trainLimit: 256, testLimit: 100, batch: 64 };

describe('evaluateRunSamples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-samples-'));
  let store: RunStore;
  let cvae: string;
  let autoencoder: string;
  let classifier: string;

  before(async () => {
    store = RunStore.open(join(dir, 'store'));
    cvae = (await trainRun(store, parseRunConfig({ model: 'vae', latent: 4, hidden: [32], conditional: true, ...data }), quiet)).runId;
    autoencoder = (await trainRun(store, parseRunConfig({ model: 'mlp-ae', latent: 4, hidden: [32], ...data }), quiet)).runId;
    const trained = await trainReferenceClassifier(store, { dataset: 'mnist', trainLimit: 300, testLimit: 100, epochs: 1 });
    classifier = trained.run.id;
    trained.dispose();
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a conditional VAE: equal numbers per class asked, metrics of the asked count, conditional accuracy', async () => {
    const loaded = loadRun(store, cvae);
    try {
      const { classifier: used, metrics } = await evaluateRunSamples(store, loaded, { samples: 50, classifier });
      assert.equal(used.runId, classifier);
      assert.equal(metrics.samples, 50);
      assert.equal(metrics.realSamples, 50);
      assert.equal(metrics.classCounts.reduce((a, b) => a + b, 0), 50);
      assert.ok(metrics.conditionalAccuracy! >= 0 && metrics.conditionalAccuracy! <= 1);
      for (const value of [metrics.frechetDistance, metrics.classEntropy, metrics.precision, metrics.recall]) assert.ok(Number.isFinite(value));
      // more samples than test images: the real side is the whole test split
      const all = await evaluateRunSamples(store, loaded, { samples: 150, classifier });
      assert.equal(all.metrics.realSamples, 100);
    } finally {
      loaded.dispose();
    }
  });

  test('without a recorded full classifier: one line naming the command and the flags; never trained silently', async () => {
    const loaded = loadRun(store, cvae);
    const runs = store.listRuns().length;
    try {
      await assert.rejects(evaluateRunSamples(store, loaded, { samples: 50 }), /no reference classifier of mnist .*latentlab classifier train --dataset mnist \(or add --train-classifier\), or skip them with --no-sample-metrics/);
      assert.equal(store.listRuns().length, runs);
    } finally {
      loaded.dispose();
    }
  });

  test('a model without a prior gets no sample metrics, and says why', async () => {
    const loaded = loadRun(store, autoencoder);
    try {
      assert.match(sampleMetricsProblem(loaded)!, /mlp-ae draws no samples/);
      await assert.rejects(evaluateRunSamples(store, loaded, { samples: 50, classifier }), /mlp-ae draws no samples/);
    } finally {
      loaded.dispose();
    }
  });

  test('a classifier run without weights, or a run that is no classifier, is refused', async () => {
    const other = store.createRun({ model: 'reference-classifier', dataset: 'fashion-mnist', config: {} });
    const loaded = loadRun(store, cvae);
    try {
      await assert.rejects(evaluateRunSamples(store, loaded, { samples: 50, classifier: other.id }), /has no weights/);
      await assert.rejects(evaluateRunSamples(store, loaded, { samples: 50, classifier: autoencoder }), /is a mlp-ae run, not a reference classifier/);
    } finally {
      loaded.dispose();
    }
  });
});
