// Several runs side by side: the configuration keys whose values differ, and every final metric.
import type { RunRecord, RunStore } from '../track/store.js';
import { ArgumentError } from '../tensor/errors.js';

/** Runs side by side: the configuration keys whose values differ and the final metrics of each. */
export interface RunComparison {
  runs: RunRecord[];
  /** Configuration keys whose values are not the same in every run; undefined where a run lacks the key. */
  parameters: { key: string; values: unknown[] }[];
  /** Every final metric any of the runs has; undefined where a run lacks it. */
  metrics: { key: string; values: (number | undefined)[] }[];
}

/** Compares two or more runs of the store: the configuration keys that differ and every final metric, side by side. */
export function compareRuns(store: RunStore, ids: readonly string[]): RunComparison {
  if (ids.length < 2) throw new ArgumentError('compare needs at least two runs');
  const runs = ids.map((id) => store.getRun(id));
  const configs = runs.map((run) => run.config as Record<string, unknown>);
  const keys = [...new Set(configs.flatMap((config) => Object.keys(config)))];
  const parameters = keys
    .map((key) => ({ key, values: configs.map((config) => config[key]) }))
    .filter(({ values }) => new Set(values.map((value) => JSON.stringify(value))).size > 1);
  const finals = runs.map((run) => store.finalMetrics(run.id));
  const metricKeys = [...new Set(finals.flatMap((metrics) => Object.keys(metrics)))].filter((key) => !key.includes('/')).sort();
  const metrics = metricKeys.map((key) => ({ key, values: finals.map((metrics) => metrics[key]) }));
  return { runs, parameters, metrics };
}
