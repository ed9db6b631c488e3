/**
 * The Camformer Figure 8 logic read out of a model's ISM: which motifs co-occur, the mean measured and predicted
 * expression of sequences with a pair versus one motif alone, and the ISM contribution of motif A's sites with
 * and without motif B. Sequences are named by their `id` (DREAM test rows: `sequence_<idx>`, as in the challenge).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import type { Motif } from '../motifs/motif';
import { scanFimo, type FimoOptions } from '../motifs/fimo';
import { ismByCooccurrence, motifCorrelations, motifOccurrences, motifOverlap, pairDifference, pairLogic } from '../motifs/pairs';

/** FIMO hits of `motifs` in the table's sequences, named by the table's `id` column. */
export function scanTable(table: ColumnTable, motifs: readonly Motif[], options: FimoOptions = {}): ColumnTable {
  const ids = table.array('id') as string[];
  const sequences = (table.array('sequence') as string[]).map((sequence, row) => ({ name: ids[row]!, sequence }));
  return scanFimo([...motifs], sequences, options);
}

/** Options of {@link motifPairsFromIsm}: the motifs to pair, and the scan's options of {@link FimoOptions}. */
export interface MotifPairsOptions extends FimoOptions {
  /** Motif ids or names to pair (default: the 8 motifs with hits in the most sequences). */
  motifs?: readonly string[];
  /** The two motifs of Figure 8g: ISM over A's sites grouped by whether B co-occurs (default: the first two). */
  a?: string;
  /** Motif B of Figure 8g (default: the second motif). */
  b?: string;
}

/** What {@link motifPairsFromIsm} returns: the Figure 8 tables. */
export interface MotifPairs {
  /** Per motif pair: mean measured and predicted expression with both vs A alone (Figure 8b). */
  pairs: ColumnTable;
  /** Pair with B minus A alone, measured and predicted (Figure 8c, e). */
  difference: ColumnTable;
  /** Per sequence and motif: present, count, best score and position. */
  occurrences: ColumnTable;
  /** Per motif: correlation of predicted expression with count, best score and position (Figure 8d). */
  correlations: ColumnTable;
  /** Overlap of A's and B's sites (Figure 8f's Venn counts). */
  overlap: ColumnTable;
  /** ISM contribution over A's sites, with `b_present` (Figure 8g). */
  ismAB: ColumnTable;
  /** The scan's hits (FIMO columns) in the ISM region. */
  hits: ColumnTable;
}

/**
 * Pair logic from an ISM table (with `reference` predictions) and the sequences it was computed on.
 * The scan covers the ISM region, so motif coordinates and ISM positions refer to the same bases.
 * @param table - The sequences (`id`, `sequence`, optional `expression`).
 * @param ism - Their ISM table (from {@link ismScores}, with `reference` predictions).
 * @param contributions - Their contributions (from {@link ismContributions}).
 * @param motifs - Motifs to scan for (e.g. `jaspar('fungi')`).
 * @param region - The ISM region (1-based inclusive), which is also the scanned region.
 * @param options - `motifs` to pair (default: the 8 with hits in most sequences), `a`/`b` (default the first
 *   two), and FIMO options (threshold 1e-4, …).
 * @returns Tables `pairs`, `difference`, `occurrences`, `correlations`, `overlap`, `ismAB`, `hits`.
 * @example
 * const logic = motifPairsFromIsm(table, ism, ismContributions(ism), jaspar('fungi'), { start: 18, end: 97 }, { motifs: ['IME1', 'UME6'] });
 */
export function motifPairsFromIsm(
  table: ColumnTable,
  ism: ColumnTable,
  contributions: ColumnTable,
  motifs: readonly Motif[],
  region: { start: number; end: number },
  options: MotifPairsOptions = {},
): MotifPairs {
  const { motifs: wanted, a, b, ...fimo } = options;
  const names = table.array('id') as string[];
  const hits = scanTable(table, motifs, { ...fimo, region });
  const ids = wanted ? wanted.map((w) => motifIdOf(motifs, w)) : mostFrequent(hits, 8);
  if (ids.length < 1) throw new OptionError('no motif has a hit in these sequences; lower the threshold or choose motifs', { option: 'motifs' });

  // One reference prediction per sequence (every variant row of an id carries the same one).
  const reference = ism.groupby('id').rollup({ predicted: aq.op.any('reference') }).objects() as { id: string; predicted: number }[];
  const measuredOf = new Map((table.array('id') as string[]).map((id, row) => [id, table.columnNames().includes('expression') ? (table.array('expression') as ArrayLike<number>)[row]! : NaN]));
  const expression = aq.from(reference.map((r) => ({ sequence_name: r.id, measured: measuredOf.get(r.id)!, predicted: r.predicted })));

  const pairs = pairLogic(hits, expression, { motifs: ids });
  const occurrences = motifOccurrences(hits, names, { motifs: ids });
  const [motifA, motifB] = [a ? motifIdOf(motifs, a) : ids[0]!, b ? motifIdOf(motifs, b) : ids[1] ?? ids[0]!];
  // ISM positions are 1-based in the full sequence; hits are relative to the scanned region.
  const ismInRegion = contributions
    .filter(aq.escape((d: { position: number }) => d.position >= region.start && d.position <= region.end))
    .derive({ sequence_name: (d: { id: string }) => d.id, position: aq.escape((d: { position: number }) => d.position - region.start + 1) });

  return {
    pairs,
    difference: pairDifference(pairs),
    occurrences,
    correlations: motifCorrelations(occurrences, expression),
    overlap: motifOverlap(hits, names, motifA, motifB),
    ismAB: ismByCooccurrence(ismInRegion, hits, motifA, motifB),
    hits,
  };
}

function motifIdOf(motifs: readonly Motif[], key: string): string {
  const found = motifs.find((m) => m.id === key) ?? motifs.find((m) => m.altId === key);
  if (!found) throw new OptionError(`no motif '${key}' in the database (give an id such as MA0320.1 or a name such as IME1)`, { option: 'motifs' });
  return found.id;
}

function mostFrequent(hits: ColumnTable, k: number): string[] {
  if (!hits.numRows()) return [];
  const counts = hits.groupby('motif_id').rollup({ sequences: aq.op.distinct('sequence_name') }).orderby(aq.desc('sequences')).slice(0, k);
  return counts.array('motif_id') as string[];
}
