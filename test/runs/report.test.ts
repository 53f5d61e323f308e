// The report of real runs (a conditional VAE and an MLP autoencoder trained for a few steps on
// MNIST digits, recorded in a temporary store), opened in headless Chromium with the network
// cut off: every chart draws its marks and every image decodes at the size it was written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { RunStore } from '../../src/track/store.js';
import { parseRunConfig } from '../../src/runs/config.js';
import { trainRun } from '../../src/runs/train-run.js';
import { buildRunReport, writeRunReport } from '../../src/runs/report.js';
import { launchBrowser, openOffline } from '../helpers/browser.js';
import { temporaryDir } from '../cli/helpers.js';

const data = { dataset: 'mnist', trainLimit: 256, testLimit: 300, batch: 64, epochs: 2 };

describe('run report', () => {
  const { dir, cleanup } = temporaryDir('latentlab-report-');
  let store: RunStore;
  let browser: Browser;
  const ids: string[] = [];

  before(async () => {
    store = RunStore.open(join(dir, 'store'));
    for (const model of [{ model: 'vae', latent: 2, conditional: true, hidden: [64] }, { model: 'mlp-ae', latent: 6, hidden: [64] }]) {
      const outcome = await trainRun(store, parseRunConfig({ ...model, ...data }), { progress: 'none', log: () => {} });
      ids.push(outcome.runId);
    }
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    store?.close();
    cleanup();
  });

  test('one run: loss curves, latent map, correlations and KL bars drawn; reconstructions, interpolations and samples decoded', async () => {
    const path = await writeRunReport(store, [ids[0]!], join(dir, 'vae'));
    const html = readFileSync(path, 'utf8');
    for (const heading of ['Loss curves', 'reconstructions and interpolations', 'latent space', 'generative model', 'model and timings']) {
      assert.ok(html.includes(heading), `section '${heading}' missing`);
    }
    const page = await openOffline(browser, path);
    try {
      const marks = await page.svgPathCounts();
      // line chart, latent scatter, correlation heatmap, KL bar chart: each draws something
      assert.equal(marks.length, 4, `charts: ${JSON.stringify(marks)}`);
      assert.ok(marks.every((count) => count > 0), `a chart drew nothing: ${JSON.stringify(marks)}`);
      const images = await page.images();
      // reconstructions (2 rows), 4 interpolation strips, prior samples (4 rows of 10)
      assert.equal(images.length, 6);
      for (const image of images) {
        assert.ok(image.decoded && image.complete, `image ${image.source} did not decode`);
        assert.ok(image.naturalWidth >= 10 * 56, `image narrower than 10 digits at 2x: ${image.naturalWidth}`);
      }
      assert.deepEqual(images.map((image) => Math.round(image.naturalHeight / 56)), [2, 1, 1, 1, 1, 4]);
      assert.deepEqual(page.consoleErrors, []);
      assert.deepEqual(page.externalRequests, []);
    } finally {
      await page.close();
    }
  });

  test('an RBM run: its filters (one per hidden unit shown, up to 100) and Gibbs samples in a section of their own', async () => {
    const outcome = await trainRun(store, parseRunConfig({ model: 'rbm', latent: 12, optimizer: 'sgd', lr: 0.1, ...data }), { progress: 'none', log: () => {} });
    const page = await buildRunReport(store, [outcome.runId]);
    const section = page.sections.find((s) => s.title.endsWith('RBM filters and Gibbs samples'))!;
    assert.ok(section, `sections: ${page.sections.map((s) => s.title).join('; ')}`);
    const shown = section.blocks.filter((block) => block.kind === 'image');
    assert.deepEqual(shown.map((block) => (block as { caption: string }).caption.split(' ').slice(0, 4).join(' ')), ['The first 12 of', '20 Gibbs chains after']);
    assert.ok(!page.sections.some((s) => s.title.endsWith('generative model')), 'no prior-samples section: an RBM has no N(0, I) prior');
  });

  test('a run over points (swiss-roll): the reconstructions as numbers, no image view, the latent map still drawn', async () => {
    const outcome = await trainRun(store, parseRunConfig({ model: 'vae', decoder: 'gaussian', latent: 2, hidden: [16], dataset: 'swiss-roll', trainLimit: 256, testLimit: 100, batch: 64, epochs: 1 }), { progress: 'none', log: () => {} });
    const page = await buildRunReport(store, [outcome.runId]);
    const blocks = page.sections.flatMap((section) => section.blocks);
    assert.equal(blocks.filter((block) => block.kind === 'image').length, 0, 'points have no pictures');
    const table = page.sections.find((section) => section.title.endsWith(': reconstructions'))?.blocks[0];
    assert.ok(table?.kind === 'table', `sections: ${page.sections.map((section) => section.title).join('; ')}`);
    assert.equal(table.rows.length, 5);
    // each row: three coordinates in and out, and their squared error (finite, non-negative)
    for (const [, input, output, error] of table.rows) {
      assert.equal(String(input).split(', ').length, 3);
      assert.equal(String(output).split(', ').length, 3);
      assert.ok(Number(error) >= 0 && Number.isFinite(Number(error)));
    }
    assert.ok(page.sections.some((section) => section.title.endsWith('latent space')));
  });

  test('two runs: loss curves overlaid (a train and a test line per run) and their parameters compared', async () => {
    const path = await writeRunReport(store, ids, join(dir, 'both'), { logScale: true });
    const html = readFileSync(path, 'utf8');
    assert.ok(html.includes('Parameters that differ'));
    const page = await openOffline(browser, path);
    try {
      const lines = await page.svgPathCounts('path[aria-roledescription="line mark"], .mark-line path');
      assert.ok(lines[0]! >= 4, `expected 4 loss lines in the first chart, got ${lines[0]}`);
      assert.deepEqual(page.consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  test('a report folder that cannot be made is refused before the report is built (an unknown run is not even looked up)', async () => {
    await assert.rejects(writeRunReport(store, ['no-such-run'], '/proc/latentlab-report'), /cannot create the report folder \/proc\/latentlab-report: \/proc is not a writable folder/);
  });
});
