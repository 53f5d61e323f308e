// The explorer's HTTP server (fastify): the page and its script, and a JSON API over a read-only
// run store: the runs, a run's map, a place of the map decoded to a PNG, a test sample and its
// reconstruction. Every route declares its schema; names never become file paths (runs are looked
// up in the store's database); a Host check stops DNS rebinding from reaching the API.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { ArgumentError, LatentlabError } from '../tensor/errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart } from '../report/charts.js';
import type { ChildProcess } from 'node:child_process';
import { defaultStudyReportDir } from '../studies/index.js';
import type { InterpolationMethod } from '../analysis/interpolation.js';
import { AmbiguousRunIdError, RunNotFoundError } from '../track/errors.js';
import type { RunRecord, RunStore } from '../track/store.js';
import { loadAnyRun } from '../runs/load.js';
import { modelNames } from '../models/registry.js';
import { isGenerativeModel } from '../models/generative.js';
import { DisposingLru } from './lru.js';
import {
  assembleMap,
  checkMap,
  defaultMapMethod,
  encodingOf,
  forgetEncoding,
  hasCodes,
  latentMap,
  mapCacheEntry,
  mapMethods,
  mapSources,
  placeCode,
  pointCount,
  readCachedMap,
  reductionInput,
  reductionTitleOf,
  runCodes,
  startEncoding,
  writeCachedMap,
  type ExplorerRun,
  type MapMethod,
  type MapSource,
  type RunMap,
} from './maps.js';
import { inChild, MapPendingError, ReductionJobs, type JobState, type ReductionRunner } from './reduction-jobs.js';
import type { ExplorerAssets } from './assets.js';
import { codeMoments, decodeToPng, interpolationStrip, isConditional, latentNeighbors, pixelNeighbors, priorSamples, reconstructionErrors, sampleAndReconstruction, sampleGrid } from './views.js';

export interface ExplorerOptions {
  /** Opened for reading; the server never writes to it (map caches go to `cacheDir`). */
  store: RunStore;
  /** The runs to offer (resolved ids); all of the store's autoencoder runs when absent. */
  runs?: readonly string[];
  assets: ExplorerAssets;
  /** Host names accepted in the Host header besides localhost, 127.0.0.1 and ::1 (e.g. the bound address). */
  allowedHosts?: readonly string[];
  /** Accept any IP literal as Host (when bound to all interfaces): DNS rebinding needs a name. */
  allowIpHosts?: boolean;
  /** Runs kept loaded (models and test splits), least recently used dropped first (default 4). */
  loadedRuns?: number;
  /** Where computed reductions are cached; null keeps them in memory only. */
  cacheDir?: string | null;
  /** Bytes a request body may have (default 16 KiB: a decode request is a few numbers). */
  bodyLimit?: number;
  /** Where reductions run (default: a child process per reduction, one at a time). */
  reductionRunner?: ReductionRunner;
}

export interface ExplorerServer {
  app: FastifyInstance;
  /** The reductions being computed off the request path (settled() waits for them). */
  reductions: ReductionJobs;
  /** Resolves when no run's codes are being computed and no reduction is queued or running. */
  settled(): Promise<void>;
  /** Resolves when no run's codes are being computed (reductions may still run). */
  encoded(): Promise<void>;
  /** Frees the loaded models; the server's close() calls it too. */
  dispose(): void;
}

/** What the API calls a run. */
interface RunSummary {
  id: string;
  name: string | null;
  model: string;
  dataset: string;
  status: string;
  createdAt: string;
  latent: number | null;
}

const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const studyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

const errorSchema = { type: 'object', properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 200 } } } as const;
const methodEnum = { type: 'string', enum: [...mapMethods] } as const;
const sourceEnum = { type: 'string', enum: [...mapSources] } as const;
const labelSchema = { type: 'integer', minimum: 0, maximum: 100000 } as const;
const placeSchema = { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } } as const;
/** Longest interpolation strip, and most images in a selection's grid: bounded work per request. */
export const maxStripSteps = 32;
export const maxGridImages = 64;
export const maxCurves = 12;

export function createExplorerServer(options: ExplorerOptions): ExplorerServer {
  const { store, assets } = options;
  const offered = options.runs ? new Set(options.runs) : null;
  const loaded = new DisposingLru<string, ExplorerRun>(options.loadedRuns ?? 4, (run) => run.dispose());
  const maps = new DisposingLru<string, RunMap>(8);
  const reductions = new ReductionJobs(options.reductionRunner);
  const encodingsInFlight = new Set<Promise<unknown>>();
  const encoded = async () => {
    while (encodingsInFlight.size > 0) await Promise.allSettled([...encodingsInFlight]);
  };
  const cacheDir = options.cacheDir ?? null;
  const allowedHosts = new Set(['localhost', '127.0.0.1', '::1', ...(options.allowedHosts ?? [])].map((host) => host.toLowerCase()));

  // ajv: an unknown property is refused (400), not silently dropped; "1" or [1] is not a number
  // (no coercion: the params and query strings are declared as strings and parsed here).
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 16 * 1024, routerOptions: { maxParamLength: 200 }, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });

  // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends Host: evil.example.
  app.addHook('onRequest', async (request, reply) => {
    const hostname = hostnameOf(request.headers.host);
    const ok = hostname !== null && (allowedHosts.has(hostname) || (options.allowIpHosts === true && isIpLiteral(hostname)));
    if (!ok) return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `host '${String(request.headers.host ?? '')}' is not served: open the explorer at the address it printed` });
    void reply.headers({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `nothing at ${request.method} ${request.url.slice(0, 200)}` }));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const [status, message] = statusOf(error);
    if (status >= 500) console.error(`latentlab explore: ${error.stack ?? error.message}`);
    void reply.code(status).send({ statusCode: status, error: status === 404 ? 'Not Found' : status >= 500 ? 'Internal Server Error' : 'Bad Request', message });
  });

  /** The run named by a route parameter; a run not offered is as absent as one not in the store. */
  function findRun(id: string): RunRecord {
    if (!runIdPattern.test(id)) throw new RunNotFoundError(`no run '${id.slice(0, 100)}'`);
    const run = store.getRun(id);
    if ((offered && !offered.has(run.id)) || !explorable(run)) throw new RunNotFoundError(`no run '${id}' in this explorer`);
    return run;
  }

  function loadedRun(run: RunRecord): ExplorerRun {
    return loaded.getOrCreate(run.id, () => loadAnyRun(store, run.id));
  }

  /**
   * The map, when it is ready (in memory, 2-D codes, or in the disk cache); else the state of the
   * job computing it, started here if none is. A failed job's error is thrown once (asking again retries).
   */
  function mapOrJob(run: RunRecord, source: MapSource, method: MapMethod | undefined): RunMap | JobState {
    const model = loadedRun(run);
    if (!hasCodes(model)) {
      // The codes first: an encoder pass over the test split, in steps between which the server answers.
      const encoding = startEncoding(model);
      if (encoding.error) {
        forgetEncoding(model);
        throw encoding.error;
      }
      if (!hasCodes(model)) {
        encodingsInFlight.add(encoding.promise);
        void encoding.promise.catch(() => {}).finally(() => encodingsInFlight.delete(encoding.promise));
        const ms = Date.now() - encoding.startedAt;
        return { key: `${run.id}\u0000codes`, title: `encoding the ${encoding.total} test images`, state: 'running', waitedMs: ms, runningMs: ms, ahead: 0, error: null, done: encoding.done, total: encoding.total };
      }
    }
    const codes = runCodes(model);
    // A map of pixels has no 'latent' view: its default is PCA.
    const chosen = method ?? (source === 'pixels' ? 'pca' : defaultMapMethod(codes.latent));
    const key = `${run.id}\u0000${source}\u0000${chosen}`;
    const known = maps.get(key);
    if (known) return known;
    checkMap(codes, source, chosen);
    if (chosen === 'latent') return remember(key, latentMap(codes));
    const entry = cacheDir === null ? null : mapCacheEntry(model, codes, source, chosen, cacheDir);
    const fromDisk = entry ? readCachedMap(codes, source, chosen, entry) : null;
    if (fromDisk) return remember(key, fromDisk);
    const job = reductions.state(key);
    if (job?.state === 'failed') {
      reductions.forget(key);
      throw job.error!;
    }
    if (job) return job;
    const n = pointCount(codes);
    const title = reductionTitleOf({ method: chosen, n, d: source === 'codes' ? codes.latent : model.test.inputs.shape.slice(1).reduce((a, b) => a * b, 1) }, source);
    // Copied now: the run may have left the LRU (its tensors freed) by the time the job starts.
    const input = reductionInput(model, codes, source, chosen);
    return reductions.start(key, title, () => input, (reduced) => {
      if (entry) writeCachedMap(entry, reduced, source);
      maps.set(key, assembleMap(codes, source, chosen, reduced, false));
    });
  }

  /** The run's codes for the routes that need them; 409 while the map's encoding of them is under way. */
  function codesNow(model: ExplorerRun) {
    const encoding = encodingOf(model);
    if (!hasCodes(model) && encoding && !encoding.error) throw new MapPendingError(`the codes of run ${model.run.id} are still being computed (${encoding.done} of ${encoding.total}): wait for its map`);
    return runCodes(model);
  }

  function remember(key: string, map: RunMap): RunMap {
    maps.set(key, map);
    return map;
  }

  /** The map, or a 409 that says it is still computing (decode, interpolate: the page waits for the map first). */
  function runMap(run: RunRecord, method: MapMethod | undefined, source: MapSource = 'codes'): RunMap {
    // A decode asked before any map (a script): the codes now, in this request, rather than a 409.
    const model = loadedRun(run);
    if (!hasCodes(model) && !encodingOf(model)) runCodes(model);
    const found = mapOrJob(run, source, method);
    if ('state' in found) throw new MapPendingError(`the map (${found.title}) of run ${run.id} is still computing (${Math.round(found.waitedMs / 1000)} s so far): wait for it, then decode`);
    return found;
  }

  app.get('/', (_request, reply) => sendAsset(reply, 'index.html'));
  app.get('/dashboard', (_request, reply) => sendAsset(reply, 'dashboard.html'));
  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { params: { type: 'object', properties: { name: { type: 'string', maxLength: 100 } } } } }, (request, reply) => sendAsset(reply, request.params.name));

  function sendAsset(reply: FastifyReply, name: string) {
    // Only the names in the table: a name is a key, never a path.
    const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!asset) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no asset '${name.slice(0, 100)}'` });
    return reply
      .type(asset.type)
      // regl compiles its draw calls with new Function: 'unsafe-eval' is the price of WebGL here.
      .header('content-security-policy', "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; worker-src 'self' blob:; connect-src 'self'")
      .send(asset.body);
  }

  app.get('/api/runs', { schema: { response: { 200: { type: 'object', properties: { runs: { type: 'array', items: runSchema() } } } } } }, () => {
    const runs = store.listRuns().filter((run) => explorable(run) && (!offered || offered.has(run.id)));
    return { runs: runs.map(summary) };
  });

  app.get<{ Params: { id: string }; Querystring: { method?: MapMethod; source?: MapSource } }>(
    '/api/runs/:id/map',
    {
      schema: {
        params: idParams,
        querystring: { type: 'object', properties: { method: methodEnum, source: sourceEnum }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              run: { type: 'string' },
              method: { type: 'string' },
              source: { type: 'string' },
              kind: { type: 'string' },
              inverse: { type: 'string' },
              latent: { type: 'integer' },
              conditional: { type: 'boolean' },
              generative: { type: 'boolean' },
              codeMean: { type: 'array', items: { type: 'number' } },
              codeStd: { type: 'array', items: { type: 'number' } },
              cached: { type: 'boolean' },
              x: { type: 'array', items: { type: 'number' } },
              y: { type: 'array', items: { type: 'number' } },
              labels: { type: ['array', 'null'], items: { type: 'integer' } },
              classes: { type: ['array', 'null'], items: { type: 'string' } },
            },
          },
          // Still computing: the page polls and shows this progress meanwhile.
          202: {
            type: 'object',
            properties: { run: { type: 'string' }, state: { type: 'string' }, title: { type: 'string' }, waitedMs: { type: 'number' }, runningMs: { type: 'number' }, ahead: { type: 'integer' }, done: { type: 'integer' }, total: { type: 'integer' } },
          },
          '4xx': errorSchema,
        },
      },
    },
    (request, reply) => {
      const run = findRun(request.params.id);
      const found = mapOrJob(run, request.query.source ?? 'codes', request.query.method);
      if ('state' in found) return reply.code(202).send({ run: run.id, state: found.state, title: found.title, waitedMs: found.waitedMs, runningMs: found.runningMs, ahead: found.ahead, ...(found.total !== undefined ? { done: found.done, total: found.total } : {}) });
      const map = found;
      const loadedModel = loadedRun(run);
      const { mean: codeMean, std: codeStd } = codeMoments(map);
      return {
        run: map.runId,
        method: map.method,
        source: map.source,
        kind: map.kind,
        inverse: map.inverse,
        latent: map.latent,
        conditional: isConditional(loadedModel),
        generative: isGenerativeModel(loadedModel.model),
        codeMean,
        codeStd,
        cached: map.cached,
        x: map.x,
        y: map.y,
        labels: map.labels,
        classes: map.classes,
      };
    },
  );

  app.post<{ Params: { id: string }; Body: { x: number; y: number; method?: MapMethod; source?: MapSource; label?: number } }>(
    '/api/runs/:id/decode',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['x', 'y'],
          additionalProperties: false,
          properties: { x: { type: 'number' }, y: { type: 'number' }, method: methodEnum, source: sourceEnum, label: { type: 'integer', minimum: 0, maximum: 100000 } },
        },
      },
    },
    (request, reply) => {
      const { x, y, method, source, label } = request.body;
      if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 1e6 || Math.abs(y) > 1e6) throw new ArgumentError('x and y must be finite map coordinates within ±1e6');
      const run = findRun(request.params.id);
      const model = loadedRun(run);
      const map = runMap(run, method, source);
      const place = placeCode(map, x, y);
      const png = decodeToPng(model, place.code, label);
      void reply.type('image/png').header('x-latentlab-inverse', place.inverse).header('x-latentlab-map', map.method).header('x-latentlab-code', JSON.stringify(place.code));
      if (place.nearestDistance !== undefined) void reply.header('x-latentlab-nearest-distance', String(place.nearestDistance));
      return reply.send(png);
    },
  );

  app.get<{ Params: { id: string; index: string } }>(
    '/api/runs/:id/samples/:index',
    { schema: { params: { type: 'object', required: ['id', 'index'], properties: { id: { type: 'string', maxLength: 200 }, index: { type: 'string', pattern: '^[0-9]{1,9}$' } } } } },
    (request, reply) => {
      const model = loadedRun(findRun(request.params.id));
      const count = pointCount(codesNow(model));
      const index = Number(request.params.index);
      if (index >= count) throw new RunNotFoundError(`run ${model.run.id} has test samples 0 to ${count - 1}, not ${index}`);
      const png = sampleAndReconstruction(model, index);
      return reply.type('image/png').send(png);
    },
  );

  app.post<{ Params: { id: string }; Body: { from: [number, number]; to: [number, number]; steps?: number; path?: InterpolationMethod; method?: MapMethod; source?: MapSource; label?: number } }>(
    '/api/runs/:id/interpolate',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: placeSchema,
            to: placeSchema,
            steps: { type: 'integer', minimum: 2, maximum: maxStripSteps },
            path: { type: 'string', enum: ['linear', 'slerp'] },
            method: methodEnum,
            source: sourceEnum,
            label: { type: 'integer', minimum: 0, maximum: 100000 },
          },
        },
      },
    },
    (request, reply) => {
      const { from, to, steps = 10, path = 'linear', method, source, label } = request.body;
      for (const value of [...from, ...to]) if (Math.abs(value) > 1e6) throw new ArgumentError('places must be map coordinates within ±1e6');
      const run = findRun(request.params.id);
      const model = loadedRun(run);
      const map = runMap(run, method, source);
      const [start, end] = [placeCode(map, from[0], from[1]), placeCode(map, to[0], to[1])];
      const { png, codes } = interpolationStrip(model, start.code, end.code, steps, path, label);
      return reply.type('image/png').header('x-latentlab-inverse', start.inverse).header('x-latentlab-map', map.method).header('x-latentlab-codes', JSON.stringify(codes)).send(png);
    },
  );

  // A code given in full (the traversal sliders): decoded as /decode decodes a place.
  app.post<{ Params: { id: string }; Body: { code: number[]; label?: number } }>(
    '/api/runs/:id/decode-code',
    {
      schema: {
        params: idParams,
        body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'array', minItems: 1, maxItems: 4096, items: { type: 'number', minimum: -1e6, maximum: 1e6 } }, label: labelSchema } },
      },
    },
    (request, reply) => {
      const model = loadedRun(findRun(request.params.id));
      const code = request.body.code.map((value) => Math.fround(value));
      return reply.type('image/png').header('x-latentlab-code', JSON.stringify(code)).send(decodeToPng(model, code, request.body.label));
    },
  );

  // Samples of a VAE's prior, from a seed (the same seed, the same images).
  app.post<{ Params: { id: string }; Body: { count?: number; seed?: number; label?: number } }>(
    '/api/runs/:id/prior',
    {
      schema: {
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { count: { type: 'integer', minimum: 1, maximum: maxGridImages }, seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 }, label: labelSchema } },
      },
    },
    (request, reply) => {
      const model = loadedRun(findRun(request.params.id));
      const { count = 16, seed = 0, label } = request.body;
      return reply.type('image/png').send(priorSamples(model, count, seed, label));
    },
  );

  // The nearest test samples of one, by their codes and by their pixels (the sample itself left out).
  app.get<{ Params: { id: string; index: string }; Querystring: { k?: string } }>(
    '/api/runs/:id/neighbors/:index',
    {
      schema: {
        params: { type: 'object', required: ['id', 'index'], properties: { id: { type: 'string', maxLength: 200 }, index: { type: 'string', pattern: '^[0-9]{1,9}$' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { k: { type: 'string', pattern: '^([1-9]|1[0-6])$' } } },
      },
    },
    (request) => {
      const run = findRun(request.params.id);
      const model = loadedRun(run);
      const index = Number(request.params.index);
      const codes = codesNow(model);
      const count = pointCount(codes);
      if (index >= count) throw new RunNotFoundError(`run ${run.id} has test samples 0 to ${count - 1}, not ${index}`);
      const k = Math.min(Number(request.query.k ?? 8), count - 1);
      return { index, latent: latentNeighbors(codes, index, k), pixel: pixelNeighbors(model, index, k) };
    },
  );

  // A value per test sample to colour the map by: its reconstruction error, or one latent coordinate.
  app.get<{ Params: { id: string }; Querystring: { by: 'error' | 'dimension'; dimension?: string } }>(
    '/api/runs/:id/values',
    {
      schema: {
        params: idParams,
        querystring: { type: 'object', required: ['by'], additionalProperties: false, properties: { by: { type: 'string', enum: ['error', 'dimension'] }, dimension: { type: 'string', pattern: '^[0-9]{1,4}$' } } },
        response: { 200: { type: 'object', properties: { by: { type: 'string' }, values: { type: 'array', items: { type: 'number' } } } } },
      },
    },
    (request) => {
      const run = findRun(request.params.id);
      if (request.query.by === 'error') return { by: 'error', values: reconstructionErrors(loadedRun(run)) };
      const codes = codesNow(loadedRun(run));
      const dimension = Number(request.query.dimension ?? 0);
      if (dimension >= codes.latent) throw new ArgumentError(`run ${run.id} has latent dimensions 0 to ${codes.latent - 1}, not ${dimension}`);
      return { by: `dimension ${dimension}`, values: Array.from({ length: pointCount(codes) }, (_, i) => codes.codes[i * codes.latent + dimension]!) };
    },
  );

  // The dashboard: a run's recorded settings and last metric values, and loss curves of several runs.
  app.get<{ Params: { id: string } }>('/api/runs/:id', { schema: { params: idParams } }, (request) => {
    const run = findRun(request.params.id);
    const metrics = Object.fromEntries(Object.entries(store.finalMetrics(run.id)).filter(([, value]) => Number.isFinite(value)));
    return { ...summary(run), config: run.config, metrics, metricKeys: Object.keys(metrics) };
  });

  app.get<{ Querystring: { runs: string; key: string; log?: 'true' | 'false' } }>(
    '/api/curves',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['runs', 'key'],
          additionalProperties: false,
          properties: { runs: { type: 'string', minLength: 1, maxLength: 2000 }, key: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_/.-]+$' }, log: { type: 'string', enum: ['true', 'false'] } },
        },
      },
    },
    async (request, reply) => {
      const ids = request.query.runs.split(',');
      if (ids.length > maxCurves) throw new ArgumentError(`at most ${maxCurves} runs in one chart, got ${ids.length}`);
      const runs = ids.map(findRun);
      const { key } = request.query;
      const series = runs.map((run) => ({ name: `${run.name ? `${run.name} ` : ''}${run.id}`, points: store.metrics(run.id, key).map((row) => ({ x: row.step, y: row.value })) }));
      const drawn = series.filter((line) => line.points.length > 0);
      if (drawn.length === 0) throw new RunNotFoundError(`no '${key}' recorded for ${ids.join(', ')}`);
      const svg = await lineChart({ series: drawn, xTitle: 'step', yTitle: key, ...(request.query.log === 'true' ? { logScale: true } : {}) });
      return reply.type('image/svg+xml').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(svg);
    },
  );

  app.post<{ Params: { id: string }; Body: { indices: number[] } }>(
    '/api/runs/:id/samples',
    {
      schema: {
        params: idParams,
        body: { type: 'object', required: ['indices'], additionalProperties: false, properties: { indices: { type: 'array', minItems: 1, maxItems: maxGridImages, items: { type: 'integer', minimum: 0 } } } },
      },
    },
    (request, reply) => {
      const model = loadedRun(findRun(request.params.id));
      const count = pointCount(codesNow(model));
      const outside = request.body.indices.find((index) => index >= count);
      if (outside !== undefined) throw new RunNotFoundError(`run ${model.run.id} has test samples 0 to ${count - 1}, not ${outside}`);
      return reply.type('image/png').send(sampleGrid(model, request.body.indices));
    },
  );

  // A run's HTML report, built on demand (what latentlab report writes; seconds) in a child process.
  const reportChildren = new Set<ChildProcess>();
  app.get<{ Params: { id: string } }>('/runs/:id/report', { schema: { params: idParams } }, async (request, reply) => {
    const run = findRun(request.params.id);
    const html = await inChild<string>({ kind: 'report', storeDir: store.dir, runId: run.id }, reportChildren);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', reportPolicy).send(html);
  });

  // The studies of the store: their runs (a table each) and whether `study run` wrote their report.
  app.get('/api/studies', () => {
    const byStudy = new Map<string, RunRecord[]>();
    for (const run of store.listRuns()) if (run.studyId) byStudy.set(run.studyId, [...(byStudy.get(run.studyId) ?? []), run]);
    return {
      studies: [...byStudy].map(([id, runs]) => ({
        id,
        report: studyIdPattern.test(id) && !id.includes('..') && existsSync(studyReportPath(id)),
        columns: ['run', 'key', 'model', 'status', 'test_loss'],
        rows: runs.reverse().map((run) => [run.id, run.name, run.model, run.status, finite(store.finalMetrics(run.id).test_loss)]),
      })),
    };
  });

  // A study's report as `study run` wrote it into the store: the id is looked up among the
  // store's studies first, and only then becomes the fixed path studies/<id>/index.html.
  app.get<{ Params: { id: string } }>('/studies/:id/report', { schema: { params: idParams } }, (request, reply) => {
    const { id } = request.params;
    // The id becomes a folder name: one a foreign database could hold ('../x') is never looked for.
    const known = studyIdPattern.test(id) && !id.includes('..') && store.listRuns().some((run) => run.studyId === id);
    const path = known ? studyReportPath(id) : null;
    if (!path || !existsSync(path)) throw new RunNotFoundError(known ? `study ${id} has no report yet: latentlab study run writes it` : `no study '${id.slice(0, 100)}'`);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', reportPolicy).send(readFileSync(path));
  });

  function studyReportPath(id: string): string {
    return join(defaultStudyReportDir(store, id), 'index.html');
  }

  app.addHook('onClose', async () => {
    reductions.close();
    for (const child of reportChildren) child.kill();
    loaded.clear();
  });
  const settled = async () => {
    await encoded();
    await reductions.settled();
  };
  return { app, reductions, settled, encoded, dispose: () => (reductions.close(), loaded.clear()) };
}

/** Reports are self-contained pages: inline style and data: images, no script. */
const reportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function finite(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/**
 * Runs the explorer shows: the models of the registry (autoencoders and GANs), not classifiers,
 * translations or the custom tasks of studies (closed-form baselines, probes).
 */
function explorable(run: RunRecord): boolean {
  return (modelNames as readonly string[]).includes(run.model);
}

function summary(run: RunRecord): RunSummary {
  const latent = typeof run.config.latent === 'number' ? run.config.latent : null;
  return { id: run.id, name: run.name, model: run.model, dataset: run.dataset, status: run.status, createdAt: run.createdAt, latent };
}

function runSchema() {
  const text = { type: 'string' };
  return { type: 'object', properties: { id: text, name: { type: ['string', 'null'] }, model: text, dataset: text, status: text, createdAt: text, latent: { type: ['integer', 'null'] } } };
}

function statusOf(error: FastifyError | Error): [number, string] {
  if (error instanceof RunNotFoundError || error instanceof AmbiguousRunIdError) return [404, error.message];
  if (error instanceof MapPendingError) return [409, error.message];
  if (error instanceof ArgumentError) return [400, error.message];
  if (error instanceof LatentlabError) return [422, error.message];
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return [400, fastifyError.message];
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return [status, fastifyError.message];
  return [500, 'the explorer failed on this request: see its terminal'];
}

/** The host name of a Host header (port dropped, IPv6 brackets removed), lower case; null when missing. */
export function hostnameOf(header: string | undefined): string | null {
  if (!header) return null;
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(1, end) : null;
  }
  const colon = value.indexOf(':');
  return colon >= 0 ? value.slice(0, colon) : value;
}

function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || (hostname.includes(':') && /^[0-9a-f:.]+$/.test(hostname));
}

