/**
 * A MACS-like peak caller for read-count tracks (MACS2/3 `callpeak` without a control, in outline): the
 * pile-up at each base is the number of reads within ±extsize/2; the expected pile-up is the largest of the
 * background rate and the local rates over `localWindows` around the base (MACS's λ_BG, λ_5k, λ_10k scaled to
 * the region); each base gets a Poisson upper-tail p-value P(X ≥ pile-up | λ); runs of bases below the cutoff
 * that are at least `minLength` long, closer than `maxGap` merged, are peaks with their summit. Differences
 * from MACS: reads are per-base counts (no fragment-size model, no duplicate filter), one track at a time,
 * and no q-values. `peakScores` gives the per-base −log10 p, used to select regions at a given mask ratio.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../../errors';
import { regularizedGamma } from '../../stats/special';

/** Options of {@link callPeaks} and {@link peakScores}. */
export interface PeakOptions {
  /** Width of the pile-up window (default 50, about a DNase fragment). */
  extsize?: number;
  /** Local background windows (defaults 200 and 500 nt, for ~1-kb regions). */
  localWindows?: number[];
  /** Per-base p-value cutoff (default 1e-5, MACS's default q 0.05 is not computed here). */
  pValue?: number;
  /** Shortest run of bases below the cutoff that makes a peak (default 20). */
  minLength?: number;
  /** Runs closer than this many bases are merged into one peak (default 10). */
  maxGap?: number;
}

/** −log10 of the Poisson upper tail P(X ≥ k) for mean mu. */
export function poissonUpperLog10(k: number, mu: number): number {
  if (k <= 0) return 0;
  if (!(mu > 0)) return Infinity;
  const p = regularizedGamma(k, mu).lower; // P(X ≥ k) = P(k, mu) for X ~ Poisson(mu)
  return p > 0 ? -Math.log10(p) : 300;
}

/**
 * Per-base −log10 p-values for `counts` laid out as [regions, length] (one track). `background` is the rate
 * per base over all regions (default: their mean).
 * @param counts - Read counts per base of one track, row-major [regions, length].
 * @param length - Bases per region.
 * @param options - `extsize` (default 50), `localWindows` (200 and 500), `background` (the mean rate).
 * @returns −log10 p per base, [regions, length] (0 where the pile-up is not above its expectation).
 * @example
 * const scores = peakScores(sim.tracks.subarray(0, 400 * 1000), 1000, { extsize: 50 });
 */
export function peakScores(counts: ArrayLike<number>, length: number, options: PeakOptions & { background?: number } = {}): Float64Array {
  const { extsize = 50, localWindows = [200, 500] } = options;
  if (!Number.isInteger(length) || length < 1 || counts.length % length !== 0) {
    throw new OptionError(`counts (${counts.length}) are not a whole number of regions of length ${length}`, { option: 'length' });
  }
  if (!Number.isInteger(extsize) || extsize < 1) throw new OptionError(`expected a positive integer, got ${extsize}`, { option: 'extsize' });
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const background = options.background ?? total / counts.length;
  const regions = counts.length / length;
  const out = new Float64Array(counts.length);
  const prefix = new Float64Array(length + 1);
  const windowMean = (i: number, width: number) => {
    const lo = Math.max(0, Math.round(i - width / 2));
    const hi = Math.min(length, Math.round(i + width / 2));
    return (prefix[hi]! - prefix[lo]!) / Math.max(hi - lo, 1);
  };
  for (let r = 0; r < regions; r++) {
    for (let i = 0; i < length; i++) prefix[i + 1] = prefix[i]! + counts[r * length + i]!;
    for (let i = 0; i < length; i++) {
      const lo = Math.max(0, Math.round(i - extsize / 2));
      const hi = Math.min(length, lo + extsize);
      const pile = prefix[hi]! - prefix[lo]!;
      let lambda = background;
      for (const w of localWindows) lambda = Math.max(lambda, windowMean(i, w));
      const mu = lambda * (hi - lo);
      out[r * length + i] = pile > mu ? poissonUpperLog10(pile, mu) : 0;
    }
  }
  return out;
}

/**
 * Peaks per region: `region` (index), `start, end` (0-based, end exclusive), `summit`, `score` (max −log10 p),
 * `length`. Regions are rows of a [regions, length] count array.
 * @param counts - Read counts per base of one track, row-major [regions, length].
 * @param length - Bases per region.
 * @param options - `extsize` (default 50), `localWindows` (200 and 500), `pValue` (1e-5), `minLength` (20),
 *   `maxGap` (10).
 * @returns Table `region, start, end, summit, score, length`, one row per peak.
 * @example
 * const peaks = callPeaks(dnase, 1000, { pValue: 1e-5 });
 */
export function callPeaks(counts: ArrayLike<number>, length: number, options: PeakOptions = {}): ColumnTable {
  const { pValue = 1e-5, minLength = 20, maxGap = 10 } = options;
  if (!(pValue > 0 && pValue < 1)) throw new OptionError(`expected a p-value in (0, 1), got ${pValue}`, { option: 'pValue' });
  const scores = peakScores(counts, length, options);
  const cutoff = -Math.log10(pValue);
  const out = { region: [] as number[], start: [] as number[], end: [] as number[], summit: [] as number[], score: [] as number[] };
  for (let r = 0; r < scores.length / length; r++) {
    const runs: [number, number][] = [];
    for (let i = 0; i < length; i++) {
      if (scores[r * length + i]! < cutoff) continue;
      const last = runs[runs.length - 1];
      if (last && i - last[1] <= maxGap) last[1] = i + 1;
      else runs.push([i, i + 1]);
    }
    for (const [start, end] of runs) {
      if (end - start < minLength) continue;
      let summit = start;
      for (let i = start; i < end; i++) if (scores[r * length + i]! > scores[r * length + summit]!) summit = i;
      out.region.push(r), out.start.push(start), out.end.push(end), out.summit.push(summit), out.score.push(scores[r * length + summit]!);
    }
  }
  return aq.table({
    region: Int32Array.from(out.region), start: Int32Array.from(out.start), end: Int32Array.from(out.end),
    summit: Int32Array.from(out.summit), score: Float64Array.from(out.score),
    length: Int32Array.from(out.start, (s, i) => out.end[i]! - s),
  });
}
