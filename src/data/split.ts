// Dividing a dataset: seeded train/validation/test splits and stratified few-label subsets
// (k labelled samples per class, for semi-supervised and transfer experiments).
import { ArgumentError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import type { TensorDataset } from './loader.js';
import { permutation, seededRandom } from '../tensor/random.js';

function subset(dataset: TensorDataset, positions: ArrayLike<number>): TensorDataset {
  const index = tensor(BigInt64Array.from(Array.from(positions), (i) => BigInt(i)));
  const result = { inputs: dataset.inputs.indexSelect(0, index), targets: dataset.targets?.indexSelect(0, index) };
  index.dispose();
  return result;
}

/** Splits by fractions (summing to at most 1) after a seeded shuffle: [0.8, 0.2] → train, validation. */
export function randomSplit(dataset: TensorDataset, fractions: readonly number[], seed = 0): TensorDataset[] {
  const total = fractions.reduce((a, b) => a + b, 0);
  if (fractions.some((f) => !(f >= 0)) || total > 1 + 1e-9) throw new ArgumentError(`split fractions must be non-negative and sum to at most 1, got [${fractions.join(', ')}]`);
  const n = dataset.inputs.shape[0] ?? 0;
  const order = permutation(n, seededRandom(seed));
  let start = 0;
  return fractions.map((fraction, i) => {
    const size = i === fractions.length - 1 && Math.abs(total - 1) < 1e-9 ? n - start : Math.round(fraction * n);
    const part = subset(dataset, order.subarray(start, start + size));
    start += size;
    return part;
  });
}

/** k samples of every class (chosen with a seed), and the rest. Targets must be class indices. */
export function fewLabelSubset(dataset: TensorDataset, perClass: number, seed = 0): { labelled: TensorDataset; rest: TensorDataset } {
  if (!dataset.targets) throw new ArgumentError('a few-label subset needs targets (class indices)');
  if (!Number.isInteger(perClass) || perClass < 1) throw new ArgumentError(`samples per class must be a positive integer, got ${perClass}`);
  const labels = Array.from(dataset.targets.toTypedArray() as ArrayLike<number | bigint>, Number);
  const byClass = new Map<number, number[]>();
  for (const i of permutation(labels.length, seededRandom(seed))) {
    const list = byClass.get(labels[i]!) ?? byClass.set(labels[i]!, []).get(labels[i]!)!;
    list.push(i);
  }
  const chosen: number[] = [];
  for (const [label, members] of [...byClass].sort((a, b) => a[0] - b[0])) {
    if (members.length < perClass) throw new ArgumentError(`class ${label} has only ${members.length} samples, fewer than ${perClass}`);
    chosen.push(...members.slice(0, perClass));
  }
  chosen.sort((a, b) => a - b);
  const taken = new Set(chosen);
  const rest = labels.map((_, i) => i).filter((i) => !taken.has(i));
  return { labelled: subset(dataset, chosen), rest: subset(dataset, rest) };
}
