/**
 * Motif enrichment in a primary set of sequences against a control set (SEA-like): for each motif, the
 * number of sequences with at least one site (a window on either strand with FIMO p-value ≤ `siteThreshold`)
 * in each set, the odds ratio, a one-sided Fisher exact p-value, E-value (p × number of motifs) and
 * Benjamini–Hochberg q-value over motifs. The control defaults to dinucleotide-shuffled copies of the primary
 * sequences (seeded). This is SEA's design, not its exact statistics: a site is any window with FIMO
 * p ≤ siteThreshold, and Fisher's test replaces SEA's binomial/Fisher choice.
 */
import * as aq from 'arquero';
import { OptionError } from '../errors';
import { benjaminiHochberg, fisherExact } from '../stats';
import { buildFimoPssm, scoreThreshold, type PssmOptions } from './pssm';
import { scanPwm } from './scan-kernel';
import { prepareSequences, type NamedSequence, type Region } from './sequences';
import { shuffleSequences } from './shuffle';
import type { Motif } from './motif';

type Table = ReturnType<typeof aq.table>;

/**
 * Options of {@link motifEnrichment}; the PSSM options (`background`, `pseudocount`, `bothStrands`) are as in {@link FimoOptions}.
 */
export interface EnrichmentOptions extends PssmOptions {
  /** Control sequences; default: `shuffles` dinucleotide shuffles of the primary sequences. */
  control?: readonly NamedSequence[];
  /** Shuffled copies per primary sequence when no control is given (default 2). */
  shuffles?: number;
  /** Seed of the shuffles (default 1). */
  seed?: number;
  /** A sequence holds the motif when some window has p ≤ this (default 1e-4). */
  siteThreshold?: number;
  /** Region of every sequence to scan (1-based inclusive), e.g. DREAM's variable region. */
  region?: Region;
}

/**
 * One row per motif, most significant first: counts, fractions, odds ratios, p, E and q.
 * @param motifs - Motifs to test.
 * @param primary - The sequences of interest (`{ name, sequence }`).
 * @param options - `control` (default: `shuffles` dinucleotide shuffles of `primary`), `shuffles` (default 2),
 *   `seed` (default 1), `siteThreshold` (p-value of a site, default 1e-4), `region` (1-based inclusive), and the
 *   PSSM options of {@link FimoOptions}.
 * @returns One row per motif: tp, fp, n_primary, n_control, fractions, enrichment, odds ratios, p-, E- and
 *   q-values (one-sided Fisher's exact test: enriched in primary), most significant first.
 * @example
 * motifEnrichment(jaspar('fungi'), topSequences, { region: { start: 18, end: 97 } });
 */
export function motifEnrichment(motifs: readonly Motif[], primary: readonly NamedSequence[], options: EnrichmentOptions = {}): Table {
  if (primary.length === 0) throw new OptionError('no primary sequences', { option: 'primary' });
  const siteThreshold = options.siteThreshold ?? 1e-4;
  if (!(siteThreshold > 0 && siteThreshold <= 1)) throw new OptionError(`siteThreshold must be in (0, 1], got ${siteThreshold}`, { option: 'siteThreshold' });
  // Shuffle the scanned region only, so the flanks cannot leak into the control.
  const region = options.region;
  const cut = (s: readonly NamedSequence[]): NamedSequence[] =>
    region ? s.map((x) => ({ name: x.name, sequence: x.sequence.slice(region.start - 1, region.end) })) : [...s];
  const primaryCut = cut(primary);
  const control = options.control ? cut(options.control) : shuffleSequences(primaryCut, { copies: options.shuffles ?? 2, seed: options.seed ?? 1 });
  if (control.length === 0) throw new OptionError('no control sequences', { option: 'control' });
  const prim = prepareSequences(primaryCut);
  const ctrl = prepareSequences(control);
  const bothStrands = options.bothStrands ?? true;

  const rows = motifs.map((motif) => {
    const pssm = buildFimoPssm(motif, options);
    const min = scoreThreshold(pssm, siteThreshold);
    const count = (prepared: typeof prim): number => new Set(scanPwm(pssm, prepared, min, bothStrands).seq).size;
    const tp = count(prim);
    const fp = count(ctrl);
    const np = primaryCut.length;
    const nc = control.length;
    const fisher = fisherExact(tp, np - tp, fp, nc - fp, 'greater');
    return {
      motif_id: motif.id, motif_alt_id: motif.altId,
      tp, fp, n_primary: np, n_control: nc,
      tp_fraction: tp / np, fp_fraction: fp / nc,
      // Ratio of site frequencies with +1 pseudocounts, stable when the control has no site.
      enrichment: ((tp + 1) / (np + 1)) / ((fp + 1) / (nc + 1)),
      odds_ratio: fisher.oddsRatio,
      log2_odds_ratio: Math.log2(((tp + 0.5) * (nc - fp + 0.5)) / ((np - tp + 0.5) * (fp + 0.5))),
      'p-value': fisher.pValue,
      'E-value': Math.min(fisher.pValue * motifs.length, motifs.length),
      'q-value': NaN,
    };
  });
  const q = benjaminiHochberg(rows.map((r) => r['p-value']));
  rows.forEach((r, i) => (r['q-value'] = q[i]!));
  rows.sort((a, b) => a['p-value'] - b['p-value'] || b.enrichment - a.enrichment);
  return aq.from(rows);
}
