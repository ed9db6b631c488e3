/**
 * In-silico experiments on a model stage's sequences, with tangermeme's names — `marginalize`, `ablate`, `space`,
 * the shuffled-background spacing experiment, pairwise influence — and variant effects and design. Each function
 * takes the stage (its model and promoters), calls one function of src/interpret, and returns a result with the
 * figure that experiment is read from. `ModelStage` exposes them as methods.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { readDream2022Pairs } from '../data/dream2022/read';
import { firstModel, predict, type PredictOptions, type Predictor } from '../kernels/camformer/predict';
import type { BatchPredictor } from '../interpret/ism';
import { ablate, marginalize, summarizeEffects, type AblateOptions, type MarginalizeOptions } from '../interpret/experiments';
import { asInserted, space, spaceSummary, spacingInShuffledBackgrounds, type ShuffledSpacingOptions, type SpaceOptions } from '../interpret/spacing';
import type { InsertedMotif } from '../interpret/sequence-edits';
import { pairwiseInfluence, type PairwiseOptions } from '../interpret/pairwise';
import { variantEffects, type VariantEffectOptions } from '../interpret/variants';
import { dreamSnvEffects, type DreamSnvOptions } from '../interpret/dream-variants';
import { EVOLVE_DEFAULTS, evolveDesign, greedyDesign, type EvolveOptions, type GreedyOptions } from '../interpret/design';
import type { Variant } from '../data/variants';
import type { Motif } from '../motifs/motif';
import { groupedBars, heatmap, lineBand } from '../viz/categorical';
import { histogram } from '../viz/distribution';
import { densityScatter } from '../viz/scatter';
import { isDreamTest, type ModelPipeline, type PromoterData } from './pipeline';
import { result, type Result } from './result';
import { count, withReportedProgress, type ProgressOption } from './stage-progress';

/** How a stage predicts (engine, tfjs worker threads) and whether it shows its progress (default true). */
type Engine = Pick<PredictOptions, 'engine' | 'workers'> & ProgressOption;

async function setUp(stage: ModelPipeline, engine: Engine = {}): Promise<{ model: Predictor; data: PromoterData; batch: BatchPredictor; sequences: string[]; ids: string[]; encoding: ReturnType<typeof firstModel>['encoding'] }> {
  const [model, data] = await Promise.all([stage.predictor(), stage.data.run()]);
  return {
    model, data,
    batch: (x) => predict(model, x, engine),
    sequences: data.table.array('sequence') as string[],
    ids: data.table.array('id') as string[],
    encoding: firstModel(model).encoding,
  };
}

/** Each motif written into every sequence: per motif × sequence the change; `plot()` = mean effect per motif (± se). */
export async function marginalizeStage(stage: ModelPipeline, motifs: ReadonlyArray<Motif | InsertedMotif>, options: Omit<MarginalizeOptions, 'encoding' | 'ids'> & Engine = {}): Promise<Result<{ summary: ColumnTable }>> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  const label = `marginalize: ${count(motifs.length, 'motif')} × ${count(s.sequences.length, 'sequence')}`;
  const table = await withReportedProgress(label, { progress, onProgress }, undefined, (report) =>
    marginalize(s.batch, s.sequences, motifs.map(asInserted), { ...rest, encoding: s.encoding, ids: s.ids, onProgress: report }));
  const summary = summarizeEffects(table, ['motif']);
  return result(table, (_, o) => groupedBars(summary, { x: 'motif', y: 'mean', color: 'motif', yTitle: 'mean predicted change', title: 'marginalize: motif written into each sequence', ...o }), { summary });
}

/** A region shuffled or replaced in every sequence; `plot()` = the distribution of effects. */
export async function ablateStage(stage: ModelPipeline, options: Omit<AblateOptions, 'encoding' | 'ids'> & Engine): Promise<Result<{ summary: ColumnTable }>> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  const table = await withReportedProgress(`ablate ${rest.start}–${rest.end} in ${count(s.sequences.length, 'sequence')}`, { progress, onProgress }, undefined, (report) =>
    ablate(s.batch, s.sequences, { ...rest, encoding: s.encoding, ids: s.ids, onProgress: report }));
  const summary = summarizeEffects(table, ['id']);
  return result(table, (t, o) => histogram(t, { x: 'effect', title: 'ablate: predicted change', ...o }), { summary });
}

/**
 * Motifs A and B at every spacing and orientation in every sequence; `summary` is the interaction matrix
 * (both − A − B + background); `plot()` = mean interaction vs spacing per orientation.
 */
export async function spaceStage(stage: ModelPipeline, a: Motif | InsertedMotif, b: Motif | InsertedMotif, options: Omit<SpaceOptions, 'encoding' | 'ids'> & Engine = {}): Promise<Result<{ summary: ColumnTable }>> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  const [siteA, siteB] = [asInserted(a), asInserted(b)];
  const table = await withReportedProgress(`space ${siteA.name} and ${siteB.name} in ${count(s.sequences.length, 'sequence')}`, { progress, onProgress }, undefined, (report) =>
    space(s.batch, s.sequences, siteA, siteB, { ...rest, encoding: s.encoding, ids: s.ids, onProgress: report }));
  return result(table, (t, o) => spacingPlot(t, o), { summary: spaceSummary(table) });
}

/**
 * A alone vs A with B at each spacing, written into dinucleotide-shuffled copies of the stage's sequences (the
 * causal counterpart of motif co-occurrence means); `plot()` = mean prediction of A alone and of A with B.
 */
export async function spacingStage(stage: ModelPipeline, a: Motif | InsertedMotif, b: Motif | InsertedMotif, options: Omit<ShuffledSpacingOptions, 'encoding' | 'ids'> & Engine = {}): Promise<Result<{ summary: ColumnTable; sites: { a: InsertedMotif; b: InsertedMotif } }>> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  const label = `spacing ${asInserted(a).name} and ${asInserted(b).name} in shuffles of ${count(s.sequences.length, 'sequence')}`;
  const r = await withReportedProgress(label, { progress, onProgress }, undefined, (report) =>
    spacingInShuffledBackgrounds(s.batch, s.sequences, a, b, { ...rest, encoding: s.encoding, nativeIds: s.ids, onProgress: report }));
  return result(r.table, (t, o) => {
    const long = t.fold(['a', 'both'], { as: ['arm', 'prediction'] })
      .derive({ arm: (d: { arm: string }) => (d.arm === 'a' ? 'A alone' : 'A with B') });
    return lineBand(long, { x: 'spacing', y: 'prediction', color: 'arm', band: 'stdev', xTitle: 'spacing (nt, B after A)', yTitle: 'predicted expression', title: `${r.sites.a.name} alone vs with ${r.sites.b.name}`, ...o });
  }, { summary: r.summary, sites: r.sites });
}

/** Double-mutant epistasis between every pair of positions; `plot()` = the position × position map of the first id. */
export async function pairwiseStage(stage: ModelPipeline, options: Omit<PairwiseOptions, 'encoding' | 'ids'> & Engine = {}): Promise<Result> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  const n = s.sequences.length;
  const table = await withReportedProgress(`pairwise influence, ${count(n, 'sequence')}`, { progress, onProgress }, n, (report) =>
    pairwiseInfluence(s.batch, s.sequences, { ...rest, encoding: s.encoding, ids: s.ids, onProgress: report }));
  return result(table, (t, o) => {
    const id = (o?.['id'] as string | undefined) ?? (t.get('id', 0) as string);
    return heatmap(t.params({ id }).filter((d: { id: string }, $: { id: string }) => d.id === $.id), { x: 'target', y: 'source', value: 'epistasis', text: false, diverging: true, title: `pairwise influence, ${id}`, ...o });
  });
}

/** Predicted effects of variants (`id`, `position`, `ref`, `alt`) of the stage's sequences; `plot()` = their distribution. */
export async function variantsStage(stage: ModelPipeline, variants: ColumnTable | readonly Variant[], options: Omit<VariantEffectOptions, 'encoding'> & Engine = {}): Promise<Result> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  const lookup = new Map(s.ids.map((id, i) => [id, s.sequences[i]!]));
  const n = Array.isArray(variants) ? variants.length : (variants as ColumnTable).numRows();
  const table = await withReportedProgress(`variant effects, ${count(n, 'variant')}`, { progress, onProgress }, n, (report) =>
    variantEffects(s.batch, variants, lookup, { ...rest, encoding: s.encoding, onProgress: report }));
  return result(table, (t, o) => histogram(t, { x: 'effect', title: 'predicted variant effects (alt − ref)', ...o }));
}

/** Predicted vs measured effects of the DREAM2022 SNV pairs (needs `promoters.dream2022('test')`); `scores` has r, ρ, n. */
export async function dreamSnvStage(stage: ModelPipeline, options: DreamSnvOptions & Engine = {}): Promise<Result<{ scores: { r: number; rho: number; n: number } }>> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  if (!isDreamTest(s.data)) throw new OptionError('DREAM SNV effects need the DREAM2022 test set: promoters.dream2022(\'test\')', { option: 'data' });
  // A filtered or head() pipeline scores the pairs whose two members it holds (as evaluate() does).
  const present = new Set(Array.from(s.data.table.array('idx') as ArrayLike<number>));
  const pairs = (s.data.extras['pairs'] ?? readDream2022Pairs())
    .filter(aq.escape((d: { alt_idx: number; ref_idx: number }) => present.has(d.alt_idx) && present.has(d.ref_idx)));
  const r = await withReportedProgress('DREAM2022 SNV effects', { progress, onProgress }, undefined, (report) =>
    dreamSnvEffects(s.batch, s.data.table, pairs, { ...rest, encoding: s.encoding, onProgress: report }));
  return result(r.table, (t, o) => densityScatter(t, { x: 'measured', y: 'effect', xTitle: 'measured alt − ref', yTitle: 'predicted alt − ref', title: `DREAM2022 SNVs: r ${r.r.toFixed(3)}, ρ ${r.rho.toFixed(3)} (n ${r.n})`, ...o }), {
    scores: { r: r.r, rho: r.rho, n: r.n },
  });
}

export type DesignStageOptions =
  | ({ method?: 'greedy' } & Omit<GreedyOptions, 'encoding' | 'ids'> & Engine)
  | ({ method: 'evolve' } & Omit<EvolveOptions, 'encoding'> & Engine);

/**
 * Promoter design toward a target (or the maximum): `greedy` from each of the stage's sequences, or `evolve`
 * (Vaishnav et al.'s genetic algorithm; the stage's first sequence gives the flanks). `plot()` = the trajectory.
 */
export async function designStage(stage: ModelPipeline, options: DesignStageOptions = {}): Promise<Result<{ designs?: ColumnTable }>> {
  const { engine, workers, progress, onProgress, ...rest } = options;
  const s = await setUp(stage, { engine, workers });
  if (rest.method === 'evolve') {
    const { method: _method, ...evolve } = rest;
    const label = `evolving ${count(evolve.population ?? EVOLVE_DEFAULTS.population, 'design')} over ${count(evolve.generations ?? EVOLVE_DEFAULTS.generations, 'generation')}`;
    const r = await withReportedProgress(label, { progress, onProgress }, undefined, (report) =>
      evolveDesign(s.batch, { template: s.sequences[0], ...evolve, encoding: s.encoding, onProgress: report }));
    return result(r.trajectory, (t, o) => lineBand(t.fold(['best', 'mean'], { as: ['series', 'prediction'] }), { x: 'generation', y: 'prediction', color: 'series', title: 'evolutionary design', ...o }), { designs: r.designs });
  }
  const { method: _method, ...greedy } = rest;
  const table = await withReportedProgress(`greedy design from ${count(s.sequences.length, 'sequence')}`, { progress, onProgress }, s.sequences.length, (report) =>
    greedyDesign(s.batch, s.sequences, { ...greedy, encoding: s.encoding, ids: s.ids, onProgress: report }));
  return result(table, (t, o) => lineBand(t, { x: 'step', y: 'prediction', color: 'id', title: 'greedy design', ...o }));
}

function spacingPlot(table: ColumnTable, options?: Record<string, unknown>) {
  return lineBand(table, { x: 'spacing', y: 'interaction', color: 'orientation', band: 'stdev', xTitle: 'spacing (nt)', yTitle: 'interaction (both − A − B + background)', title: 'motif spacing', ...options });
}
