/**
 * One number formatter for every table cislab prints (notebook HTML and text, the same digits in both):
 * significant digits per value in plain decimal notation, scientific notation only for p- and q-values (and
 * only below 0.001, where decimals stop being readable), `—` for a missing value and `n/a` for NaN (a value
 * that was computed but is undefined, e.g. a correlation of a constant), counts with correct plurals.
 */

/** Column names read as p- or q-values: p, q, pvalue, p_value, qval, fdr, padj, p_adj, adj_p, …_p, …_q, p_…, q_…. */
const P_OR_Q = /^(p|q|pval(ue)?s?|qval(ue)?s?|p[_.-]?values?|q[_.-]?values?|fdr|padj|p[_.-]adj(usted)?|adj[_.-]?p(val(ue)?)?|.*[_.-](p|q|pval(ue)?|qval(ue)?|fdr)|[pq][_.-].*)$/i;

/** True when a column named `name` holds p- or q-values. */
export function isPValueColumn(name: string): boolean {
  return P_OR_Q.test(name);
}

/** Shown for a value that is missing (null, undefined). */
export const MISSING = '—';
/** Shown for NaN: computed but undefined. */
export const NOT_A_NUMBER = 'n/a';

export interface NumberFormatOptions {
  /** Significant digits (default 4). */
  digits?: number;
  /** Format as a p/q-value: scientific below 0.001 (default false). */
  pValue?: boolean;
}

/**
 * A number as a table prints it: integers exact, other values to `digits` significant digits in decimal
 * notation (never `3.016e-7`: that is written 0.0000003016), p/q-values below 0.001 as `3.02e-7`.
 *
 * @example
 * formatNumber(0.000003679) // → '0.000003679'
 * formatNumber(3.016e-7, { pValue: true }) // → '3.02e-7'
 * formatNumber(NaN) // → 'n/a'
 */
export function formatNumber(v: number | null | undefined, options: NumberFormatOptions = {}): string {
  if (v === null || v === undefined) return MISSING;
  if (Number.isNaN(v)) return NOT_A_NUMBER;
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (options.pValue) {
    if (v !== 0 && Math.abs(v) < 1e-3) {
      const [m, e] = v.toExponential(2).split('e');
      return `${m!.replace(/\.?0+$/, '')}e${Number(e)}`;
    }
    return trim(v.toFixed(Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v) || 1)))));
  }
  if (Number.isInteger(v)) return String(v);
  const digits = options.digits ?? 4;
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  // Large values keep every integer digit (12345678.9 → 12345679, not 12350000).
  if (magnitude >= digits - 1) return String(Math.round(v));
  // Below 1e-20 decimals run out (toFixed's limit): the one place a non-p value is written in e-notation.
  if (magnitude < -20) return v.toExponential(digits - 1);
  return trim(Number(v.toPrecision(digits)).toFixed(digits - 1 - magnitude));
}

/** Drops trailing zeros after the decimal point ('0.5000' → '0.5'), keeps '10'. */
function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** `count` with its noun, singular or plural: plural(1, 'row') → '1 row', plural(3, 'row') → '3 rows'. */
export function plural(count: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nounPlural}`;
}

/** The formatter of one column (p/q-value columns by name), for `formatNumber` of each of its numbers. */
export function columnFormatter(name: string, options: { digits?: number } = {}): (v: unknown) => string | undefined {
  const pValue = isPValueColumn(name);
  return (v) => (typeof v === 'number' || v === null || v === undefined ? formatNumber(v as number | null | undefined, { digits: options.digits, pValue }) : undefined);
}
