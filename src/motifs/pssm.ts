/**
 * FIMO's position-specific scoring matrix, built exactly as MEME suite 5.5 does it (motif-in.c, motif.c,
 * pssm.c, alphabet.c), so that scores and p-values agree with `fimo` to the printed digits:
 *
 * 1. Background: MEME's NRDB DNA frequencies (A .281774, C .222020, G .228876, T .267330) by default; when
 *    both strands are scanned it is averaged with its complement (A=T, C=G), then 5e-7 is added to each
 *    letter and the vector renormalised (set_pseudo_bg).
 * 2. Pseudocount: p' = (p·nsites + pseudo·b) / (nsites + pseudo), nsites truncated to an integer, 20 when
 *    the file gives none (apply_pseudocount_to_motif, --motif-pseudo 0.1).
 * 3. Log-odds in bits, log2(p'/b), with MEME's constant log2(e) ≈ 1.44269504 (my_log2).
 * 4. Integer scaling to [0, 1000] per column (PSSM_RANGE = 1000): offset = floor(min), scale =
 *    floor(1000 / (max − offset)), entry = nint((x − offset)·scale) (scale_score_matrix).
 * 5. Exact score distribution of a background window by convolving the columns (get_pdf_table), and
 *    pv[s] = P(score ≥ s) (get_pv_lookup). A window's score S = Σ entries; reported score =
 *    S/scale + w·offset, its p-value pv[S].
 */
import { OptionError } from '../errors';
import { reverseComplementMotif, type Motif } from './motif';

/** MEME's non-redundant-database DNA letter frequencies (alphabet.c, get_nrdb_frequencies). */
export const NRDB_DNA: readonly [number, number, number, number] = [0.281774, 0.22202, 0.228876, 0.26733];
/** Range of the integer score of one PSSM column (pssm.h, PSSM_RANGE). */
export const PSSM_RANGE = 1000;
/** MEME's log2(e) (utils.h, my_log2); the exact value would move some roundings at the 1e-9 level. */
const MEME_LOG2E = 1.44269504;

export type BackgroundSpec = 'nrdb' | 'uniform' | 'motif' | readonly [number, number, number, number];

export interface PssmOptions {
  /** Background model: FIMO's default `'nrdb'`, `'uniform'`, the motif file's (`'motif'`), or four frequencies. */
  background?: BackgroundSpec;
  /** Pseudocount added to the motif's frequencies (FIMO --motif-pseudo, default 0.1). */
  pseudocount?: number;
  /** Scanning both strands makes the background strand-symmetric, as FIMO does (default true). */
  bothStrands?: boolean;
}

export interface FimoPssm {
  motif: Motif;
  width: number;
  /** Integer scores [width, 4] (A, C, G, T) for the motif as written. */
  forward: Int32Array;
  /** Integer scores [width, 4] of the reverse-complement motif, applied to the forward-strand window. */
  reverse: Int32Array;
  scale: number;
  offset: number;
  /** pvalues[s] = P(S ≥ s) under the background, for s = 0 … width·1000. */
  pvalues: Float64Array;
  /** The background letter frequencies actually used. */
  background: Float64Array;
}

/** The background FIMO uses, after symmetrising and its tiny pseudocount. */
export function fimoBackground(spec: BackgroundSpec = 'nrdb', motif?: Motif, bothStrands = true): Float64Array {
  let freqs: number[];
  if (spec === 'nrdb') freqs = [...NRDB_DNA];
  else if (spec === 'uniform') freqs = [0.25, 0.25, 0.25, 0.25];
  else if (spec === 'motif') {
    if (!motif) throw new OptionError("background 'motif' needs a motif to take it from", { option: 'background' });
    freqs = [...motif.background];
  } else {
    if (spec.length !== 4 || spec.some((x) => !(x > 0))) {
      throw new OptionError('background must be four positive frequencies for A, C, G, T', { option: 'background' });
    }
    freqs = [...spec];
  }
  const total0 = freqs[0]! + freqs[1]! + freqs[2]! + freqs[3]!;
  freqs = freqs.map((f) => f / total0);
  if (bothStrands) {
    const at = (freqs[0]! + freqs[3]!) / 2;
    const cg = (freqs[1]! + freqs[2]!) / 2;
    freqs = [at, cg, cg, at];
  }
  // normalize_frequencies(alph, freqs, 0.0000005): add the pseudo then divide by the sum.
  const pseudo = 0.0000005;
  let sum = pseudo * 4;
  for (const f of freqs) sum += f;
  const out = Float64Array.from(freqs, (f) => (f + pseudo) / sum);
  // normalize_subarray with tolerance 0 divides again unless the sum is exactly 1.
  const again = out[0]! + out[1]! + out[2]! + out[3]!;
  if (again !== 1) for (let a = 0; a < 4; a++) out[a] = out[a]! / again;
  return out;
}

/** MEME's nint: round half away from zero. */
function nint(x: number): number {
  return Math.trunc(x >= 0 ? x + 0.5 : x - 0.5);
}

/** Log-odds (bits) of the pseudocounted motif against the background, row-major [width, 4]. */
export function logOdds(motif: Motif, background: Float64Array, pseudocount = 0.1): Float64Array {
  if (!(pseudocount >= 0)) throw new OptionError(`pseudocount must be ≥ 0, got ${pseudocount}`, { option: 'pseudocount' });
  const sites = Math.trunc(motif.nsites) > 0 ? Math.trunc(motif.nsites) : 20;
  const total = sites + pseudocount;
  const out = new Float64Array(motif.length * 4);
  for (let i = 0; i < motif.length; i++) {
    for (let a = 0; a < 4; a++) {
      const p = motif.probabilities[i * 4 + a]!;
      const withPseudo = pseudocount === 0 ? p : (p * sites + pseudocount * background[a]!) / total;
      const odds = withPseudo / background[a]!;
      // my_log2 returns SMALL_POS (1e-300) for a zero argument; only reachable without a pseudocount.
      out[i * 4 + a] = odds > 0 ? Math.log(odds) * MEME_LOG2E : 1e-300;
    }
  }
  return out;
}

/** Builds FIMO's scaled PSSM and p-value table for one motif. */
export function buildFimoPssm(motif: Motif, options: PssmOptions = {}): FimoPssm {
  const bothStrands = options.bothStrands ?? true;
  const background = fimoBackground(options.background ?? 'nrdb', motif, bothStrands);
  const pseudocount = options.pseudocount ?? 0.1;
  const raw = logOdds(motif, background, pseudocount);
  let small = Infinity;
  let large = -Infinity;
  for (const x of raw) {
    if (x < small) small = x;
    if (x > large) large = x;
  }
  if (large === small) small = large - 1;
  const offset = Math.floor(small);
  const scale = Math.floor(PSSM_RANGE / (large - offset));
  const forward = Int32Array.from(raw, (x) => nint((x - offset) * scale));
  // The reverse PSSM is built from the reverse-complement motif; with the strand-symmetric background its
  // log-odds are the forward ones reversed and complemented, so scaling gives the same integers.
  const rcRaw = logOdds(reverseComplementMotif(motif), background, pseudocount);
  const reverse = Int32Array.from(rcRaw, (x) => nint((x - offset) * scale));
  return { motif, width: motif.length, forward, reverse, scale, offset, pvalues: scorePValues(forward, motif.length, background), background };
}

/** pv[s] = P(score ≥ s) for a window drawn from the 0-order background (get_pdf_table + get_pv_lookup). */
export function scorePValues(scores: Int32Array, width: number, background: Float64Array): Float64Array {
  const size = width * PSSM_RANGE + 1;
  let pdf = new Float64Array(size);
  let next = new Float64Array(size);
  pdf[0] = 1;
  for (let i = 0; i < width; i++) {
    const max = i * PSSM_RANGE;
    next.fill(0, 0, Math.min(size, max + PSSM_RANGE + 1));
    for (let a = 0; a < 4; a++) {
      const s = scores[i * 4 + a]!;
      const b = background[a]!;
      for (let k = 0; k <= max; k++) {
        const old = pdf[k]!;
        if (old !== 0) next[k + s] += old * b;
      }
    }
    [pdf, next] = [next, pdf];
  }
  for (let k = size - 2; k >= 0; k--) pdf[k] = Math.min(1, pdf[k]! + pdf[k + 1]!);
  return pdf;
}

/** Reported (unscaled) score of an integer window score: S/scale + width·offset (scaled_to_raw). */
export function rawScore(pssm: FimoPssm, scaled: number): number {
  return scaled / pssm.scale + pssm.width * pssm.offset;
}

/** Smallest integer score whose p-value is ≤ `threshold` (width·1000 + 1 when none is). */
export function scoreThreshold(pssm: FimoPssm, threshold: number): number {
  const pv = pssm.pvalues;
  // pv is non-increasing, so binary search for the first index with pv ≤ threshold.
  let lo = 0;
  let hi = pv.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pv[mid]! <= threshold) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
