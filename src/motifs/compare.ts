/**
 * Motif comparison, TOMTOM-like: each query matrix (e.g. a CNN filter turned into a PWM) is aligned with
 * each database motif at every offset with at least `minOverlap` overlapping columns, on both strands; an
 * alignment scores the sum over overlapping columns of the Pearson correlation of the two columns' letter
 * probabilities (TOMTOM's `-dist pearson`). The best alignment per (query, target) gets an empirical p-value
 * from a null of the same query against column-shuffled copies of every database motif (seeded), an
 * E-value (p × number of targets) and a Benjamini–Hochberg q-value over all (query, target) pairs.
 * TOMTOM instead computes exact p-values from a column-score distribution; ours are Monte-Carlo estimates
 * with resolution 1 / (null size + 1).
 */
import * as aq from 'arquero';
import { OptionError } from '../errors';
import { benjaminiHochberg, createRandom } from '../stats';
import { reverseComplementMatrix, type Motif, type PwmLike } from './motif';

type Table = ReturnType<typeof aq.table>;

/** What an alignment needs of a motif: its width and its [width, 4] letter probabilities. */
export type MotifMatrix = Pick<PwmLike, 'length' | 'probabilities'>;

export interface CompareOptions {
  /** Fewest overlapping columns an alignment may have (TOMTOM -min-overlap, default 5). */
  minOverlap?: number;
  /** Also align the reverse complement of each target (default true). */
  bothStrands?: boolean;
  /** Column-shuffled copies of each target in the null (default 10). */
  nullShuffles?: number;
  seed?: number;
}

/** Pearson correlation of two 4-vectors; 0 when either is constant. */
function columnPearson(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  let ma = 0, mb = 0;
  for (let k = 0; k < 4; k++) { ma += a[i * 4 + k]!; mb += b[j * 4 + k]!; }
  ma /= 4; mb /= 4;
  let sab = 0, saa = 0, sbb = 0;
  for (let k = 0; k < 4; k++) {
    const da = a[i * 4 + k]! - ma, db = b[j * 4 + k]! - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export interface Alignment {
  score: number;
  /** Start of the target relative to the query's first column (negative: the target starts before it). */
  offset: number;
  overlap: number;
  strand: '+' | '-';
}

/**
 * Best alignment of `query` against `target` (and its reverse complement): the offset and strand with the
 * largest sum of column Pearson correlations over at least `minOverlap` overlapping columns; null when the
 * two cannot overlap that much.
 *
 * @example
 * const a = bestAlignment(filterMotif, jasparMotif, { minOverlap: 5 });
 * // → { score: 4.7, offset: -2, overlap: 6, strand: '-' } (the target starts 2 columns before the query)
 */
export function bestAlignment(query: MotifMatrix, target: MotifMatrix, options: CompareOptions = {}): Alignment | null {
  const minOverlap = Math.min(options.minOverlap ?? 5, query.length, target.length);
  let best: Alignment | null = null;
  const targets: Array<[ArrayLike<number>, '+' | '-']> = [[target.probabilities, '+']];
  if (options.bothStrands ?? true) targets.push([reverseComplementMatrix(target.probabilities, target.length), '-']);
  for (const [t, strand] of targets) {
    for (let offset = minOverlap - target.length; offset <= query.length - minOverlap; offset++) {
      const from = Math.max(0, offset);
      const to = Math.min(query.length, offset + target.length);
      if (to - from < minOverlap) continue;
      let score = 0;
      for (let i = from; i < to; i++) score += columnPearson(query.probabilities, i, t, i - offset);
      if (!best || score > best.score) best = { score, offset, overlap: to - from, strand };
    }
  }
  return best;
}

/**
 * Similarity of a query matrix (e.g. a filter's PFM) to a motif: the best alignment's score, at any overlap
 * (default `minOverlap` 1) and on both strands, divided by the motif's width. It is 1 when the query
 * reproduces every column of the motif exactly (column Pearson r = 1 over the motif's whole width); partial
 * overlaps and mismatched columns score less. No p-value: use `compareMotifs` for database searches.
 *
 * @example
 * motifSimilarity(filterPfm, jaspar('fungi')[0]!); // e.g. 0.83
 * @param query - The query matrix (width and [width, 4] probabilities).
 * @param target - The motif it is compared with; the score is divided by this width.
 * @param options - `minOverlap` (default 1), `bothStrands` (default true).
 * @returns A score, 1 for an exact reproduction of the target, lower otherwise; 0 or less for no similarity.
 */
export function motifSimilarity(query: MotifMatrix, target: MotifMatrix, options: Pick<CompareOptions, 'minOverlap' | 'bothStrands'> = {}): number {
  const best = bestAlignment(query, target, { ...options, minOverlap: options.minOverlap ?? 1 });
  return best ? best.score / target.length : -Infinity;
}

function shuffleColumns(motif: Motif, random: ReturnType<typeof createRandom>): Motif {
  const order = Array.from({ length: motif.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const probabilities = new Float64Array(motif.probabilities.length);
  order.forEach((from, to) => probabilities.set(motif.probabilities.subarray(from * 4, from * 4 + 4), to * 4));
  return { ...motif, probabilities };
}

/**
 * All (query, target) pairs with their best alignment, p-, E- and q-values; sorted by query then p-value.
 * @param queries - Query motifs (e.g. filters read as motifs).
 * @param targets - Database motifs.
 * @param options - `minOverlap` (default 5), `bothStrands` (default true), `nullShuffles` per target (default 10),
 *   `seed` of the shuffles (default 1).
 * @returns One row per (query, target) pair that can align: query_id, target_id, target_alt_id, offset, overlap,
 *   strand, score, p-value, E-value, q-value.
 * @example
 * const matches = bestMatches(compareMotifs(filterMotifs, jaspar('fungi')), { maxQ: 0.05 });
 */
export function compareMotifs(queries: readonly Motif[], targets: readonly Motif[], options: CompareOptions = {}): Table {
  if (targets.length === 0) throw new OptionError('no database motifs to compare with', { option: 'targets' });
  const shuffles = options.nullShuffles ?? 10;
  if (!(Number.isInteger(shuffles) && shuffles > 0)) throw new OptionError(`nullShuffles must be a positive integer, got ${shuffles}`, { option: 'nullShuffles' });
  const random = createRandom(options.seed ?? 1);
  const nullTargets: Motif[] = [];
  for (const t of targets) for (let k = 0; k < shuffles; k++) nullTargets.push(shuffleColumns(t, random));

  const rows: Array<Record<string, string | number>> = [];
  for (const query of queries) {
    const nullScores = Float64Array.from(nullTargets, (t) => bestAlignment(query, t, options)?.score ?? -Infinity).sort();
    for (const target of targets) {
      const a = bestAlignment(query, target, options);
      if (!a) continue;
      // Null scores ≥ observed, by binary search in the ascending array.
      let lo = 0, hi = nullScores.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (nullScores[mid]! >= a.score) hi = mid; else lo = mid + 1; }
      const p = (nullScores.length - lo + 1) / (nullScores.length + 1);
      rows.push({
        query_id: query.id, target_id: target.id, target_alt_id: target.altId,
        offset: a.offset, overlap: a.overlap, strand: a.strand, score: a.score,
        'p-value': p, 'E-value': p * targets.length, 'q-value': NaN,
      });
    }
  }
  const q = benjaminiHochberg(rows.map((r) => r['p-value'] as number));
  rows.forEach((r, i) => (r['q-value'] = q[i]!));
  rows.sort((x, y) => (x['query_id'] as string).localeCompare(y['query_id'] as string) || (x['p-value'] as number) - (y['p-value'] as number) || (y['score'] as number) - (x['score'] as number));
  return aq.from(rows);
}

/**
 * The best target per query (lowest p, then highest score), keeping only those with q ≤ `maxQ` (default 1).
 * @param comparison - A table from {@link compareMotifs}.
 * @param options - `maxQ` (default 1: keep every query's best).
 * @returns One row per query.
 * @example
 * bestMatches(compareMotifs(filterMotifs, jaspar('fungi')), { maxQ: 0.05 });
 */
export function bestMatches(comparison: Table, options: { maxQ?: number } = {}): Table {
  const maxQ = options.maxQ ?? 1;
  const seen = new Set<string>();
  const rows = (comparison.objects() as Array<Record<string, unknown>>).filter((r) => {
    if (seen.has(r['query_id'] as string)) return false;
    seen.add(r['query_id'] as string);
    return (r['q-value'] as number) <= maxQ;
  });
  return rows.length ? aq.from(rows) : comparison.filter(() => false);
}

/**
 * A query motif from a convolution filter's weights [width, 4] (A, C, G, T): letter probabilities
 * proportional to exp(weight · `temperature`) per position, the usual way to read a filter as a PWM.
 */
export function filterToMotif(id: string, weights: ArrayLike<number>, width: number, options: { temperature?: number } = {}): Motif {
  if (weights.length !== width * 4) throw new OptionError(`filter ${id} has ${weights.length} weights, expected width × 4 = ${width * 4}`, { option: 'weights' });
  const t = options.temperature ?? 1;
  const probabilities = new Float64Array(width * 4);
  for (let i = 0; i < width; i++) {
    let max = -Infinity;
    for (let a = 0; a < 4; a++) max = Math.max(max, weights[i * 4 + a]! * t);
    let sum = 0;
    for (let a = 0; a < 4; a++) sum += (probabilities[i * 4 + a] = Math.exp(weights[i * 4 + a]! * t - max));
    for (let a = 0; a < 4; a++) probabilities[i * 4 + a] = probabilities[i * 4 + a]! / sum;
  }
  return { id, altId: '', length: width, probabilities, nsites: 20, background: [0.25, 0.25, 0.25, 0.25] };
}
