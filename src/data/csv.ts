// Numeric tables from CSV files: every column a float32 feature except an optional label column,
// which becomes int64 class indices (its integers as they are, or class names in sorted order).
// Quoted fields (RFC 4180: "a, b", "say ""hi""") and CRLF line ends are understood.
import { readFileSync } from 'node:fs';
import { ArgumentError, FileFormatError } from '../tensor/errors.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/** Delimiter, header and column choices of readCsv(). */
export interface CsvOptions {
  /** Whether the first row names the columns; 'auto' (default): it does when any of its cells is not a number. */
  header?: boolean | 'auto';
  /** The label column, by header name or 0-based index. */
  label?: string | number;
  /** Columns to leave out, by header name or 0-based index. */
  ignore?: readonly (string | number)[];
  /** Target columns returned as their raw cells (targetCells), out of the features, by header name or 0-based index. */
  targets?: readonly (string | number)[];
  /** One character; ',' by default. */
  delimiter?: string;
}

/** A CSV file's numeric columns as a tensor, with their names and the optional label column. */
export interface CsvTable {
  /** float32 [rows, features] */
  inputs: Tensor;
  /** int64 [rows], when a label column was named */
  labels?: Tensor;
  /** The feature columns' names (from the header, else 'column <index>'). */
  columns: string[];
  /** When the labels were names rather than integers: class index → name (sorted). */
  classes?: string[];
  /** The cells of each of options.targets (trimmed), one array per target, one cell per row. */
  targetCells?: string[][];
  /** The target columns' names, as `columns` names the features'. */
  targetColumns?: string[];
  /** 1-based line of each data row in the file, for messages about a cell. */
  rowLines?: number[];
}

interface Row {
  cells: string[];
  /** 1-based line where the row starts. */
  line: number;
}

/** Reads a CSV file of numbers (and optionally a label column). */
export function readCsv(path: string, options: CsvOptions = {}): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? `CSV file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`);
  }
  return parseCsv(text, options, path);
}

/** Parses CSV text; `source` names it in error messages. */
export function parseCsv(text: string, options: CsvOptions = {}, source = 'CSV data'): CsvTable {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ArgumentError(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const rows = splitRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter, source);
  if (rows.length === 0) throw new FileFormatError(`${source} holds no rows`);
  const width = rows[0]!.cells.length;
  const hasHeader = options.header === 'auto' || options.header === undefined ? !rows[0]!.cells.every(isNumber) : options.header;
  const names = hasHeader ? rows[0]!.cells.map((c) => c.trim()) : rows[0]!.cells.map((_, i) => `column ${i}`);
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw new FileFormatError(`${source} has a header but no data rows`);

  const columnIndex = (column: string | number, role: string): number => {
    if (typeof column === 'number') {
      if (!Number.isInteger(column) || column < 0 || column >= width) throw new ArgumentError(`${role} column index ${column} is out of range: ${source} has ${width} columns (0 to ${width - 1})`);
      return column;
    }
    const index = names.indexOf(column);
    if (index < 0) {
      throw new ArgumentError(
        hasHeader
          ? `${source} has no column named '${column}' for the ${role}: its columns are ${names.map((n) => `'${n}'`).join(', ')}`
          : `${source} has no header row, so the ${role} column must be given by index (0 to ${width - 1}), not by the name '${column}'`,
      );
    }
    return index;
  };
  const labelColumn = options.label === undefined ? -1 : columnIndex(options.label, 'label');
  const ignored = new Set((options.ignore ?? []).map((c) => columnIndex(c, 'ignored')));
  const targetColumns = (options.targets ?? []).map((c) => columnIndex(c, 'target'));
  const features = names.map((_, i) => i).filter((i) => i !== labelColumn && !ignored.has(i) && !targetColumns.includes(i));
  if (features.length === 0) throw new ArgumentError(`${source}: no feature columns are left after taking out the label and ignored columns`);

  const values = new Float32Array(body.length * features.length);
  const labelCells: string[] = [];
  body.forEach((row, r) => {
    if (row.cells.length !== width) {
      throw new FileFormatError(`${source}, line ${row.line}: ${row.cells.length} cells where the ${hasHeader ? 'header' : 'first row'} has ${width}: fix the row (or quote a cell holding '${delimiter}')`);
    }
    features.forEach((c, f) => {
      const cell = row.cells[c]!;
      if (!isNumber(cell)) {
        const what = cell.trim() === '' ? 'is empty' : `holds '${cell.trim()}', which is not a number`;
        throw new FileFormatError(
          `${source}, line ${row.line}, column '${names[c]}' (index ${c}) ${what}: fix the cell, or pass the column as label or in ignore`,
        );
      }
      values[r * features.length + f] = parseNumber(cell);
    });
    if (labelColumn >= 0) labelCells.push(row.cells[labelColumn]!.trim());
  });

  const table: CsvTable = { inputs: tensor(values, { shape: [body.length, features.length] }), columns: features.map((c) => names[c]!) };
  if (options.targets !== undefined) {
    table.targetCells = targetColumns.map((c) => body.map((row) => row.cells[c]!.trim()));
    table.targetColumns = targetColumns.map((c) => names[c]!);
    table.rowLines = body.map((row) => row.line);
  }
  if (labelColumn >= 0) {
    const { labels, classes } = encodeLabels(labelCells);
    table.labels = tensor(labels);
    if (classes) table.classes = classes;
  }
  return table;
}

/** Class labels from cells: integers stay as they are; anything else is a class name, numbered in sorted order. */
export function encodeLabels(cells: string[]): { labels: BigInt64Array; classes?: string[] } {
  if (cells.every((c) => /^[+-]?\d+$/.test(c))) return { labels: BigInt64Array.from(cells, (c) => BigInt(c)) };
  const classes = [...new Set(cells)].sort();
  const index = new Map(classes.map((name, i) => [name, BigInt(i)]));
  return { labels: BigInt64Array.from(cells, (c) => index.get(c)!), classes };
}

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const specialNumbers: Record<string, number> = { nan: NaN, inf: Infinity, infinity: Infinity };

/** Whether a cell is a number: stricter than Number() ('' and '0x10' are not numbers in a data file; NaN and inf, as NumPy writes them, are). */
export function isNumber(cell: string): boolean {
  const text = cell.trim();
  return numberPattern.test(text) || text.replace(/^[+-]/, '').toLowerCase() in specialNumbers;
}

/** The number a cell holds (isNumber first). */
export function parseNumber(cell: string): number {
  const text = cell.trim();
  const special = specialNumbers[text.replace(/^[+-]/, '').toLowerCase()];
  if (special !== undefined) return text.startsWith('-') ? -special : special;
  return Number(text);
}

// Splits into rows of cells, honouring quotes; blank lines are skipped.
function splitRows(text: string, delimiter: string, source: string): Row[] {
  const rows: Row[] = [];
  let cells: string[] = [];
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let rowHasContent = false;
  const endRow = () => {
    if (rowHasContent || cells.length > 1 || (cells.length === 1 && cells[0] !== '')) rows.push({ cells, line: rowLine });
    cells = [];
    rowHasContent = false;
  };
  while (i <= text.length) {
    if (text[i] === '"') {
      // A quoted cell: runs to the closing quote; "" inside is one quote.
      const startLine = line;
      let value = '';
      let j = i + 1;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (quote < 0) throw new FileFormatError(`${source}, line ${startLine}: a quoted cell is never closed: add the closing '"'`);
        value += text.slice(j, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          j = quote + 2;
        } else {
          j = quote + 1;
          break;
        }
      }
      for (const ch of text.slice(i, j)) if (ch === '\n') line++;
      cells.push(value);
      rowHasContent = true;
      i = j;
      // After the closing quote only spaces may come before the delimiter or line end.
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
        throw new FileFormatError(`${source}, line ${line}: text after a closing quote: quote the whole cell`);
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== delimiter && text[end] !== '\n' && text[end] !== '\r') end++;
      cells.push(text.slice(i, end));
      i = end;
    }
    if (i >= text.length) {
      endRow();
      break;
    }
    if (text[i] === delimiter) {
      i++;
      rowHasContent = true;
      continue;
    }
    // A line end: \n, \r\n or \r.
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    endRow();
    line++;
    rowLine = line;
  }
  return rows;
}
