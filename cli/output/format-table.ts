/** Plain-text tables for the terminal: left-aligned text (control characters escaped), right-aligned numbers. */
import { escapeControl } from './escape.js';

export function formatTable(header: string[], rows: (string | number)[][]): string {
  const printable = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? cell : escapeControl(cell))));
  const widths = header.map((title, column) => Math.max(title.length, ...printable.map((row) => String(row[column] ?? '').length)));
  const line = (cells: (string | number)[]) =>
    cells
      .map((cell, column) => (typeof cell === 'number' ? String(cell).padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...printable.map(line)].join('\n');
}
