/**
 * Motif pair logic (Camformer Figure 8): from a scan's hits (FIMO columns, as scanFimo returns) and the
 * measured and predicted expression of the scanned sequences, which motifs and motif pairs go with high or
 * low expression, how expression follows a motif's count, score and position, how two motifs' sites overlap,
 * and how in-silico-mutagenesis contributions over one motif's sites change when another motif is present.
 * Every function is `(inputs, options) → Arquero table`, tidy: one observation per row.
 */
import * as aq from 'arquero';
import * as ss from 'simple-statistics';
import { OptionError } from '../errors';
import { pearson, spearman } from '../stats';

type Table = ReturnType<typeof aq.table>;

/** Expression per sequence: columns `sequence_name`, `measured`, `predicted` (either may be NaN). */
export type ExpressionTable = Table;

interface Hit {
  motif_id: string;
  sequence_name: string;
  start: number;
  stop: number;
  strand: string;
  score: number;
}

function hitRows(hits: Table): Hit[] {
  for (const c of ['motif_id', 'sequence_name', 'start', 'stop', 'score']) {
    if (!hits.columnNames().includes(c)) throw new OptionError(`hits table lacks column '${c}' (expected scanFimo's columns)`, { option: 'hits' });
  }
  return hits.objects() as unknown as Hit[];
}

function columnOf(table: Table, name: string, option: string): unknown[] {
  if (!table.columnNames().includes(name)) throw new OptionError(`table lacks column '${name}'`, { option });
  return table.array(name) as unknown[];
}

/**
 * Per sequence × motif: present, number of sites, best score and the start/strand of the best site (NaN/''
 * when absent). `sequenceNames` lists every scanned sequence so absences are rows too.
 * @param hits - A scan's hits (FIMO columns, e.g. from {@link scanFimo}).
 * @param sequenceNames - Every scanned sequence, so absences are rows too.
 * @param options - `motifs` (default: every motif in `hits`).
 * @returns One row per sequence × motif: sequence_name, motif_id, present, count, best_score, best_start, best_strand.
 * @example
 * const occurrences = motifOccurrences(hits, sequences.map((s) => s.name));
 */
export function motifOccurrences(hits: Table, sequenceNames: readonly string[], options: { motifs?: readonly string[] } = {}): Table {
  const rows = hitRows(hits);
  const motifs = options.motifs ?? [...new Set(rows.map((r) => r.motif_id))];
  const best = new Map<string, { count: number; score: number; start: number; strand: string }>();
  for (const r of rows) {
    const key = `${r.motif_id}\u0000${r.sequence_name}`;
    const cur = best.get(key);
    if (!cur) best.set(key, { count: 1, score: r.score, start: r.start, strand: r.strand });
    else {
      cur.count++;
      if (r.score > cur.score) Object.assign(cur, { score: r.score, start: r.start, strand: r.strand });
    }
  }
  const out = { sequence_name: [] as string[], motif_id: [] as string[], present: [] as boolean[], count: [] as number[], best_score: [] as number[], best_start: [] as number[], best_strand: [] as string[] };
  for (const name of sequenceNames) {
    for (const m of motifs) {
      const b = best.get(`${m}\u0000${name}`);
      out.sequence_name.push(name);
      out.motif_id.push(m);
      out.present.push(!!b);
      out.count.push(b ? b.count : 0);
      out.best_score.push(b ? b.score : NaN);
      out.best_start.push(b ? b.start : NaN);
      out.best_strand.push(b ? b.strand : '');
    }
  }
  return aq.table(out);
}

function meanSd(values: number[]): [number, number] {
  const v = values.filter((x) => !Number.isNaN(x));
  if (v.length === 0) return [NaN, NaN];
  return [ss.mean(v), v.length > 1 ? ss.sampleStandardDeviation(v) : NaN];
}

/** Sequence name → set of motifs with a site, restricted to `motifs`. */
function presence(hits: Table, motifs: readonly string[]): Map<string, Set<string>> {
  const wanted = new Set(motifs);
  const out = new Map<string, Set<string>>();
  for (const r of hitRows(hits)) {
    if (!wanted.has(r.motif_id)) continue;
    let set = out.get(r.sequence_name);
    if (!set) out.set(r.sequence_name, (set = new Set()));
    set.add(r.motif_id);
  }
  return out;
}

/**
 * For every ordered pair (A, B) of `motifs`: sequences holding both, with mean and sd of measured and predicted
 * expression. The diagonal (A, A) is "A alone": sequences with A and none of the other motifs.
 * @param hits - A scan's hits (FIMO columns).
 * @param expression - Columns `sequence_name`, `measured`, `predicted`.
 * @param options - `motifs`: the motifs to pair (required).
 * @returns One row per ordered pair: motif_a, motif_b, n, measured_mean, measured_sd, predicted_mean, predicted_sd.
 * @example
 * const pairs = pairLogic(hits, expression, { motifs: ['MA0320.1', 'MA0412.2'] });
 */
export function pairLogic(hits: Table, expression: ExpressionTable, options: { motifs: readonly string[] }): Table {
  const motifs = options.motifs;
  if (!motifs?.length) throw new OptionError('give the motifs to pair, e.g. { motifs: ["MA0320.1", "MA0412.2"] }', { option: 'motifs' });
  const names = columnOf(expression, 'sequence_name', 'expression') as string[];
  const measured = columnOf(expression, 'measured', 'expression') as number[];
  const predicted = columnOf(expression, 'predicted', 'expression') as number[];
  const has = presence(hits, motifs);
  const rows = [];
  for (const a of motifs) {
    for (const b of motifs) {
      const idx: number[] = [];
      names.forEach((name, i) => {
        const set = has.get(name);
        if (!set?.has(a)) return;
        if (a === b ? set.size === 1 : set.has(b)) idx.push(i);
      });
      const [mMean, mSd] = meanSd(idx.map((i) => measured[i]!));
      const [pMean, pSd] = meanSd(idx.map((i) => predicted[i]!));
      rows.push({ motif_a: a, motif_b: b, n: idx.length, measured_mean: mMean, measured_sd: mSd, predicted_mean: pMean, predicted_sd: pSd });
    }
  }
  return aq.from(rows);
}

/**
 * Effect of adding B to A: mean(A with B) − mean(A alone), for measured and predicted expression.
 * @param pairs - A table from {@link pairLogic}.
 * @returns One row per pair: motif_a, motif_b, n_pair, n_alone, measured_difference, predicted_difference.
 * @example
 * pairDifference(pairLogic(hits, expression, { motifs: ['MA0320.1', 'MA0412.2'] }));
 */
export function pairDifference(pairs: Table): Table {
  const rows = pairs.objects() as Array<{ motif_a: string; motif_b: string; n: number; measured_mean: number; predicted_mean: number }>;
  const alone = new Map(rows.filter((r) => r.motif_a === r.motif_b).map((r) => [r.motif_a, r]));
  return aq.from(rows.filter((r) => r.motif_a !== r.motif_b).map((r) => ({
    motif_a: r.motif_a, motif_b: r.motif_b, n_pair: r.n, n_alone: alone.get(r.motif_a)?.n ?? 0,
    measured_difference: r.measured_mean - (alone.get(r.motif_a)?.measured_mean ?? NaN),
    predicted_difference: r.predicted_mean - (alone.get(r.motif_a)?.predicted_mean ?? NaN),
  })));
}

/**
 * Per motif, Pearson and Spearman correlation of predicted expression with the motif's site count (over all
 * sequences), and with its best score and best-site start (over sequences holding it).
 * @param occurrences - A table from {@link motifOccurrences}.
 * @param expression - Columns `sequence_name` and the expression column.
 * @param options - `column` of `expression` to correlate (default 'predicted').
 * @returns One row per motif and feature (count, best score, best start): motif_id, feature, n, pearson, spearman.
 * @example
 * motifCorrelations(occurrences, expression, { column: 'measured' });
 */
export function motifCorrelations(occurrences: Table, expression: ExpressionTable, options: { column?: string } = {}): Table {
  const column = options.column ?? 'predicted';
  const names = columnOf(expression, 'sequence_name', 'expression') as string[];
  const values = columnOf(expression, column, 'column') as number[];
  const byName = new Map(names.map((n, i) => [n, values[i]!]));
  const occ = occurrences.objects() as Array<{ sequence_name: string; motif_id: string; present: boolean; count: number; best_score: number; best_start: number }>;
  const rows = [];
  for (const motif of [...new Set(occ.map((o) => o.motif_id))]) {
    const mine = occ.filter((o) => o.motif_id === motif && byName.has(o.sequence_name) && !Number.isNaN(byName.get(o.sequence_name)!));
    const features: Array<[string, typeof mine, (o: (typeof mine)[number]) => number]> = [
      ['count', mine, (o) => o.count],
      ['best_score', mine.filter((o) => o.present), (o) => o.best_score],
      ['best_start', mine.filter((o) => o.present), (o) => o.best_start],
    ];
    for (const [feature, set, get] of features) {
      const x = set.map(get);
      const y = set.map((o) => byName.get(o.sequence_name)!);
      const ok = set.length >= 3 && new Set(x).size > 1;
      rows.push({ motif_id: motif, feature, n: set.length, pearson: ok ? pearson(x, y) : NaN, spearman: ok ? spearman(x, y) : NaN });
    }
  }
  return aq.from(rows);
}

/**
 * Venn counts of sequences holding motif A and/or B, and how many of A's sites overlap a B site.
 * @param hits - A scan's hits (FIMO columns).
 * @param sequenceNames - Every scanned sequence.
 * @param motifA - Id of motif A.
 * @param motifB - Id of motif B.
 * @returns Rows `set`, `sequences`: sequences with A only, B only, both, neither; A sites overlapping a B site; all A sites.
 * @example
 * motifOverlap(hits, names, 'MA0320.1', 'MA0412.2');
 */
export function motifOverlap(hits: Table, sequenceNames: readonly string[], motifA: string, motifB: string): Table {
  const rows = hitRows(hits);
  const sitesOf = (m: string): Map<string, Hit[]> => {
    const map = new Map<string, Hit[]>();
    for (const r of rows) if (r.motif_id === m) (map.get(r.sequence_name) ?? map.set(r.sequence_name, []).get(r.sequence_name)!).push(r);
    return map;
  };
  const a = sitesOf(motifA);
  const b = sitesOf(motifB);
  let onlyA = 0, onlyB = 0, both = 0, neither = 0, overlapping = 0, aSites = 0;
  for (const name of sequenceNames) {
    const inA = a.has(name), inB = b.has(name);
    if (inA && inB) both++;
    else if (inA) onlyA++;
    else if (inB) onlyB++;
    else neither++;
    for (const s of a.get(name) ?? []) {
      aSites++;
      if ((b.get(name) ?? []).some((t) => t.start <= s.stop && s.start <= t.stop)) overlapping++;
    }
  }
  return aq.from([
    { set: `${motifA} only`, sequences: onlyA },
    { set: `${motifB} only`, sequences: onlyB },
    { set: 'both', sequences: both },
    { set: 'neither', sequences: neither },
    { set: `${motifA} sites overlapping ${motifB}`, sequences: overlapping },
    { set: `${motifA} sites`, sequences: aSites },
  ]);
}

/**
 * ISM contributions over every site of motif A, labelled by whether motif B has a site in the same sequence
 * (`b_present`) and whether a B site overlaps this A site (`b_overlaps`: the paper's Figure 8g groups "IME1
 * motifs by whether they overlapped a UME6 motif or not", §4.4). `ism` has one row per sequence and position:
 * `sequence_name`, `position` (1-based, in the hits' coordinates, i.e. relative to the scanned region) and
 * `contribution`. One row per A site with the sum and mean contribution over its positions.
 * @param ism - ISM contributions: sequence_name, position, contribution.
 * @param hits - A scan's hits in the same coordinates.
 * @param motifA - Id of the motif whose sites are summarised.
 * @param motifB - Id of the motif whose presence and overlap label them.
 * @returns One row per A site: sequence_name, start, stop, strand, score, b_present, b_overlaps, ism_sum, ism_mean, positions.
 * @example
 * ismByCooccurrence(contributions, hits, 'MA0320.1', 'MA0412.2');
 */
export function ismByCooccurrence(ism: Table, hits: Table, motifA: string, motifB: string): Table {
  const names = columnOf(ism, 'sequence_name', 'ism') as string[];
  const positions = columnOf(ism, 'position', 'ism') as number[];
  const contributions = columnOf(ism, 'contribution', 'ism') as number[];
  const bySeq = new Map<string, Map<number, number>>();
  names.forEach((n, i) => (bySeq.get(n) ?? bySeq.set(n, new Map()).get(n)!).set(positions[i]!, contributions[i]!));
  const rows = hitRows(hits);
  const bSites = new Map<string, Hit[]>();
  for (const r of rows) if (r.motif_id === motifB) (bSites.get(r.sequence_name) ?? bSites.set(r.sequence_name, []).get(r.sequence_name)!).push(r);
  const out = [];
  for (const r of rows) {
    if (r.motif_id !== motifA) continue;
    const contrib = bySeq.get(r.sequence_name);
    if (!contrib) continue;
    let sum = 0, n = 0;
    for (let p = r.start; p <= r.stop; p++) {
      const c = contrib.get(p);
      if (c !== undefined && !Number.isNaN(c)) { sum += c; n++; }
    }
    const b = bSites.get(r.sequence_name) ?? [];
    out.push({
      sequence_name: r.sequence_name, start: r.start, stop: r.stop, strand: r.strand, score: r.score, b_present: b.length > 0,
      b_overlaps: b.some((t) => t.start <= r.stop && r.start <= t.stop), ism_sum: sum, ism_mean: n ? sum / n : NaN, positions: n,
    });
  }
  return out.length ? aq.from(out) : aq.table({ sequence_name: [], start: [], stop: [], strand: [], score: [], b_present: [], b_overlaps: [], ism_sum: [], ism_mean: [], positions: [] });
}
