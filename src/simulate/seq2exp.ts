/**
 * A Seq2Exp-style dataset with a known answer: long random sequences (the region around a TSS) in which
 * enhancer-like elements are planted, with two epigenomic signal tracks (a sharp DNase-like and a broad
 * H3K27ac-like read count per base). Three kinds of element:
 *   active  — an enhancer motif in open chromatin (a signal peak): contributes its motif's effect;
 *   decoy   — a signal peak on background sequence: no effect (peaks alone over-select);
 *   closed  — an enhancer motif without signal: no effect (sequence alone over-selects).
 * Expression = Σ over active elements of the motif's effect + N(0, noise²). The causal positions (the
 * motif bases of active elements) are the ground truth a learned mask should cover, and peak calling on the
 * signal alone cannot tell active from decoy elements. Real Seq2Exp data (hg38, CAGE, DNase, H3K27ac, Hi-C)
 * is not available offline; this stands in for it.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { normalizeSequence, reverseComplement } from '../data/alphabet';
import { simulationRandom, type SimulationRandom } from './random';

export interface EnhancerMotif {
  name: string;
  consensus: string;
  /** Added to expression per active element carrying the motif. */
  effect: number;
}

/** AP-1, GATA and E-box-like consensus sequences (human enhancer factors), all activating. */
export const DEFAULT_ENHANCER_MOTIFS: EnhancerMotif[] = [
  { name: 'AP1', consensus: 'ATGACTCAT', effect: 1.0 },
  { name: 'GATA', consensus: 'AGATAAGGC', effect: 0.7 },
  { name: 'EBOX', consensus: 'ACCACGTGGT', effect: 1.3 },
];

/** Options of {@link simulateSeq2Exp}. */
export interface SimulateSeq2ExpOptions {
  /** Number of sequences (default 400). */
  n?: number;
  /** Sequence length (default 1000). */
  length?: number;
  /** Enhancer motifs (default AP1 +1.0, GATA +0.7, EBOX +1.3). */
  motifs?: EnhancerMotif[];
  /** Mean numbers of active, decoy and closed elements per sequence (Poisson; defaults 1.5, 2, 1). */
  active?: number;
  /** Mean decoy elements (a peak on background sequence) per sequence (default 2). */
  decoys?: number;
  /** Mean closed elements (a motif without signal) per sequence (default 1). */
  closed?: number;
  /** Expression noise sd (default 0.2). */
  noise?: number;
  /** GC fraction of the background sequence (default 0.42). */
  gc?: number;
  /** Seed (default 1). */
  seed?: number;
}

/** What {@link simulateSeq2Exp} returns: sequences and expression, signal tracks, planted elements, causal mask. */
export interface Seq2ExpSimulation {
  /** `id, sequence, expression` (with noise), `signal` (noise-free), `active` (number of active elements). */
  table: ColumnTable;
  /** Read counts per base, row-major [n, length, tracks]. */
  tracks: Float32Array;
  /** Names of the tracks: 'dnase', 'h3k27ac'. */
  trackNames: string[];
  /** Every planted element: `id, kind` (active/decoy/closed), `motif` ('' for decoys), `start, end` (0-based, end exclusive), `height`. */
  elements: ColumnTable;
  /** 1 at causal positions (motif bases of active elements), row-major [n, length]. */
  causal: Uint8Array;
  /** Sequence length. */
  length: number;
}

/**
 * Simulates a Seq2Exp-style dataset with a known answer: long random sequences with active, decoy and closed
 * enhancer-like elements and two signal tracks (DNase-like, H3K27ac-like).
 * @param options - `n` (default 400), `length` (default 1000, at least 200), `motifs`, `active`/`decoys`/`closed`
 *   (mean elements per sequence, defaults 1.5, 2, 1), `noise` (default 0.2), `gc` (default 0.42), `seed` (default 1).
 * @returns `table`, `tracks` ([n, length, 2] read counts), `trackNames`, `elements`, `causal` ([n, length]), `length`.
 * @example
 * const sim = simulateSeq2Exp({ n: 200, length: 600, seed: 3 });
 */
export function simulateSeq2Exp(options: SimulateSeq2ExpOptions = {}): Seq2ExpSimulation {
  const {
    n = 400, length = 1000, motifs = DEFAULT_ENHANCER_MOTIFS, active = 1.5, decoys = 2, closed = 1,
    noise = 0.2, gc = 0.42, seed = 1,
  } = options;
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`expected a positive integer, got ${n}`, { option: 'n' });
  if (!Number.isInteger(length) || length < 200) throw new OptionError(`expected an integer ≥ 200, got ${length}`, { option: 'length' });
  for (const [name, value] of Object.entries({ active, decoys, closed, noise })) {
    if (!(value >= 0)) throw new OptionError(`expected a non-negative number, got ${value}`, { option: name });
  }
  if (!motifs.length) throw new OptionError('at least one enhancer motif is needed', { option: 'motifs' });
  motifs.forEach((m) => normalizeSequence(m.consensus, { option: 'motifs', field: m.name }));
  const random = simulationRandom(seed);
  const trackNames = ['dnase', 'h3k27ac'];
  const T = trackNames.length;
  const tracks = new Float32Array(n * length * T);
  const causal = new Uint8Array(n * length);
  const ids: string[] = [];
  const sequences: string[] = [];
  const expression = new Float64Array(n);
  const signal = new Float64Array(n);
  const activeCount = new Int32Array(n);
  const el = { id: [] as string[], kind: [] as string[], motif: [] as string[], start: [] as number[], end: [] as number[], height: [] as number[] };
  const slot = 60; // each element owns a 60-nt slot, so elements never overlap

  for (let s = 0; s < n; s++) {
    const id = `seq_${s + 1}`;
    const bases = backgroundSequence(length, gc, random);
    const rate = new Float64Array(length * T);
    for (let i = 0; i < length; i++) (rate[i * T] = 0.3), (rate[i * T + 1] = 0.6); // background read rates
    const free = random.shuffle(Array.from({ length: Math.floor(length / slot) }, (_, k) => k));
    const kinds = [
      ...Array<string>(Math.min(random.poisson(active), 4)).fill('active'),
      ...Array<string>(random.poisson(decoys)).fill('decoy'),
      ...Array<string>(random.poisson(closed)).fill('closed'),
    ].slice(0, free.length);
    let value = 0;
    kinds.forEach((kind, k) => {
      const motif = kind === 'decoy' ? undefined : motifs[random.int(motifs.length)]!;
      const width = motif?.consensus.length ?? 10;
      const start = free[k]! * slot + 5 + random.int(slot - 10 - width);
      const height = kind === 'closed' ? 0 : 4 + 6 * random.float();
      if (motif) {
        const site = random.float() < 0.5 ? motif.consensus.toUpperCase() : reverseComplement(motif.consensus.toUpperCase());
        for (let j = 0; j < width; j++) bases[start + j] = site[j]!;
      }
      if (kind === 'active') {
        value += motif!.effect;
        for (let j = 0; j < width; j++) causal[s * length + start + j] = 1;
      }
      if (height > 0) addPeak(rate, length, T, start + width / 2, height, random);
      el.id.push(id), el.kind.push(kind), el.motif.push(motif?.name ?? ''), el.start.push(start), el.end.push(start + width), el.height.push(height);
    });
    for (let i = 0; i < length * T; i++) tracks[s * length * T + i] = random.poisson(rate[i]!);
    ids.push(id);
    sequences.push(bases.join(''));
    signal[s] = value;
    expression[s] = value + random.normal(0, noise);
    activeCount[s] = kinds.filter((k) => k === 'active').length;
  }
  return {
    table: aq.table({ id: ids, sequence: sequences, expression, signal, active: activeCount }),
    tracks, trackNames, causal, length,
    elements: aq.table({ ...el, start: Int32Array.from(el.start), end: Int32Array.from(el.end), height: Float64Array.from(el.height) }),
  };
}

/** A DNase-like sharp peak (Gaussian, sd 12 nt) and a broader H3K27ac-like one flanking it (sd 35 nt). */
function addPeak(rate: Float64Array, length: number, T: number, centre: number, height: number, random: SimulationRandom): void {
  const acetyl = height * (0.5 + 0.5 * random.float());
  for (let i = Math.max(0, Math.floor(centre - 120)); i < Math.min(length, centre + 120); i++) {
    const d = i - centre;
    rate[i * T]! += height * Math.exp(-(d * d) / (2 * 12 * 12));
    rate[i * T + 1]! += acetyl * Math.exp(-(d * d) / (2 * 35 * 35));
  }
}

function backgroundSequence(length: number, gc: number, random: SimulationRandom): string[] {
  return Array.from({ length }, () => {
    const u = random.float();
    return u < gc / 2 ? 'G' : u < gc ? 'C' : u < gc + (1 - gc) / 2 ? 'A' : 'T';
  });
}
