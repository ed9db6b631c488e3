/**
 * A simulator of DREAM-style promoters with a known answer: random 80-nt variable regions between the real
 * DREAM flanks, motifs planted at random positions, and expression computed from what was planted —
 * additive effects plus interaction rules (by default a motif that activates alone but represses when a
 * second one is present, the IME1/UME6 pattern of the Camformer paper). It is the embedded default dataset
 * and the ground truth that interpretation methods are tested against. Draws come from the simulators'
 * seeded stream (random.ts), so a seed repeats a simulation exactly.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { normalizeSequence, reverseComplement } from '../data/alphabet';
import { DREAM_FLANK_3, DREAM_FLANK_5 } from '../data/dream2022/read';
import { simulationRandom, type SimulationRandom } from './random';

export interface SimulatedMotif {
  name: string;
  /** Planted sequence (A/C/G/T). */
  consensus: string;
  /** Added to expression when the motif is present (once, whatever the number of copies). */
  effect: number;
  /** Probability that a sequence carries the motif (default 0.3). */
  frequency?: number;
}

export interface InteractionRule {
  /** Names of motifs that must all be present. */
  when: string[];
  /** Added to expression when they are. */
  effect: number;
}

/** Options of {@link simulatePromoters}. */
export interface SimulateOptions {
  /** Number of sequences (default 1000). */
  n?: number;
  /** Seed (default 1): the same seed repeats the simulation exactly. */
  seed?: number;
  /** Motifs planted, with their effects and frequencies (default REB1 +1.5, CBF1 +1.0, UME6 −0.5). */
  motifs?: SimulatedMotif[];
  /** Interaction rules (default REB1 with UME6: −2.5). */
  logic?: InteractionRule[];
  /** Expression with no motif (default 8, mid-range of DREAM's 0–17 bins). */
  baseline?: number;
  /** Standard deviation of Gaussian measurement noise (default 0.3). */
  noise?: number;
  /** Plant motifs on a random strand (default false: forward strand only). */
  bothStrands?: boolean;
  /** Length of the random region between the flanks (default 80). */
  variableLength?: number;
}

export interface Simulated {
  /** `id`, `sequence`, `expression` (with noise), `signal` (noise-free), and a 0/1 column per motif. */
  table: ColumnTable;
  /** Ground truth: one row per planted site — `id`, `motif`, `start`, `end` (1-based in the full sequence), `strand`. */
  sites: ColumnTable;
}

/** Yeast-like default: REB1 and an E-box activate, UME6 (URS1) represses, and REB1 with UME6 represses. */
export const DEFAULT_SIMULATED_MOTIFS: SimulatedMotif[] = [
  { name: 'REB1', consensus: 'TTACCCGG', effect: 1.5 },
  { name: 'CBF1', consensus: 'TCACGTGA', effect: 1.0 },
  { name: 'UME6', consensus: 'TAGCCGCCGA', effect: -0.5 },
];
export const DEFAULT_SIMULATED_LOGIC: InteractionRule[] = [{ when: ['REB1', 'UME6'], effect: -2.5 }];

/**
 * Simulates DREAM-style promoters with a known answer: motifs planted in random 80-nt variable regions between the
 * DREAM flanks, expression from additive effects plus interaction rules, plus Gaussian noise.
 * @param options - `n` (default 1000), `seed` (default 1), `motifs`, `logic`, `baseline` (default 8), `noise`
 *   (default 0.3), `bothStrands` (default false), `variableLength` (default 80).
 * @returns `table` (id, sequence, expression, signal, a 0/1 column per motif) and `sites` (the planted sites).
 * @example
 * const { table, sites } = simulatePromoters({ n: 2000, seed: 7 });
 */
export function simulatePromoters(options: SimulateOptions = {}): Simulated {
  const {
    n = 1000, seed = 1, motifs = DEFAULT_SIMULATED_MOTIFS, logic = DEFAULT_SIMULATED_LOGIC,
    baseline = 8, noise = 0.3, bothStrands = false, variableLength = 80,
  } = options;
  checkOptions(n, motifs, logic, variableLength, noise);
  const random = simulationRandom(seed);

  const ids: string[] = [];
  const sequences: string[] = [];
  const expression = new Float64Array(n);
  const signal = new Float64Array(n);
  const present = motifs.map(() => new Uint8Array(n));
  const sites: { id: string; motif: string; start: number; end: number; strand: string }[] = [];

  for (let s = 0; s < n; s++) {
    const id = `sim_${s + 1}`;
    const region = Array.from({ length: variableLength }, () => 'ACGT'[random.int(4)]!);
    const taken = new Uint8Array(variableLength);
    let value = baseline;
    motifs.forEach((motif, m) => {
      if (random.float() >= (motif.frequency ?? 0.3)) return;
      const at = freeSpot(taken, motif.consensus.length, random);
      if (at < 0) return; // no room left: the motif is simply absent, and the truth says so
      const strand = bothStrands && random.float() < 0.5 ? '-' : '+';
      const planted = strand === '+' ? motif.consensus : reverseComplement(motif.consensus);
      for (let i = 0; i < planted.length; i++) (region[at + i] = planted[i]!), (taken[at + i] = 1);
      present[m]![s] = 1;
      value += motif.effect;
      const start = DREAM_FLANK_5.length + at + 1;
      sites.push({ id, motif: motif.name, start, end: start + planted.length - 1, strand });
    });
    for (const rule of logic) {
      if (rule.when.every((name) => present[motifs.findIndex((m) => m.name === name)]![s])) value += rule.effect;
    }
    ids.push(id);
    sequences.push(DREAM_FLANK_5 + region.join('') + DREAM_FLANK_3);
    signal[s] = value;
    expression[s] = value + noise * random.normal();
  }

  const columns: Record<string, ArrayLike<unknown>> = { id: ids, sequence: sequences, expression, signal };
  motifs.forEach((motif, m) => (columns[motif.name] = present[m]!));
  return {
    table: aq.table(columns),
    sites: aq.table({
      id: sites.map((site) => site.id),
      motif: sites.map((site) => site.motif),
      start: Int32Array.from(sites, (site) => site.start),
      end: Int32Array.from(sites, (site) => site.end),
      strand: sites.map((site) => site.strand),
    }),
  };
}

/** A random start where `length` free positions follow; −1 when planted motifs leave no room. */
function freeSpot(taken: Uint8Array, length: number, random: SimulationRandom): number {
  const starts: number[] = [];
  for (let at = 0; at + length <= taken.length; at++) {
    let free = true;
    for (let i = 0; i < length && free; i++) if (taken[at + i]) free = false;
    if (free) starts.push(at);
  }
  return starts.length ? starts[random.int(starts.length)]! : -1;
}

function checkOptions(n: number, motifs: SimulatedMotif[], logic: InteractionRule[], variableLength: number, noise: number) {
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`expected a positive integer, got ${n}`, { option: 'n' });
  if (!Number.isInteger(variableLength) || variableLength < 1) {
    throw new OptionError(`expected a positive integer, got ${variableLength}`, { option: 'variableLength' });
  }
  if (!(noise >= 0)) throw new OptionError(`expected a non-negative number, got ${noise}`, { option: 'noise' });
  const names = new Set<string>();
  for (const motif of motifs) {
    if (names.has(motif.name)) throw new OptionError(`motif name '${motif.name}' appears twice`, { option: 'motifs' });
    names.add(motif.name);
    normalizeSequence(motif.consensus, { option: 'motifs', field: motif.name });
    if (/N/i.test(motif.consensus)) throw new OptionError(`consensus of '${motif.name}' must be A/C/G/T only`, { option: 'motifs' });
    if (motif.consensus.length > variableLength) {
      throw new OptionError(`motif '${motif.name}' is longer than the ${variableLength}-nt variable region`, { option: 'motifs' });
    }
  }
  for (const rule of logic) {
    const unknown = rule.when.find((name) => !names.has(name));
    if (unknown) throw new OptionError(`rule names motif '${unknown}', which is not among the simulated motifs`, { option: 'logic' });
  }
}
