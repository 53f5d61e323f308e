// The explorer's speed, printed (not a timed test): decode latency of one point over 200 requests
// to a running server with a conv-ae, and the frames per second of the map while it is panned and
// zoomed in headless Chromium (frames counted with requestAnimationFrame).
// Run: node scripts/bench-explorer.mjs [--run <id> --store <dir>] [--requests 200] [--seconds 3] [--points 70000]
//        [--gl swiftshader|egl|gl|vulkan] [--point-size 4] [--scale 1] [--viewport 1100x760] [--fast] [--skip-decode] [--chromium-flag=--some-flag ...]
//        [--css '<rules added to the page>'] [--screenshot docs/explorer.jpg]   (the README's picture: two places clicked, a point hovered)
// --gl picks Chromium's ANGLE back end (swiftshader: software, the default, as no GPU is assumed);
// --scale the device pixel ratio; --point-size the points' size in CSS pixels; --fast opens the page
// with ?fast (regl-scatterplot's performance mode: square points, no alpha blending).
// Without --run it trains a small conv-ae on Fashion-MNIST (1 epoch, 5,000 images; its map holds
// the 10,000 test codes) into a temporary store, which takes a minute or so on 2 cores.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RunStore } from '../dist/src/track/store.js';
import { startExplorer } from '../dist/src/serve/start.js';

const { values } = parseArgs({ options: { run: { type: 'string' }, store: { type: 'string' }, requests: { type: 'string', default: '200' }, seconds: { type: 'string', default: '3' }, points: { type: 'string', default: '70000' }, gl: { type: 'string', default: 'swiftshader' }, 'point-size': { type: 'string', default: '4' }, scale: { type: 'string', default: '1' }, viewport: { type: 'string', default: '1100x760' }, 'skip-decode': { type: 'boolean', default: false }, fast: { type: 'boolean', default: false }, 'chromium-flag': { type: 'string', multiple: true, default: [] }, screenshot: { type: 'string' }, css: { type: 'string' } } });
const requests = Number(values.requests);
const seconds = Number(values.seconds);
const bin = new URL('../bin/latentlab', import.meta.url).pathname;

let storeDir = values.store;
let runId = values.run;
let temporary = null;
if (!runId) {
  temporary = mkdtempSync(join(tmpdir(), 'latentlab-bench-explorer-'));
  storeDir = join(temporary, 'store');
  console.error('training a conv-ae on Fashion-MNIST (1 epoch, 5,000 images) for the benchmark…');
  const train = spawnSync(process.execPath, [bin, 'train', '--model', 'conv-ae', '--dataset', 'fashion-mnist', '--latent', '32', '--epochs', '1', '--train-limit', '5000', '--json', '--store', storeDir], { encoding: 'utf8' });
  if (train.status !== 0) throw new Error(`training failed: ${train.stderr}`);
  runId = JSON.parse(train.stdout).run_id;
}

const store = RunStore.open(storeDir, { mode: 'read' });
const explorer = await startExplorer({ store, runs: [runId], port: 0 });
try {
  const api = (path, body) => fetch(`${explorer.url}api/runs/${runId}/${path}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : undefined);
  let begin = performance.now();
  // 202 while the reduction runs in its background process: poll until the map is ready.
  let reply = await api('map');
  while (reply.status === 202) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    reply = await api('map');
  }
  if (reply.status !== 200) throw new Error(`map answered ${reply.status}: ${await reply.text()}`);
  const map = await reply.json();
  console.log(`map: ${map.x.length} points, ${map.method} of a ${map.latent}-D latent, ${((performance.now() - begin) / 1000).toFixed(2)} s (first load: encoding the test split${map.cached ? '' : ' and reducing it'})`);
  const [x0, x1, y0, y1] = [Math.min(...map.x), Math.max(...map.x), Math.min(...map.y), Math.max(...map.y)];
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  await (await api('decode', { x: 0, y: 0 })).arrayBuffer(); // warm-up
  const times = [];
  for (let i = 0; i < (values['skip-decode'] ? 0 : requests); i++) {
    const body = { x: x0 + random() * (x1 - x0), y: y0 + random() * (y1 - y0) };
    begin = performance.now();
    const reply = await api('decode', body);
    await reply.arrayBuffer();
    if (reply.status !== 200) throw new Error(`decode answered ${reply.status}`);
    times.push(performance.now() - begin);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  if (times.length > 0) console.log(`decode of one point over ${requests} requests: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms (target: p95 < 30 ms)`);

  const { chromium } = await import('playwright-core');
  const gl = values.gl;
  const args = ['--no-sandbox', `--use-angle=${gl}`, '--ignore-gpu-blocklist', ...(gl === 'swiftshader' ? ['--enable-unsafe-swiftshader'] : ['--enable-gpu']), ...values['chromium-flag']];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  try {
    const [width, height] = values.viewport.split('x').map(Number);
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: Number(values.scale), bypassCSP: values.css !== undefined });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${explorer.url}${values.fast ? '?fast' : ''}`);
    await page.waitForFunction('window.explorer && window.explorer.ready', undefined, { timeout: 120_000 });
    if (values.css) await page.addStyleTag({ content: values.css });
    const renderer = await page.evaluate(`(() => { const c = document.createElement('canvas').getContext('webgl'); const d = c && c.getExtension('WEBGL_debug_renderer_info'); return d ? c.getParameter(d.UNMASKED_RENDERER_WEBGL) : 'unknown'; })()`);
    await page.evaluate(`window.explorer.plot.set({ pointSize: ${Number(values['point-size'])} })`);
    console.log(`renderer: ${renderer}; canvas ${await page.evaluate("(() => { const c = document.getElementById('map'); return c.width + 'x' + c.height; })()")} device pixels, point size ${values['point-size']}, device pixel ratio ${values.scale}${values.fast ? ', performance mode' : ''}`);
    renderer_ = renderer;
    const box = await page.locator('#map').boundingBox();
    if (values.screenshot) await screenshot(page, box, values.screenshot);
    await measure(page, box, map.x.length, 'the run\'s map');
    // The same canvas with --points points: the run's points repeated with a small jitter (a test
    // split holds at most 10,000; the yardstick is Fashion-MNIST's 70,000).
    const wanted = Number(values.points);
    if (wanted > map.x.length) {
      await page.evaluate(`(async () => {
        const plot = window.explorer.plot;
        const base = window.explorer.map;
        const [x0, x1] = [Math.min(...base.x), Math.max(...base.x)];
        const [y0, y1] = [Math.min(...base.y), Math.max(...base.y)];
        let seed = 7;
        const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
        const points = Array.from({ length: ${wanted} }, (_, i) => {
          const j = i % base.x.length;
          return [((base.x[j] - x0) / (x1 - x0)) * 1.8 - 0.9 + (random() - 0.5) * 0.02, ((base.y[j] - y0) / (y1 - y0)) * 1.8 - 0.9 + (random() - 0.5) * 0.02, base.labels ? base.labels[j] % 10 : 0, 0];
        });
        await plot.draw(points);
        await plot.reset();
      })()`);
      await measure(page, box, wanted, 'the run\'s points repeated');
    }
  } finally {
    await browser.close();
  }
} finally {
  await explorer.close();
  store.close();
  if (temporary) rmSync(temporary, { recursive: true, force: true });
}

var renderer_ = 'unknown';

/** The page after two clicks (a decoded place, the strip between them) with a point hovered; JPEG by the file's extension. */
async function screenshot(page, box, path) {
  const click = async (x, y) => {
    await page.mouse.move(box.x + x, box.y + y);
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await page.mouse.down();
    await page.mouse.up();
  };
  await click(170, 300);
  await page.waitForFunction('window.explorer.decodes === 1', undefined, { timeout: 30_000 });
  await click(430, 250);
  await page.waitForFunction('window.explorer.decodes === 2 && window.explorer.strips >= 1', undefined, { timeout: 30_000 });
  const [px, py] = await page.evaluate('window.explorer.screenOf(11)');
  await page.mouse.move(box.x + px, box.y + py);
  await page.waitForFunction("document.getElementById('sample').naturalWidth > 0", undefined, { timeout: 30_000 });
  const jpeg = /\.jpe?g$/i.test(path);
  await page.screenshot({ path, ...(jpeg ? { type: 'jpeg', quality: 70 } : {}) });
  await page.mouse.move(box.x + box.width + 20, box.y + 300);
  console.log(`screenshot: ${path}`);
}

/** Frames per second while the map is zoomed and panned for --seconds, counted by one rAF loop. */
async function measure(page, box, count, what) {
  await page.evaluate(`(() => { if (window.frames_ !== undefined) return; window.frames_ = 0; const tick = () => { window.frames_++; requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`);
  const start = await page.evaluate('window.frames_');
  const draws = await page.evaluate('({ ...window.explorer.motion.stats })');
  const begin = performance.now();
  await page.mouse.move(box.x + box.width + 20, box.y + 300);
  await page.mouse.move(box.x + 300, box.y + 300, { steps: 5 });
  // Alternate zooms and pans until the time is up.
  for (let i = 0; performance.now() - begin < seconds * 1000; i++) {
    await page.mouse.wheel(0, i % 2 ? 120 : -120);
    await page.mouse.down();
    await page.mouse.move(box.x + 300 + (i % 2 ? 40 : -40), box.y + 300, { steps: 4 });
    await page.mouse.up();
  }
  const frames = (await page.evaluate('window.frames_')) - start;
  const elapsed = (performance.now() - begin) / 1000;
  const after = await page.evaluate('({ ...window.explorer.motion.stats })');
  console.log(`${count} points (${what}) panned and zoomed with the mouse for ${elapsed.toFixed(1)} s in headless Chromium (${renderer_}): ${(frames / elapsed).toFixed(1)} frames per second (target: ≥ 30); ${after.full - draws.full} full draws of ${after.fullMs.map.toFixed(1)} ms (the last), ${after.moved - draws.moved} frames moved from the last full one`);
  // The same without the mouse's round trips to the browser: the view moves as soon as the map
  // has been drawn at the last one (zoomToLocation resolves on the draw): draws per second.
  const animated = await page.evaluate(`(async () => {
    const plot = window.explorer.plot;
    // Every frame a full draw: what the map costs to draw, not what it costs to move.
    const budget = window.explorer.motion.settings.budgetMs;
    window.explorer.motion.settings.budgetMs = Infinity;
    const context = document.getElementById('map').getContext('2d');
    let draws = 0;
    plot.subscribe('draw', () => draws++);
    let frames = 0;
    const start = performance.now();
    while (performance.now() - start < ${seconds * 1000}) {
      const t = (performance.now() - start) / 1000;
      // Resolves once the map has been drawn at the new view (in the next animation frame).
      await plot.zoomToLocation([0.3 * Math.sin(2 * t), 0.3 * Math.cos(2 * t)], 0.7 + 0.3 * Math.sin(3 * t));
      // Reading a pixel back waits until the frame is really rendered: a draw only queues WebGL
      // commands, and without a frame-rate limit far more are queued than drawn.
      context.getImageData(0, 0, 1, 1);
      frames++;
    }
    const seconds = (performance.now() - start) / 1000;
    await plot.reset();
    window.explorer.motion.settings.budgetMs = budget;
    return { frames, draws, seconds };
  })()`);
  console.log(`${count} points (${what}) panned and zoomed once per frame for ${animated.seconds.toFixed(1)} s, every frame drawn in full: ${(animated.draws / animated.seconds).toFixed(1)} full draws per second`);
}
