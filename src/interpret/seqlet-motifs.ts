/**
 * From seqlets to motifs: annotation against a database and a light TF-MoDISco-style clustering.
 *
 * - `annotateSeqlets` follows tangermeme's `annotate_seqlets` (annotate.py lines 18–89): each seqlet's own
 *   sequence, one-hot, is compared with every database motif (here by cislab's TOMTOM-like comparison,
 *   src/motifs/compare.ts) and the best `nearest` matches are kept.
 * - `clusterSeqlets` groups recurring seqlets into patterns. TF-MoDISco separates positive and negative
 *   seqlets (metaclusters), clusters them by pairwise similarity, aligns each cluster's members and trims
 *   the aggregate; this lighter pass keeps those steps with a greedy leader clustering instead of graph
 *   clustering: seqlets by decreasing |attribution| join the most similar pattern (mean column Pearson
 *   correlation of the best alignment, both strands, ≥ `minSimilarity`) or found a new one; a second pass
 *   reassigns every seqlet to the final patterns (so the result depends little on order); patterns with
 *   fewer than `minInstances` members are dropped and the rest trimmed to the columns most members cover
 *   and whose information content reaches `minInformation` bits. Output: PFMs (counts from the aligned
 *   instances) plus the instances.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { reverseComplement } from '../data/alphabet';
import { bestAlignment, bestMatches, compareMotifs, type CompareOptions } from '../motifs/compare';
import { consensus, informationContent, makeMotif, type Motif } from '../motifs/motif';
import type { SequenceLookup } from './sequence-edits';

function lookup(sequences: SequenceLookup, id: string): string {
  const s = typeof sequences === 'function' ? sequences(id) : sequences.get(id);
  if (s === undefined) throw new OptionError(`no sequence for seqlet id '${id}'`, { option: 'sequences' });
  return s.toUpperCase();
}

/** A seqlet's sequence as a one-hot "motif" (N = uniform). */
export function seqletMotif(id: string, sequence: string): Motif {
  const rows = sequence.split('').map((b) => ('ACGT'.includes(b) ? [0, 1, 2, 3].map((k) => (k === 'ACGT'.indexOf(b) ? 1 : 0)) : [0.25, 0.25, 0.25, 0.25]));
  return makeMotif(id, rows);
}

function seqletRows(seqlets: ColumnTable): Array<{ id: string; start: number; end: number; attribution: number }> {
  for (const column of ['id', 'start', 'end', 'attribution']) {
    if (!seqlets.columnNames().includes(column)) throw new OptionError(`the seqlet table has no column '${column}'`, { option: 'seqlets' });
  }
  return seqlets.select('id', 'start', 'end', 'attribution').objects() as Array<{ id: string; start: number; end: number; attribution: number }>;
}

/**
 * Each seqlet with its best database match(es): the seqlet columns plus `motif_id`, `motif_name`, `strand`,
 * `offset`, `score`, `p_value`, `q_value` (from `compareMotifs`; q over all seqlet × motif pairs).
 * Options: `nearest` matches per seqlet (default 1, tangermeme's `n_nearest`) and compareMotifs' options.
 * @example
 * const annotated = annotateSeqlets(seqlets, new Map(ids.map((id, i) => [id, sequences[i]])), jaspar);
 */
export function annotateSeqlets(seqlets: ColumnTable, sequences: SequenceLookup, database: readonly Motif[], options: CompareOptions & { nearest?: number } = {}): ColumnTable {
  const { nearest = 1, ...compare } = options;
  const rows = seqletRows(seqlets);
  const queries = rows.map((r, i) => seqletMotif(`seqlet_${i}`, lookup(sequences, r.id).slice(r.start - 1, r.end)));
  const comparison = compareMotifs(queries, database, { minOverlap: Math.min(5, ...queries.map((q) => q.length)), ...compare });
  const byQuery = new Map<string, Array<Record<string, unknown>>>();
  for (const c of comparison.objects() as Array<Record<string, unknown>>) {
    const list = byQuery.get(c['query_id'] as string) ?? byQuery.set(c['query_id'] as string, []).get(c['query_id'] as string)!;
    if (list.length < nearest) list.push(c);
  }
  const out: Array<Record<string, unknown>> = [];
  rows.forEach((r, i) => {
    for (const c of byQuery.get(`seqlet_${i}`) ?? []) {
      out.push({ ...r, motif_id: c['target_id'], motif_name: c['target_alt_id'], strand: c['strand'], offset: c['offset'], score: c['score'], p_value: c['p-value'], q_value: c['q-value'] });
    }
  });
  return aq.from(out);
}

export interface ClusterOptions {
  /** Mean column correlation of the best alignment needed to join a pattern (default 0.7). */
  minSimilarity?: number;
  /** Fewest aligned columns (default 5, or the seqlet length when shorter). */
  minOverlap?: number;
  /** Patterns with fewer members are dropped (default 5). */
  minInstances?: number;
  /** Trim edge columns below this information content in bits (default 0.5). */
  minInformation?: number;
}

export interface SeqletPatterns {
  /** One PFM per pattern (`id` pattern_1…, `altId` positive|negative), counts from the aligned instances. */
  motifs: Motif[];
  /** `pattern`, `sign`, `instances`, `width`, `consensus`. */
  patterns: ColumnTable;
  /** Every clustered seqlet: its columns plus `pattern`, `strand`, `similarity`. */
  instances: ColumnTable;
}

interface Cluster {
  sign: 1 | -1;
  /** Counts over a frame wider than the founder, [width × 4]. */
  counts: Float64Array;
  coverage: Float64Array;
  width: number;
  members: Array<{ row: number; strand: '+' | '-'; similarity: number }>;
}

const PAD = 6;
/** A pattern's columns are those at least this fraction of its members cover. */
const COVERAGE = 0.3;

/**
 * Clusters seqlets into patterns (see the module header); options default to minSimilarity 0.7, minOverlap 5,
 * minInstances 5, minInformation 0.5 bits.
 * @example
 * const { motifs, patterns, instances } = clusterSeqlets(callSeqlets(table, { sign: 'both' }), lookup);
 */
export function clusterSeqlets(seqlets: ColumnTable, sequences: SequenceLookup, options: ClusterOptions = {}): SeqletPatterns {
  const { minSimilarity = 0.7, minInstances = 5, minInformation = 0.5 } = options;
  const rows = seqletRows(seqlets);
  const texts = rows.map((r) => lookup(sequences, r.id).slice(r.start - 1, r.end));
  const order = rows.map((_, i) => i).sort((a, b) => Math.abs(rows[b]!.attribution) - Math.abs(rows[a]!.attribution));
  const similarity = (cluster: Cluster, row: number) => {
    const query = clusterMotif(cluster, 'q', COVERAGE);
    if (!query) return undefined;
    const target = seqletMotif('s', texts[row]!);
    const a = bestAlignment(query.motif, target, { minOverlap: Math.min(options.minOverlap ?? 5, target.length, query.motif.length) });
    return a ? { ...a, offset: a.offset + query.first, mean: a.score / a.overlap } : undefined;
  };
  const place = (cluster: Cluster, row: number, offset: number, strand: '+' | '-', value: number) => {
    const text = strand === '+' ? texts[row]! : reverseComplement(texts[row]!);
    for (let j = 0; j < text.length; j++) {
      const column = offset + j;
      const base = 'ACGT'.indexOf(text[j]!);
      if (column < 0 || column >= cluster.width || base < 0) continue;
      cluster.counts[column * 4 + base]! += 1;
      cluster.coverage[column]! += 1;
    }
    cluster.members.push({ row, strand, similarity: value });
  };
  const found = (row: number): Cluster => {
    const width = texts[row]!.length + 2 * PAD;
    const c: Cluster = { sign: rows[row]!.attribution >= 0 ? 1 : -1, counts: new Float64Array(width * 4), coverage: new Float64Array(width), width, members: [] };
    place(c, row, PAD, '+', 1);
    return c;
  };
  const assign = (clusters: Cluster[], row: number) => {
    let best: { cluster: Cluster; offset: number; strand: '+' | '-'; mean: number } | undefined;
    const sign = rows[row]!.attribution >= 0 ? 1 : -1;
    for (const cluster of clusters) {
      if (cluster.sign !== sign) continue;
      const s = similarity(cluster, row);
      if (s && s.mean >= minSimilarity && (!best || s.mean > best.mean)) best = { cluster, offset: s.offset, strand: s.strand, mean: s.mean };
    }
    return best;
  };
  // Pass 1: leader clustering.
  let clusters: Cluster[] = [];
  for (const row of order) {
    const best = assign(clusters, row);
    if (best) place(best.cluster, row, best.offset, best.strand, best.mean);
    else clusters.push(found(row));
  }
  // Pass 2: reassign every seqlet to the patterns of pass 1 that are large enough and not duplicates of a
  // larger one (TF-MoDISco merges similar patterns too), rebuilt from scratch.
  const kept: Cluster[] = [];
  for (const c of clusters.filter((x) => x.members.length >= minInstances).sort((a, b) => b.members.length - a.members.length)) {
    const mine = clusterMotif(c, 'c', COVERAGE, minInformation);
    const duplicate = mine && kept.some((k) => {
      const theirs = clusterMotif(k, 'k', COVERAGE, minInformation);
      const a = theirs && bestAlignment(theirs.motif, mine.motif, { minOverlap: Math.min(5, mine.motif.length, theirs.motif.length) });
      return k.sign === c.sign && a !== null && a !== undefined && a.score / a.overlap >= minSimilarity;
    });
    if (!duplicate) kept.push(c);
  }
  const frames = kept.map((c) => ({ ...c, counts: Float64Array.from(c.counts), coverage: Float64Array.from(c.coverage) }));
  clusters = kept.map((c) => ({ sign: c.sign, counts: new Float64Array(c.width * 4), coverage: new Float64Array(c.width), width: c.width, members: [] }));
  for (const row of order) {
    const best = assign(frames, row);
    if (best) place(clusters[frames.indexOf(best.cluster as (typeof frames)[number])]!, row, best.offset, best.strand, best.mean);
  }
  clusters = clusters.filter((c) => c.members.length >= minInstances).sort((a, b) => b.members.length - a.members.length);

  const motifs: Motif[] = [];
  const patternRows: Array<Record<string, unknown>> = [];
  const instanceRows: Array<Record<string, unknown>> = [];
  clusters.forEach((cluster, k) => {
    const name = `pattern_${k + 1}`;
    const trimmed = clusterMotif(cluster, name, COVERAGE, minInformation);
    if (!trimmed) return;
    const motif = { ...trimmed.motif, altId: cluster.sign > 0 ? 'positive' : 'negative' };
    motifs.push(motif);
    patternRows.push({ pattern: name, sign: motif.altId, instances: cluster.members.length, width: motif.length, consensus: consensus(motif) });
    for (const m of cluster.members) instanceRows.push({ ...rows[m.row]!, pattern: name, strand: m.strand, similarity: m.similarity });
  });
  return {
    motifs,
    patterns: patternRows.length ? aq.from(patternRows) : aq.table({ pattern: [], sign: [], instances: [], width: [], consensus: [] }),
    instances: instanceRows.length ? aq.from(instanceRows) : aq.table({ id: [], start: [], end: [], attribution: [], pattern: [], strand: [], similarity: [] }),
  };
}

/**
 * Best database match per pattern: `compareMotifs` then `bestMatches` (q ≤ `maxQ`, default 1).
 * @example
 * annotatePatterns(clusterSeqlets(seqlets, lookup).motifs, jaspar, { maxQ: 0.05 });
 */
export function annotatePatterns(motifs: readonly Motif[], database: readonly Motif[], options: CompareOptions & { maxQ?: number } = {}): ColumnTable {
  const { maxQ, ...compare } = options;
  return bestMatches(compareMotifs(motifs, database, compare), { maxQ });
}

/**
 * A cluster's PFM over the columns at least `coverage` of its members cover, with edge columns below
 * `minInformation` bits trimmed; `first` is the frame column it starts at.
 */
function clusterMotif(cluster: Cluster, id: string, coverage: number, minInformation = 0): { motif: Motif; first: number } | undefined {
  const need = coverage * cluster.members.length;
  let first = 0;
  let last = cluster.width - 1;
  while (first <= last && cluster.coverage[first]! < need) first++;
  while (last >= first && cluster.coverage[last]! < need) last--;
  if (last < first) return undefined;
  const rowsOf = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => [0, 1, 2, 3].map((b) => cluster.counts[(from + i) * 4 + b]! + 0.1));
  if (minInformation > 0) {
    const ic = informationContent(makeMotif(id, rowsOf(first, last), { isCounts: true }));
    let a = 0;
    let b = ic.length - 1;
    while (a <= b && ic[a]! < minInformation) a++;
    while (b >= a && ic[b]! < minInformation) b--;
    if (b < a) return undefined;
    last = first + b;
    first += a;
  }
  return { motif: makeMotif(id, rowsOf(first, last), { isCounts: true, nsites: cluster.members.length }), first };
}
