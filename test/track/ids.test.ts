// Run ids: UTC creation time to the second plus four random hex digits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newRunId } from '../../src/track/ids.js';

describe('run ids', () => {
  test('read as the UTC time of creation, then four hex digits', () => {
    const id = newRunId(new Date('2026-11-23T14:25:01.999Z'));
    assert.match(id, /^20261123-142501-[0-9a-f]{4}$/);
  });

  test('sort in the order of creation across seconds, days and years', () => {
    const times = ['2025-12-31T23:59:59Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-01-02T09:00:00Z', '2026-10-01T00:00:00Z'];
    const ids = times.map((time) => newRunId(new Date(time)));
    assert.deepEqual([...ids].sort(), ids);
  });

  test('differ in their random part', () => {
    const time = new Date();
    const suffixes = new Set(Array.from({ length: 64 }, () => newRunId(time).slice(-4)));
    assert.ok(suffixes.size > 48, `only ${suffixes.size} different suffixes in 64 ids`);
  });
});
