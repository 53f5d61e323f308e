// RunStore's run lock: claimRun is a compare-and-swap on the run's status and lock token, so of
// two claims made from the same view exactly one wins; releaseRun and checkLock notice a run taken
// over; assertPresent notices a store deleted under an open RunStore.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { RunLockedError, RunStore } from '../../src/track/store.js';
import { RunStoreError } from '../../src/track/errors.js';
import { createTestRun, temporaryStore } from './helpers.js';

const first = { pid: 101, host: 'host-a', processStart: '555' };
const second = { pid: 202, host: 'host-b', processStart: '777' };

describe('RunStore#claimRun()', () => {
  test('records the holder and a new token; a second claim from the same view loses and names the holder', () => {
    const store = temporaryStore();
    const run = store.setStatus(createTestRun(store).id, 'interrupted');
    const token = store.claimRun(run.id, first, run);
    const claimed = store.getRun(run.id);
    assert.equal(claimed.status, 'running');
    assert.equal(claimed.pid, 101);
    assert.equal(claimed.host, 'host-a');
    assert.deepEqual(claimed.lock, { token, processStart: '555', since: claimed.lock!.since });
    assert.throws(() => store.claimRun(run.id, second, run), (error: Error) => error instanceof RunLockedError && /run \S+ is held by process 101 on host-a since \d{4}-\d\d-\d\dT/.test(error.message));
    assert.equal(store.getRun(run.id).lock?.token, token, 'the loser changed nothing');
    store.close();
  });

  test('a stale lock is taken over by claiming from the view that holds it; the old holder then cannot release or continue', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    const old = store.claimRun(run.id, first, run);
    const stale = store.getRun(run.id);
    const taken = store.claimRun(run.id, second, stale);
    assert.notEqual(taken, old);
    assert.equal(store.getRun(run.id).pid, 202);
    assert.throws(() => store.checkLock(run.id, old), /no longer holds run .* held by process 202 on host-b/);
    assert.throws(() => store.releaseRun(run.id, old, 'failed', { error: 'x' }), RunLockedError);
    assert.equal(store.getRun(run.id).status, 'running', 'the old holder marked nothing');
    store.checkLock(run.id, taken);
    const released = store.releaseRun(run.id, taken, 'finished');
    assert.equal(released.status, 'finished');
    assert.equal(released.pid, null);
    assert.equal(released.lock, null);
    store.close();
  });
});

describe('RunStore#assertPresent()', () => {
  test('throws once the store folder is deleted, though SQLite still writes into the unlinked file', () => {
    const store = temporaryStore();
    const run = createTestRun(store);
    store.assertPresent();
    rmSync(store.dir, { recursive: true, force: true });
    store.logMetrics(run.id, [{ key: 'train_loss', value: 1, step: 1 }]); // succeeds: the reason for the check
    assert.throws(() => store.assertPresent(), (error: Error) => error instanceof RunStoreError && error.message.includes(`the run store ${store.dir} changed while in use`) && error.message.includes('is gone'));
    store.close();
  });

  test('throws when the database was replaced by another file', () => {
    const store = temporaryStore();
    const dir = store.dir;
    rmSync(store.file);
    const other = RunStore.open(dir);
    assert.throws(() => store.assertPresent(), /was replaced by another file/);
    other.assertPresent();
    other.close();
    store.close();
  });
});
