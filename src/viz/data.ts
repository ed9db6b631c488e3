/**
 * Turning inputs (Arquero tables or plain row arrays) into the small, rounded row arrays we inline in specs,
 * plus the few summaries the figures print in their titles.
 */
import { OptionError } from '../errors';

export type Row = Record<string, unknown>;

/** Anything a builder accepts as data: an Arquero table (duck-typed, so any arquero copy works) or rows. */
export type TableLike = readonly Row[] | { objects(): object[]; numRows(): number; columnNames(): string[] };

export function isTable(x: unknown): x is { objects(): object[]; numRows(): number; columnNames(): string[]; array(name: string): ArrayLike<unknown> } {
  return typeof x === 'object' && x !== null && typeof (x as any).objects === 'function' &&
    typeof (x as any).numRows === 'function' && typeof (x as any).columnNames === 'function';
}

export function rowsOf(data: TableLike): Row[] {
  return isTable(data) ? (data.objects() as Row[]) : [...(data as readonly Row[])];
}

/** The numeric values of one column, NaN/null dropped. */
export function numbers(data: TableLike, field: string, option = field): number[] {
  const rows = rowsOf(data);
  if (rows.length && !(field in rows[0])) {
    throw new OptionError(`no column '${field}' (columns: ${Object.keys(rows[0]).join(', ')})`, { option });
  }
  const out: number[] = [];
  for (const r of rows) {
    const v = Number(r[field]);
    if (r[field] !== null && r[field] !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

export function requireField(rows: readonly Row[], field: string, option: string): void {
  if (rows.length && !(field in rows[0])) {
    throw new OptionError(`no column '${field}' (columns: ${Object.keys(rows[0]).join(', ')})`, { option });
  }
}

/** Rounds to `digits` significant digits; integers stay exact (positions, counts). Keeps specs small and stable. */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(digits));
}

/** Copies rows keeping only `fields`, numbers rounded. */
export function roundRows(rows: readonly Row[], fields: readonly string[], digits = 4): Row[] {
  return rows.map((r) => {
    const o: Row = {};
    for (const f of fields) {
      const v = r[f];
      o[f] = typeof v === 'number' ? round(v, digits) : v === undefined ? null : v;
    }
    return o;
  });
}

/** Linear-interpolated quantile of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
}

export function extent(x: readonly number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of x) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}
