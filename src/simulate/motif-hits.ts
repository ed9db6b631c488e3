/**
 * The motif scan the DeepRAGE simulator uses to place regulators on real promoters. src/data may not import
 * src/motifs (which holds the FIMO-exact scanner), so this is a compact scan of our own in FIMO's manner:
 * log-odds against a uniform background with a small pseudocount, scores scaled to integers, the exact null
 * distribution of the scaled score computed by dynamic programming, and a hit wherever the score reaches the
 * p-value threshold (default 1e-4) on either strand. Hits agree with FIMO's in spirit, not to the last site:
 * FIMO's pseudocount and background handling differ slightly. Motifs are any object with a row-major
 * [length × 4] probability matrix in A, C, G, T order (src/motifs' `Motif` fits).
 */
import { OptionError } from '../errors';
import { BASE_INDEX } from '../data/alphabet';

/** A position probability matrix (rows = positions, A C G T). */
export interface PwmLike {
  id: string;
  altId?: string;
  length: number;
  probabilities: ArrayLike<number>;
}

export interface MotifHit {
  /** Index of the sequence in the scanned list. */
  sequence: number;
  /** Index of the motif in the motif list. */
  motif: number;
  /** 0-based start on the forward strand. */
  start: number;
  strand: '+' | '-';
  /** Log2-odds score of the window. */
  score: number;
}

export interface ScanOptions {
  /** Report windows with null p-value below this (default 1e-4, FIMO's default). */
  pValue?: number;
}

/** Integer score resolution: each motif's score range is split into this many steps (FIMO uses 1000 too). */
const RANGE = 1000;
const PSEUDO = 0.01;

interface ScaledMotif {
  width: number;
  /** Integer scores, forward [width × 4] and reverse-complement [width × 4]. */
  forward: Int32Array;
  reverse: Int32Array;
  /** Minimum integer score that reaches the p-value. */
  threshold: number;
  /** Log-odds per integer step and the offset: score = offset + steps · scale. */
  scale: number;
  offset: number;
}

/** All hits of the motifs in the sequences, on both strands (windows holding N are skipped). */
export function scanMotifHits(sequences: readonly string[], motifs: readonly PwmLike[], options: ScanOptions = {}): MotifHit[] {
  const pValue = options.pValue ?? 1e-4;
  if (!(pValue > 0 && pValue < 1)) throw new OptionError(`expected a p-value in (0, 1), got ${pValue}`, { option: 'pValue' });
  const scaled = motifs.map((motif) => scaleMotif(motif, pValue));
  const hits: MotifHit[] = [];
  sequences.forEach((sequence, s) => {
    const codes = new Int8Array(sequence.length);
    for (let i = 0; i < sequence.length; i++) {
      const code = BASE_INDEX[sequence.charCodeAt(i)]!;
      codes[i] = code < 4 ? code : -1;
    }
    scaled.forEach((m, k) => {
      for (let start = 0; start + m.width <= codes.length; start++) {
        let fwd = 0;
        let rev = 0;
        let valid = true;
        for (let j = 0; j < m.width; j++) {
          const code = codes[start + j]!;
          if (code < 0) { valid = false; break; }
          fwd += m.forward[j * 4 + code]!;
          rev += m.reverse[j * 4 + code]!;
        }
        if (!valid) continue;
        if (fwd >= m.threshold) hits.push({ sequence: s, motif: k, start, strand: '+', score: m.offset + fwd * m.scale });
        if (rev >= m.threshold) hits.push({ sequence: s, motif: k, start, strand: '-', score: m.offset + rev * m.scale });
      }
    });
  });
  return hits;
}

function scaleMotif(motif: PwmLike, pValue: number): ScaledMotif {
  const width = motif.length;
  if (!(width >= 1) || motif.probabilities.length !== width * 4) {
    throw new OptionError(`motif '${motif.id}' needs ${width} × 4 probabilities`, { option: 'motifs' });
  }
  const logOdds = new Float64Array(width * 4);
  for (let i = 0; i < width * 4; i++) logOdds[i] = Math.log2((Number(motif.probabilities[i]) + PSEUDO) / (1 + 4 * PSEUDO) / 0.25);
  let low = 0;
  let high = 0;
  for (let j = 0; j < width; j++) {
    const row = logOdds.subarray(j * 4, j * 4 + 4);
    low += Math.min(...row);
    high += Math.max(...row);
  }
  const scale = (high - low) / RANGE;
  // Integer scores per column, shifted so each column's minimum is 0 (the offset keeps the true score).
  const forward = new Int32Array(width * 4);
  for (let j = 0; j < width; j++) {
    const row = logOdds.subarray(j * 4, j * 4 + 4);
    const min = Math.min(...row);
    for (let a = 0; a < 4; a++) forward[j * 4 + a] = Math.round((row[a]! - min) / scale);
  }
  // Reverse complement: position j reads column width−1−j with the complementary base (A↔T, C↔G).
  const reverse = new Int32Array(width * 4);
  for (let j = 0; j < width; j++) for (let a = 0; a < 4; a++) reverse[j * 4 + a] = forward[(width - 1 - j) * 4 + (3 - a)]!;
  return { width, forward, reverse, threshold: nullThreshold(forward, width, pValue), scale, offset: low };
}

/** Smallest integer score s with P(score ≥ s) ≤ pValue under a uniform i.i.d. background (exact by DP). */
function nullThreshold(scores: Int32Array, width: number, pValue: number): number {
  let total = 0;
  for (let j = 0; j < width; j++) total += Math.max(...scores.subarray(j * 4, j * 4 + 4));
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  let reach = 0;
  for (let j = 0; j < width; j++) {
    const next = new Float64Array(total + 1);
    const colMax = Math.max(...scores.subarray(j * 4, j * 4 + 4));
    for (let s = 0; s <= reach; s++) {
      const p = dist[s]!;
      if (p === 0) continue;
      for (let a = 0; a < 4; a++) next[s + scores[j * 4 + a]!] += p * 0.25;
    }
    reach += colMax;
    dist = next;
  }
  let tail = 0;
  for (let s = total; s >= 0; s--) {
    if (tail + dist[s]! > pValue) return s + 1;
    tail += dist[s]!;
  }
  return 0;
}
