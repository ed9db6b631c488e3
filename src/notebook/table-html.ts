/** HTML and text views of a table: shape, column types, head and tail rows, numbers rounded for reading. */
import { isTable, type TableLike } from '../viz/data';

export interface TableViewOptions {
  /** Rows shown from the top and from the bottom (default 5 each; all rows when there are ≤ 2×head + 2). */
  head?: number;
  /** Rows shown from the bottom (default: `head`). */
  tail?: number;
  /** Significant digits of printed numbers (default 4). */
  digits?: number;
}

interface Shape { names: string[]; types: string[]; nrows: number; rows: Record<string, unknown>[]; gapAt: number }

function columnType(values: ArrayLike<unknown>): string {
  if (ArrayBuffer.isView(values)) return values.constructor.name.replace('Array', '').toLowerCase();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (v instanceof Date) return 'date';
    return Array.isArray(v) ? 'array' : typeof v;
  }
  return 'empty';
}

function describe(data: TableLike, options: TableViewOptions): Shape {
  const head = options.head ?? 5, tail = options.tail ?? head;
  if (isTable(data)) {
    const names = data.columnNames(), nrows = data.numRows();
    const types = names.map((n) => columnType(data.array(n)));
    const pick = nrows <= head + tail + 2 ? [...Array(nrows).keys()] : [...Array(head).keys(), ...Array.from({ length: tail }, (_, i) => nrows - tail + i)];
    const cols = names.map((n) => data.array(n));
    const rows = pick.map((i) => Object.fromEntries(names.map((n, j) => [n, cols[j][i]])));
    return { names, types, nrows, rows, gapAt: pick.length < nrows ? head : -1 };
  }
  const all = data as readonly Record<string, unknown>[];
  const names = all.length ? Object.keys(all[0]) : [];
  const types = names.map((n) => columnType(all.map((r) => r[n])));
  const short = all.length > head + tail + 2;
  const rows = short ? [...all.slice(0, head), ...all.slice(all.length - tail)] : [...all];
  return { names, types, nrows: all.length, rows, gapAt: short ? head : -1 };
}

function formatValue(v: unknown, digits: number): string {
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(digits)));
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v.length > 60 ? v.slice(0, 57) + '…' : v;
  return JSON.stringify(v) ?? String(v);
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An HTML table with a caption giving the shape, a header row with column types, and head/…/tail rows. */
export function tableHtml(data: TableLike, options: TableViewOptions = {}): string {
  const { names, types, nrows, rows, gapAt } = describe(data, options);
  const digits = options.digits ?? 4;
  const numeric = types.map((t) => t === 'number' || /^(float|int|uint|bigint)/.test(t));
  const cell = (v: unknown, j: number) => `<td style="text-align:${numeric[j] ? 'right' : 'left'}">${escapeHtml(formatValue(v, digits))}</td>`;
  const body = rows.map((r, i) => {
    const gap = i === gapAt ? `<tr><td colspan="${names.length}" style="text-align:center">⋯ ${nrows - rows.length} more rows ⋯</td></tr>` : '';
    return gap + `<tr>${names.map((n, j) => cell(r[n], j)).join('')}</tr>`;
  }).join('');
  const header = names.map((n, j) => `<th style="text-align:${numeric[j] ? 'right' : 'left'}">${escapeHtml(n)}<br><span style="font-weight:normal;color:#888">${types[j]}</span></th>`).join('');
  return `<table class="cislab-table"><caption style="text-align:left">${nrows} rows × ${names.length} columns</caption>` +
    `<thead><tr>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Plain-text twin of `tableHtml` (what a terminal, a test, or a notebook without HTML shows). */
export function tableText(data: TableLike, options: TableViewOptions = {}): string {
  const { names, types, nrows, rows, gapAt } = describe(data, options);
  const digits = options.digits ?? 4;
  const grid = [names, types.map((t) => `<${t}>`), ...rows.map((r) => names.map((n) => formatValue(r[n], digits)))];
  const widths = names.map((_, j) => Math.max(...grid.map((g) => g[j].length)));
  const line = (g: string[]) => g.map((s, j) => s.padEnd(widths[j])).join('  ').trimEnd();
  const lines = grid.map(line);
  if (gapAt >= 0) lines.splice(2 + gapAt, 0, '…');
  return `${nrows} rows × ${names.length} columns\n${lines.join('\n')}`;
}
