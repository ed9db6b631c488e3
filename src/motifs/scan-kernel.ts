/**
 * The pure-JavaScript scanning kernel: integer PSSM sums over base codes, both strands, keeping only windows
 * whose score reaches the p-value threshold. Exactness is free (integer arithmetic); speed comes from
 * branch-and-bound: positions are visited most-informative first and a window is abandoned as soon as even
 * the best letters at the remaining positions could not lift it to the threshold. The bound is exact, so
 * the hits are the same as from summing every position.
 */
import { PSSM_RANGE, type FimoPssm } from './pssm';
import type { PreparedSequences } from './sequences';

/** Windows at or above the threshold, in FIMO's order: sequence, position, '+' before '-'. */
export interface RawHits {
  count: number;
  /** Sequence index. */
  seq: Int32Array;
  /** 0-based start of the window in the (region-cut) sequence. */
  pos: Int32Array;
  /** 0 for '+', 1 for '-'. */
  strand: Uint8Array;
  /** Integer (scaled) score. */
  score: Int32Array;
}

/** A growable RawHits. */
export class HitBuffer {
  count = 0;
  // Annotated: inferred, TypeScript ≥ 5.7 writes `Int32Array<ArrayBuffer>` into the .d.ts, which 5.0 (tslab) cannot read.
  seq: Int32Array = new Int32Array(1024);
  pos: Int32Array = new Int32Array(1024);
  strand: Uint8Array = new Uint8Array(1024);
  score: Int32Array = new Int32Array(1024);

  push(seq: number, pos: number, strand: number, score: number): void {
    if (this.count === this.seq.length) this.grow();
    const i = this.count++;
    this.seq[i] = seq;
    this.pos[i] = pos;
    this.strand[i] = strand;
    this.score[i] = score;
  }

  private grow(): void {
    const size = this.seq.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.seq = grow(this.seq, (n) => new Int32Array(n));
    this.pos = grow(this.pos, (n) => new Int32Array(n));
    this.strand = grow(this.strand, (n) => new Uint8Array(n));
    this.score = grow(this.score, (n) => new Int32Array(n));
  }

  finish(): RawHits {
    const n = this.count;
    return { count: n, seq: this.seq.slice(0, n), pos: this.pos.slice(0, n), strand: this.strand.slice(0, n), score: this.score.slice(0, n) };
  }
}

/** Below any reachable sum, so a window holding an N never reaches a threshold ≥ 0. */
const N_SCORE = -(1 << 28);

/** Reorders a [width, 4] integer PSSM for bounded scanning. */
interface BoundedMatrix {
  /** Position visited at step k. */
  order: Int32Array;
  /** Scores [width, 5]: A, C, G, T, then N. */
  scores: Int32Array;
  /** remaining[k] = Σ_{t ≥ k} best score at position order[t]; remaining[width] = 0. */
  remaining: Int32Array;
}

function boundedMatrix(matrix: Int32Array, width: number): BoundedMatrix {
  const scores = new Int32Array(width * 5);
  const best = new Int32Array(width);
  const spread = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    let max = -Infinity;
    let mean = 0;
    for (let a = 0; a < 4; a++) {
      const v = matrix[j * 4 + a]!;
      scores[j * 5 + a] = v;
      if (v > max) max = v;
      mean += v / 4;
    }
    scores[j * 5 + 4] = N_SCORE;
    best[j] = max;
    // A position whose best letter stands far above its average letter prunes the most when seen first.
    spread[j] = max - mean;
  }
  const order = Int32Array.from({ length: width }, (_, j) => j).sort((a, b) => spread[b]! - spread[a]! || a - b);
  const remaining = new Int32Array(width + 1);
  for (let k = width - 1; k >= 0; k--) remaining[k] = remaining[k + 1]! + best[order[k]!]!;
  return { order, scores, remaining };
}

/**
 * Scans every window of every sequence with one motif on one or both strands; returns the windows whose
 * integer score is ≥ `minScore`.
 */
export function scanPwm(pssm: FimoPssm, prepared: PreparedSequences, minScore: number, bothStrands = true): RawHits {
  const w = pssm.width;
  const out = new HitBuffer();
  if (minScore > w * PSSM_RANGE) return out.finish();
  const fwd = boundedMatrix(pssm.forward, w);
  const rev = boundedMatrix(pssm.reverse, w);
  const { codes, starts, lengths } = prepared;
  const fo = fwd.order, fs = fwd.scores, fr = fwd.remaining;
  const ro = rev.order, rs = rev.scores, rr = rev.remaining;
  const nSeq = starts.length;
  for (let s = 0; s < nSeq; s++) {
    const base = starts[s]!;
    const last = lengths[s]! - w;
    for (let p = 0; p <= last; p++) {
      const at = base + p;
      let score = 0;
      let k = 0;
      for (; k < w; k++) {
        const j = fo[k]!;
        score += fs[j * 5 + codes[at + j]!]!;
        if (score + fr[k + 1]! < minScore) break;
      }
      if (k === w) out.push(s, p, 0, score);
      if (!bothStrands) continue;
      score = 0;
      for (k = 0; k < w; k++) {
        const j = ro[k]!;
        score += rs[j * 5 + codes[at + j]!]!;
        if (score + rr[k + 1]! < minScore) break;
      }
      if (k === w) out.push(s, p, 1, score);
    }
  }
  return out.finish();
}

/** Integer score of one window (no bound); N gives a huge negative score. */
export function windowScore(matrix: Int32Array, width: number, codes: Uint8Array, at: number): number {
  let score = 0;
  for (let j = 0; j < width; j++) {
    const c = codes[at + j]!;
    if (c === 4) return N_SCORE;
    score += matrix[j * 4 + c]!;
  }
  return score;
}
