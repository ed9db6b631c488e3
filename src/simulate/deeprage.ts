/**
 * A DeepRAGE-style dataset with a known answer. DeepRAGE's expression data (MEDUSA / Gasch) is not available
 * offline, so the expression is simulated, but on real ground: real 1-kb yeast promoters upstream of the
 * transcription start site (as the paper: "the 1 kilobase sequence directly upstream of the transcription start
 * site", §1; the ATG-anchored set is an option) and real motif hits in them (JASPAR matrices passed in, scanned
 * at p ≤ 1e-4 by src/motifs' FIMO scanner against a uniform background; see motif-hits.ts). Each regulator has a
 * latent activity per condition; a gene responds to the regulators whose motifs it carries:
 *
 *   y[g, c] = b[g] + Σ_r w[r] · occ[g, r] · a[r, c]
 *           + w_rule · occ[g, A] · occ[g, B] · relu(a[A, c]) · relu(a[B, c])      (A AND B: a combinatorial rule)
 *           + ε,   occ = 1 − 2^(−hits) (saturating occupancy),   ε ~ N(0, noise²)
 *
 * The model sees the regulators' expression, a noisy read-out of their activity (a + N(0, regulatorNoise²)),
 * plus decoy regulators that drive nothing. The regulator → target map (a gene is a target of r when it
 * carries r's motif and r is functional) is the ground truth the knock-out analysis must recover.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { resolveDataDir } from '../data/data-dir';
import type { DeepRageData } from '../data/expression-matrix';
import { readPromoters } from '../data/read';
import type { PwmLike } from '../motifs/motif';
import { scanMotifHits } from './motif-hits';
import { simulationRandom } from './random';
import { join } from 'node:path';

/** 1 kb upstream of the start codon (5,870 non-dubious ORFs). */
export const YEAST_PROMOTERS_1KB = 'Scer_promoters_1kb_upstream_ATG_nondubiousORFs.fa.gz';
/** 1 kb upstream of the transcription start site (6,445 Pol II transcripts), DeepRAGE's promoters. */
export const YEAST_PROMOTERS_TSS = 'Scer_promoters_1kb_upstream_TSS_polII_transcripts.fa.gz';

/** Options of {@link simulateDeepRage}. */
export interface SimulateDeepRageOptions {
  /** Candidate regulator motifs (e.g. `jaspar('fungi')` from src/motifs); regulators are drawn from them. */
  motifs: readonly PwmLike[];
  /** Promoter table (`id`, `sequence`); default: the real 1-kb yeast promoters upstream of the TSS (see `anchor`). */
  promoters?: ColumnTable;
  /** Which real promoters to read when `promoters` is not given: upstream of the 'tss' (default, the paper's) or of the 'atg'. */
  anchor?: 'tss' | 'atg';
  /** Data folder for the default promoters (see resolveDataDir). */
  dataDir?: string;
  /** Number of genes sampled from the promoters (default 600). */
  genes?: number;
  /** Keep only this many nt next to the anchor (TSS or start codon; default: the whole promoter, 1,000 nt). */
  promoterLength?: number;
  /** Number of conditions (default 60). */
  conditions?: number;
  /** Functional regulators (default 6). */
  regulators?: number;
  /** Regulators in the input that drive nothing (default 6). */
  decoys?: number;
  /** Functional regulators are drawn among motifs hitting this fraction of genes (default [0.1, 0.35]). */
  targetFraction?: [number, number];
  /** Functional regulators whose target sets overlap more than this (Jaccard) are not drawn together (default 0.2). */
  maxTargetOverlap?: number;
  /** Effect size of the AND rule between the first two functional regulators (default 1.5; 0 turns it off). */
  ruleEffect?: number;
  /** Noise sd of expression (default 0.3) and of the regulators' expression around their activity (default 0.2). */
  noise?: number;
  /** Noise sd of the regulators' expression around their activity (default 0.2). */
  regulatorNoise?: number;
  /** Sd of the gene baselines b[g] (default 0.2). */
  geneBaseline?: number;
  /** p-value threshold of motif hits (default 1e-4). */
  pValue?: number;
  /** Seed (default 1). */
  seed?: number;
}

/**
 * What {@link simulateDeepRage} returns: DeepRAGE's inputs (genes, conditions, regulators, sequences,
 * expression matrices) and the ground truth.
 */
export interface DeepRageSimulation extends DeepRageData {
  /** Tidy pairs: `gene, condition, expression` (with noise), `signal` (noise-free). */
  table: ColumnTable;
  /** One row per regulator: `regulator, motif_id, role` (activator, repressor, decoy), `weight, targets, in_rule`. */
  regulatorTable: ColumnTable;
  /** Ground truth, one row per gene × regulator: `regulator, gene, hits, occupancy, target` (boolean). */
  truth: ColumnTable;
  /** Motif hits on the sampled promoters: `gene, regulator, motif_id, start` (0-based), `strand, score`. */
  sites: ColumnTable;
  /** The regulator motifs, aligned with `regulators` (for matching filters to motifs). */
  regulatorMotifs: PwmLike[];
  /** Latent truth: regulator activity, row-major conditions × regulators, and the gene baselines b[g]. */
  activity: Float64Array;
  /** Gene baselines b[g]. */
  baseline: Float64Array;
}

/**
 * Simulates a DeepRAGE-style dataset on real yeast promoters and real motif hits: expression of genes × conditions
 * driven by regulators whose motifs a gene carries, an AND rule, decoy regulators and noise.
 * @param options - `motifs` (required), `promoters` (default: the real 1-kb yeast promoters), `genes` (default
 *   600), `conditions` (default 60), `regulators` (default 6), `decoys` (default 6), `targetFraction` (default
 *   [0.1, 0.35]), `maxTargetOverlap` (default 0.2), `ruleEffect` (default 1.5), `noise` (default 0.3),
 *   `regulatorNoise` (default 0.2), `geneBaseline` (default 0.2), `pValue` (default 1e-4), `seed` (default 1).
 * @returns The DeepRAGE inputs plus `table`, `regulatorTable`, `truth`, `sites`, `regulatorMotifs`, `activity`, `baseline`.
 * @example
 * const sim = simulateDeepRage({ motifs: jaspar('fungi'), genes: 300, conditions: 24, seed: 2 });
 */
export function simulateDeepRage(options: SimulateDeepRageOptions): DeepRageSimulation {
  const {
    motifs, genes: nGenes = 600, conditions: nConditions = 60, regulators: nFunctional = 6, decoys: nDecoys = 6,
    targetFraction = [0.1, 0.35], maxTargetOverlap = 0.2, ruleEffect = 1.5, noise = 0.3, regulatorNoise = 0.2, geneBaseline = 0.2,
    pValue = 1e-4, seed = 1,
  } = options;
  checkCount(nGenes, 'genes', 20);
  checkCount(nConditions, 'conditions', 4);
  checkCount(nFunctional, 'regulators', 1);
  if (!Number.isInteger(nDecoys) || nDecoys < 0) throw new OptionError(`expected a non-negative integer, got ${nDecoys}`, { option: 'decoys' });
  if (!motifs?.length) throw new OptionError('pass candidate regulator motifs, e.g. jaspar(\'fungi\') from src/motifs', { option: 'motifs' });
  const random = simulationRandom(seed);

  const anchor = options.anchor ?? 'tss';
  if (anchor !== 'tss' && anchor !== 'atg') throw new OptionError(`anchor must be 'tss' or 'atg', got '${anchor as string}'`, { option: 'anchor' });
  const promoters = options.promoters ?? readPromoters(join(resolveDataDir('yeast', options.dataDir), anchor === 'tss' ? YEAST_PROMOTERS_TSS : YEAST_PROMOTERS_1KB));
  const allIds = promoters.array('id') as string[];
  const allSeqs = promoters.array('sequence') as string[];
  // The common length (1,000 nt); promoters cut short by a chromosome end are left out.
  const lengths = new Map<number, number>();
  for (const seq of allSeqs) lengths.set(seq.length, (lengths.get(seq.length) ?? 0) + 1);
  const length = [...lengths].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const usable = allIds.map((_, i) => i).filter((i) => allSeqs[i]!.length === length && !/N{10}/.test(allSeqs[i]!));
  if (usable.length < nGenes) throw new OptionError(`only ${usable.length} promoters of length ${length}, asked for ${nGenes}`, { option: 'genes' });
  const picked = random.shuffle(usable).slice(0, nGenes).sort((a, b) => a - b);
  const genes = picked.map((i) => allIds[i]!);
  // The anchor-proximal part of each promoter when a shorter length is asked (quick mode: less to learn from).
  const keep = options.promoterLength ?? length;
  if (!Number.isInteger(keep) || keep < 20 || keep > length) throw new OptionError(`expected an integer in 20..${length}, got ${keep}`, { option: 'promoterLength' });
  const sequences = picked.map((i) => allSeqs[i]!.slice(length - keep));

  // Scan every candidate, then draw functional regulators among motifs with a moderate number of targets
  // (too rare: nothing to learn; too common: every gene is a target) and decoys among the rest.
  const hits = scanMotifHits(sequences, motifs, { pValue });
  const counts = new Int32Array(nGenes * motifs.length);
  for (const hit of hits) counts[hit.sequence * motifs.length + hit.motif]!++;
  const fraction = motifs.map((_, m) => {
    let n = 0;
    for (let g = 0; g < nGenes; g++) if (counts[g * motifs.length + m]! > 0) n++;
    return n / nGenes;
  });
  const order = random.shuffle(motifs.map((_, m) => m));
  const names = new Set<string>();
  const fresh = (m: number) => !names.has(regulatorName(motifs[m]!));
  const functional: number[] = [];
  for (const m of order) {
    if (functional.length === nFunctional) break;
    if (fraction[m]! < targetFraction[0] || fraction[m]! > targetFraction[1] || !fresh(m)) continue;
    // Similar motifs (e.g. two bZIPs) share targets and no analysis could tell them apart: keep regulators distinct.
    if (functional.some((other) => targetJaccard(counts, motifs.length, nGenes, m, other) > maxTargetOverlap)) continue;
    functional.push(m), names.add(regulatorName(motifs[m]!));
  }
  if (functional.length < nFunctional) {
    throw new OptionError(`only ${functional.length} motifs hit ${targetFraction.join('–')} of the genes; lower 'regulators' or widen 'targetFraction'`, { option: 'regulators' });
  }
  const decoys: number[] = [];
  for (const m of order) {
    if (decoys.length === nDecoys) break;
    if (!functional.includes(m) && fresh(m)) decoys.push(m), names.add(regulatorName(motifs[m]!));
  }
  const chosen = [...functional, ...decoys];
  const regulators = chosen.map((m) => regulatorName(motifs[m]!));
  const nRegs = chosen.length;

  // Activators and repressors alternate, so both kinds are always present.
  const weights = chosen.map((_, k) => (k < nFunctional ? (k % 2 === 0 ? 1 : -1) * (0.8 + 0.7 * random.float()) : 0));
  const occupancy = new Float64Array(nGenes * nRegs);
  chosen.forEach((m, k) => {
    for (let g = 0; g < nGenes; g++) occupancy[g * nRegs + k] = 1 - Math.pow(2, -counts[g * motifs.length + m]!);
  });
  const activity = new Float64Array(nConditions * nRegs).map(() => random.normal());
  const regulatorExpression = Float32Array.from(activity, (a) => a + random.normal(0, regulatorNoise));
  const baseline = Float64Array.from({ length: nGenes }, () => random.normal(0, geneBaseline));
  const ruleA = 0;
  const ruleB = Math.min(1, nFunctional - 1);
  const hasRule = ruleEffect !== 0 && ruleB !== ruleA;

  const signal = new Float64Array(nGenes * nConditions);
  const expression = new Float32Array(nGenes * nConditions);
  for (let g = 0; g < nGenes; g++) {
    for (let c = 0; c < nConditions; c++) {
      let y = baseline[g]!;
      for (let k = 0; k < nFunctional; k++) y += weights[k]! * occupancy[g * nRegs + k]! * activity[c * nRegs + k]!;
      if (hasRule) {
        y += ruleEffect * occupancy[g * nRegs + ruleA]! * occupancy[g * nRegs + ruleB]!
          * Math.max(0, activity[c * nRegs + ruleA]!) * Math.max(0, activity[c * nRegs + ruleB]!);
      }
      signal[g * nConditions + c] = y;
      expression[g * nConditions + c] = y + random.normal(0, noise);
    }
  }

  const conditions = Array.from({ length: nConditions }, (_, c) => `cond_${c + 1}`);
  const pair = { gene: [] as string[], condition: [] as string[] };
  for (const g of genes) for (const c of conditions) pair.gene.push(g), pair.condition.push(c);
  const truth = { regulator: [] as string[], gene: [] as string[], hits: [] as number[], occupancy: [] as number[], target: [] as boolean[] };
  chosen.forEach((m, k) => genes.forEach((gene, g) => {
    const n = counts[g * motifs.length + m]!;
    truth.regulator.push(regulators[k]!), truth.gene.push(gene), truth.hits.push(n);
    truth.occupancy.push(occupancy[g * nRegs + k]!), truth.target.push(k < nFunctional && n > 0);
  }));
  const regulatorIndex = new Map(chosen.map((m, k) => [m, k]));
  const kept = hits.filter((hit) => regulatorIndex.has(hit.motif));
  return {
    genes, conditions, regulators, sequences, expression, regulatorExpression,
    table: aq.table({ ...pair, expression: Float64Array.from(expression), signal }),
    regulatorTable: aq.table({
      regulator: regulators,
      motif_id: chosen.map((m) => motifs[m]!.id),
      role: weights.map((w) => (w > 0 ? 'activator' : w < 0 ? 'repressor' : 'decoy')),
      weight: weights,
      targets: chosen.map((m, k) => (k < nFunctional ? Math.round(fraction[m]! * nGenes) : 0)),
      in_rule: chosen.map((_, k) => hasRule && (k === ruleA || k === ruleB)),
    }),
    truth: aq.table({ ...truth, hits: Int32Array.from(truth.hits), occupancy: Float64Array.from(truth.occupancy) }),
    sites: aq.table({
      gene: kept.map((hit) => genes[hit.sequence]!),
      regulator: kept.map((hit) => regulators[regulatorIndex.get(hit.motif)!]!),
      motif_id: kept.map((hit) => motifs[hit.motif]!.id),
      start: Int32Array.from(kept, (hit) => hit.start),
      strand: kept.map((hit) => hit.strand),
      score: Float64Array.from(kept, (hit) => hit.score),
    }),
    regulatorMotifs: chosen.map((m) => motifs[m]!),
    activity, baseline,
  };
}

/** Jaccard index of the genes hit by motifs a and b. */
function targetJaccard(counts: Int32Array, nMotifs: number, nGenes: number, a: number, b: number): number {
  let both = 0;
  let either = 0;
  for (let g = 0; g < nGenes; g++) {
    const inA = counts[g * nMotifs + a]! > 0;
    const inB = counts[g * nMotifs + b]! > 0;
    if (inA && inB) both++;
    if (inA || inB) either++;
  }
  return either ? both / either : 0;
}

/** The TF name (JASPAR alt id) when there is one, else the motif id. */
function regulatorName(motif: PwmLike): string {
  const alt = motif.altId?.replace(/^MA\d+\.\d+\./, '');
  return alt || motif.id;
}

function checkCount(value: number, option: string, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new OptionError(`expected an integer ≥ ${min}, got ${value}`, { option });
}
