/**
 * Seqlets — short spans of high attribution — by tangermeme's recursive seqlet caller
 * (tangermeme/seqlet.py, `_recursive_seqlets` lines 359–465 and `recursive_seqlets` lines 468–577):
 *
 * 1. all projected attributions (every position of every sequence) are binned into `bins` equal bins; their
 *    histogram is the null distribution of one position;
 * 2. the null of a span of k positions is that histogram convolved with itself k times (positions treated
 *    as independent), read as P(sum > s) for k = 1…maxLength;
 * 3. every span (start, length) gets the p-value of its attribution sum, made non-decreasing in length for a
 *    fixed start (p(k, start) = max(p(k − 1, start), own));
 * 4. from the longest length down, spans below `threshold` are taken in order of p-value if every sub-span
 *    from `minLength` up is also below the threshold (the "recursive" property: all suffixes are checked,
 *    and prefixes are covered by the running maximum of step 3) and they do not overlap an earlier seqlet.
 *
 * Defaults are tangermeme's (threshold 0.01, lengths 4–25, no added flanks, 1000 bins). Differences: a
 * candidate is rejected when it overlaps any earlier seqlet (tangermeme masks only the starts inside the
 * earlier seqlet, so a span starting before it could still overlap), a seqlet may end on the last position
 * (tangermeme clamps ends to length − 1), and `sign` selects positive seqlets (tangermeme's only kind),
 * negative ones (the same caller on −attribution), or both: each sign called against the same null and
 * merged, the lower p-value winning where they overlap. (tangermeme suggests |attribution| for negative
 * seqlets; on the simulator that lost most repressor sites, since strong positive sites dominate the
 * null of |attribution|.)
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';

export interface SeqletOptions {
  /** p-value every sub-span must reach (default 0.01). */
  threshold?: number;
  /** Shortest and longest seqlet (default 4 and 25). */
  minLength?: number;
  maxLength?: number;
  /** Positions added on each side after calling (default 0). */
  flank?: number;
  /** Histogram bins of the null (default 1000). */
  bins?: number;
  /** `positive` (default, tangermeme's), `negative`, or `both`. */
  sign?: 'positive' | 'negative' | 'both';
}

/** A matrix of projected attributions, one row per sequence. */
export interface AttributionMatrix {
  ids: readonly string[];
  /** 1-based position of column 0. */
  firstPosition: number;
  /** Positions per sequence. */
  width: number;
  values: Float64Array;
}

/**
 * Seqlets of an attribution table (projected rows: `id`, `position`, `attribution`): one row per seqlet —
 * `id`, `start`, `end` (1-based, inclusive, in the sequence's coordinates), `attribution` (sum over the
 * seqlet), `p_value`, ordered by p-value.
 * @example
 * const seqlets = callSeqlets(await attribute(model, sequences), { sign: 'both' });
 */
export function callSeqlets(attributions: ColumnTable | AttributionMatrix, options: SeqletOptions = {}): ColumnTable {
  const matrix: AttributionMatrix = 'firstPosition' in attributions ? attributions : attributionMatrix(attributions);
  const { threshold = 0.01, minLength = 4, maxLength = 25, flank = 0, bins = 1000, sign = 'positive' } = options;
  if (!(threshold > 0 && threshold <= 1)) throw new OptionError(`expected a p-value in (0, 1], got ${threshold}`, { option: 'threshold' });
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength < 1 || maxLength < minLength) {
    throw new OptionError(`expected integers 1 ≤ minLength ≤ maxLength, got ${minLength} and ${maxLength}`, { option: 'minLength' });
  }
  if (!Number.isInteger(bins) || bins < 2) throw new OptionError(`expected an integer ≥ 2, got ${bins}`, { option: 'bins' });
  if (!['positive', 'negative', 'both'].includes(sign)) throw new OptionError(`unknown sign '${sign}'; expected positive, negative or both`, { option: 'sign' });
  if (sign === 'both') {
    // Each sign against the same signed null, then the union; where a positive and a negative seqlet
    // overlap, the one with the lower p-value stays.
    const called = [...seqletRows(matrix, 1, threshold, minLength, maxLength, flank, bins), ...seqletRows(matrix, -1, threshold, minLength, maxLength, flank, bins)]
      .sort((a, b) => a.p_value - b.p_value);
    const kept: SeqletRow[] = [];
    const byId = new Map<string, SeqletRow[]>();
    for (const r of called) {
      const same = byId.get(r.id) ?? byId.set(r.id, []).get(r.id)!;
      if (same.some((k) => k.start <= r.end && r.start <= k.end)) continue;
      same.push(r);
      kept.push(r);
    }
    return toTable(kept);
  }
  return toTable(seqletRows(matrix, sign === 'positive' ? 1 : -1, threshold, minLength, maxLength, flank, bins));
}

interface SeqletRow { id: string; start: number; end: number; attribution: number; p_value: number }

function toTable(rows: SeqletRow[]): ColumnTable {
  rows.sort((a, b) => a.p_value - b.p_value || a.id.localeCompare(b.id) || a.start - b.start);
  return rows.length
    ? aq.from(rows)
    : aq.table({ id: [] as string[], start: [] as number[], end: [] as number[], attribution: [] as number[], p_value: [] as number[] });
}

/** Seqlets of one sign (+1: high attributions, −1: low ones), steps 1–4 of the header. */
function seqletRows(matrix: AttributionMatrix, sign: 1 | -1, threshold: number, minLength: number, maxLength: number, flank: number, bins: number): SeqletRow[] {
  const { ids, width, values, firstPosition } = matrix;
  const scored = values.map((v) => sign * v);
  const longest = Math.min(maxLength, width);
  const { tail, low, binWidth } = nullTails(scored, bins, longest);

  const rows: SeqletRow[] = [];
  const prefix = new Float64Array(width + 1);
  const signedPrefix = new Float64Array(width + 1);
  const p = Array.from({ length: longest + 1 }, () => new Float64Array(width).fill(1));
  for (let s = 0; s < ids.length; s++) {
    for (let j = 0; j < width; j++) {
      prefix[j + 1] = prefix[j]! + scored[s * width + j]!;
      signedPrefix[j + 1] = signedPrefix[j]! + values[s * width + j]!;
    }
    for (let k = 1; k <= longest; k++) {
      for (let start = 0; start < width; start++) {
        if (k < minLength) { p[k]![start] = 0; continue; }
        if (start + k > width) { p[k]![start] = 1; continue; }
        const bin = Math.min(tail[k]!.length - 1, Math.max(0, Math.floor((prefix[start + k]! - prefix[start]! - low * k) / binWidth)));
        p[k]![start] = Math.max(tail[k]![bin]!, p[k - 1]![start]!);
      }
    }
    const taken = new Uint8Array(width);
    for (let k = longest; k >= minLength; k--) {
      const candidates: number[] = [];
      for (let start = 0; start + k <= width; start++) if (p[k]![start]! < threshold) candidates.push(start);
      candidates.sort((a, b) => p[k]![a]! - p[k]![b]! || a - b);
      for (const start of candidates) {
        let free = true;
        for (let j = start; j < start + k && free; j++) if (taken[j]) free = false;
        if (!free) continue;
        let recursive = true;
        for (let d = 1; d < k && recursive; d++) if (p[k - d]![start + d]! >= threshold) recursive = false;
        if (!recursive) continue;
        for (let j = start; j < start + k; j++) taken[j] = 1;
        const from = Math.max(0, start - flank);
        const to = Math.min(width, start + k + flank);
        rows.push({ id: ids[s]!, start: firstPosition + from, end: firstPosition + to - 1, attribution: signedPrefix[to]! - signedPrefix[from]!, p_value: p[k]![start]! });
      }
    }
  }
  return rows;
}
/** Projected attribution rows (`id`, `position`, `attribution`; the same positions for every id) as a matrix. */
export function attributionMatrix(table: ColumnTable): AttributionMatrix {
  for (const column of ['id', 'position', 'attribution']) {
    if (!table.columnNames().includes(column)) throw new OptionError(`the attribution table has no column '${column}'`, { option: 'attributions' });
  }
  const id = table.array('id') as ArrayLike<string>;
  const position = table.array('position') as ArrayLike<number>;
  const attribution = table.array('attribution') as ArrayLike<number>;
  const ids: string[] = [];
  const row = new Map<string, number>();
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < id.length; i++) {
    if (!row.has(id[i]!)) row.set(id[i]!, ids.push(id[i]!) - 1);
    first = Math.min(first, position[i]!);
    last = Math.max(last, position[i]!);
  }
  const width = last - first + 1;
  if (id.length !== ids.length * width) {
    throw new OptionError(`expected one row per id and position (${ids.length} × ${width}), got ${id.length} rows; pass projected (not hypothetical) attributions`, { option: 'attributions' });
  }
  const values = new Float64Array(ids.length * width);
  for (let i = 0; i < id.length; i++) values[row.get(id[i]!)! * width + position[i]! - first] = attribution[i]!;
  return { ids, firstPosition: first, width, values };
}

/**
 * tail[k][b] = P(sum of k null positions, in bins, is above b), by repeated convolution of the one-position
 * histogram (tangermeme lines 376–408).
 */
function nullTails(values: Float64Array, bins: number, longest: number): { tail: Float64Array[]; low: number; binWidth: number } {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) (low = Math.min(low, v)), (high = Math.max(high, v));
  const binWidth = high > low ? (high - low) / (bins - 1) : 1;
  const f = new Float64Array(bins);
  for (const v of values) f[Math.min(bins - 1, Math.floor((v - low) / binWidth))]! += 1 / values.length;
  const tail: Float64Array[] = [new Float64Array(1)];
  let density = f;
  for (let k = 1; k <= longest; k++) {
    if (k > 1) {
      const next = new Float64Array(bins * k);
      for (let i = 0; i < density.length; i++) {
        const di = density[i]!;
        if (di === 0) continue;
        for (let j = 0; j < bins; j++) next[i + j]! += di * f[j]!;
      }
      density = next;
    }
    const t = new Float64Array(density.length);
    let remaining = 1;
    for (let b = 0; b < density.length; b++) t[b] = (remaining = Math.max(remaining - density[b]!, 0));
    tail.push(t);
  }
  return { tail, low, binWidth };
}
