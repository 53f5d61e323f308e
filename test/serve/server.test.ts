// The explorer's routes through fastify's inject (real server objects, no socket) on a real store
// with two tiny trained runs: listing, maps, decoding (checked against the library's decode),
// samples, and every refusal: unknown runs, path traversal, foreign Host, oversized and malformed bodies.
// Run: npx tsc -p . && node --test dist/test/serve/server.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { FastifyInstance } from 'fastify';
import { RunStore } from '../../src/track/store.js';
import { loadAnyRun, loadRun, type LoadedRun } from '../../src/runs/load.js';
import { createExplorerServer, hostnameOf, type ExplorerServer } from '../../src/serve/server.js';
import { decodeToPng } from '../../src/serve/views.js';
import { hasCodes, priorDraws, runCodes, startEncoding, type Reduced, type ReductionInput } from '../../src/serve/maps.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { loadExplorerAssets, type ExplorerAssets } from '../../src/serve/assets.js';
import { PCA } from '../../src/reduce/pca.js';
import { tensor } from '../../src/tensor/creation.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { imageGrid } from '../../src/report/image-grid.js';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { tidy } from '../../src/tensor/scope.js';
import { explorerFixture, testSamples, type ExplorerFixture } from './fixture.js';

interface MapBody { run: string; method: string; source: string; kind: string; inverse: string; latent: number; cached: boolean; x: number[]; y: number[]; labels: number[] | null; classes: string[] | null }

const pixels = (png: Buffer) => [...PNG.sync.read(png).data];

describe('explorer routes', () => {
  let fixture: ExplorerFixture;
  let store: RunStore;
  let assets: ExplorerAssets;
  let server: ExplorerServer;
  let app: FastifyInstance;
  let cacheDir: string;
  // The library side of the checks, loaded independently of the server.
  const reference: Record<string, LoadedRun> = {};
  let tensorsBefore = 0;

  before(async () => {
    fixture = await explorerFixture();
    store = RunStore.open(fixture.storeDir, { mode: 'read' });
    assets = await loadExplorerAssets();
    cacheDir = join(fixture.dir, 'cache');
    reference.flat = loadRun(store, fixture.runs.flat);
    reference.deep = loadRun(store, fixture.runs.deep);
    tensorsBefore = liveTensorCount();
    server = createExplorerServer({ store, assets, cacheDir });
    app = server.app;
  });

  after(async () => {
    Object.values(reference).forEach((run) => run.dispose());
    await app?.close();
    store?.close();
    fixture?.cleanup();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
  const decode = (id: string, body: unknown) => app.inject({ method: 'POST', url: `/api/runs/${id}/decode`, payload: body as object });
  /** A map that may be computing: the first answer is 202 with its progress, then 200 once the background reduction is done. */
  const whenReady = async (url: string) => {
    const first = await get(url);
    let reply = first;
    // The codes are encoded first (202), then the reduction runs (202 again): wait for both.
    for (let asks = 0; reply.statusCode === 202 && asks < 3; asks++) {
      await server.settled();
      reply = await get(url);
    }
    return { first, reply };
  };

  test('GET / serves the page and /assets/app.js the bundled script, with a same-origin CSP', async () => {
    const page = await get('/');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /<canvas id="map"/);
    assert.match(page.headers['content-security-policy'] as string, /default-src 'self'/);
    const script = await get('/assets/app.js');
    assert.equal(script.statusCode, 200);
    assert.match(script.headers['content-type'] as string, /javascript/);
    assert.ok(script.body.length > 10_000, 'the bundle carries regl-scatterplot');
    assert.doesNotMatch(script.body, /https?:\/\/(cdn|unpkg|cdnjs)/, 'no CDN');
  });

  test('GET /api/runs lists both runs with their latent size', async () => {
    const reply = await get('/api/runs');
    assert.equal(reply.statusCode, 200);
    const { runs } = reply.json() as { runs: { id: string; latent: number; model: string; name: string }[] };
    assert.deepEqual(runs.map((run) => run.id).sort(), [fixture.runs.flat, fixture.runs.deep, fixture.runs.gan].sort());
    assert.equal(runs.find((run) => run.id === fixture.runs.flat)!.latent, 2);
    assert.equal(runs.find((run) => run.id === fixture.runs.deep)!.model, 'vae');
  });

  test('a 2-D run maps its codes as they are, with labels and class names; they are encoded off the request first (202 with a count)', async () => {
    const { first, reply } = await whenReady(`/api/runs/${fixture.runs.flat}/map`);
    assert.equal(first.statusCode, 202);
    const progress = first.json() as { title: string; total: number; done: number };
    assert.deepEqual([progress.title, progress.total], [`encoding the ${testSamples} test images`, testSamples]);
    assert.equal(reply.statusCode, 200);
    const map = reply.json() as MapBody;
    assert.equal(map.method, 'latent');
    assert.equal(map.inverse, 'exact');
    assert.equal(map.x.length, testSamples);
    assert.equal(map.labels!.length, testSamples);
    assert.equal(map.classes!.length, 10);
    const codes = noGrad(() => reference.flat!.model.encode(reference.flat!.test.inputs));
    const flat = [...(codes.toTypedArray() as Float32Array)];
    codes.dispose();
    assert.deepEqual(map.x, flat.filter((_, i) => i % 2 === 0));
    assert.deepEqual(map.y, flat.filter((_, i) => i % 2 === 1));
  });

  test('a place of a 2-D map decodes to exactly the image the library decodes for that code', async () => {
    const images: Buffer[] = [];
    for (const [x, y] of [[0.25, -0.5], [-1.5, 2]] as const) {
      const reply = await decode(fixture.runs.flat, { x, y });
      assert.equal(reply.statusCode, 200);
      assert.equal(reply.headers['content-type'], 'image/png');
      assert.equal(reply.headers['x-latentlab-inverse'], 'exact');
      assert.deepEqual(JSON.parse(reply.headers['x-latentlab-code'] as string), [x, y]);
      const expected = noGrad(() => tidy(() => imageGrid(reference.flat!.model.decode(tensor(Float32Array.from([x, y]), { shape: [1, 2] })), { padding: 0 }).png));
      assert.deepEqual(pixels(reply.rawPayload), pixels(expected));
      const { width, height } = PNG.sync.read(reply.rawPayload);
      assert.deepEqual([width, height], [28, 28]);
      images.push(reply.rawPayload);
    }
    assert.notDeepEqual(pixels(images[0]!), pixels(images[1]!), 'two places, two images');
  });

  test('a 3-D run defaults to PCA, computed in the background (202 with its progress, then the map); a place decodes through the PCA inverse, and the map is cached', async () => {
    assert.equal((await get(`/api/runs/${fixture.runs.deep}/map`)).statusCode, 202, 'the codes first');
    await server.encoded();
    const { first, reply } = await whenReady(`/api/runs/${fixture.runs.deep}/map`);
    assert.equal(first.statusCode, 202, 'the reduction runs off the request path');
    const progress = first.json() as { state: string; title: string; waitedMs: number };
    assert.match(progress.state, /^(queued|running)$/);
    assert.equal(progress.title, `PCA of ${testSamples} codes (3-D)`);
    assert.equal(reply.statusCode, 200, reply.body);
    const map = reply.json() as MapBody;
    assert.equal(map.method, 'pca');
    assert.equal(map.inverse, 'pca-inverse');
    assert.equal((map as MapBody & { conditional: boolean }).conditional, true, 'the page offers the class to decode as');
    assert.equal(map.cached, false);
    assert.ok(existsSync(join(cacheDir, `${fixture.runs.deep}.pca.json`)), `cache in ${cacheDir}: ${existsSync(cacheDir) ? readdirSync(cacheDir) : 'none'}`);
    const result = await decode(fixture.runs.deep, { x: 0.3, y: -0.2, label: 7 });
    assert.equal(result.statusCode, 200);
    assert.equal(result.headers['x-latentlab-inverse'], 'pca-inverse');
    const code = JSON.parse(result.headers['x-latentlab-code'] as string) as number[];
    // The library's PCA of the same codes, inverted: float32 codes, float64 fit → 1e-5 covers rounding.
    const codes = noGrad(() => reference.deep!.model.encode(reference.deep!.test.inputs, reference.deep!.test.targets));
    const pca = new PCA({ nComponents: 2 });
    pca.fit(codes);
    const expected = tidy(() => [...(pca.inverseTransform(tensor([[0.3, -0.2]])).toTypedArray() as Float64Array)]);
    codes.dispose();
    pca.dispose();
    code.forEach((value, j) => assert.ok(Math.abs(value - expected[j]!) < 1e-5, `component ${j}: ${value} vs ${expected[j]}`));
    assert.deepEqual(pixels(result.rawPayload), pixels(decodeToPng(reference.deep!, code, 7)));
    assert.notDeepEqual(pixels(result.rawPayload), pixels(decodeToPng(reference.deep!, code, 1)), 'the label conditions the image');
    // A second server on the same cache reads the map back.
    const other = createExplorerServer({ store, assets, cacheDir });
    assert.equal((await other.app.inject({ method: 'GET', url: `/api/runs/${fixture.runs.deep}/map` })).statusCode, 202, 'its own codes first');
    await other.encoded();
    const again = (await other.app.inject({ method: 'GET', url: `/api/runs/${fixture.runs.deep}/map` })).json() as MapBody;
    await other.app.close();
    assert.equal(again.cached, true);
    assert.deepEqual(again.x, map.x);
  });

  test('a t-SNE map decodes a sample place to its own code and a place between samples from the nearest codes', async () => {
    const map = (await whenReady(`/api/runs/${fixture.runs.deep}/map?method=tsne`)).reply.json() as MapBody;
    assert.equal(map.inverse, 'nearest-codes');
    const own = await decode(fixture.runs.deep, { x: map.x[3], y: map.y[3], method: 'tsne' });
    assert.equal(own.headers['x-latentlab-nearest-distance'], '0');
    const codes = noGrad(() => reference.deep!.model.encode(reference.deep!.test.inputs, reference.deep!.test.targets));
    const third = [...(codes.toTypedArray() as Float32Array)].slice(9, 12);
    codes.dispose();
    assert.deepEqual(JSON.parse(own.headers['x-latentlab-code'] as string), third);
    const between = await decode(fixture.runs.deep, { x: (map.x[3]! + map.x[4]!) / 2, y: (map.y[3]! + map.y[4]!) / 2, method: 'tsne' });
    assert.equal(between.statusCode, 200);
    assert.ok(Number(between.headers['x-latentlab-nearest-distance']) > 0);
  });

  test('a sample and its reconstruction come side by side; a sample past the split is 404', async () => {
    const reply = await get(`/api/runs/${fixture.runs.flat}/samples/5`);
    assert.equal(reply.statusCode, 200);
    const { width, height } = PNG.sync.read(reply.rawPayload);
    assert.deepEqual([width, height], [56, 28]);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/samples/${testSamples}`)).statusCode, 404);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/samples/-1`)).statusCode, 400);
  });

  test('an interpolation strip has the requested length, and its ends are the decodes of the two places', async () => {
    for (const [steps, path] of [[5, 'linear'], [7, 'slerp']] as const) {
      const reply = await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.flat}/interpolate`, payload: { from: [0.5, -0.25], to: [-1, 1], steps, path } });
      assert.equal(reply.statusCode, 200, reply.body);
      const strip = PNG.sync.read(reply.rawPayload);
      assert.deepEqual([strip.width, strip.height], [28 * steps, 28]);
      const codes = JSON.parse(reply.headers['x-latentlab-codes'] as string) as number[][];
      assert.equal(codes.length, steps);
      // Linear ends are exact; slerp's pass through a norm and a direction (float32 rounding).
      const close = (code: number[], expected: number[]) => code.forEach((value, j) => assert.ok(Math.abs(value - expected[j]!) < 1e-6, `${path}: ${code} vs ${expected}`));
      close(codes[0]!, [0.5, -0.25]);
      close(codes[steps - 1]!, [-1, 1]);
      // The strip's first and last 28 columns are the single decodes of the end codes.
      const first = PNG.sync.read(decodeToPng(reference.flat!, codes[0]!));
      const last = PNG.sync.read(decodeToPng(reference.flat!, codes[steps - 1]!));
      for (let row = 0; row < 28; row++) {
        for (let column = 0; column < 28; column++) {
          assert.equal(strip.data[4 * (row * strip.width + column)], first.data[4 * (row * 28 + column)]);
          assert.equal(strip.data[4 * (row * strip.width + (steps - 1) * 28 + column)], last.data[4 * (row * 28 + column)]);
        }
      }
    }
    for (const body of [{ from: [0, 0], to: [1, 1], steps: 1 }, { from: [0, 0], to: [1, 1], steps: 33 }, { from: [0], to: [1, 1] }, { from: [0, 0], to: [1, 1], path: 'cubic' }]) {
      const reply = await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.flat}/interpolate`, payload: body });
      assert.equal(reply.statusCode, 400, JSON.stringify(body));
    }
  });

  test('the images of a selection come as one grid; a bad selection is refused', async () => {
    const reply = await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.flat}/samples`, payload: { indices: [0, 3, 5, 9] } });
    assert.equal(reply.statusCode, 200);
    const grid = PNG.sync.read(reply.rawPayload);
    assert.deepEqual([grid.width, grid.height], [2 * 28 + 3, 2 * 28 + 3]);
    assert.equal((await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.flat}/samples`, payload: { indices: [testSamples] } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.flat}/samples`, payload: { indices: [] } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.flat}/samples`, payload: { indices: Array.from({ length: 65 }, (_, i) => i % testSamples) } })).statusCode, 400);
  });

  test('the dashboard routes: a run with its settings and last metrics; the curves of two runs as one SVG', async () => {
    const detail = (await get(`/api/runs/${fixture.runs.deep}`)).json() as { id: string; config: Record<string, unknown>; metrics: Record<string, number>; metricKeys: string[] };
    assert.equal(detail.id, fixture.runs.deep);
    assert.equal(detail.config.conditional, true);
    assert.ok(detail.metricKeys.includes('train_loss'), detail.metricKeys.join());
    assert.ok(Number.isFinite(detail.metrics.test_loss));
    const chart = await get(`/api/curves?runs=${fixture.runs.flat},${fixture.runs.deep}&key=train_loss`);
    assert.equal(chart.statusCode, 200, chart.body);
    assert.match(chart.headers['content-type'] as string, /image\/svg\+xml/);
    assert.match(chart.body, /^<svg/);
    assert.ok(chart.body.includes('flat') && chart.body.includes('deep'), 'both runs in the legend');
    assert.equal((await get(`/api/curves?runs=${fixture.runs.flat}&key=no_such_metric`)).statusCode, 404);
    // A key is a database value, never a path: a traversal-looking one is simply not recorded.
    assert.equal((await get(`/api/curves?runs=${fixture.runs.flat}&key=..%2F..%2Fetc`)).statusCode, 404);
    assert.equal((await get(`/api/curves?runs=${fixture.runs.flat}&key=a%20b%3B`)).statusCode, 400);
    assert.equal((await get(`/api/curves?runs=nope&key=train_loss`)).statusCode, 404);
    assert.equal((await get('/api/curves?key=train_loss')).statusCode, 400);
    assert.equal((await get('/dashboard')).statusCode, 200);
  });

  test('a code given in full decodes as the library does; the map carries the codes\' mean and spread', async () => {
    const map = (await get(`/api/runs/${fixture.runs.deep}/map`)).json() as MapBody & { codeMean: number[]; codeStd: number[]; generative: boolean };
    assert.equal(map.codeMean.length, 3);
    assert.ok(map.codeStd.every((value) => value > 0));
    assert.equal(map.generative, true);
    const code = [0.25, -1, 2];
    const reply = await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.deep}/decode-code`, payload: { code, label: 3 } });
    assert.equal(reply.statusCode, 200, reply.body);
    assert.deepEqual(pixels(reply.rawPayload), pixels(decodeToPng(reference.deep!, code, 3)));
    assert.equal((await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.deep}/decode-code`, payload: { code: [1, 2] } })).statusCode, 400, 'a code of the wrong length');
  });

  test('a VAE samples its prior from a seed (the same seed, the same grid); an autoencoder has no prior', async () => {
    const sample = (seed: number) => app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.deep}/prior`, payload: { count: 9, seed, label: 2 } });
    const [a, b, c] = [await sample(1), await sample(1), await sample(2)];
    assert.equal(a.statusCode, 200, a.body);
    const grid = PNG.sync.read(a.rawPayload);
    assert.deepEqual([grid.width, grid.height], [3 * 28 + 4, 3 * 28 + 4]);
    assert.deepEqual(pixels(a.rawPayload), pixels(b.rawPayload));
    assert.notDeepEqual(pixels(a.rawPayload), pixels(c.rawPayload));
    const none = await app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.flat}/prior`, payload: {} });
    assert.equal(none.statusCode, 422);
    assert.match((none.json() as { message: string }).message, /no prior/);
  });

  test('the neighbours of a sample by code and by pixels are the nearest others', async () => {
    const reply = await get(`/api/runs/${fixture.runs.flat}/neighbors/4?k=5`);
    assert.equal(reply.statusCode, 200, reply.body);
    const { latent, pixel } = reply.json() as { latent: number[]; pixel: number[] };
    assert.equal(latent.length, 5);
    assert.equal(pixel.length, 5);
    assert.ok(!latent.includes(4) && !pixel.includes(4), 'the sample itself is left out');
    // Brute force over the codes and the pixels.
    const map = (await get(`/api/runs/${fixture.runs.flat}/map`)).json() as MapBody;
    const byCode = map.x.map((x, i) => ({ i, d: (x - map.x[4]!) ** 2 + (map.y[i]! - map.y[4]!) ** 2 })).filter(({ i }) => i !== 4).sort((p, q) => p.d - q.d).slice(0, 5).map(({ i }) => i);
    assert.deepEqual(latent, byCode);
    const rows = tidy(() => {
      const images = reference.flat!.test.inputs.flatten(1);
      return Array.from({ length: testSamples }, (_, i) => [...(images.select(0, i).toTypedArray() as Float32Array)]);
    });
    const byPixel = rows.map((row, i) => ({ i, d: row.reduce((sum, v, j) => sum + (v - rows[4]![j]!) ** 2, 0) })).filter(({ i }) => i !== 4).sort((p, q) => p.d - q.d).slice(0, 5).map(({ i }) => i);
    assert.deepEqual(pixel, byPixel);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/neighbors/4?k=17`)).statusCode, 400);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/neighbors/${testSamples}`)).statusCode, 404);
  });

  test('values to colour by: reconstruction errors and a latent coordinate per sample', async () => {
    const errors = (await get(`/api/runs/${fixture.runs.flat}/values?by=error`)).json() as { values: number[] };
    assert.equal(errors.values.length, testSamples);
    // Sample 0's error, recomputed.
    const expected = tidy(() => {
      const x = reference.flat!.test.inputs.narrow(0, 0, 1);
      return noGrad(() => reference.flat!.model.reconstruct(x).sub(x).pow(2).mean().item());
    });
    assert.ok(Math.abs(errors.values[0]! - expected) < 1e-6, `${errors.values[0]} vs ${expected}`);
    const dimension = (await get(`/api/runs/${fixture.runs.flat}/values?by=dimension&dimension=1`)).json() as { values: number[] };
    const map = (await get(`/api/runs/${fixture.runs.flat}/map`)).json() as MapBody;
    assert.deepEqual(dimension.values, map.y);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/values?by=dimension&dimension=2`)).statusCode, 400);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/values?by=loss`)).statusCode, 400);
  });

  test('a map of the data set itself: PCA of the test pixels, shared by runs of the same split; its places decode through the nearest codes', async () => {
    const { first, reply } = await whenReady(`/api/runs/${fixture.runs.flat}/map?method=pca&source=pixels`);
    assert.equal(first.statusCode, 202);
    assert.equal((first.json() as { title: string }).title, `PCA of ${testSamples} images (784 pixels)`);
    assert.equal(reply.statusCode, 200, reply.body);
    const map = reply.json() as MapBody;
    assert.equal(map.source, 'pixels');
    assert.equal(map.inverse, 'nearest-codes');
    // The library's PCA of the same pixels.
    const pca = new PCA({ nComponents: 2, seed: 0 });
    const expected = tidy(() => [...(pca.fitTransform(reference.flat!.test.inputs.flatten(1)).toTypedArray() as Float32Array)]);
    pca.dispose();
    map.x.forEach((x, i) => assert.ok(Math.abs(x - expected[2 * i]!) < 1e-3 && Math.abs(map.y[i]! - expected[2 * i + 1]!) < 1e-3, `point ${i}: (${x}, ${map.y[i]}) vs (${expected[2 * i]}, ${expected[2 * i + 1]})`));
    assert.ok(readdirSync(cacheDir).some((name) => /^data-[0-9a-f]{16}\.pca\.json$/.test(name)), readdirSync(cacheDir).join());
    // Another run of the same test split reads the same map from the cache at once.
    const shared = await get(`/api/runs/${fixture.runs.deep}/map?method=pca&source=pixels`);
    assert.equal(shared.statusCode, 200);
    assert.equal((shared.json() as MapBody).cached, true);
    assert.deepEqual((shared.json() as MapBody).x, map.x);
    // A place on sample 5 of the pixel map decodes the run's own code of sample 5.
    const codes = (await get(`/api/runs/${fixture.runs.flat}/map`)).json() as MapBody;
    const own = await decode(fixture.runs.flat, { x: map.x[5], y: map.y[5], method: 'pca', source: 'pixels' });
    assert.equal(own.statusCode, 200, own.body);
    assert.deepEqual(JSON.parse(own.headers['x-latentlab-code'] as string), [codes.x[5], codes.y[5]]);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/map?method=latent&source=pixels`)).statusCode, 400);
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/map?source=images`)).statusCode, 400);
  });

  test('while a map computes the server answers other requests; a decode on it is 409; one job at a time; a failure is reported once, then retried', async () => {
    const calls: ReductionInput[] = [];
    let settle: { resolve(reduced: Reduced): void; reject(error: Error): void } | null = null;
    const runner = (input: ReductionInput) => {
      calls.push(input);
      return new Promise<Reduced>((resolve, reject) => (settle = { resolve, reject }));
    };
    const own = createExplorerServer({ store, assets, cacheDir: null, reductionRunner: runner });
    const ask = (url: string) => own.app.inject({ method: 'GET', url });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    try {
      const umap = `/api/runs/${fixture.runs.deep}/map?method=umap`;
      assert.equal((await ask(umap)).statusCode, 202, 'the codes first');
      assert.equal((await ask(`/api/runs/${fixture.runs.flat}/map`)).statusCode, 202);
      await own.encoded();
      assert.equal(calls.length, 0, 'no reduction before the codes');
      const asked = await ask(umap);
      assert.equal(asked.statusCode, 202);
      assert.equal((asked.json() as { state: string }).state, 'running');
      assert.deepEqual([calls.length, calls[0]!.method, calls[0]!.n, calls[0]!.d], [1, 'umap', testSamples, 3]);
      assert.equal((await ask('/api/runs')).statusCode, 200, 'not blocked');
      assert.equal((await ask(`/api/runs/${fixture.runs.flat}/map`)).statusCode, 200, 'a 2-D map needs no job');
      assert.equal((await ask(umap)).statusCode, 202);
      assert.equal(calls.length, 1, 'asking again starts no second job');
      const isomap = `/api/runs/${fixture.runs.deep}/map?method=isomap`;
      const queued = (await ask(isomap)).json() as { state: string; ahead: number };
      assert.deepEqual([queued.state, queued.ahead, calls.length], ['queued', 1, 1]);
      const pending = await own.app.inject({ method: 'POST', url: `/api/runs/${fixture.runs.deep}/decode`, payload: { x: 0, y: 0, method: 'umap' } });
      assert.equal(pending.statusCode, 409);
      assert.match((pending.json() as { message: string }).message, /still computing/);
      settle!.reject(new Error('ran out of neighbours'));
      await turn();
      assert.equal(calls.length, 2, 'the queued job started');
      const failed = await ask(umap);
      assert.equal(failed.statusCode, 422);
      assert.match((failed.json() as { message: string }).message, /UMAP of 40 codes \(3-D\) failed: ran out of neighbours/);
      assert.equal((await ask(umap)).statusCode, 202, 'asked again: retried');
      const x = Array.from({ length: testSamples }, (_, i) => i);
      settle!.resolve({ x, y: x.map((v) => -v) });
      await turn();
      const done = await ask(isomap);
      assert.equal(done.statusCode, 200);
      assert.deepEqual((done.json() as MapBody).x, x);
      assert.equal((done.json() as MapBody).inverse, 'nearest-codes');
    } finally {
      await own.app.close();
    }
  });

  test('a GAN (no encoder): its map is of seeded prior draws, a place decodes through its generator, its prior samples by class', async () => {
    const gan = fixture.runs.gan;
    const { reply } = await whenReady(`/api/runs/${gan}/map`);
    assert.equal(reply.statusCode, 200, reply.body);
    const map = reply.json() as MapBody & { conditional: boolean; generative: boolean };
    assert.deepEqual([map.kind, map.method, map.latent, map.x.length, map.conditional, map.generative], ['prior', 'pca', 4, priorDraws, true, true]);
    assert.deepEqual(map.labels!.slice(0, 12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const reference = loadAnyRun(store, gan);
    try {
      const generator = reference.model as unknown as { forward(z: Tensor, labels?: Tensor): Tensor };
      const result = await decode(gan, { x: 0.1, y: -0.2, label: 3 });
      assert.equal(result.statusCode, 200, result.body);
      assert.equal(result.headers['x-latentlab-inverse'], 'pca-inverse');
      const code = JSON.parse(result.headers['x-latentlab-code'] as string) as number[];
      const expected = noGrad(() => tidy(() => imageGrid(generator.forward(tensor(Float32Array.from(code), { shape: [1, 4] }), tensor([3], { dtype: 'int64' })).add(1).mul(0.5), { padding: 0 }).png));
      assert.deepEqual(pixels(result.rawPayload), pixels(expected), 'the generator, in [0, 1] as sample() gives');
      const hovered = await get(`/api/runs/${gan}/samples/7`);
      assert.equal(hovered.statusCode, 200);
      assert.deepEqual([PNG.sync.read(hovered.rawPayload).width, PNG.sync.read(hovered.rawPayload).height], [28, 28], 'a draw has no reconstruction beside it');
    } finally {
      reference.dispose();
    }
    const prior = await app.inject({ method: 'POST', url: `/api/runs/${gan}/prior`, payload: { count: 4, seed: 1, label: 2 } });
    assert.equal(prior.statusCode, 200, prior.body);
    assert.equal((await app.inject({ method: 'POST', url: `/api/runs/${gan}/prior`, payload: { count: 4, label: 10 } })).statusCode, 400);
    const neighbours = (await get(`/api/runs/${gan}/neighbors/3`)).json() as { latent: number[]; pixel: number[] | null };
    assert.equal(neighbours.latent.length, 8);
    assert.equal(neighbours.pixel, null);
    assert.equal((await get(`/api/runs/${gan}/map?source=pixels&method=pca`)).statusCode, 400);
    assert.equal((await get(`/api/runs/${gan}/values?by=error`)).statusCode, 422);
    assert.equal((await get(`/api/runs/${gan}/values?by=dimension&dimension=3`)).statusCode, 200);
  });

  // Every route that names a run, with a valid query or body: the security tests run through all of them.
  const runGets = (id: string) => [`/runs/${id}/report`, `/studies/${id}/report`, `/api/runs/${id}`, `/api/runs/${id}/map`, `/api/runs/${id}/map?method=tsne&source=pixels`, `/api/runs/${id}/samples/0`, `/api/runs/${id}/neighbors/0`, `/api/runs/${id}/values?by=error`, `/api/curves?runs=${id}&key=train_loss`];
  const runPosts = (id: string): [string, object][] => [
    [`/api/runs/${id}/decode`, { x: 0, y: 0 }],
    [`/api/runs/${id}/decode-code`, { code: [0, 0] }],
    [`/api/runs/${id}/interpolate`, { from: [0, 0], to: [1, 1] }],
    [`/api/runs/${id}/prior`, {}],
    [`/api/runs/${id}/samples`, { indices: [0] }],
  ];

  test('a run\'s report is built on demand; the studies of the store are listed with their runs, and a study report written into the store is served', async () => {
    const report = await get(`/runs/${fixture.runs.flat}/report`);
    assert.equal(report.statusCode, 200, report.body.slice(0, 200));
    assert.match(report.headers['content-type'] as string, /text\/html/);
    assert.match(report.headers['content-security-policy'] as string, /default-src 'none'/);
    assert.ok(report.body.includes(fixture.runs.flat));
    const { studies } = (await get('/api/studies')).json() as { studies: { id: string; report: boolean; columns: string[]; rows: unknown[][] }[] };
    assert.deepEqual(studies, [], 'the fixture has no study');
    // A study's runs and report, as `study run` leaves them.
    const writer = RunStore.open(fixture.storeDir);
    try {
      const run = writer.createRun({ model: 'mlp-ae', dataset: 'mnist', name: 'latent-2', studyId: 'latent-sweep:smoke', config: { model: 'mlp-ae', latent: 2, dataset: 'mnist' } });
      writer.setStatus(run.id, 'finished');
      const listed = ((await get('/api/studies')).json() as { studies: { id: string; report: boolean; rows: unknown[][] }[] }).studies;
      assert.deepEqual(listed.map((study) => [study.id, study.report, study.rows.length]), [['latent-sweep:smoke', false, 1]]);
      assert.deepEqual(listed[0]!.rows[0]!.slice(0, 4), [run.id, 'latent-2', 'mlp-ae', 'finished']);
      assert.equal((await get('/studies/latent-sweep:smoke/report')).statusCode, 404, 'no report written yet');
      const dir = join(fixture.storeDir, 'studies', 'latent-sweep-smoke');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>latent sweep</title><table><tr><td>0.5</td></tr></table>');
      assert.equal(((await get('/api/studies')).json() as { studies: { report: boolean }[] }).studies[0]!.report, true);
      const page = await get('/studies/latent-sweep:smoke/report');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /latent sweep/);
      for (const name of ['..', '..%2Fstudies%2Flatent-sweep-smoke', 'latent-sweep-smoke', '%2Fetc', 'nope:smoke']) assert.equal((await get(`/studies/${name}/report`)).statusCode, 404, name);
      writer.deleteRun(run.id);
    } finally {
      writer.close();
    }
  });

  test('a run\'s codes are encoded in steps that yield to the server, with their count, and equal one pass of the encoder', async () => {
    const loaded = loadRun(store, fixture.runs.deep);
    try {
      const encoding = startEncoding(loaded, 16);
      assert.deepEqual([encoding.done, encoding.total, hasCodes(loaded)], [16, testSamples, false], 'one step done, the next after the event loop has turned');
      const codes = await encoding.promise;
      assert.equal(encoding.done, testSamples);
      assert.ok(hasCodes(loaded));
      const once = noGrad(() => loaded.model.encode(loaded.test.inputs, loaded.test.targets));
      const expected = [...(once.toTypedArray() as Float32Array)];
      once.dispose();
      expected.forEach((value, i) => assert.ok(Math.abs(value - codes.codes[i]!) < 1e-6, `code value ${i}: ${codes.codes[i]} vs ${value}`));
      assert.equal(runCodes(loaded), codes, 'runCodes answers from them');
    } finally {
      loaded.dispose();
    }
  });

  test('an unknown run is 404 on every route', async () => {
    for (const url of runGets('20990101-000000-zzzz')) {
      const reply = await get(url);
      assert.equal(reply.statusCode, 404, `${url}: ${reply.body}`);
      assert.match((reply.json() as { message: string }).message, /no (run|study)/);
    }
    for (const [url, payload] of runPosts('20990101-000000-zzzz')) {
      const reply = await app.inject({ method: 'POST', url, payload });
      assert.equal(reply.statusCode, 404, `${url}: ${reply.body}`);
      assert.match((reply.json() as { message: string }).message, /no run/);
    }
  });

  test('path traversal in any name is 404 and reads nothing outside the store', async () => {
    const names = ['..', '../..', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%2Fetc%2Fpasswd', '..%5C..%5Cwindows', '%252e%252e%252f', 'runs.db', '..%00', '%2Ftmp', 'explorer-cache'];
    const cacheFiles = existsSync(cacheDir) ? readdirSync(cacheDir) : [];
    for (const name of names) {
      for (const url of [...runGets(name), `/assets/${name}`, `/assets/..%2Fpackage.json`, `/assets/%2Fetc%2Fpasswd`, `/${name}`, `/assets/${name}/app.js`]) {
        // A literal /assets/.. is resolved by the client (browser, inject) to / before it is sent.
        if (new URL(url, 'http://localhost').pathname !== url.split('?')[0]) continue;
        const reply = await get(url);
        assert.equal(reply.statusCode, 404, `${url}: ${reply.statusCode} ${reply.body}`);
        assert.doesNotMatch(reply.body, /root:|"name": "latentlab"|SQLite/, url);
      }
      for (const [url, payload] of runPosts(name)) {
        if (new URL(url, 'http://localhost').pathname !== url) continue;
        const reply = await app.inject({ method: 'POST', url, payload });
        assert.equal(reply.statusCode, 404, `${url}: ${reply.statusCode} ${reply.body}`);
      }
    }
    // Nothing was computed or written for a name that is no run.
    assert.deepEqual(existsSync(cacheDir) ? readdirSync(cacheDir) : [], cacheFiles);
  });

  test('a foreign Host header is 403; localhost, 127.0.0.1 and [::1] with any port pass', async () => {
    for (const host of ['evil.example', 'evil.example:7860', 'localhost.evil.example', '127.0.0.1.nip.io:7860', '[::2]:7860', '0.0.0.0:7860']) {
      const reply = await get('/api/runs', { host });
      assert.equal(reply.statusCode, 403, `host ${JSON.stringify(host)}`);
    }
    for (const host of ['localhost:7860', '127.0.0.1:7860', '[::1]:7860', 'LOCALHOST']) assert.equal((await get('/api/runs', { host })).statusCode, 200, host);
    assert.equal(hostnameOf('[::1]:80'), '::1');
    assert.equal(hostnameOf('Example.COM:1'), 'example.com');
  });

  test('a 10 MB body is 413, malformed JSON 400, a body that breaks the schema 400', async () => {
    for (const [url] of runPosts(fixture.runs.flat)) {
      const huge = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: `{"x":0,"y":0,"pad":"${'a'.repeat(10 * 1024 * 1024)}"}` });
      assert.equal(huge.statusCode, 413, url);
      const malformed = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"x": 0, "y":' });
      assert.equal(malformed.statusCode, 400, url);
      const extra = await app.inject({ method: 'POST', url, payload: { unknown: 1 } });
      assert.equal(extra.statusCode, 400, `${url}: an unknown property`);
    }
    for (const url of [`/api/runs/${fixture.runs.flat}/map?method=pca&extra=1`, `/api/runs/${fixture.runs.flat}/neighbors/0?k=0`, `/api/runs/${fixture.runs.flat}/values`, `/api/runs/${fixture.runs.flat}/samples/1e3`]) {
      assert.equal((await get(url)).statusCode, 400, url);
    }
    for (const body of [{ x: 0 }, { x: 'a', y: 0 }, { x: 0, y: 0, extra: 1 }, { x: 0, y: 0, method: 'mds' }, { x: 0, y: 0, label: -1 }, { x: 1e300, y: 0 }, [1, 2]]) {
      const reply = await decode(fixture.runs.flat, body);
      assert.equal(reply.statusCode, 400, `${JSON.stringify(body)}: ${reply.body}`);
      assert.ok((reply.json() as { message: string }).message.length > 0);
    }
    assert.equal((await decode(fixture.runs.deep, { x: 0, y: 0, label: 10 })).statusCode, 400, 'label past the classes');
    assert.equal((await get(`/api/runs/${fixture.runs.flat}/map?method=mds`)).statusCode, 400);
    assert.equal((await get(`/api/runs/${fixture.runs.deep}/map?method=latent`)).statusCode, 400, 'a 3-D latent is no map');
  });

  test('a server offering some runs hides the others; one loaded run at a time frees the evicted model', async () => {
    const narrow = createExplorerServer({ store, assets, cacheDir: null, runs: [fixture.runs.flat], loadedRuns: 1 });
    const runs = (await narrow.app.inject({ method: 'GET', url: '/api/runs' })).json() as { runs: { id: string }[] };
    assert.deepEqual(runs.runs.map((run) => run.id), [fixture.runs.flat]);
    assert.equal((await narrow.app.inject({ method: 'GET', url: `/api/runs/${fixture.runs.deep}/map` })).statusCode, 404);
    const before = liveTensorCount();
    await narrow.app.inject({ method: 'GET', url: `/api/runs/${fixture.runs.flat}/map` });
    const loadedOne = liveTensorCount();
    assert.ok(loadedOne > before);
    const wide = createExplorerServer({ store, assets, cacheDir: null, loadedRuns: 1 });
    await wide.app.inject({ method: 'GET', url: `/api/runs/${fixture.runs.flat}/map` });
    const afterFlat = liveTensorCount();
    await wide.app.inject({ method: 'GET', url: `/api/runs/${fixture.runs.deep}/map` });
    await wide.app.inject({ method: 'GET', url: `/api/runs/${fixture.runs.flat}/map` });
    assert.equal(liveTensorCount(), afterFlat, 'loading a second run freed the first (capacity 1)');
    await wide.app.close();
    await narrow.app.close();
    assert.equal(liveTensorCount(), before);
  });

  test('closing the server frees every model it loaded', async () => {
    assert.ok(liveTensorCount() > tensorsBefore, 'the runs are loaded');
    await app.close();
    assert.equal(liveTensorCount(), tensorsBefore);
  });
});
