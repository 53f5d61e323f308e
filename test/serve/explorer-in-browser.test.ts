// The explorer in Debian's headless Chromium against a real server (a socket, the bundled page)
// on a real store with a tiny trained run: the WebGL map draws, hovering a point shows its image,
// and clicks at two places give two decoded images, each equal pixel for pixel to the library's decode.
// Run: npx tsc -p . && node --test dist/test/serve/explorer-in-browser.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { RunStore } from '../../src/track/store.js';
import { loadAnyRun, loadRun, type LoadedRun } from '../../src/runs/load.js';
import { decodeToPng } from '../../src/serve/views.js';
import { priorDraws } from '../../src/serve/maps.js';
import { startExplorer, type RunningExplorer } from '../../src/serve/start.js';
import { chromiumPath } from '../helpers/browser.js';
import { chromium } from 'playwright-core';
import { explorerFixture, testSamples, type ExplorerFixture } from './fixture.js';

interface Decoded { x: number; y: number; inverse: string; code: number[] }

/**
 * Moves to a place, lets two frames pass, then clicks. The map's camera reads the pointer once per
 * frame: a press that comes before the frame that saw the move (a loaded machine) pans the map
 * by the whole move, which a person, who moves then clicks, never does.
 */
async function clickAt(page: Page, x: number, y: number): Promise<void> {
  await page.mouse.move(x, y);
  await frames(page);
  await page.mouse.down();
  await page.mouse.up();
}

function frames(page: Page): Promise<unknown> {
  return page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

describe('the explorer in headless Chromium', () => {
  let fixture: ExplorerFixture;
  let store: RunStore;
  let explorer: RunningExplorer;
  let browser: Browser;
  let page: Page;
  let reference: LoadedRun;
  const consoleErrors: string[] = [];
  const externalRequests: string[] = [];

  before(async () => {
    fixture = await explorerFixture();
    store = RunStore.open(fixture.storeDir, { mode: 'read' });
    explorer = await startExplorer({ store, port: 0 });
    reference = loadRun(store, fixture.runs.flat);
    // --no-sandbox: root in a container; SwiftShader: WebGL without a GPU.
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'] });
    const context = await browser.newContext({ viewport: { width: 1900, height: 1000 } });
    const local = (url: string) => url.startsWith(explorer.url) || url.startsWith('blob:') || url.startsWith('data:');
    await context.route('**/*', (route) => (local(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
    page = await context.newPage();
    page.on('request', (request) => void (local(request.url()) ? undefined : externalRequests.push(request.url())));
    page.on('console', (message) => void (message.type() === 'error' ? consoleErrors.push(message.text()) : undefined));
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    await page.goto(`${explorer.url}?run=${fixture.runs.flat}`, { waitUntil: 'load' });
    await page.waitForFunction('window.explorer && window.explorer.ready', undefined, { timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
    reference?.dispose();
    await explorer?.close();
    store?.close();
    fixture?.cleanup();
  });

  test('the map draws: the canvas holds coloured points', async () => {
    const shot = PNG.sync.read(await page.locator('#map').screenshot());
    let coloured = 0;
    for (let i = 0; i < shot.data.length; i += 4) {
      const [r, g, b] = [shot.data[i]!, shot.data[i + 1]!, shot.data[i + 2]!];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
    }
    // 40 points of 4 px: well over 100 coloured pixels; a blank (white) canvas has none.
    assert.ok(coloured > 100, `only ${coloured} coloured pixels`);
    assert.match((await page.textContent('#status')) ?? '', new RegExp(`${testSamples} test codes · map: latent`));
  });

  test('hovering a point shows that sample and its reconstruction', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    const [px, py] = (await page.evaluate('window.explorer.screenOf(7)')) as [number, number];
    await page.mouse.move(box.x + px, box.y + py);
    await page.waitForFunction("document.getElementById('sample').naturalWidth === 56", undefined, { timeout: 10_000 });
    assert.match((await page.textContent('#sample-info')) ?? '', /test sample \d+/);
  });

  test('clicks at two places give two images, each the library decode of its code', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    const [px, py] = (await page.evaluate('window.explorer.screenOf(3)')) as [number, number];
    const map = (await page.evaluate('window.explorer.map')) as { x: number[]; y: number[] };
    const shown: number[][] = [];
    const places: [number, number][] = [[px, py], [12, 12]];
    for (const [i, [cx, cy]] of places.entries()) {
      await clickAt(page, box.x + cx, box.y + cy);
      await page.waitForFunction(`window.explorer.decodes === ${i + 1}`, undefined, { timeout: 10_000 });
      const last = (await page.evaluate('window.explorer.last')) as Decoded;
      assert.equal(last.inverse, 'exact');
      if (i === 0) {
        // The click landed on sample 3: the place is within a few pixels of its code.
        const [x0, x1] = [Math.min(...map.x), Math.max(...map.x)];
        const [y0, y1] = [Math.min(...map.y), Math.max(...map.y)];
        assert.ok(Math.abs(last.x - map.x[3]!) < ((x1 - x0) * 4) / box.width, `clicked x ${last.x}, sample at ${map.x[3]}`);
        assert.ok(Math.abs(last.y - map.y[3]!) < ((y1 - y0) * 4) / box.height, `clicked y ${last.y}, sample at ${map.y[3]}`);
      }
      const gray = await shownGray(page, 'decoded');
      const expected = PNG.sync.read(decodeToPng(reference, last.code));
      assert.equal(gray.length, 28 * 28);
      assert.deepEqual(gray, Array.from({ length: 28 * 28 }, (_, k) => expected.data[4 * k]!), `place ${i}: the page's image is the library's decode`);
      shown.push(gray);
    }
    assert.notDeepEqual(shown[0], shown[1], 'two places, two images');
    assert.match((await page.textContent('#decoded-info')) ?? '', /exact/);
    if (process.env.LATENTLAB_EXPLORER_SCREENSHOT) await page.screenshot({ path: process.env.LATENTLAB_EXPLORER_SCREENSHOT });
  });

  test('the traversal sliders start at the code clicked, and moving one decodes the changed code', async () => {
    await page.waitForFunction('window.explorer.traversals >= 1', undefined, { timeout: 10_000 });
    const last = (await page.evaluate('window.explorer.last')) as Decoded;
    const values = (await page.$$eval('#sliders input[type=range]', (inputs) => inputs.map((input) => Number((input as unknown as { value: string }).value)))) as number[];
    assert.equal(values.length, 2, 'one slider per latent dimension');
    values.forEach((value, j) => assert.ok(Math.abs(value - last.code[j]!) < 1e-6, `slider ${j} at ${value}, code ${last.code[j]}`));
    const traversals = (await page.evaluate('window.explorer.traversals')) as number;
    const moved = await page.$eval('#sliders input[type=range]', (input) => {
      const slider = input as unknown as { value: string; max: string; dispatchEvent(event: unknown): boolean };
      slider.value = slider.max;
      slider.dispatchEvent(new Event('input'));
      return Number(slider.value);
    });
    await page.waitForFunction(`window.explorer.traversals === ${traversals + 1}`, undefined, { timeout: 10_000 });
    const gray = await shownGray(page, 'traversal');
    const expected = PNG.sync.read(decodeToPng(reference, [Math.fround(moved), last.code[1]!]));
    assert.deepEqual(gray, Array.from({ length: 28 * 28 }, (_, k) => expected.data[4 * k]!));
    assert.equal(await page.evaluate("document.getElementById('prior-panel').hidden"), true, 'an autoencoder has no prior to sample');
  });

  test('colouring by reconstruction error recolours the points', async () => {
    const before = PNG.sync.read(await page.locator('#map').screenshot());
    await page.selectOption('#colour', 'error');
    await page.waitForFunction("window.explorer.colouredBy === 'error'", undefined, { timeout: 10_000 });
    const after = PNG.sync.read(await page.locator('#map').screenshot());
    let changed = 0;
    for (let i = 0; i < before.data.length; i += 4) if (Math.abs(before.data[i]! - after.data[i]!) + Math.abs(before.data[i + 2]! - after.data[i + 2]!) > 60) changed++;
    assert.ok(changed > 50, `only ${changed} pixels changed colour`);
    await page.selectOption('#colour', 'label');
    await page.waitForFunction("window.explorer.colouredBy === 'label'", undefined, { timeout: 10_000 });
  });

  test('clicking a point shows its nearest neighbours by code and by pixels', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    const [px, py] = (await page.evaluate('window.explorer.screenOf(9)')) as [number, number];
    await page.evaluate('window.explorer.neighbors = null');
    await clickAt(page, box.x + px, box.y + py);
    await page.waitForFunction('window.explorer.neighbors !== null', undefined, { timeout: 10_000 });
    const shown = (await page.evaluate('window.explorer.neighbors')) as { latent: number[]; pixel: number[] };
    const selected = (await page.evaluate('window.explorer.selection')) as number[];
    assert.equal(selected.length, 1);
    const expected = (await (await fetch(`${explorer.url}api/runs/${fixture.runs.flat}/neighbors/${selected[0]}?k=8`)).json()) as { latent: number[]; pixel: number[] };
    assert.deepEqual(shown, expected);
    await page.waitForFunction("document.getElementById('neighbors-pixel').naturalWidth > 28", undefined, { timeout: 10_000 });
  });

  test('the two places clicked give an interpolation strip of the requested length', async () => {
    await page.waitForFunction('window.explorer.strips >= 1', undefined, { timeout: 10_000 });
    assert.equal(await page.evaluate("document.getElementById('strip').naturalWidth"), 28 * 8, 'the default 8 steps');
    const strips = (await page.evaluate('window.explorer.strips')) as number;
    await page.fill('#steps', '5');
    await page.dispatchEvent('#steps', 'change');
    await page.waitForFunction(`window.explorer.strips === ${strips + 1}`, undefined, { timeout: 10_000 });
    assert.equal(await page.evaluate("document.getElementById('strip').naturalWidth"), 28 * 5);
    assert.match((await page.textContent('#strip-info')) ?? '', /^5 steps, linear/);
  });

  test('a lasso selects the points inside it and shows their images and class mix', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    const [left, top, right, bottom] = [150, 150, 450, 450];
    const selections = (await page.evaluate('window.explorer.selections')) as number;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + left, box.y + top);
    await frames(page);
    await page.mouse.down();
    for (const [x, y] of [[right, top], [right, bottom], [left, bottom], [left, top + 1]]) await page.mouse.move(box.x + x!, box.y + y!, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForFunction(`window.explorer.selections > ${selections}`, undefined, { timeout: 10_000 });
    const selected = (await page.evaluate('window.explorer.selection')) as number[];
    const positions = (await page.evaluate(`Array.from({ length: ${testSamples} }, (_, i) => window.explorer.screenOf(i))`)) as [number, number][];
    // Inside by more than 3 px must be selected, outside by more than 3 px must not (the lasso's edge is a smoothed curve).
    const inside = positions.flatMap(([x, y], i) => (x > left + 3 && x < right - 3 && y > top + 3 && y < bottom - 3 ? [i] : []));
    const outside = positions.flatMap(([x, y], i) => (x < left - 3 || x > right + 3 || y < top - 3 || y > bottom + 3 ? [i] : []));
    assert.ok(inside.length > 0, 'the lasso encloses some points');
    for (const i of inside) assert.ok(selected.includes(i), `point ${i} inside the lasso is not selected`);
    for (const i of outside) assert.ok(!selected.includes(i), `point ${i} outside the lasso is selected`);
    assert.match((await page.textContent('#selection-info')) ?? '', new RegExp(`^${selected.length} selected · \\w+ \\d+%`));
    await page.waitForFunction("document.getElementById('selection').naturalWidth > 28", undefined, { timeout: 10_000 });
  });

  test('a second run beside the first: a lasso in either map selects the same samples in both', async () => {
    await page.selectOption('#compare', fixture.runs.deep);
    await page.waitForFunction('window.explorer.comparison.linked()', undefined, { timeout: 20_000 });
    assert.match((await page.textContent('#compare-status')) ?? '', /selections linked/);
    const box = (await page.locator('#map2').boundingBox())!;
    const selections = (await page.evaluate('window.explorer.selections')) as number;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + 100, box.y + 100);
    await frames(page);
    await page.mouse.down();
    for (const [x, y] of [[500, 100], [500, 500], [100, 500], [100, 101]]) await page.mouse.move(box.x + x!, box.y + y!, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForFunction(`window.explorer.selections > ${selections}`, undefined, { timeout: 10_000 });
    const second = (await page.evaluate('window.explorer.comparison.selection()')) as number[];
    assert.ok(second.length > 0, 'the lasso in the second map selected points');
    assert.deepEqual(await page.evaluate('window.explorer.selection'), second, 'the first map selects the same samples');
    // And the other way: a click on a point of the first map selects that sample in the second.
    const first = (await page.locator('#map').boundingBox())!;
    const [px, py] = (await page.evaluate('window.explorer.screenOf(12)')) as [number, number];
    await clickAt(page, first.x + px, first.y + py);
    await page.waitForFunction('window.explorer.comparison.selection().length === 1', undefined, { timeout: 10_000 });
    assert.deepEqual(await page.evaluate('window.explorer.comparison.selection()'), await page.evaluate('window.explorer.selection'));
    await page.selectOption('#compare', '');
  });

  test('after zooming in and panning, a click on a point still decodes the place of that point', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    const before = (await page.evaluate('window.explorer.domains()')) as { x: [number, number] };
    // In steps: the camera listens for wheel events only once the pointer has entered the canvas.
    await page.mouse.move(box.x + box.width + 40, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(`window.explorer.domains().x[1] - window.explorer.domains().x[0] < ${0.9 * (before.x[1] - before.x[0])}`, undefined, { timeout: 5_000 });
    await frames(page);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 30, { steps: 5 });
    await page.mouse.up();
    const map = (await page.evaluate('window.explorer.map')) as { x: number[]; y: number[] };
    // A sample still on the canvas after the zoom.
    const index = (await page.evaluate(`(() => { for (let i = 0; i < ${testSamples}; i++) { const p = window.explorer.screenOf(i); if (p && p[0] > 20 && p[0] < 580 && p[1] > 20 && p[1] < 580) return i; } return -1; })()`)) as number;
    assert.ok(index >= 0, 'a sample in view');
    const [px, py] = (await page.evaluate(`window.explorer.screenOf(${index})`)) as [number, number];
    const decodes = (await page.evaluate('window.explorer.decodes')) as number;
    await clickAt(page, box.x + px, box.y + py);
    await page.waitForFunction(`window.explorer.decodes === ${decodes + 1}`, undefined, { timeout: 10_000 });
    const last = (await page.evaluate('window.explorer.last')) as Decoded;
    const view = (await page.evaluate('window.explorer.domains()')) as { x: [number, number]; y: [number, number] };
    // Within 3 pixels of the sample at the zoomed scale.
    assert.ok(Math.abs(last.x - map.x[index]!) < (3 * (view.x[1] - view.x[0])) / box.width, `x ${last.x} vs ${map.x[index]}`);
    assert.ok(Math.abs(last.y - map.y[index]!) < (3 * (view.y[1] - view.y[0])) / box.height, `y ${last.y} vs ${map.y[index]}`);
  });

  test('a map too slow to draw in full moves from its last full frame, each point where a full draw puts it', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    const settings = await page.evaluate('({ ...window.explorer.motion.settings })');
    // Every map counts as slow, and the camera rests only when the test says so.
    await page.evaluate('Object.assign(window.explorer.motion.settings, { budgetMs: 0, settleMs: 600000, refreshMs: 600000 })');
    await page.evaluate('window.explorer.plot.reset()');
    await frames(page);
    // Each sample's pixel after the move, from the plot's own projection, kept when no other sample
    // lies within 6 pixels (so that a hit is that sample's); then whether the canvas shows a point there.
    const pointsShown = () =>
      page.evaluate(`(() => {
        const places = [];
        for (let i = 0; i < ${testSamples}; i++) places.push(window.explorer.screenOf(i));
        const inside = places.map((p, i) => [p, i]).filter(([p]) => p && p[0] > 4 && p[0] < 596 && p[1] > 4 && p[1] < 596);
        const alone = inside.filter(([p, i]) => inside.every(([q, j]) => j === i || Math.hypot(p[0] - q[0], p[1] - q[1]) > 6));
        const context = document.getElementById('map').getContext('2d');
        const hits = alone.filter(([p]) => context.getImageData(Math.round(p[0]), Math.round(p[1]), 1, 1).data[3] > 0).length;
        return { alone: alone.length, hits };
      })()`) as Promise<{ alone: number; hits: number }>;
    const stats = () => page.evaluate('({ ...window.explorer.motion.stats })') as Promise<{ full: number; moved: number; last: string }>;
    const start = await stats();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    await page.mouse.wheel(0, -150);
    await frames(page);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 37, box.y + box.height / 2 + 23, { steps: 2 });
    await frames(page);
    const moving = await stats();
    const duringMove = await pointsShown();
    await page.mouse.up();
    // At rest: a full draw at the same view.
    await page.evaluate('window.explorer.plot.redraw()');
    await frames(page);
    const atRest = await pointsShown();
    const end = await stats();
    await page.evaluate(`Object.assign(window.explorer.motion.settings, ${JSON.stringify(settings)})`);
    assert.ok(moving.moved > start.moved && moving.last === 'moved', `while moving: ${JSON.stringify({ start, moving })}`);
    assert.ok(end.full > moving.full && end.last === 'full', 'a full draw at rest');
    assert.ok(duringMove.alone >= 5, `only ${duringMove.alone} isolated samples in view`);
    // Each isolated sample is shown where the plot's projection puts it, in the moved frame as in the full one.
    assert.equal(duringMove.hits, duringMove.alone, `moved frame: ${JSON.stringify(duringMove)}`);
    assert.equal(atRest.hits, atRest.alone, `full draw: ${JSON.stringify(atRest)}`);
  });

  test('a label search selects the points of the classes it matches; #index selects one sample', async () => {
    const map = (await page.evaluate('window.explorer.map')) as { labels: number[]; classes: string[] };
    const wanted = map.labels[0]!;
    await page.fill('#search', map.classes[wanted]!);
    await page.dispatchEvent('#search', 'change');
    await page.waitForFunction('window.explorer.found !== null', undefined, { timeout: 10_000 });
    const expected = map.labels.flatMap((label, i) => (label === wanted ? [i] : []));
    assert.deepEqual(await page.evaluate('window.explorer.found'), expected);
    await page.waitForFunction(`window.explorer.selection.length === ${expected.length}`, undefined, { timeout: 10_000 });
    assert.deepEqual(await page.evaluate('window.explorer.selection'), expected, 'the matches are selected');
    assert.match((await page.textContent('#selection-info')) ?? '', new RegExp(`^${expected.length} selected · ${map.classes[wanted]} 100%`));
    await page.fill('#search', '#5');
    await page.dispatchEvent('#search', 'change');
    await page.waitForFunction('window.explorer.found && window.explorer.found.length === 1 && window.explorer.selection.length === 1', undefined, { timeout: 10_000 });
    assert.deepEqual(await page.evaluate('window.explorer.selection'), [5]);
    await page.fill('#search', 'no such class');
    await page.dispatchEvent('#search', 'change');
    await page.waitForFunction('window.explorer.found && window.explorer.found.length === 0', undefined, { timeout: 10_000 });
    assert.match((await page.textContent('#search-info')) ?? '', /no class matches/);
    await page.fill('#search', '');
    await page.dispatchEvent('#search', 'change');
  });

  test('a t-SNE map is computed in a background process with a progress indicator, then drawn', async () => {
    const progress = (await page.evaluate('window.explorer.progress')) as number;
    await page.selectOption('#method', 'tsne');
    // The first answer for a map not yet computed is 202: the page shows the progress and polls.
    await page.waitForFunction(`window.explorer.progress > ${progress}`, undefined, { timeout: 10_000 });
    await page.waitForFunction("window.explorer.ready && window.explorer.map.method === 'tsne'", undefined, { timeout: 60_000 });
    assert.equal(await page.evaluate("document.getElementById('progress').hidden"), true, 'the progress bar is gone');
    assert.match((await page.textContent('#status')) ?? '', /map: tsne · inverse: nearest-codes/);
    await page.selectOption('#method', '');
    await page.waitForFunction("window.explorer.ready && window.explorer.map.method === 'latent'", undefined, { timeout: 20_000 });
  });

  test('a map of the data set\'s pixels: a click decodes the nearest samples\' codes, as the library does', async () => {
    await page.selectOption('#source', 'pixels');
    await page.selectOption('#method', 'pca');
    await page.waitForFunction("window.explorer.ready && window.explorer.map.source === 'pixels' && window.explorer.map.method === 'pca'", undefined, { timeout: 60_000 });
    assert.match((await page.textContent('#status')) ?? '', /map: pca of the pixels · inverse: nearest-codes/);
    const box = (await page.locator('#map').boundingBox())!;
    const decodes = (await page.evaluate('window.explorer.decodes')) as number;
    await clickAt(page, box.x + 200, box.y + 260);
    await page.waitForFunction(`window.explorer.decodes === ${decodes + 1}`, undefined, { timeout: 10_000 });
    const last = (await page.evaluate('window.explorer.last')) as Decoded;
    assert.equal(last.inverse, 'nearest-codes');
    const expected = PNG.sync.read(decodeToPng(reference, last.code));
    assert.deepEqual(await shownGray(page, 'decoded'), Array.from({ length: 28 * 28 }, (_, k) => expected.data[4 * k]!));
    await page.selectOption('#source', 'codes');
    await page.selectOption('#method', '');
    await page.waitForFunction("window.explorer.ready && window.explorer.map.method === 'latent'", undefined, { timeout: 20_000 });
  });

  test('a GAN run: a map of its prior draws, decoded by its generator as the class chosen; samples of its prior', async () => {
    await page.goto(`${explorer.url}?run=${fixture.runs.gan}`, { waitUntil: 'load' });
    await page.waitForFunction('window.explorer && window.explorer.ready', undefined, { timeout: 60_000 });
    assert.match((await page.textContent('#status')) ?? '', new RegExp(`${priorDraws} prior draws \\(a GAN: no encoder\\) · map: pca`));
    assert.equal(await page.evaluate("document.getElementById('prior-panel').hidden"), false);
    assert.equal(await page.evaluate("document.getElementById('class-choice').hidden"), false);
    await page.selectOption('#label', '4');
    const box = (await page.locator('#map').boundingBox())!;
    const decodes = (await page.evaluate('window.explorer.decodes')) as number;
    await clickAt(page, box.x + 300, box.y + 300);
    await page.waitForFunction(`window.explorer.decodes === ${decodes + 1}`, undefined, { timeout: 10_000 });
    const last = (await page.evaluate('window.explorer.last')) as Decoded;
    assert.equal(last.inverse, 'pca-inverse');
    const gan = loadAnyRun(store, fixture.runs.gan);
    try {
      const expected = PNG.sync.read(decodeToPng(gan, last.code, 4));
      assert.deepEqual(await shownGray(page, 'decoded'), Array.from({ length: 28 * 28 }, (_, k) => expected.data[4 * k]!));
    } finally {
      gan.dispose();
    }
    await page.click('#prior-button');
    await page.waitForFunction('window.explorer.priors === 1', undefined, { timeout: 10_000 });
    assert.ok(((await page.evaluate("document.getElementById('prior').naturalWidth")) as number) > 28 * 4, 'a grid of 16 samples');
  });

  test('the dashboard lists the run with its status and draws its curve', async () => {
    await page.goto(`${explorer.url}dashboard`, { waitUntil: 'load' });
    await page.waitForFunction('window.dashboard && window.dashboard.curves >= 1', undefined, { timeout: 20_000 });
    const rows = await page.locator('#runs tbody tr').allTextContents();
    assert.equal(rows.length, 3);
    assert.ok(rows.some((row) => new RegExp(`${fixture.runs.flat}.*mlp-ae.*finished`).test(row)), rows.join('\n'));
    assert.ok(rows.some((row) => new RegExp(`${fixture.runs.deep}.*vae.*finished`).test(row)), rows.join('\n'));
    const curve = (await page.evaluate(`(() => { const image = document.getElementById('curves'); return { width: image.naturalWidth, src: image.src }; })()`)) as { width: number; src: string };
    assert.ok(curve.width > 100, `the curve image is ${curve.width} px wide`);
    assert.match(curve.src, /key=train_loss/);
    assert.equal(await page.evaluate('window.dashboard.studies'), 0);
    assert.match((await page.textContent('#studies')) ?? '', /No studies/);
    const report = await page.getAttribute(`#runs tbody tr:has-text("${fixture.runs.flat}") a:has-text("report")`, 'href');
    assert.equal(report, `/runs/${fixture.runs.flat}/report`);
    // Its "explore" link opens the map of that run.
    await page.click(`#runs tbody tr:has-text("${fixture.runs.flat}") a:has-text("explore")`);
    await page.waitForFunction('window.explorer && window.explorer.ready', undefined, { timeout: 20_000 });
    assert.equal(await page.evaluate('window.explorer.map.run'), fixture.runs.flat);
  });

  test('the dashboard follows a training run live: new curve points and its end show without a reload', async () => {
    // Another process's training, played by a second (writing) handle on the same store.
    const writer = RunStore.open(fixture.storeDir);
    try {
      const live = writer.createRun({ model: 'mlp-ae', dataset: 'mnist', name: 'live', config: { model: 'mlp-ae', latent: 2, dataset: 'mnist' } });
      writer.logMetrics(live.id, [{ key: 'train_loss', step: 1, epoch: 1, value: 0.5 }]);
      await page.goto(`${explorer.url}dashboard`, { waitUntil: 'load' });
      await page.waitForFunction('window.dashboard && window.dashboard.curves >= 1', undefined, { timeout: 20_000 });
      const row = page.locator(`#runs tbody tr:has-text("${live.id}")`);
      assert.match((await row.textContent()) ?? '', /running/);
      assert.match((await page.textContent('#status')) ?? '', /1 training/);
      const { refreshes, curves } = (await page.evaluate('window.dashboard')) as { refreshes: number; curves: number };
      writer.logMetrics(live.id, [{ key: 'train_loss', step: 2, epoch: 2, value: 0.25 }]);
      writer.setStatus(live.id, 'finished');
      await page.waitForFunction(`window.dashboard.refreshes > ${refreshes}`, undefined, { timeout: 15_000 });
      assert.match((await row.textContent()) ?? '', /finished/);
      assert.ok(((await page.evaluate('window.dashboard.curves')) as number) > curves, 'the curve was drawn again');
      assert.doesNotMatch((await page.textContent('#status')) ?? '', /training/);
    } finally {
      writer.close();
    }
  });

  test('the page asked for nothing outside its server and logged no error', () => {
    assert.deepEqual(externalRequests, []);
    assert.deepEqual(consoleErrors, []);
  });
});

/** What the page shows in the <img> with this id: its grey levels (red channel), read back through a canvas. */
async function shownGray(page: { evaluate(script: string): Promise<unknown> }, id: string): Promise<number[]> {
  return (await page.evaluate(`(() => {
    const image = document.getElementById('${id}');
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    return Array.from({ length: data.length / 4 }, (_, i) => data[4 * i]);
  })()`)) as number[];
}
