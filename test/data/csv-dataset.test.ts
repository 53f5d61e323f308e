// The csv data set: --target specs, the fixed 80/20 split, class and regression targets (one or
// several), the train split's mean and std in both splits, and one clear line for each bad input.
// Run: npx tsc -p . && node --test dist/test/data/csv-dataset.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FileFormatError } from '../../src/tensor/errors.js';
import { loadCsvDataset, parseTargetSpec, type CsvSplit } from '../../src/data/csv-dataset.js';
import { loadDataset } from '../../src/data/datasets.js';
import { tidy } from '../../src/tensor/scope.js';
import { expectNoLeaksPerTest } from '../helpers/leaks.js';

expectNoLeaksPerTest();

let dir = '';
let file = '';
let numeric = '';
// 20 rows: x = i, y = 2i + 1, kind = even/odd, level = i mod 3
const rows = Array.from({ length: 20 }, (_, i) => `${i},${2 * i + 1},${i % 2 === 0 ? 'even' : 'odd'},${i % 3}`);
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-csv-dataset-'));
  file = join(dir, 'table.csv');
  writeFileSync(file, `x,y,kind,level\n${rows.join('\n')}\n`);
  numeric = join(dir, 'numeric.csv');
  writeFileSync(numeric, `x,y,level\n${rows.map((row) => row.replace(/,(even|odd)/, '')).join('\n')}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const free = (split: CsvSplit) => [split.inputs, split.targets].forEach((t) => t.dispose());
const firstColumn = (split: CsvSplit) => tidy(() => Array.from(split.inputs.select(1, 0).toTypedArray() as Float32Array));
const numbers = (split: CsvSplit) => Array.from(split.targets.toTypedArray() as ArrayLike<number | bigint>, Number);

describe('parseTargetSpec', () => {
  test('columns are regression targets unless marked :class; digits name a column index', () => {
    assert.deepEqual(parseTargetSpec('price'), [{ column: 'price', kind: 'value' }]);
    assert.deepEqual(parseTargetSpec(' species:class , 3:value'), [{ column: 'species', kind: 'class' }, { column: 3, kind: 'value' }]);
  });

  test('a bad spec gives one line saying what to write', () => {
    const refused = (spec: string, pattern: RegExp) => assert.throws(() => parseTargetSpec(spec), (e: unknown) => e instanceof ArgumentError && pattern.test(e.message));
    refused('a,,b', /empty column/);
    refused('a:label', /kind after ':' must be class or value, got 'label'/);
    refused(':class', /names no column/);
    refused('a,a:class', /names the column 'a' twice/);
  });
});

describe('loadCsvDataset', () => {
  test('a fixed 80/20 split of the rows, the same for every call, train and test disjoint', () => {
    const train = loadCsvDataset(numeric, { split: 'train', target: 'y' });
    const test = loadCsvDataset(numeric, { split: 'test', target: 'y' });
    const again = loadCsvDataset(numeric, { split: 'test', target: 'y' });
    assert.deepEqual([train.inputs.shape, test.inputs.shape], [[16, 2], [4, 2]]);
    const [trainX, testX] = [firstColumn(train), firstColumn(test)];
    assert.deepEqual(firstColumn(again), testX);
    assert.deepEqual([...trainX, ...testX].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    // y = 2x + 1, row by row
    assert.deepEqual(numbers(test), testX.map((x) => 2 * x + 1));
    [train, test, again].forEach(free);
  });

  test('one regression target: float32 [N], mean and std of the train split alike in both splits', () => {
    const train = loadCsvDataset(numeric, { split: 'train', target: 'y', limit: 10 });
    const test = loadCsvDataset(numeric, { split: 'test', target: 'y' });
    assert.equal(train.targets.dtype, 'float32');
    assert.deepEqual(train.targets.shape, [10]);
    const full = loadCsvDataset(numeric, { split: 'train', target: 'y' });
    const ys = numbers(full);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const std = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length);
    for (const split of [train, test]) {
      assert.equal(split.tasks.length, 1);
      assert.equal(split.tasks[0]!.kind, 'value');
      assert.ok(Math.abs(split.tasks[0]!.mean! - mean) < 1e-9 && Math.abs(split.tasks[0]!.std! - std) < 1e-9);
    }
    assert.deepEqual(train.columns, ['x', 'level']);
    [train, test, full].forEach(free);
  });

  test('several targets: float32 [N, T], class names numbered in sorted order', () => {
    const split = loadCsvDataset(file, { split: 'test', target: 'kind:class,y,level:class' });
    assert.deepEqual(split.targets.shape, [4, 3]);
    assert.deepEqual(split.tasks.map((t) => [t.name, t.kind, t.numClasses]), [['kind', 'class', 2], ['y', 'value', undefined], ['level', 'class', 3]]);
    assert.deepEqual(split.tasks[0]!.classes, ['even', 'odd']);
    const x = firstColumn(split);
    const targets = split.targets.toArray() as number[][];
    targets.forEach((row, i) => assert.deepEqual(row, [x[i]! % 2, 2 * x[i]! + 1, x[i]! % 3]));
    free(split);
  });

  test('loadDataset("csv"): one class target as int64 labels, several as tasks', () => {
    const set = loadDataset('csv', { split: 'train', dataDir: file, target: 'kind:class,level:value' });
    assert.equal(set.targetKind, 'tasks');
    [set.inputs, set.targets].forEach((t) => t.dispose());
    const one = loadDataset('csv', { split: 'train', dataDir: numeric, target: 'level:class' });
    assert.equal(one.targetKind, 'class');
    assert.equal(one.targets.dtype, 'int64');
    assert.equal(one.classes, undefined, 'integer classes have no names');
    const named = loadDataset('csv', { split: 'train', dataDir: file, target: 'kind:class,level' });
    assert.equal(named.targetKind, 'tasks');
    assert.deepEqual(named.tasks![0]!.classes, ['even', 'odd']);
    [one, named].forEach((s) => [s.inputs, s.targets].forEach((t) => t.dispose()));
  });

  test('bad input gives one clear line: no file, no target, an unknown column, a non-numeric regression target', () => {
    const refused = (run: () => unknown, type: typeof ArgumentError | typeof FileFormatError, pattern: RegExp) =>
      assert.throws(run, (e: unknown) => e instanceof type && pattern.test(e.message) && !e.message.includes('\n'));
    refused(() => loadCsvDataset(undefined, { split: 'train', target: 'y' }), ArgumentError, /give its path with --data-dir/);
    refused(() => loadCsvDataset(file, { split: 'train' }), ArgumentError, /needs its target column\(s\), as train's --target gives them/);
    refused(() => loadCsvDataset(join(dir, 'none.csv'), { split: 'train', target: 'y' }), FileFormatError, /CSV file not found/);
    refused(() => loadCsvDataset(file, { split: 'train', target: 'price' }), ArgumentError, /no column named 'price' for the target: its columns are 'x', 'y', 'kind', 'level'/);
    refused(() => loadCsvDataset(file, { split: 'train', target: 'kind,level' }), ArgumentError, /--target kind is a regression target and needs a finite number in every row, but .*line 2 holds 'even'.*kind:class/);
    refused(() => loadCsvDataset(file, { split: 'train', target: 'y' }), FileFormatError, /line 2, column 'kind' \(index 2\) holds 'even', which is not a number: every input column must hold numbers: .*--target <column>:class/);
    const one = join(dir, 'one.csv');
    writeFileSync(one, 'x,y\n1,2\n');
    refused(() => loadCsvDataset(one, { split: 'train', target: 'y' }), FileFormatError, /1 data row: the csv data set needs at least 2/);
    const negative = join(dir, 'negative.csv');
    writeFileSync(negative, 'x,c\n1,0\n2,-3\n3,1\n');
    refused(() => loadCsvDataset(negative, { split: 'train', target: 'c:class' }), FileFormatError, /line 3: the class target 'c' holds -3/);
  });
});
