// The `csv` data set: one CSV file of numbers whose target columns (--target) are what the heads
// of a model predict, a class per row or a continuous value, the other columns its inputs. The
// file is split 80/20 into train and test by a fixed shuffle (seed 0), the same for every run, so
// that runs of different seeds are scored on the same rows.
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { permutation, seededRandom } from '../tensor/random.js';
import { encodeLabels, isNumber, parseNumber, readCsv } from './csv.js';

/** What one target of a data set is: a class per sample (classification) or a number (regression). */
export type TargetKind = 'class' | 'value';

/** One prediction task of a data set: its name, kind, classes (classification) or the train split's mean and std (regression). */
export interface TargetTask {
  /** The column's name (csv), or 'class' / 'value' for the built-in data sets. */
  name: string;
  kind: TargetKind;
  /** Classification: how many classes (labels 0 to numClasses − 1). */
  numClasses?: number;
  /** Classification: class index → name, where the column held names. */
  classes?: readonly string[];
  /** Regression: mean of the target on the train split (the head predicts the standardised value). */
  mean?: number;
  /** Regression: standard deviation of the target on the train split (1 where it is constant). */
  std?: number;
}

/** A target column as --target names it: its column (name, or 0-based index) and kind. */
export interface TargetColumn {
  column: string | number;
  kind: TargetKind;
}

/** Share of the file's rows in the test split. */
export const csvTestShare = 0.2;

/**
 * Parses --target: comma-separated columns, each `name` (a regression target) or `name:class` /
 * `name:value`; a name of digits only is a 0-based column index. Throws one line on a bad spec.
 */
export function parseTargetSpec(spec: string): TargetColumn[] {
  const parts = spec.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) throw new ArgumentError(`--target '${spec}' has an empty column: write columns separated by commas, like price or species:class,petal_width`);
  const columns = parts.map((part): TargetColumn => {
    const colon = part.lastIndexOf(':');
    const name = colon < 0 ? part : part.slice(0, colon).trim();
    const kind = colon < 0 ? 'value' : part.slice(colon + 1).trim();
    if (kind !== 'class' && kind !== 'value') throw new ArgumentError(`--target '${part}': the kind after ':' must be class or value, got '${kind}'`);
    if (name === '') throw new ArgumentError(`--target '${part}' names no column: write the column before ':${kind}'`);
    return { column: /^\d+$/.test(name) ? Number(name) : name, kind };
  });
  const names = columns.map((c) => String(c.column));
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new ArgumentError(`--target names the column '${repeated}' twice: name each target column once`);
  return columns;
}

/** One split of the csv data set: inputs, targets and the tasks the targets hold. */
export interface CsvSplit {
  /** float32 [N, features] */
  inputs: Tensor;
  /** One target: int64 [N] (class) or float32 [N] (value); several: float32 [N, T], classes as whole numbers. */
  targets: Tensor;
  tasks: TargetTask[];
  /** The input columns' names. */
  columns: string[];
}

/**
 * Loads split `split` of the CSV file at `path` with the targets `target` (a --target spec). The
 * regression targets' mean and std are the train split's in both splits (what the model
 * standardises with); the class count is the whole file's.
 */
export function loadCsvDataset(path: string | undefined, options: { split: 'train' | 'test'; target?: string; limit?: number }): CsvSplit {
  if (path === undefined) throw new ArgumentError('the csv data set reads one CSV file: give its path with --data-dir (dataDir in a config file)');
  if (options.target === undefined) throw new ArgumentError("the csv data set needs its target column(s), as train's --target gives them (target in a config file), like price or species:class: the other columns are the inputs");
  const targets = parseTargetSpec(options.target);
  const table = readCsvTargets(path, targets);
  const rows = table.inputs.shape[0]!;
  if (rows < 2) {
    table.inputs.dispose();
    throw new FileFormatError(`${path} has ${rows} data row: the csv data set needs at least 2 (a train and a test row)`);
  }
  const testRows = Math.max(1, Math.round(rows * csvTestShare));
  const order = Array.from(permutation(rows, seededRandom(0)));
  const trainOrder = order.slice(testRows).sort((a, b) => a - b);
  const chosen = options.split === 'train' ? trainOrder : order.slice(0, testRows).sort((a, b) => a - b);
  const kept = options.limit !== undefined ? chosen.slice(0, options.limit) : chosen;
  let columns: number[][];
  let tasks: TargetTask[];
  try {
    ({ columns, tasks } = encodeTargets(path, table.targetCells!, table.targetColumns!, targets, table.rowLines!, trainOrder));
  } catch (error) {
    table.inputs.dispose();
    throw error;
  }
  const inputs = tidy(() => table.inputs.indexSelect(0, tensor(BigInt64Array.from(kept, (i) => BigInt(i)))));
  table.inputs.dispose();
  let values: Tensor;
  if (tasks.length === 1 && tasks[0]!.kind === 'class') values = tensor(BigInt64Array.from(kept, (i) => BigInt(columns[0]![i]!)));
  else if (tasks.length === 1) values = tensor(Float32Array.from(kept, (i) => columns[0]![i]!));
  else values = tensor(Float32Array.from(kept.flatMap((i) => columns.map((column) => column[i]!))), { shape: [kept.length, tasks.length] });
  return { inputs, targets: values, tasks, columns: table.columns };
}

// readCsv, whose hint for a cell that is not a number names this data set's way out (--target).
function readCsvTargets(path: string, targets: TargetColumn[]) {
  try {
    return readCsv(path, { targets: targets.map((t) => t.column) });
  } catch (error) {
    const hint = 'fix the cell, or pass the column as label or in ignore';
    if (error instanceof FileFormatError && error.message.endsWith(hint)) {
      throw new FileFormatError(`${error.message.slice(0, -hint.length)}every input column must hold numbers: fix the cell, or make the column a target (--target <column>:class for names)`);
    }
    throw error;
  }
}

// Each target column's values (class indices or numbers, one per row) and its task.
function encodeTargets(path: string, cells: string[][], names: string[], targets: TargetColumn[], lines: number[], trainRows: number[]): { columns: number[][]; tasks: TargetTask[] } {
  const columns: number[][] = [];
  const tasks = targets.map((target, t): TargetTask => {
    const name = names[t]!;
    if (target.kind === 'class') {
      const { labels, classes } = encodeLabels(cells[t]!);
      const values = Array.from(labels, Number);
      const negative = values.findIndex((v) => v < 0);
      if (negative >= 0) throw new FileFormatError(`${path}, line ${lines[negative]}: the class target '${name}' holds ${values[negative]}: class labels are 0 or more (or names)`);
      columns.push(values);
      return { name, kind: 'class', numClasses: classes?.length ?? Math.max(...values) + 1, ...(classes ? { classes } : {}) };
    }
    const bad = cells[t]!.findIndex((cell) => !isNumber(cell) || !Number.isFinite(parseNumber(cell)));
    if (bad >= 0) {
      const cell = cells[t]![bad]!;
      throw new ArgumentError(
        `--target ${name} is a regression target and needs a finite number in every row, but ${path}, line ${lines[bad]} holds ${cell === '' ? 'an empty cell' : `'${cell}'`}: ` +
          `fix the cell, write ${name}:class for a classification target, or choose a numeric column`,
      );
    }
    const values = cells[t]!.map(parseNumber);
    columns.push(values);
    const train = trainRows.map((i) => values[i]!);
    const mean = train.reduce((sum, v) => sum + v, 0) / train.length;
    const std = Math.sqrt(train.reduce((sum, v) => sum + (v - mean) ** 2, 0) / train.length);
    return { name, kind: 'value', mean, std: std > 0 ? std : 1 };
  });
  return { columns, tasks };
}
