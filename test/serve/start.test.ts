// startExplorer, the library entry of `latentlab explore`: 127.0.0.1 by default, a port in use
// refused in words, runs found by id prefix or name, and the public `serve` namespace.
// Run: npx tsc -p . && node --test dist/test/serve/start.test.js
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, LatentlabError } from '../../src/index.js';
import { RunStore } from '../../src/track/store.js';
import { RunNotFoundError } from '../../src/track/errors.js';
import { explorerFixture, type ExplorerFixture } from './fixture.js';

describe('startExplorer', () => {
  let fixture: ExplorerFixture;
  let store: RunStore;
  before(async () => {
    fixture = await explorerFixture();
    store = RunStore.open(fixture.storeDir, { mode: 'read' });
  });
  after(() => {
    store?.close();
    fixture?.cleanup();
  });

  test('binds 127.0.0.1 by default and serves the runs asked for, by prefix or name', async () => {
    // A prefix of the deep run's id that the flat run's id does not share (both are made in one second).
    const prefix = fixture.runs.deep.slice(0, -1);
    const explorer = await serve.startExplorer({ store, port: 0, runs: ['flat', fixture.runs.flat.startsWith(prefix) ? fixture.runs.deep : prefix] });
    try {
      assert.equal(explorer.host, '127.0.0.1');
      assert.equal(explorer.exposed, false);
      assert.equal(explorer.url, `http://127.0.0.1:${explorer.port}/`);
      const { runs } = (await (await fetch(`${explorer.url}api/runs`)).json()) as { runs: { id: string }[] };
      assert.deepEqual(runs.map((run) => run.id).sort(), [fixture.runs.flat, fixture.runs.deep].sort());
    } finally {
      await explorer.close();
    }
  });

  test('a port in use is refused with a message that says what to do', async () => {
    const first = await serve.startExplorer({ store, port: 0 });
    try {
      await assert.rejects(serve.startExplorer({ store, port: first.port }), (error: Error) => error instanceof LatentlabError && /port \d+ on 127\.0\.0\.1 is in use: choose another with --port/.test(error.message));
    } finally {
      await first.close();
    }
  });

  test('resolveRun: an id, a unique prefix, a name; an unknown one is RunNotFoundError', () => {
    assert.equal(serve.resolveRun(store, fixture.runs.flat), fixture.runs.flat);
    assert.equal(serve.resolveRun(store, 'deep'), fixture.runs.deep);
    assert.throws(() => serve.resolveRun(store, 'no-such-run'), RunNotFoundError);
  });
});
