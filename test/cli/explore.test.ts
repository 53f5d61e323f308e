// `latentlab explore` as a user starts it: prints its URL, binds 127.0.0.1 by default (and warns
// when bound elsewhere), serves the store's runs over a real socket, refuses raw traversal paths,
// stops on SIGTERM, and fails at once, in one line, on an unknown run.
// Run: npx tsc -p . && node --test dist/test/cli/explore.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { bin, cli, cliJson, temporaryDir } from './helpers.js';

interface Started { child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }

/** Starts `latentlab explore ...` and resolves once it printed its URL on stdout. */
function startExplore(store: string, args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'explore', ...args], { env: { ...process.env, LATENTLAB_STORE: store, LATENTLAB_THREADS: '1,1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /latentlab explorer at (http:\/\/\S+)/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`explore exited (${code}) before printing its URL: ${stderr}`)));
  });
}

/** A GET with the path sent exactly as given (no client-side resolution of .. segments). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('latentlab explore', () => {
  const { dir, cleanup } = temporaryDir('latentlab-explore-cli-');
  const store = join(dir, 'store');
  let runId = '';

  before(() => {
    runId = cliJson<{ run_id: string }>(store, ['train', '--model', 'mlp-ae', '--dataset', 'mnist', '--latent', '2', '--hidden', '16', '--epochs', '1', '--train-limit', '64', '--test-limit', '32', '--batch', '32', '--name', 'tiny']).run_id;
  });
  after(cleanup);

  test('binds 127.0.0.1 by default, prints its URL, serves the runs, refuses raw traversal, stops on SIGTERM', async () => {
    const server = await startExplore(store, ['--port', '0']);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.doesNotMatch(server.stderr(), /other machines/);
      const runs = (await (await fetch(`${server.url}api/runs`)).json()) as { runs: { id: string }[] };
      assert.deepEqual(runs.runs.map((run) => run.id), [runId]);
      for (const path of ['/assets/..', '/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/../../etc/passwd', `/api/runs/${runId}/../../../etc/passwd`, '/assets//etc/passwd']) {
        const reply = await rawGet(server.url, path);
        assert.equal(reply.status, 404, `${path}: ${reply.status} ${reply.body.slice(0, 80)}`);
        assert.doesNotMatch(reply.body, /root:|"name": "latentlab"/);
      }
      const decoded = await fetch(`${server.url}api/runs/${runId}/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":0,"y":0}' });
      assert.equal(decoded.status, 200);
      assert.equal(decoded.headers.get('content-type'), 'image/png');
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
  });

  test('bound to all interfaces it says other machines can reach it, and still refuses a foreign Host', async () => {
    const server = await startExplore(store, ['--port', '0', '--host', '0.0.0.0', runId.slice(0, 17)]);
    try {
      assert.match(server.stderr(), /bound to 0\.0\.0\.0.*other machines can reach/);
      // fetch() sets Host itself: a raw request carries the rebinding page's name.
      assert.equal((await rawGet(server.url, '/api/runs', { host: 'evil.example:7860' })).status, 403);
      assert.equal((await rawGet(server.url, '/api/runs', { host: '192.168.1.20:7860' })).status, 200, 'an IP literal cannot be rebound');
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
  });

  test('a run is found by its name too (npm start prints `explore quickstart`)', async () => {
    const server = await startExplore(store, ['--port', '0', 'tiny']);
    try {
      const runs = (await (await fetch(`${server.url}api/runs`)).json()) as { runs: { id: string }[] };
      assert.deepEqual(runs.runs.map((run) => run.id), [runId]);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
  });

  test('an unknown run id fails before listening, in one line', () => {
    const result = cli(store, ['explore', '--port', '0', '20990101-000000-zzzz']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^latentlab: no run .*20990101-000000-zzzz/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });
});
