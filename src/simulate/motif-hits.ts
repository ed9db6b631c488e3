/**
 * The motif scan the DeepRAGE simulator uses to place regulators on real promoters: src/motifs' FIMO scanner
 * (integer-scaled PSSM, exact p-values of the scaled score, hits at p ≤ threshold on both strands; pssm.ts,
 * scan-kernel.ts) with the simulator's own settings, which differ from `fimo`'s defaults on purpose:
 *
 * - a uniform background (A = C = G = T = 0.25) instead of MEME's NRDB frequencies: the simulated truth is
 *   "the motif is there", judged against random sequence, not against a yeast base composition;
 * - the pseudocount the simulator has always used: each letter's probability becomes (p + 0.01) / 1.04 —
 *   FIMO's formula (p·N + c·b) / (N + c) with N = 25 sites and c = 1, whatever the motif's own site count.
 *
 * Windows holding an N are never hits. Motifs are any `PwmLike` (src/motifs' `Motif` fits).
 */
import { OptionError } from '../errors';
import { UNIFORM_BACKGROUND, type Motif, type PwmLike } from '../motifs/motif';
import { buildFimoPssm, rawScore, scoreThreshold } from '../motifs/pssm';
import { scanPwm } from '../motifs/scan-kernel';
import { prepareSequences } from '../motifs/sequences';

export interface MotifHit {
  /** Index of the sequence in the scanned list. */
  sequence: number;
  /** Index of the motif in the motif list. */
  motif: number;
  /** 0-based start on the forward strand. */
  start: number;
  strand: '+' | '-';
  /** Log2-odds score of the window (bits, FIMO's reported score). */
  score: number;
}

export interface ScanOptions {
  /** Report windows with null p-value at most this (default 1e-4, FIMO's default). */
  pValue?: number;
}

/** (p·25 + 1·0.25) / (25 + 1) = (p + 0.01) / 1.04: the simulator's pseudocount in FIMO's terms. */
const SIMULATOR_SITES = 25;
const SIMULATOR_PSEUDOCOUNT = 1;

/**
 * All hits of the motifs in the sequences, on both strands, ordered by sequence, motif, start, '+' before '-'.
 *
 * @example
 * const reb1 = jaspar('fungi').find((m) => m.altId === 'REB1')!; // MA0363.3, consensus ATTACCCGG
 * scanMotifHits(['AAAAATTACCCGGAAAA'], [reb1]); // [{ sequence: 0, motif: 0, start: 4, strand: '+', score: 14.9375 }]
 */
export function scanMotifHits(sequences: readonly string[], motifs: readonly PwmLike[], options: ScanOptions = {}): MotifHit[] {
  const pValue = options.pValue ?? 1e-4;
  if (!(pValue > 0 && pValue < 1)) throw new OptionError(`expected a p-value in (0, 1), got ${pValue}`, { option: 'pValue' });
  const prepared = prepareSequences(sequences.map((sequence, i) => ({ name: `sequence ${i + 1}`, sequence })));
  const hits: MotifHit[] = [];
  motifs.forEach((pwm, k) => {
    const pssm = buildFimoPssm(simulatorMotif(pwm), { background: 'uniform', pseudocount: SIMULATOR_PSEUDOCOUNT });
    const raw = scanPwm(pssm, prepared, scoreThreshold(pssm, pValue));
    for (let i = 0; i < raw.count; i++) {
      hits.push({ sequence: raw.seq[i]!, motif: k, start: raw.pos[i]!, strand: raw.strand[i] ? '-' : '+', score: rawScore(pssm, raw.score[i]!) });
    }
  });
  // The scanner visits one motif at a time; the simulator's tables list hits sequence by sequence.
  return hits.sort((a, b) => a.sequence - b.sequence || a.motif - b.motif || a.start - b.start || (a.strand === b.strand ? 0 : a.strand === '+' ? -1 : 1));
}

/** The matrix as a Motif carrying the simulator's pseudocount weight (see the header). */
function simulatorMotif(pwm: PwmLike): Motif {
  const width = pwm.length;
  if (!(Number.isInteger(width) && width >= 1) || pwm.probabilities.length !== width * 4) {
    throw new OptionError(`motif '${pwm.id}' needs ${width} × 4 probabilities`, { option: 'motifs' });
  }
  return {
    id: pwm.id, altId: pwm.altId ?? '', length: width, probabilities: Float64Array.from(pwm.probabilities),
    nsites: SIMULATOR_SITES, background: [...UNIFORM_BACKGROUND],
  };
}
