// Pruning of tune's trials by the median stopping rule (Golovin et al. 2017, "Google Vizier"; as
// Optuna's MedianPruner): after each epoch but the last, a trial whose intermediate objective is
// worse than the median of the other trials of its search at the same epoch stops there.
// A pruned trial is an interrupted run with a `pruned` metric (the epoch it stopped after),
// written while the run is still held, so no other worker mistakes it for one to resume.
import type { Callback } from '../train/callbacks.js';
import type { EpochMetrics } from '../train/metrics.js';
import type { RunRecord, RunStore } from '../track/store.js';

/** One of pruneRules. */
export type PruneRule = 'none' | 'median';
/** The pruning rules of a search: none, or median (stop a trial worse than the median of the other trials at the same epoch). */
export const pruneRules: readonly PruneRule[] = ['none', 'median'];

/** The metric recorded on a pruned run; its value is the epoch after which it stopped. */
export const prunedMetric = 'pruned';

export function isPrunedRun(store: RunStore, run: RunRecord): boolean {
  return run.status === 'interrupted' && store.metrics(run.id, prunedMetric).length > 0;
}

/**
 * The epoch-wise stand-in for a final objective, and its value at `epoch`: the objective itself
 * where the trainer records it every epoch (train_loss, test_loss, a loss term as test_<term> or
 * train_<term>), else test_loss (the final evaluation's test_mse and the like exist only at the end).
 */
export function intermediateValue(objective: string, epoch: EpochMetrics): { key: string; value: number | undefined } {
  if (objective === 'train_loss') return { key: objective, value: epoch.trainLoss };
  if (objective.startsWith('train_') && objective.slice(6) in epoch.trainTerms) return { key: objective, value: epoch.trainTerms[objective.slice(6)] };
  if (objective.startsWith('test_') && epoch.validationTerms && objective.slice(5) in epoch.validationTerms) return { key: objective, value: epoch.validationTerms[objective.slice(5)] };
  return { key: 'test_loss', value: epoch.validationLoss };
}

export interface MedianPruner {
  callback: Callback;
  /** Set once the trial is pruned. */
  pruned: { epoch: number; reason: string } | null;
}

/** A trainer hook that applies the median stopping rule to run `runId` of search `search`. */
export function medianPruner(store: RunStore, search: string, runId: string, objective: string, startup: number): MedianPruner {
  const state: MedianPruner = {
    pruned: null,
    callback: {
      onEpochEnd(epoch, trainer) {
        if (!epoch.complete || epoch.epoch >= maxEpochs(store, runId)) return; // the last epoch saves nothing
        const { key, value } = intermediateValue(objective, epoch);
        if (value === undefined || !Number.isFinite(value)) return;
        const others = store
          .listRuns({ studyId: search })
          .filter((run) => run.id !== runId)
          .map((run) => store.metrics(run.id, key).find((m) => m.epoch === epoch.epoch)?.value)
          .filter((v): v is number => v !== undefined && Number.isFinite(v));
        if (others.length < startup) return;
        const median = medianOf(others);
        if (!(value > median)) return;
        const reason = `pruned after epoch ${epoch.epoch}: ${key} ${value.toPrecision(4)} above the median ${median.toPrecision(4)} of ${others.length} other trials (median stopping rule)`;
        store.logMetrics(runId, [{ key: prunedMetric, value: epoch.epoch, step: epoch.step, epoch: epoch.epoch }]);
        state.pruned = { epoch: epoch.epoch, reason };
        trainer.requestStop();
      },
    },
  };
  return state;
}

function maxEpochs(store: RunStore, runId: string): number {
  const epochs = store.getRun(runId).config.epochs;
  return typeof epochs === 'number' ? epochs : Infinity;
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
}
