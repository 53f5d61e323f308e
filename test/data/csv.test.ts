// CSV tables: values, header detection, label columns (integers kept, names numbered in sorted
// order), quoting, and errors that name the line and column of a bad cell.
// Run: npx tsc -p . && node --test dist/test/data/csv.test.js
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FileFormatError, liveTensorCount } from '../../src/index.js';
import { parseCsv, readCsv, type CsvTable } from '../../src/data/csv.js';

function values(table: CsvTable): { inputs: unknown; labels?: unknown } {
  const result = { inputs: table.inputs.toArray(), labels: table.labels?.toArray() };
  table.inputs.dispose();
  table.labels?.dispose();
  return result;
}

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latentlab-csv-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCsv values and labels', () => {
  test('a header, a named label column of class names → sorted classes and int64 labels', () => {
    const table = parseCsv('sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.5,setosa\n', { label: 'species' });
    assert.deepEqual(table.columns, ['sepal', 'petal']);
    assert.deepEqual(table.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(table.inputs.dtype, 'float32');
    assert.equal(table.labels!.dtype, 'int64');
    assert.deepEqual(values(table), { inputs: [[5.1, 1.4], [7.0, 4.7], [6.3, 6.0], [4.9, 1.5]].map((r) => r.map(Math.fround)), labels: [0, 1, 2, 0] });
  });

  test('target columns come back as raw cells with their names and lines, out of the features', () => {
    const table = parseCsv('a,y,b,kind\n1,2.5,3,x\n\n4,abc,6,y\n', { targets: ['kind', 1] });
    assert.deepEqual(table.columns, ['a', 'b']);
    assert.deepEqual(table.targetColumns, ['kind', 'y']);
    assert.deepEqual(table.targetCells, [['x', 'y'], ['2.5', 'abc']]);
    assert.deepEqual(table.rowLines, [2, 4]);
    assert.deepEqual(values(table), { inputs: [[1, 3], [4, 6]], labels: undefined });
  });

  test('no header, label by index: integer labels are kept as they are', () => {
    const table = parseCsv('1,2,7\n3,4,-1\n5,6,7\n', { header: false, label: 2 });
    assert.deepEqual(table.columns, ['column 0', 'column 1']);
    assert.equal(table.classes, undefined);
    assert.deepEqual(values(table), { inputs: [[1, 2], [3, 4], [5, 6]], labels: [7, -1, 7] });
  });

  test("header 'auto': a numeric first row is data, a named one is a header", () => {
    const numeric = parseCsv('1,2\n3,4\n');
    assert.deepEqual(numeric.columns, ['column 0', 'column 1']);
    assert.deepEqual(values(numeric).inputs, [[1, 2], [3, 4]]);
    const named = parseCsv('x,y\n1,2\n');
    assert.deepEqual(named.columns, ['x', 'y']);
    assert.deepEqual(values(named).inputs, [[1, 2]]);
  });

  test('ignored columns, exponents, signs, NaN and infinities', () => {
    const table = parseCsv('id,a,b\nr1,-1.5e2,nan\nr2,+.25,-inf\nr3,3.,Infinity\n', { ignore: ['id'] });
    const { inputs } = values(table);
    assert.deepEqual(inputs, [[-150, NaN], [0.25, -Infinity], [3, Infinity]]);
  });

  test('quoted cells with delimiters, doubled quotes and line breaks; CRLF; a BOM; blank lines', () => {
    const text = '\ufeff"a,b","say ""hi""",label\r\n1,2,"x, y"\r\n\r\n3,4,"multi\nline"\r\n5,6,"x, y"\r\n';
    const table = parseCsv(text, { label: 'label' });
    assert.deepEqual(table.columns, ['a,b', 'say "hi"']);
    assert.deepEqual(table.classes, ['multi\nline', 'x, y']);
    assert.deepEqual(values(table), { inputs: [[1, 2], [3, 4], [5, 6]], labels: [1, 0, 1] });
  });

  test('another delimiter', () => {
    const table = parseCsv('a;b\n1.5;"2"\n', { delimiter: ';' });
    assert.deepEqual(table.columns, ['a', 'b']);
    assert.deepEqual(values(table).inputs, [[1.5, 2]]);
  });
});

describe('parseCsv errors', () => {
  const fails = (text: string, options: Parameters<typeof parseCsv>[1], kind: typeof FileFormatError | typeof ArgumentError, pattern: RegExp) => {
    const before = liveTensorCount();
    assert.throws(() => parseCsv(text, options, 'data.csv'), (e: unknown) => e instanceof kind && pattern.test(e.message));
    assert.equal(liveTensorCount(), before, 'a failed parse leaves no tensors behind');
  };

  test('a non-numeric cell names the line, the column and the cell', () => {
    fails('a,b,c\n1,2,3\n4,oops,6\n', {}, FileFormatError, /^data\.csv, line 3, column 'b' \(index 1\) holds 'oops', which is not a number/);
    // Line numbers count the physical lines, past quoted line breaks and blank lines.
    fails('a,b\n"1",2\n\n"x\ny",3\n', { header: true }, FileFormatError, /line 4, column 'a'/);
  });
  test("'0x10', '1,5' style cells and empty cells are not numbers", () => {
    fails('a\n0x10\n', { header: true }, FileFormatError, /'0x10', which is not a number/);
    fails('a,b\n1,\n', {}, FileFormatError, /line 2, column 'b' \(index 1\) is empty/);
  });
  test('a row of the wrong length', () => {
    fails('a,b,c\n1,2,3\n4,5\n', {}, FileFormatError, /line 3: 2 cells where the header has 3/);
  });
  test('an unclosed quote, text after a closing quote', () => {
    fails('a,b\n"1,2\n', {}, FileFormatError, /line 2: a quoted cell is never closed/);
    fails('a,b\n"1"x,2\n', {}, FileFormatError, /text after a closing quote/);
  });
  test('label and ignore columns that do not exist', () => {
    fails('a,b\n1,2\n', { label: 'c' }, ArgumentError, /no column named 'c' for the label: its columns are 'a', 'b'/);
    fails('1,2\n3,4\n', { label: 'c' }, ArgumentError, /no header row, so the label column must be given by index/);
    fails('a,b\n1,2\n', { label: 5 }, ArgumentError, /label column index 5 is out of range: data\.csv has 2 columns/);
    fails('a,b\n1,2\n', { label: 'a', ignore: ['b'] }, ArgumentError, /no feature columns are left/);
  });
  test('empty input, a header alone, a bad delimiter', () => {
    fails('\n\n', {}, FileFormatError, /holds no rows/);
    fails('a,b\n', {}, FileFormatError, /has a header but no data rows/);
    fails('a\n1\n', { delimiter: '""' }, ArgumentError, /delimiter must be one character/);
  });
});

describe('readCsv', () => {
  test('reads a file; a missing file is a FileFormatError naming it', () => {
    const path = join(dir, 'points.csv');
    writeFileSync(path, 'x,y,label\n0.5,1,0\n2,3,1\n');
    const table = readCsv(path, { label: 'label' });
    assert.deepEqual(values(table), { inputs: [[0.5, 1], [2, 3]], labels: [0, 1] });
    assert.throws(() => readCsv(join(dir, 'none.csv')), (e: unknown) => e instanceof FileFormatError && e.message.includes('none.csv'));
  });
  test('errors from a file name the file', () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'x\n1\nbad\n');
    assert.throws(() => readCsv(path), (e: unknown) => e instanceof FileFormatError && e.message.startsWith(`${path}, line 3`));
  });
});
