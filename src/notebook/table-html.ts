/**
 * HTML and text views of a table: shape, column types, head and tail rows, numbers through the one formatter
 * (number-format.ts). The HTML carries its look in a `<style>` block keyed on classes plus plain `align`
 * attributes, because Notebook 6 opens stored notebooks untrusted and strips inline `style` attributes.
 */
import { isTable, type TableLike } from '../viz/data';
import { columnFormatter, MISSING, NOT_A_NUMBER, plural } from './number-format';

export interface TableViewOptions {
  /** Rows shown from the top and from the bottom (default 5 each; all rows when there are ≤ 2×head + 2). */
  head?: number;
  /** Rows shown from the bottom (default: `head`). */
  tail?: number;
  /** Significant digits of printed numbers (default 4; p/q-value columns print 3). */
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

/** A cell as text: numbers by their column's formatter, long strings cut only where `maxText` says. */
function formatValue(v: unknown, format: (v: unknown) => string | undefined, maxText: number): string {
  const number = format(v);
  if (number !== undefined) return number;
  if (v instanceof Date) return v.toISOString();
  // A file path is never cut: half a path is useless, and the notebook runner can only mask a whole one.
  if (typeof v === 'string') return v.length > maxText && !looksLikePath(v) ? v.slice(0, maxText - 1) + '…' : v;
  if (typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? String(v);
}

/** A single token with a slash, like /data/dream/train.txt.gz or ../shared/data/x.tsv. */
const looksLikePath = (s: string) => /^[^\s]*\/[^\s]*$/.test(s);

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The shape line both views print: '1 row × 3 columns'. */
export function shapeLine(nrows: number, ncols: number): string {
  return `${plural(nrows, 'row')} × ${plural(ncols, 'column')}`;
}

/**
 * The table's stylesheet, scoped to `.cislab-table`. Kept in a `<style>` element (which survives where
 * inline styles are stripped) and repeated per table, so a table copied alone still looks right.
 */
export const TABLE_CSS = [
  '.cislab-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }',
  '.cislab-table caption { text-align: left; white-space: nowrap; color: #555; padding-bottom: 2px; }',
  '.cislab-table th, .cislab-table td { padding: 2px 8px; vertical-align: top; }',
  '.cislab-table thead th { border-bottom: 1px solid #999; }',
  '.cislab-table .num { text-align: right; white-space: nowrap; }',
  '.cislab-table .txt { text-align: left; max-width: 36em; white-space: normal; overflow-wrap: anywhere; }',
  '.cislab-table .type { display: block; font-weight: normal; color: #888; }',
  '.cislab-table .gap { text-align: center; color: #888; }',
  '.cislab-table .na { color: #888; }',
].join('\n');

/** Strings in HTML cells wrap rather than being cut; past this length they are cut with '…'. */
const HTML_TEXT_LIMIT = 400;
/** The text view cuts strings to keep columns readable in a terminal. */
const TEXT_LIMIT = 60;

/** What '—' and 'n/a' mean, when the shown rows have them. */
function legend(cells: string[]): string {
  const parts: string[] = [];
  if (cells.includes(MISSING)) parts.push(`${MISSING} missing`);
  if (cells.includes(NOT_A_NUMBER)) parts.push(`${NOT_A_NUMBER} not a number (undefined result, e.g. a correlation of a constant)`);
  return parts.join('; ');
}

/** An HTML table with a caption giving the shape, a header row with column types, and head/…/tail rows. */
export function tableHtml(data: TableLike, options: TableViewOptions = {}): string {
  const { names, types, nrows, rows, gapAt } = describe(data, options);
  const formats = names.map((n) => columnFormatter(n, { digits: options.digits }));
  const numeric = types.map((t) => t === 'number' || /^(float|int|uint|bigint)/.test(t));
  const kind = (j: number) => (numeric[j] ? 'num' : 'txt');
  const align = (j: number) => (numeric[j] ? 'right' : 'left');
  const shown: string[] = [];
  const cell = (v: unknown, j: number) => {
    const text = formatValue(v, formats[j]!, HTML_TEXT_LIMIT);
    shown.push(text);
    const na = text === MISSING || text === NOT_A_NUMBER ? ' na' : '';
    return `<td class="${kind(j)}${na}" align="${align(j)}">${escapeHtml(text)}</td>`;
  };
  const body = rows.map((r, i) => {
    const gap = i === gapAt ? `<tr><td class="gap" colspan="${names.length}" align="center">⋯ ${plural(nrows - rows.length, 'more row')} ⋯</td></tr>` : '';
    return gap + `<tr>${names.map((n, j) => cell(r[n], j)).join('')}</tr>`;
  }).join('');
  const header = names.map((n, j) => `<th class="${kind(j)}" align="${align(j)}">${escapeHtml(n)}<br><span class="type">${types[j]}</span></th>`).join('');
  const note = legend(shown);
  return `<style>${TABLE_CSS}</style><table class="cislab-table"><caption align="top">${shapeLine(nrows, names.length)}${note ? ` · ${escapeHtml(note)}` : ''}</caption>` +
    `<thead><tr>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Plain-text twin of `tableHtml` (what a terminal, a test, or a notebook without HTML shows). */
export function tableText(data: TableLike, options: TableViewOptions = {}): string {
  const { names, types, nrows, rows, gapAt } = describe(data, options);
  const formats = names.map((n) => columnFormatter(n, { digits: options.digits }));
  const grid = [names, types.map((t) => `<${t}>`), ...rows.map((r) => names.map((n, j) => formatValue(r[n], formats[j]!, TEXT_LIMIT)))];
  const widths = names.map((_, j) => Math.max(...grid.map((g) => g[j].length)));
  const line = (g: string[]) => g.map((s, j) => s.padEnd(widths[j])).join('  ').trimEnd();
  const lines = grid.map(line);
  if (gapAt >= 0) lines.splice(2 + gapAt, 0, '…');
  const note = legend(grid.slice(2).flat());
  return `${shapeLine(nrows, names.length)}${note ? ` · ${note}` : ''}\n${lines.join('\n')}`;
}
