// Robustness of the explorer's HTTP API: bad requests, table-driven, against one server on a real
// store. Each must get its 4xx status and a JSON error whose message is one line that names the
// problem (no stack), must free every tensor it made, and must leave the server answering.
// Run: node --test dist/test/robustness/explorer-requests.test.js
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { RunStore } from '../../src/track/store.js';
import { createExplorerServer } from '../../src/serve/server.js';
import { loadExplorerAssets } from '../../src/serve/assets.js';
import { liveTensorCount } from '../../src/tensor/runtime.js';
import { explorerFixture, testSamples, type ExplorerFixture } from '../serve/fixture.js';

interface RequestCase {
  name: string;
  request: (runs: ExplorerFixture['runs']) => InjectOptions;
  status: number;
  /** The message must match (name the field, the run or the limit). */
  message?: RegExp;
}

const json = (url: string, payload: unknown): InjectOptions => ({ method: 'POST', url, payload: payload as object });
const raw = (url: string, payload: string, type = 'application/json'): InjectOptions => ({ method: 'POST', url, payload, headers: { 'content-type': type } });

const cases: RequestCase[] = [
  { name: 'decode with no body', request: (r) => ({ method: 'POST', url: `/api/runs/${r.flat}/decode` }), status: 400 },
  { name: 'decode with truncated JSON', request: (r) => raw(`/api/runs/${r.flat}/decode`, '{"x":1,'), status: 400, message: /JSON/i },
  { name: 'decode with a JSON string body', request: (r) => raw(`/api/runs/${r.flat}/decode`, '"x"'), status: 400 },
  { name: 'decode with null', request: (r) => raw(`/api/runs/${r.flat}/decode`, 'null'), status: 400 },
  { name: 'decode as form data', request: (r) => raw(`/api/runs/${r.flat}/decode`, 'x=1&y=2', 'application/x-www-form-urlencoded'), status: 415 },
  { name: 'decode without y', request: (r) => json(`/api/runs/${r.flat}/decode`, { x: 1 }), status: 400, message: /y/ },
  { name: 'decode with x a string', request: (r) => json(`/api/runs/${r.flat}/decode`, { x: '1', y: 0 }), status: 400, message: /x/ },
  { name: 'decode with x an array', request: (r) => json(`/api/runs/${r.flat}/decode`, { x: [1], y: 0 }), status: 400, message: /x/ },
  { name: 'decode far outside any map', request: (r) => json(`/api/runs/${r.flat}/decode`, { x: 1e300, y: 0 }), status: 400, message: /1e6/ },
  { name: 'decode with an unknown field', request: (r) => json(`/api/runs/${r.flat}/decode`, { x: 0, y: 0, z: 0 }), status: 400, message: /additional/ },
  { name: 'decode with an unknown map', request: (r) => json(`/api/runs/${r.flat}/decode`, { x: 0, y: 0, method: 'mds' }), status: 400, message: /method/ },
  { name: 'decode with an unknown map source', request: (r) => json(`/api/runs/${r.flat}/decode`, { x: 0, y: 0, source: 'labels' }), status: 400, message: /source/ },
  { name: 'a latent map of pixels', request: (r) => ({ method: 'GET', url: `/api/runs/${r.flat}/map?method=latent&source=pixels` }), status: 400, message: /pixels/ },
  { name: 'decode with a fractional label', request: (r) => json(`/api/runs/${r.deep}/decode`, { x: 0, y: 0, label: 1.5 }), status: 400, message: /label/ },
  { name: 'decode with a label past the classes', request: (r) => json(`/api/runs/${r.deep}/decode`, { x: 0, y: 0, label: 12 }), status: 400, message: /label 12/ },
  { name: 'decode with a 2-D latent map of a 3-D run', request: (r) => json(`/api/runs/${r.deep}/decode`, { x: 0, y: 0, method: 'latent' }), status: 400, message: /3-dimensional/ },
  { name: 'decode of an unknown run', request: () => json('/api/runs/20990101-000000-zzzz/decode', { x: 0, y: 0 }), status: 404, message: /no run/ },
  { name: 'decode with a 1 MB body', request: (r) => raw(`/api/runs/${r.flat}/decode`, `{"x":0,"y":0,"p":"${'x'.repeat(1 << 20)}"}`), status: 413 },
  { name: 'map with an unknown query field', request: (r) => ({ method: 'GET', url: `/api/runs/${r.flat}/map?evil=1` }), status: 400 },
  { name: 'map with a run id of 300 characters', request: () => ({ method: 'GET', url: `/api/runs/${'a'.repeat(300)}/map` }), status: 414 },
  { name: 'curves with log=yes', request: (r) => ({ method: 'GET', url: `/api/curves?runs=${r.flat}&key=train_loss&log=yes` }), status: 400, message: /log/ },
  { name: 'sample with a negative index', request: (r) => ({ method: 'GET', url: `/api/runs/${r.flat}/samples/-3` }), status: 400 },
  { name: 'sample with a non-integer index', request: (r) => ({ method: 'GET', url: `/api/runs/${r.flat}/samples/1.5` }), status: 400 },
  { name: 'sample past the test split', request: (r) => ({ method: 'GET', url: `/api/runs/${r.flat}/samples/${testSamples}` }), status: 404, message: new RegExp(`0 to ${testSamples - 1}`) },
  { name: 'selection of 65 images', request: (r) => json(`/api/runs/${r.flat}/samples`, { indices: Array.from({ length: 65 }, () => 0) }), status: 400, message: /64/ },
  { name: 'selection with a string index', request: (r) => json(`/api/runs/${r.flat}/samples`, { indices: ['0'] }), status: 400 },
  { name: 'interpolation of 1000 steps', request: (r) => json(`/api/runs/${r.flat}/interpolate`, { from: [0, 0], to: [1, 1], steps: 1000 }), status: 400, message: /32/ },
  { name: 'interpolation with a 3-number place', request: (r) => json(`/api/runs/${r.flat}/interpolate`, { from: [0, 0, 0], to: [1, 1] }), status: 400 },
  { name: 'curves of 13 runs', request: (r) => ({ method: 'GET', url: `/api/curves?runs=${Array.from({ length: 13 }, () => r.flat).join(',')}&key=train_loss` }), status: 400, message: /at most 12/ },
  { name: 'a DELETE on a run', request: (r) => ({ method: 'DELETE', url: `/api/runs/${r.flat}` }), status: 404 },
  { name: 'a foreign Host', request: () => ({ method: 'GET', url: '/api/runs', headers: { host: 'attacker.example' } }), status: 403, message: /attacker\.example/ },
];

describe('robustness: the explorer API', () => {
  let fixture: ExplorerFixture;
  let store: RunStore;
  let app: FastifyInstance;

  before(async () => {
    fixture = await explorerFixture();
    store = RunStore.open(fixture.storeDir, { mode: 'read' });
    const server = createExplorerServer({ store, assets: await loadExplorerAssets(), cacheDir: null });
    app = server.app;
    // Load both runs and their maps first (202 while their codes and reductions are computed in
    // the background): a case's tensors are then only what it makes itself.
    for (const id of [fixture.runs.flat, fixture.runs.deep]) {
      let reply = await app.inject({ method: 'GET', url: `/api/runs/${id}/map` });
      for (let asks = 0; reply.statusCode === 202 && asks < 3; asks++) {
        await server.settled();
        reply = await app.inject({ method: 'GET', url: `/api/runs/${id}/map` });
      }
      assert.equal(reply.statusCode, 200, reply.body);
    }
  });
  after(async () => {
    await app?.close();
    store?.close();
    fixture?.cleanup();
  });

  for (const item of cases) {
    it(`${item.name} → ${item.status}`, async () => {
      const before = liveTensorCount();
      const reply = await app.inject(item.request(fixture.runs));
      assert.equal(reply.statusCode, item.status, reply.body.slice(0, 300));
      const body = reply.json() as { statusCode: number; message: string };
      assert.equal(body.statusCode, item.status);
      assert.ok(body.message.length > 0 && !body.message.includes('\n'), `one line: ${body.message}`);
      assert.doesNotMatch(body.message, /\bat \S+ \(|node:internal/, 'no stack');
      if (item.message) assert.match(body.message, item.message);
      assert.equal(liveTensorCount(), before, 'no tensor left behind');
      assert.equal((await app.inject({ method: 'GET', url: '/api/runs' })).statusCode, 200, 'the server still answers');
    });
  }
});
