// The targets a run's data set offers its model's task heads (multitask-ae), and the heads' test
// metrics: accuracy for a class target, RMSE and R² (in the target's units) for a continuous one.
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/combine.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TargetTask } from '../data/csv-dataset.js';
import type { LoadedDataset } from '../data/datasets.js';
import type { TensorDataset } from '../data/loader.js';
import { isMultiTaskAutoencoder, taskTargets, type MultiTaskAutoencoder } from '../models/multitask-ae.js';
import type { Autoencoder } from '../models/autoencoder.js';

/**
 * The tasks of a data set: a csv file's target columns as loaded, else one class task (a labelled
 * set) or one value task (a point set's position along its manifold) with the split's mean and std.
 */
export function datasetTasks(set: LoadedDataset, numClasses: number | undefined): TargetTask[] {
  if (set.tasks) return [...set.tasks];
  if (set.targetKind === 'class') return numClasses !== undefined ? [{ name: 'class', kind: 'class', numClasses, ...(set.classes ? { classes: set.classes } : {}) }] : [];
  const [mean, std] = tidy(() => [set.targets.float().mean().item(), set.targets.float().std({ correction: 0 }).item()]);
  return [{ name: 'value', kind: 'value', mean: mean!, std: std! > 0 ? std! : 1 }];
}

/** RMSE and R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² of predictions against targets (both [N]); R² is 0 for a constant target predicted exactly. */
export function regressionMetrics(predictions: Tensor, targets: Tensor): { rmse: number; r2: number } {
  return tidy(() => {
    const y = targets.double();
    const residual = y.sub(predictions.double()).square().sum().item();
    const total = y.sub(y.mean()).square().sum().item();
    const n = y.shape[0]!;
    return { rmse: Math.sqrt(residual / n), r2: total > 0 ? 1 - residual / total : residual === 0 ? 0 : -Infinity };
  });
}

/** The metric-key form of a task's name (letters, digits and _). */
export function taskKey(task: TargetTask): string {
  return task.name.replace(/[^A-Za-z0-9]+/g, '_');
}

/**
 * A multi-task model's test metrics, in eval mode: test_accuracy_<task> for each class head,
 * test_rmse_<task> and test_r2_<task> for each regression head. Empty for another model.
 */
export function taskMetrics(model: Autoencoder, test: TensorDataset, batchSize = 500): Record<string, number> {
  if (!isMultiTaskAutoencoder(model) || !test.targets) return {};
  const wasTraining = model.training;
  model.eval();
  try {
    const predictions = predictAll(model, test.inputs, batchSize);
    const metrics: Record<string, number> = {};
    try {
      model.heads.forEach(({ task }, t) => {
        tidy(() => {
          const target = taskTargets(test.targets!, t, model.heads.length);
          if (task.kind === 'class') {
            metrics[`test_accuracy_${taskKey(task)}`] = predictions[t]!.argmax(1).eq(target.long()).float().mean().item();
          } else {
            const { rmse, r2 } = regressionMetrics(predictions[t]!, target);
            metrics[`test_rmse_${taskKey(task)}`] = rmse;
            metrics[`test_r2_${taskKey(task)}`] = r2;
          }
        });
      });
    } finally {
      predictions.forEach((p) => p.dispose());
    }
    return metrics;
  } finally {
    model.train(wasTraining);
  }
}

// Each head's predictions of every input, in batches, without a graph.
function predictAll(model: MultiTaskAutoencoder, inputs: Tensor, batchSize: number): Tensor[] {
  return noGrad(() => {
    const parts: Tensor[][] = model.heads.map(() => []);
    const n = inputs.shape[0]!;
    for (let start = 0; start < n; start += batchSize) {
      const batch = inputs.narrow(0, start, Math.min(batchSize, n - start));
      model.predict(batch).forEach((p, t) => parts[t]!.push(p));
      batch.dispose();
    }
    return parts.map((list) => {
      const all = cat(list, 0);
      list.forEach((p) => p.dispose());
      return all;
    });
  });
}
