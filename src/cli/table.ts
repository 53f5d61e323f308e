// Plain-text tables for terminal output: columns padded to their widest cell, numbers (and
// number-like cells) right-aligned so that digits line up. Control characters in a cell (a run
// named with a newline or an escape code) are shown escaped, so one cell cannot break the table.
export function formatTable(header: readonly string[], givenRows: readonly (readonly string[])[]): string {
  const rows = givenRows.map((row) => row.map(printable));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => /^[-+]?[\d.,]+(e[-+]?\d+)?$|^-$/i.test(row[column] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** `text` with control characters written as escapes (\n, \t, \x1b): one line, no terminal codes. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
