// `latentlab eval` of a generative run: the sample metrics beside the reconstruction metrics, with
// the number of samples, through a given reference classifier; and a conditional model's
// accuracy. Tiny trainings (seconds): the numbers' values are not the point.
// Run: node --test dist/test/cli/eval.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliJson, temporaryDir } from './helpers.js';

describe('latentlab eval: sample metrics', () => {
  const { dir, cleanup } = temporaryDir();
  const store = join(dir, 'store');
  let vae: string;
  let classifier: string;

  before(() => {
    vae = cliJson<{ run_id: string }>(store, ['train', '--model', 'vae', '--conditional', '--dataset', 'mnist', '--latent', '4', '--hidden', '32', '--epochs', '1', '--train-limit', '256', '--test-limit', '300', '--batch', '64']).run_id;
    classifier = cliJson<{ run_id: string }>(store, ['classifier', 'train', '--dataset', 'mnist', '--train-limit', '300', '--epochs', '1']).run_id;
  });
  after(cleanup);

  test('--json: the reconstruction metrics and the sample metrics with their sample counts, classifier and conditional accuracy', () => {
    const result = cliJson<{ metrics: Record<string, number>; sample_metrics: Record<string, unknown> }>(store, ['eval', vae, '--classifier', classifier, '--samples', '200', '--iwae-samples', '0']);
    assert.ok(Number.isFinite(result.metrics.test_mse));
    const samples = result.sample_metrics;
    assert.equal(samples.classifier_run, classifier);
    assert.equal(samples.samples, 200);
    assert.equal(samples.real_samples, 200);
    assert.equal((samples.class_counts as number[]).reduce((a, b) => a + b, 0), 200);
    for (const key of ['frechet_distance', 'class_entropy', 'precision', 'recall', 'conditional_accuracy', 'real_accuracy']) assert.equal(typeof samples[key], 'number', key);
  });

  test('text: one line per metric, the samples counted, the same seed gives the same numbers', () => {
    const args = ['eval', vae, '--classifier', classifier, '--samples', '100', '--iwae-samples', '0'];
    const [first, second] = [cli(store, args), cli(store, args)];
    assert.equal(first.status, 0);
    assert.match(first.stdout, /sample metrics: 100 samples against 100 test images, reference classifier \S+ \(test accuracy \d+\.\d\d%\)/);
    for (const line of [/frechet_distance\s+\d/, /class_entropy\s+\d.*nats/, /precision \(k=3\)\s+\d/, /recall \(k=3\)\s+\d/, /conditional_accuracy\s+\d+\.\d\d%/, /class histogram\s+0:\d+ 1:\d+/]) assert.match(first.stdout, line);
    assert.equal(first.stdout, second.stdout);
  });

  test('a GAN run: sample metrics only (it has no encoder to reconstruct with), said so in the text', () => {
    const gan = cliJson<{ run_id: string }>(store, ['train', '--model', 'gan', '--conditional', '--dataset', 'mnist', '--epochs', '1', '--train-limit', '256', '--test-limit', '300', '--batch', '64']).run_id;
    const result = cliJson<{ metrics: Record<string, number>; sample_metrics: Record<string, unknown> }>(store, ['eval', gan, '--classifier', classifier, '--samples', '100']);
    assert.deepEqual(result.metrics, {});
    assert.equal(result.sample_metrics.samples, 100);
    assert.equal(typeof result.sample_metrics.conditional_accuracy, 'number');
    const text = cli(store, ['eval', gan, '--classifier', classifier, '--samples', '100']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /no reconstruction metrics: a GAN has no encoder/);
    assert.match(text.stdout, /frechet_distance\s+\d/);
  });

  test('an adversarial autoencoder run (conditional mixture prior): reconstruction metrics and sample metrics; its epoch samples and report', () => {
    const aae = cliJson<{ run_id: string; metrics: Record<string, number> }>(store, ['train', '--model', 'aae', '--prior', 'mixture', '--conditional', '--dataset', 'mnist', '--hidden', '64', '--epochs', '2', '--train-limit', '256', '--test-limit', '300', '--batch', '64']);
    assert.ok(Number.isFinite(aae.metrics.test_loss) && Number.isFinite(aae.metrics.test_psnr), 'validation by reconstruction, and the test-set evaluation');
    const result = cliJson<{ metrics: Record<string, number>; sample_metrics: Record<string, unknown> }>(store, ['eval', aae.run_id, '--classifier', classifier, '--samples', '100']);
    assert.ok(Number.isFinite(result.metrics.test_mse) && Number.isFinite(result.metrics.test_ssim));
    assert.equal(result.sample_metrics.samples, 100);
    assert.equal(typeof result.sample_metrics.conditional_accuracy, 'number');
    const shown = cliJson<{ artifacts: { kind: string; path: string }[] }>(store, ['runs', 'show', aae.run_id]);
    assert.deepEqual(shown.artifacts.filter((a) => a.kind === 'samples').map((a) => a.path.split('/').slice(-2).join('/')), ['samples/epoch-0001.png', 'samples/epoch-0002.png']);
    const report = cli(store, ['report', aae.run_id, '--out', join(dir, 'aae-report')]);
    assert.equal(report.status, 0, report.stderr);
    const html = readFileSync(join(dir, 'aae-report', 'index.html'), 'utf8');
    assert.match(html, /Decoded draws from the prior the mixture of Gaussians/);
    assert.match(html, /samples during training/);
  });
});
