// Metric rows as callers log them and as the store keeps them, with the checks between the two.
import { ArgumentError } from '../tensor/errors.js';

/** One logged value, e.g. { key: 'train/loss', step: 120, epoch: 2, value: 0.031 }. */
export interface MetricRow {
  key: string;
  /** Optimizer steps so far: the x axis of every chart. Logging a key at a step again replaces the value. */
  step: number;
  epoch?: number | null;
  /**
   * NaN and ±Infinity are kept as a gap (NULL in the database) and read back as NaN, so that a
   * diverged loss shows in the record instead of failing the run that logs it.
   */
  value: number;
  /** Milliseconds since 1970; the time of logging by default. */
  time?: number;
}

/** A metric row as read back from the store. */
export interface MetricRecord {
  key: string;
  step: number;
  epoch: number | null;
  value: number;
  time: number;
}

/** The values bound to the metrics table's columns. */
export interface StoredMetricRow {
  key: string;
  step: number;
  epoch: number | null;
  value: number | null;
  time: number;
}

/** Checks a row and converts it for storage; `now` stamps rows that carry no time. */
export function storedMetricRow(row: MetricRow, now: number): StoredMetricRow {
  if (typeof row !== 'object' || row === null) throw new ArgumentError(`a metric row must be an object like { key: 'loss', step: 1, value: 0.5 }, got ${String(row)}`);
  const { key, step, epoch = null, value, time = now } = row;
  if (typeof key !== 'string' || key.length === 0) throw new ArgumentError(`a metric key must be a non-empty string, got ${JSON.stringify(key)}`);
  if (!Number.isSafeInteger(step) || step < 0) throw new ArgumentError(`metric '${key}': step must be a non-negative integer, got ${step}`);
  if (epoch !== null && (!Number.isSafeInteger(epoch) || epoch < 0)) throw new ArgumentError(`metric '${key}': epoch must be a non-negative integer or null, got ${epoch}`);
  if (typeof value !== 'number') throw new ArgumentError(`metric '${key}': value must be a number, got ${typeof value}`);
  if (!Number.isFinite(time)) throw new ArgumentError(`metric '${key}': time must be milliseconds since 1970, got ${time}`);
  return { key, step, epoch, value: Number.isFinite(value) ? value : null, time: Math.round(time) };
}

/** A row of the metrics table as a MetricRecord. */
export function metricRecord(row: StoredMetricRow): MetricRecord {
  return { ...row, value: row.value ?? Number.NaN };
}
