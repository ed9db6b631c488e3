/**
 * FIMO-equivalent motif scanning: `scanFimo(motifs, sequences, options)` returns FIMO's tsv columns as an
 * Arquero table. The defaults are `fimo --thresh 1e-4` of MEME suite 5.5: NRDB background made strand-
 * symmetric, pseudocount 0.1, both strands, integer-scaled PSSM with exact p-values (see pssm.ts), at most
 * 100,000 stored matches per motif, q-values by Benjamini–Hochberg over all tests times Storey's π0.
 *
 * Two kernels find the windows above threshold — pure JavaScript (`scanPwm`, the default and the faster one
 * on CPU) and a batched tfjs convolution (`scanPwmTensor`); everything after that is shared, so both give
 * identical tables.
 */
import * as aq from 'arquero';
import { OptionError } from '../errors';
import { buildFimoPssm, rawScore, scoreThreshold, type FimoPssm, type PssmOptions } from './pssm';
import { estimatePi0, fimoQValues, FIMO_RESERVOIR_SIZE } from './qvalues';
import { createRandom, type Random } from '../stats';
import { scanPwm, windowScore, type RawHits } from './scan-kernel';
import { countWindows, prepareSequences, windowHasN, windowSequence, type NamedSequence, type PreparedSequences, type Region } from './sequences';
import type { Motif } from './motif';

type Table = ReturnType<typeof aq.table>;

/** Options of {@link scanFimo}, FIMO's options under their FIMO meaning. */
export interface FimoOptions extends PssmOptions {
  /** Report windows with p-value ≤ this (FIMO --thresh, default 1e-4). */
  threshold?: number;
  /** Scan only this 1-based inclusive region of each sequence; coordinates are then relative to it. */
  region?: Region;
  /** Compute q-values (default true; FIMO --no-qvalue turns them off). */
  qvalues?: boolean;
  /** Matches kept per motif before the least significant half is dropped (FIMO --max-stored-scores). */
  maxStoredScores?: number;
  /** Seed of the p-value sample used to estimate π0 (FIMO's own sample is unseeded). */
  seed?: number;
  /** Include `matched_sequence` (default true). */
  matchedSequence?: boolean;
  /** Called after each motif's scan with the motifs done and in all (for progress displays). */
  onProgress?: (done: number, total: number) => void;
}

/** What was scanned for one motif, for reports and checks. */
export interface FimoMotifSummary {
  motif_id: string;
  motif_alt_id: string;
  width: number;
  /** Number of tests: scorable windows × strands (FIMO's num_scanned_positions). */
  tests: number;
  /** Smallest integer score with p ≤ threshold. */
  min_score: number;
  stored: number;
  /** Matches dropped by the max-stored-scores rule. */
  dropped: number;
  pi0: number;
}

export interface FimoResult {
  hits: Table;
  summary: Table;
}

/** Finds windows ≥ minScore for one motif; `scanPwm` or the tensor kernel's per-motif view. */
export type HitFinder = (pssm: FimoPssm, prepared: PreparedSequences, minScore: number, bothStrands: boolean, motifIndex: number) => RawHits;

/**
 * FIMO scan of `sequences` ({ name, sequence }) with every motif; FIMO's tsv columns, sorted by p-value.
 * @param motifs - Motifs to scan with.
 * @param sequences - `{ name, sequence }` records.
 * @param options - `threshold` p-value (default 1e-4), `region` (1-based inclusive; coordinates then relative to
 *   it; default whole sequences), `qvalues` (default true), `maxStoredScores` (default 100,000), `seed` of the π0
 *   sample (default 1), `matchedSequence` (default true), `background` (default 'nrdb', FIMO's), `pseudocount`
 *   (default 0.1), `bothStrands` (default true).
 * @returns A table with FIMO's tsv columns (motif_id, motif_alt_id, sequence_name, start, stop, strand, score,
 *   p-value, q-value, matched_sequence), sorted by p-value.
 * @example
 * const hits = scanFimo(jaspar('fungi'), [{ name: 'seq1', sequence: 'TGCATTTTTTTAGCCGCCGATAGC' }], { threshold: 1e-3 });
 */
export function scanFimo(motifs: readonly Motif[], sequences: readonly NamedSequence[], options: FimoOptions = {}): Table {
  return scanFimoDetailed(motifs, sequences, options).hits;
}

/** Like scanFimo, plus a per-motif summary (tests, threshold score, stored and dropped matches, π0). */
export function scanFimoDetailed(motifs: readonly Motif[], sequences: readonly NamedSequence[], options: FimoOptions = {}): FimoResult {
  const prepared = prepareSequences(sequences, options.region);
  const pssms = motifs.map((m) => buildFimoPssm(m, options));
  return runFimo(pssms, prepared, options, scanPwm);
}

/** The shared pipeline after PSSMs and sequences are ready: find hits, p-values, q-values, table. */
export function runFimo(pssms: readonly FimoPssm[], prepared: PreparedSequences, options: FimoOptions, findHits: HitFinder): FimoResult {
  const threshold = options.threshold ?? 1e-4;
  if (!(threshold > 0 && threshold <= 1)) throw new OptionError(`threshold must be in (0, 1], got ${threshold}`, { option: 'threshold' });
  const maxStored = options.maxStoredScores ?? 100000;
  if (!(Number.isInteger(maxStored) && maxStored > 0)) throw new OptionError(`maxStoredScores must be a positive integer, got ${maxStored}`, { option: 'maxStoredScores' });
  const bothStrands = options.bothStrands ?? true;
  const withQ = options.qvalues ?? true;
  const withSeq = options.matchedSequence ?? true;

  const columns = {
    motif_id: [] as string[], motif_alt_id: [] as string[], sequence_name: [] as string[],
    start: [] as number[], stop: [] as number[], strand: [] as string[], score: [] as number[],
    'p-value': [] as number[], 'q-value': [] as number[], matched_sequence: [] as string[],
  };
  const summary: FimoMotifSummary[] = [];
  pssms.forEach((pssm, m) => {
    const minScore = scoreThreshold(pssm, threshold);
    const raw = findHits(pssm, prepared, minScore, bothStrands, m);
    const tests = countWindows(prepared, pssm.width) * (bothStrands ? 2 : 1);
    const kept = keepStored(raw, pssm, maxStored);
    // Ascending p-value = descending score; ties keep scan order.
    kept.sort((a, b) => raw.score[b]! - raw.score[a]! || a - b);
    const p = Float64Array.from(kept, (i) => pssm.pvalues[raw.score[i]!]!);
    let pi0 = 1;
    let q: Float64Array = new Float64Array(kept.length).fill(NaN);
    if (withQ && kept.length) {
      const random = createRandom(`${options.seed ?? 1}:${pssm.motif.id}:${m}`);
      pi0 = estimatePi0(samplePValues(pssm, prepared, bothStrands, tests, random), random);
      q = fimoQValues(p, tests, pi0);
    }
    kept.forEach((i, r) => {
      const s = raw.seq[i]!;
      const pos = raw.pos[i]!;
      columns.motif_id.push(pssm.motif.id);
      columns.motif_alt_id.push(pssm.motif.altId);
      columns.sequence_name.push(prepared.names[s]!);
      columns.start.push(pos + 1);
      columns.stop.push(pos + pssm.width);
      columns.strand.push(raw.strand[i] ? '-' : '+');
      columns.score.push(rawScore(pssm, raw.score[i]!));
      columns['p-value'].push(p[r]!);
      columns['q-value'].push(q[r]!);
      columns.matched_sequence.push(withSeq ? windowSequence(prepared, s, pos, pssm.width, raw.strand[i] === 1) : '');
    });
    summary.push({
      motif_id: pssm.motif.id, motif_alt_id: pssm.motif.altId, width: pssm.width, tests, min_score: minScore,
      stored: kept.length, dropped: raw.count - kept.length, pi0,
    });
    options.onProgress?.(m + 1, pssms.length);
  });
  // FIMO lists matches of all motifs by increasing p-value; a stable sort keeps motif and scan order in ties.
  const order = columns['p-value'].map((_, i) => i).sort((a, b) => columns['p-value'][a]! - columns['p-value'][b]! || a - b);
  const sorted = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, order.map((i) => (v as unknown[])[i])]));
  if (!withSeq) delete sorted['matched_sequence'];
  return { hits: aq.table(sorted), summary: aq.from(summary) };
}

/**
 * FIMO's --max-stored-scores rule (cisml.c, add_pattern_matched_element): matches arrive in scan order;
 * when the store is full, the least significant half is dropped together with every match tied with the
 * last one dropped, and from then on only matches at most as large as the largest retained p-value enter.
 * Returns the indices of the kept matches.
 */
function keepStored(raw: RawHits, pssm: FimoPssm, maxStored: number): number[] {
  if (raw.count <= maxStored) return Array.from({ length: raw.count }, (_, i) => i);
  const pv = (i: number): number => pssm.pvalues[raw.score[i]!]!;
  let kept: number[] = [];
  let maxRetained = Infinity;
  for (let i = 0; i < raw.count; i++) {
    if (pv(i) > maxRetained) continue;
    if (kept.length >= maxStored) {
      kept.sort((a, b) => pv(b) - pv(a));
      const toDelete = Math.floor(0.5 * kept.length);
      const minDiscarded = pv(kept[toDelete - 1]!);
      kept = kept.slice(toDelete).filter((k) => pv(k) < minDiscarded);
      maxRetained = kept.reduce((max, k) => Math.max(max, pv(k)), kept.length ? 0 : minDiscarded * (1 - Number.EPSILON));
    }
    if (pv(i) <= maxRetained) kept.push(i);
  }
  return kept;
}

/**
 * A uniform sample (without replacement) of the p-values of all tests, like FIMO's 10,000-slot reservoir:
 * every test if there are at most 10,000.
 */
function samplePValues(pssm: FimoPssm, prepared: PreparedSequences, bothStrands: boolean, tests: number, random: Random): Float64Array {
  const w = pssm.width;
  const strands = bothStrands ? 2 : 1;
  const nSeq = prepared.starts.length;
  // Cumulative window counts (N windows included; those are redrawn) to map a draw to (sequence, position).
  const cumulative = new Float64Array(nSeq + 1);
  for (let s = 0; s < nSeq; s++) cumulative[s + 1] = cumulative[s]! + Math.max(0, prepared.lengths[s]! - w + 1);
  const all = cumulative[nSeq]!;
  const score = (s: number, pos: number, strand: number): number =>
    windowScore(strand ? pssm.reverse : pssm.forward, w, prepared.codes, prepared.starts[s]! + pos);
  const out: number[] = [];
  if (tests <= FIMO_RESERVOIR_SIZE) {
    for (let s = 0; s < nSeq; s++) {
      for (let pos = 0; pos + w <= prepared.lengths[s]!; pos++) {
        if (windowHasN(prepared, s, pos, w)) continue;
        for (let strand = 0; strand < strands; strand++) out.push(pssm.pvalues[score(s, pos, strand)]!);
      }
    }
    return Float64Array.from(out);
  }
  const seen = new Set<number>();
  while (out.length < FIMO_RESERVOIR_SIZE) {
    const draw = Math.floor(random.float() * all * strands);
    if (seen.has(draw)) continue;
    seen.add(draw);
    const window = Math.floor(draw / strands);
    const strand = draw % strands;
    let lo = 0;
    let hi = nSeq;
    while (lo < hi - 1) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= window) lo = mid;
      else hi = mid;
    }
    const pos = window - cumulative[lo]!;
    if (windowHasN(prepared, lo, pos, w)) continue;
    out.push(pssm.pvalues[score(lo, pos, strand)]!);
  }
  return Float64Array.from(out);
}
