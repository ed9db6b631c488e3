/**
 * Reading a trained DeepRAGE model (the paper's Fig. 4–5): filters → PFMs from their top activating windows;
 * filters matched to motifs; in silico knock-out of a filter (its activations set to 0, or its weights set to 0 as
 * the paper does) and the genes whose predictions change most; and, for simulated data, how well the knock-outs
 * recover the known targets: by AUROC, and by the paper's tests (§5.3) — a one-sided Wilcoxon rank-sum test of the
 * targets' effects against the other genes', and Fisher's exact test of the targets among the top-5 genes.
 *
 * The motif work is src/motifs': PFMs are counted by `topWindowMatrices` (this file only supplies the first
 * layer's activations on both strands), and filter → motif matching is `motifSimilarity` — the Pearson
 * correlation of aligned PFM columns, summed over the overlap, divided by the motif width, best over offsets
 * and both strands (no p-values; `compareMotifs` gives those for database searches). A regulator's filter is
 * the best-matching filter to its motif — chosen from the filters alone, without looking at the targets, so
 * the AUROC is not tuned to the truth.
 */
import { tf } from '../tensor/tf';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../../errors';
import type { DeepRageData } from '../../data/expression-matrix';
import { motifSimilarity } from '../../motifs/compare';
import type { PwmLike } from '../../motifs/motif';
import { topWindowMatrices, type ActivationBatch } from '../../motifs/top-windows';
import { rank } from '../../stats/correlation';
import { fisherExact } from '../../stats/fisher-exact';
import { wilcoxonRankSum } from '../../stats/rank-sum';
import type { DeepRageModel } from './model';
import { deepRageFeatures, promoterTensor, predictDeepRage } from './train';

/** Area under the ROC curve of `scores` separating `labels` true from false (ties count one half). */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  const ranks = rank(Float64Array.from(scores as ArrayLike<number>));
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) (positives++, (rankSum += ranks[i]!));
  const negatives = labels.length - positives;
  if (!positives || !negatives) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Per filter, a PFM [kernelSize × 4] (A C G T rows) from its `top` most activating windows over the
 * promoters (either strand; a reverse-strand window is read reverse-complemented), as in the paper: windows
 * wholly inside the promoter, pseudocount 0.01 per cell, columns normalised. The counting is
 * `topWindowMatrices` of src/motifs; this adapter supplies the first layer's activations on both strands.
 *
 * @returns one Float64Array [kernelSize × 4] per filter, in filter order.
 * @example
 * const pfms = filterPfms(trained.model, sim.sequences); // pfms[f]: filter f's letter probabilities
 * @param model - A trained DeepRAGE model.
 * @param sequences - The promoters (equal lengths).
 * @param top - Windows per filter (default 100).
 * @param batch - Promoters per forward pass (default 64).
 */
export function filterPfms(model: DeepRageModel, sequences: readonly string[], top = 100, batch = 64): Float64Array[] {
  const k = model.config.kernelSize;
  // 'same' padding centres a window on its output position: it starts ⌊(k−1)/2⌋ before it.
  const options = { width: k, channels: model.config.filters, top, offset: Math.floor((k - 1) / 2), partial: 'skip', pseudocount: 0.01, normalise: true } as const;
  return topWindowMatrices(firstLayerBatches(model, sequences, batch), sequences, options).map((m) => m.matrix);
}

/** The first layer's activations, per batch of promoters: the forward strand, then the reverse complement. */
function* firstLayerBatches(model: DeepRageModel, sequences: readonly string[], batch: number): Generator<ActivationBatch> {
  const { filters: channels, sequenceLength: length } = model.config;
  for (let first = 0; first < sequences.length; first += batch) {
    const onehot = promoterTensor(sequences.slice(first, first + batch));
    // tf.reverse over positions and channels (A C G T → T G C A) is the reverse complement.
    const [fwd, rev] = tf.tidy(() => [model.convolve(onehot), model.convolve(tf.reverse(onehot, [1, 2]))]);
    const strands = [fwd.dataSync(), rev.dataSync()];
    const [count, positions] = fwd.shape as [number, number, number];
    tf.dispose([onehot, fwd, rev]);
    yield { values: strands[0]!, first, count, positions, channels, length, strand: '+' };
    yield { values: strands[1]!, first, count, positions, channels, length, strand: '-' };
  }
}

/**
 * Filters matched to motifs (the paper's Fig. 4): for each filter, its PFM from the top activating windows and
 * the best-matching motif. Table `filter, motif_id, motif_alt_id, similarity` (similarity as `motifSimilarity`
 * of src/motifs, 1 = identical columns over the motif's whole width), best match first within each filter.
 */
/** A filter's PFM against a motif: `motifSimilarity` (any overlap, both strands, per motif column). */
function pfmSimilarity(pfm: Float64Array, motif: PwmLike): number {
  return motifSimilarity({ length: pfm.length / 4, probabilities: pfm }, motif);
}

/**
 * The best-matching motifs of each filter (the paper's Fig. 4), as described above.
 * @param model - A trained DeepRAGE model.
 * @param sequences - The promoters the filters' PFMs are counted on.
 * @param motifs - Motifs to match against (e.g. `jaspar('fungi')`).
 * @param options - `top` windows per filter (default 100), `matches` kept per filter (default 1).
 * @returns Table `filter, motif_id, motif_alt_id, similarity`, best match first within each filter.
 * @example
 * filterMotifMatches(trained.model, sim.sequences, jaspar('fungi'), { matches: 3 });
 */
export function filterMotifMatches(model: DeepRageModel, sequences: readonly string[], motifs: readonly PwmLike[], options: { top?: number; matches?: number } = {}): ColumnTable {
  const pfms = filterPfms(model, sequences, options.top ?? 100);
  const keep = options.matches ?? 1;
  const rows: { filter: number; motif_id: string; motif_alt_id: string; similarity: number }[] = [];
  pfms.forEach((pfm, filter) => {
    const scored = motifs.map((m) => ({ m, similarity: pfmSimilarity(pfm, m) })).sort((a, b) => b.similarity - a.similarity);
    for (const { m, similarity } of scored.slice(0, keep)) rows.push({ filter, motif_id: m.id, motif_alt_id: m.altId ?? '', similarity });
  });
  return aq.from(rows);
}

/** How a filter is knocked out: its output set to 0, or its weights (the paper's §5.3: the bias then remains). */
export const KNOCKOUT_MODES = ['output', 'weights'] as const;
/** One of {@link KNOCKOUT_MODES}. */
export type KnockoutMode = (typeof KNOCKOUT_MODES)[number];

export interface FilterKnockoutOptions {
  /** Filters to knock out (default: all). */
  filters?: number[];
  /**
   * 'output' (default): the filter's activations are set to 0; 'weights': its weights are set to 0, as the paper
   * ("setting the known motif weights to zeros", §5.3), so it outputs activation(bias) at every position.
   */
  mode?: KnockoutMode;
}

/**
 * In silico knock-out of each filter: per filter and gene, the mean over conditions of |prediction −
 * prediction with the filter knocked out|. Table `filter, gene, effect` (regression models).
 * @param model - A trained DeepRAGE regression model.
 * @param data - The data (sequences, regulator expression).
 * @param options - `filters` to knock out (default all) and `mode` ('output', default: activations set to 0;
 *   'weights': weights set to 0, the paper's §5.3).
 * @returns Table `filter, gene, effect`.
 * @example
 * const effects = filterKnockouts(trained.model, sim, { filters: [0, 3], mode: 'weights' });
 */
export function filterKnockouts(model: DeepRageModel, data: DeepRageData, options: FilterKnockoutOptions = {}): ColumnTable {
  if (model.config.task !== 'regression') throw new OptionError('knock-out effects are computed on a regression model', { option: 'task' });
  const mode = options.mode ?? 'output';
  if (!KNOCKOUT_MODES.includes(mode)) throw new OptionError(`unknown knock-out mode '${mode as string}'; expected ${KNOCKOUT_MODES.join(' or ')}`, { option: 'mode' });
  const filterFill = mode === 'weights' ? model.filterBiasOutputs() : undefined;
  const F = model.config.filters;
  const filters = options.filters ?? Array.from({ length: F }, (_, f) => f);
  const features = deepRageFeatures(model, data.sequences);
  const C = data.conditions.length;
  const out = { filter: [] as number[], gene: [] as string[], effect: [] as number[] };
  try {
    const base = predictDeepRage(model, data, { features });
    for (const f of filters) {
      const mask = new Float32Array(F).fill(1);
      mask[f] = 0;
      const ko = predictDeepRage(model, data, { features, filterMask: mask, filterFill });
      data.genes.forEach((gene, g) => {
        let sum = 0;
        for (let c = 0; c < C; c++) sum += Math.abs(base[g * C + c]! - ko[g * C + c]!);
        out.filter.push(f), out.gene.push(gene), out.effect.push(sum / C);
      });
    }
  } finally {
    features.dispose();
  }
  return aq.table({ filter: Int32Array.from(out.filter), gene: out.gene, effect: Float64Array.from(out.effect) });
}

/**
 * Knock-out of a regulator's input (its expression set to 0, i.e. no change, in every condition); with
 * `filter` (tensor-product models), only that filter × regulator pair is knocked out. Per gene, the mean over
 * conditions of |prediction − knocked-out prediction|.
 */
export function regulatorKnockout(model: DeepRageModel, data: DeepRageData, regulator: string, filter?: number): Float64Array {
  const r = data.regulators.indexOf(regulator);
  if (r < 0) throw new OptionError(`no regulator '${regulator}' in the data`, { option: 'regulator' });
  if (filter !== undefined && model.config.join !== 'tensor') throw new OptionError('filter × regulator knock-outs need the tensor-product join', { option: 'filter' });
  const R = data.regulators.length;
  const C = data.conditions.length;
  const altered = Float32Array.from(data.regulatorExpression);
  for (let c = 0; c < C; c++) altered[c * R + r] = 0;
  const features = deepRageFeatures(model, data.sequences);
  try {
    const base = predictDeepRage(model, data, { features });
    const ko = filter === undefined
      ? predictDeepRage(model, data, { features, regulatorExpression: altered })
      : predictDeepRage(model, data, { features, pair: { filter, regulatorExpression: altered } });
    return Float64Array.from(data.genes, (_, g) => {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.abs(base[g * C + c]! - ko[g * C + c]!);
      return sum / C;
    });
  } finally {
    features.dispose();
  }
}

export interface TargetRecoveryInput extends DeepRageData {
  /** Ground truth: `regulator, gene, target`. */
  truth: ColumnTable;
  /** Motifs aligned with `regulators`. */
  regulatorMotifs: readonly PwmLike[];
}

export interface TargetRecoveryOptions {
  /** Top activating windows per filter PFM (default 100, the paper's). */
  top?: number;
  /** How the filters are knocked out (default 'output'; 'weights' is the paper's). */
  mode?: KnockoutMode;
  /** Genes with the largest effects counted for Fisher's test (default 5: "three out of the top five", §5.3). */
  topGenes?: number;
}

/**
 * For each regulator with targets: its best-matching filter (by PFM similarity to its motif), and how that
 * filter's knock-out singles out the true targets — the AUROC of its effects (targets vs other genes), the
 * paper's one-sided Wilcoxon rank-sum p-value (targets' effects greater, §5.3: p < 0.022), and among the
 * `topGenes` genes with the largest effects the number of targets with the one-sided Fisher exact p-value
 * (§5.3: 3 of the top 5, p < 0.0026); then the AUROC of the regulator-input knock-out and (tensor join) of the
 * filter × regulator pair knock-out. Table `regulator, filter, similarity, targets, filterAuroc, rankSumP,
 * topTargets, fisherP, regulatorAuroc, pairAuroc`.
 * @param model - A trained DeepRAGE model.
 * @param sim - The data with its ground truth (`truth`, `regulatorMotifs`), e.g. from {@link simulateDeepRage}.
 * @param options - `top` windows per filter PFM (default 100), `mode` of the knock-out ('output', default, or
 *   'weights'), `topGenes` counted for Fisher's test (default 5).
 * @returns One row per regulator with targets.
 * @example
 * knockoutTargetRecovery(trained.model, sim, { mode: 'weights' }).objects();
 */
export function knockoutTargetRecovery(model: DeepRageModel, sim: TargetRecoveryInput, options: TargetRecoveryOptions = {}): ColumnTable {
  const topGenes = options.topGenes ?? 5;
  if (!(Number.isInteger(topGenes) && topGenes >= 1)) throw new OptionError(`expected a positive number of top genes, got ${topGenes}`, { option: 'topGenes' });
  const pfms = filterPfms(model, sim.sequences, options.top ?? 100);
  const G = sim.genes.length;
  // Each regulator's filter is chosen from the PFMs first, so only those filters need knocking out.
  const chosen = sim.regulatorMotifs.map((motif) => {
    const similarities = pfms.map((pfm) => pfmSimilarity(pfm, motif));
    const filter = similarities.indexOf(Math.max(...similarities));
    return { filter, similarity: similarities[filter]! };
  });
  const knockouts = filterKnockouts(model, sim, { filters: [...new Set(chosen.map((c) => c.filter))], mode: options.mode });
  const koFilter = Int32Array.from(knockouts.array('filter') as ArrayLike<number>);
  const koEffect = Float64Array.from(knockouts.array('effect') as ArrayLike<number>);
  const effectOf = (filter: number) => koEffect.filter((_, i) => koFilter[i] === filter);
  const truthRegs = sim.truth.array('regulator') as string[];
  const truthTarget = sim.truth.array('target') as boolean[];
  const truthGene = sim.truth.array('gene') as string[];
  const geneIndex = new Map(sim.genes.map((g, i) => [g, i]));
  const rows = [];
  for (let r = 0; r < sim.regulators.length; r++) {
    const regulator = sim.regulators[r]!;
    const labels = new Array<boolean>(G).fill(false);
    truthRegs.forEach((name, i) => { if (name === regulator && truthTarget[i]) labels[geneIndex.get(truthGene[i]!)!] = true; });
    const targets = labels.filter(Boolean).length;
    if (!targets) continue; // decoys: nothing to recover
    const { filter, similarity } = chosen[r]!;
    const effects = effectOf(filter);
    rows.push({
      regulator, filter, similarity, targets,
      filterAuroc: auroc(effects, labels),
      ...targetTests(effects, labels, topGenes),
      regulatorAuroc: auroc(regulatorKnockout(model, sim, regulator), labels),
      pairAuroc: model.config.join === 'tensor' ? auroc(regulatorKnockout(model, sim, regulator, filter), labels) : NaN,
    });
  }
  return aq.from(rows);
}

/**
 * The paper's two tests of a knock-out's effects against the known targets (§5.3): the one-sided rank-sum
 * p-value of the targets' effects against the other genes', and Fisher's exact test (one-sided) of targets among
 * the `top` genes with the largest effects.
 * @param effects - Knock-out effect per gene.
 * @param labels - Whether each gene is a true target.
 * @param top - Genes with the largest effects counted for Fisher's test (default 5).
 * @returns The rank-sum p-value, the number of targets among the top genes and Fisher's p-value.
 * @example
 * targetTests([0.9, 0.8, 0.1, 0.05, 0.02, 0.01], [true, true, false, false, false, false], 2); // topTargets 2
 */
export function targetTests(effects: ArrayLike<number>, labels: ArrayLike<boolean>, top = 5): { rankSumP: number; topTargets: number; fisherP: number } {
  const onTarget: number[] = [];
  const offTarget: number[] = [];
  for (let g = 0; g < effects.length; g++) (labels[g] ? onTarget : offTarget).push(effects[g]!);
  if (!onTarget.length || !offTarget.length) return { rankSumP: NaN, topTargets: NaN, fisherP: NaN };
  const rankSumP = wilcoxonRankSum(onTarget, offTarget, { alternative: 'greater' }).pValue;
  const order = Array.from({ length: effects.length }, (_, g) => g).sort((a, b) => effects[b]! - effects[a]! || a - b);
  const k = Math.min(top, effects.length);
  const topTargets = order.slice(0, k).filter((g) => labels[g]).length;
  const a = topTargets;
  const b = k - topTargets;
  const c = onTarget.length - topTargets;
  const d = offTarget.length - b;
  return { rankSumP, topTargets, fisherP: fisherExact(a, b, c, d, 'greater').pValue };
}
