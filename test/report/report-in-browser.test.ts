// A rendered report opened in headless Chromium with the network cut off: every chart draws its
// marks, every image decodes at its size, nothing is fetched and nothing logs an error. A page
// that breaks those rules shows the checks can fail. Needs Debian's chromium.
// Run: npx tsc -p . && node --test dist/test/report/report-in-browser.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { tensor } from '../../src/index.js';
import { barChart, heatmap, lineChart, scatterChart } from '../../src/report/charts.js';
import { imageGrid, imageRows, type PngImage } from '../../src/report/image-grid.js';
import { writeReport } from '../../src/report/html.js';
import { launchBrowser, openOffline } from '../helpers/browser.js';

let browser: Browser;
let dir = '';
before(async () => {
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'latentlab-browser-'));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function gradientImages(shape: [number, number, number, number]): PngImage[] {
  const count = shape.reduce((a, b) => a * b, 1);
  const images = tensor(Float32Array.from({ length: count }, (_, i) => (i % 97) / 96), { shape });
  try {
    return [imageRows([images, images.flip(3)], { scale: 2 }), imageGrid(images, { columns: 3 })];
  } finally {
    images.dispose();
  }
}

describe('a report in Chromium', () => {
  test('draws every chart mark and image offline, without console errors', async () => {
    const curve = (scale: number) => Array.from({ length: 5 }, (_, i) => ({ x: i + 1, y: scale / (i + 1) }));
    const scatterPoints = Array.from({ length: 300 }, (_, i) => ({ x: Math.cos(i), y: Math.sin(i * 1.3), label: `class ${i % 10}` }));
    const [line, scatter, correlation, bars] = await Promise.all([
      lineChart({ series: [{ name: 'train', points: curve(1) }, { name: 'test', points: curve(2) }], xTitle: 'epoch', yTitle: 'loss', logScale: true }),
      scatterChart({ points: scatterPoints, xTitle: 'z1', yTitle: 'z2' }),
      heatmap({ matrix: [[1, 0.3, -0.2], [0.3, 1, 0.5], [-0.2, 0.5, 1]], domain: [-1, 1] }),
      barChart({ bars: ['z1', 'z2', 'z3', 'z4'].map((label, i) => ({ label, value: i + 0.5 })) }),
    ]);
    const [rows, grid] = gradientImages([6, 1, 8, 8]) as [PngImage, PngImage];
    const path = writeReport(dir, {
      title: 'Run r1',
      subtitle: 'conv-ae',
      generated: new Date(),
      sections: [
        { title: 'Training', blocks: [{ kind: 'chart', svg: line, caption: 'Loss' }, { kind: 'table', columns: ['epoch', 'loss'], rows: [[1, 0.5], [2, 0.25]] }] },
        { title: 'Images', blocks: [{ kind: 'image', ...rows, alt: 'rows', scale: 2 }, { kind: 'image', ...grid, alt: 'grid' }] },
        { title: 'Latent space', blocks: [{ kind: 'grid', blocks: [{ kind: 'chart', svg: scatter }, { kind: 'chart', svg: correlation }] }, { kind: 'chart', svg: bars }] },
        { title: 'Model', blocks: [{ kind: 'code', text: 'Linear(784, 32)' }] },
      ],
    });

    const page = await openOffline(browser, path);
    try {
      // Mark items only (not axes or legends): 2 lines + 10 points, 300 points, 9 cells, 4 bars.
      assert.deepEqual(await page.svgPathCounts('.role-mark path'), [12, 300, 9, 4]);
      const images = await page.images();
      assert.deepEqual(
        images.map(({ naturalWidth, naturalHeight, complete, decoded }) => ({ naturalWidth, naturalHeight, complete, decoded })),
        [rows, grid].map(({ width, height }) => ({ naturalWidth: width, naturalHeight: height, complete: true, decoded: true })),
      );
      assert.ok(images.every((image) => image.source.startsWith('data:image/png;base64,')));
      // The magnified image is drawn at twice its size (the window is wide enough for it).
      const shown = await page.page.evaluate(`(() => { const img = document.querySelector('img.pixelated'); return [img.getBoundingClientRect().width, getComputedStyle(img).imageRendering]; })()`);
      assert.deepEqual(shown, [rows.width * 2, 'pixelated']);
      assert.deepEqual(page.consoleErrors, []);
      assert.deepEqual(page.externalRequests, []);
    } finally {
      await page.close();
    }
  });

  test('the checks catch a page that fetches from the network, logs an error or draws nothing', async () => {
    const path = join(dir, 'bad.html');
    writeFileSync(
      path,
      `<!doctype html><title>bad</title>
      <img src="https://example.com/pixel.png" alt="remote">
      <svg width="10" height="10"><path d=""/><path d="M0,0L0,0"/></svg>
      <script>console.error('boom')</script>`,
    );
    const page = await openOffline(browser, path);
    try {
      assert.deepEqual(page.externalRequests, ['https://example.com/pixel.png']);
      assert.ok(page.consoleErrors.includes('boom'), `console errors: ${page.consoleErrors.join(' | ')}`);
      assert.deepEqual(await page.svgPathCounts(), [0], 'an empty d and a zero-size path draw nothing');
      const [image] = await page.images();
      assert.equal(image?.naturalWidth, 0);
      assert.equal(image?.decoded, false);
    } finally {
      await page.close();
    }
  });
});
