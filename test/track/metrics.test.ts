// Metric rows: the checks a row passes before it is stored, and how values are kept.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/tensor/errors.js';
import { metricRecord, storedMetricRow, type MetricRow } from '../../src/track/metrics.js';

describe('metric rows', () => {
  test('a row gets the time given, or the time now, and keeps finite values as they are', () => {
    assert.deepEqual(storedMetricRow({ key: 'loss', step: 3, epoch: 1, value: 0.25 }, 1234), { key: 'loss', step: 3, epoch: 1, value: 0.25, time: 1234 });
    assert.deepEqual(storedMetricRow({ key: 'loss', step: 0, value: -2, time: 99.6 }, 1234), { key: 'loss', step: 0, epoch: null, value: -2, time: 100 });
  });

  test('NaN and infinities become NULL, and NULL reads back as NaN', () => {
    for (const value of [Number.NaN, Infinity, -Infinity]) assert.equal(storedMetricRow({ key: 'loss', step: 0, value }, 0).value, null);
    assert.ok(Number.isNaN(metricRecord({ key: 'loss', step: 0, epoch: null, value: null, time: 0 }).value));
    assert.equal(metricRecord({ key: 'loss', step: 0, epoch: null, value: 0, time: 0 }).value, 0);
  });

  test('malformed rows are refused with the key and the field', () => {
    const bad: [unknown, string][] = [
      [null, 'a metric row must be an object'],
      [{ key: '', step: 0, value: 1 }, 'a metric key must be a non-empty string, got ""'],
      [{ step: 0, value: 1 }, 'a metric key must be a non-empty string, got undefined'],
      [{ key: 'loss', step: -1, value: 1 }, "metric 'loss': step must be a non-negative integer, got -1"],
      [{ key: 'loss', step: 1.5, value: 1 }, "metric 'loss': step must be a non-negative integer, got 1.5"],
      [{ key: 'loss', step: 1, epoch: 0.5, value: 1 }, "metric 'loss': epoch must be a non-negative integer or null, got 0.5"],
      [{ key: 'loss', step: 1, value: '0.5' }, "metric 'loss': value must be a number, got string"],
      [{ key: 'loss', step: 1, value: 1, time: Number.NaN }, "metric 'loss': time must be milliseconds since 1970, got NaN"],
    ];
    for (const [row, message] of bad) {
      assert.throws(() => storedMetricRow(row as MetricRow, 0), (e: Error) => e instanceof ArgumentError && e.message.startsWith(message), JSON.stringify(row));
    }
  });
});
