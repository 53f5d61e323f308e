// MetricsWriter: rows are batched and written every maxRows rows or maxDelayMs milliseconds, and
// on flush() and close(); a failed write keeps its rows and is reported to the next call.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, LatentlabError } from '../../src/tensor/errors.js';
import { RunNotFoundError } from '../../src/track/errors.js';
import { MetricsWriter } from '../../src/track/metrics-writer.js';
import { createTestRun, temporaryStore } from './helpers.js';

const row = (step: number) => ({ key: 'loss', step, value: 1 / (step + 1) });

describe('MetricsWriter', () => {
  test('writes a batch every maxRows rows', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const writer = new MetricsWriter(store, run.id, { maxRows: 3, maxDelayMs: 60_000 });
    writer.add([row(0), row(1)]);
    assert.deepEqual([store.metrics(run.id).length, writer.pending], [0, 2]);
    writer.add(row(2));
    assert.deepEqual([store.metrics(run.id).length, writer.pending], [3, 0]);
    writer.add([row(3), row(4), row(5), row(6)]);
    assert.deepEqual([store.metrics(run.id).length, writer.pending], [7, 0]);
    writer.close();
    store.close();
  });

  test('rows that have waited maxDelayMs go with the next add, even in a loop that never yields', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const store = temporaryStore();
    const run = createTestRun(store);
    const writer = new MetricsWriter(store, run.id, { maxRows: 1000, maxDelayMs: 500 });
    writer.add(row(0));
    t.mock.timers.tick(499);
    writer.add(row(1));
    assert.equal(store.metrics(run.id).length, 0);
    t.mock.timers.tick(1);
    writer.add(row(2));
    assert.deepEqual(store.metrics(run.id).map((r) => [r.step, r.time]), [[0, 1_000_000], [1, 1_000_499], [2, 1_000_500]]);
    writer.close();
    store.close();
  });

  test('a timer writes the rows once the caller goes quiet', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = temporaryStore();
    const run = createTestRun(store);
    const writer = new MetricsWriter(store, run.id, { maxRows: 1000, maxDelayMs: 500 });
    writer.add([row(0), row(1)]);
    t.mock.timers.tick(499);
    assert.equal(store.metrics(run.id).length, 0);
    t.mock.timers.tick(1);
    assert.deepEqual([store.metrics(run.id).length, writer.pending], [2, 0]);
    writer.close();
    store.close();
  });

  test('flush() and close() write what waits; a closed writer refuses rows', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const writer = new MetricsWriter(store, run.id);
    writer.add(row(0));
    writer.flush();
    assert.equal(store.metrics(run.id).length, 1);
    writer.flush(); // nothing waits: no error, no write
    writer.add(row(1));
    writer.close();
    assert.equal(store.metrics(run.id).length, 2);
    writer.close();
    assert.throws(() => writer.add(row(2)), (e: Error) => e instanceof LatentlabError && e.message === `the metrics writer of run ${run.id} is closed`);
    store.close();
  });

  test('a bad row fails the add() that brings it, and queues none of its batch', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const writer = new MetricsWriter(store, run.id);
    writer.add(row(0));
    assert.throws(() => writer.add([row(1), { key: 'loss', step: 2, value: 'high' as never }]), ArgumentError);
    assert.equal(writer.pending, 1);
    writer.close();
    assert.deepEqual(store.metrics(run.id).map((r) => r.step), [0]);
    assert.throws(() => new MetricsWriter(store, run.id, { maxRows: 0 }), ArgumentError);
    assert.throws(() => new MetricsWriter(store, run.id, { maxDelayMs: -1 }), ArgumentError);
    store.close();
  });

  test("a write that fails on the timer is thrown by the next call, and its rows are kept", (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = temporaryStore();
    const run = createTestRun(store);
    const writer = new MetricsWriter(store, run.id, { maxRows: 1000, maxDelayMs: 100 });
    writer.add([row(0), row(1)]);
    store.deleteRun(run.id);
    t.mock.timers.tick(100); // must not throw out of the timer
    assert.throws(() => writer.add(row(2)), RunNotFoundError);
    assert.equal(writer.pending, 2);
    assert.throws(() => writer.flush(), RunNotFoundError); // the write is tried again, and fails again
    assert.equal(writer.pending, 2);
    store.close();
  });
});
