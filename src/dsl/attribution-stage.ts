/**
 * `.model(m).attribute({ method })`: gradient attributions of the pipeline's sequences (saliency, input ×
 * gradient, integrated gradients, DeepLIFT/SHAP), lazily. Awaiting the stage gives the tidy table (`id`,
 * `position`, `base`, `attribution`, `prediction`, `baseline_prediction`); `seqlets()` and `patterns()` read
 * motifs out of it, `completeness()` checks it, `logo(id)` draws one sequence.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { attribute, type AttributeOptions } from '../interpret/attribute';
import { callSeqlets, type SeqletOptions } from '../interpret/seqlets';
import { annotatePatterns, clusterSeqlets, type ClusterOptions } from '../interpret/seqlet-motifs';
import type { Motif } from '../motifs/motif';
import { groupedBars } from '../viz/categorical';
import { densityScatter } from '../viz/scatter';
import { ismLogo, pwmLogo } from '../viz/logo';
import type { VegaLiteSpec } from '../viz/spec';
import { Lazy } from './lazy';
import type { ModelPipeline } from './pipeline';
import { result, type Result } from './result';
import { count, showsProgress, withProgress, type ProgressOption } from './stage-progress';

/** Options of `.attribute()`: those of `attribute` (the ids are the pipeline's), and `progress` (default true). */
export type AttributionStageOptions = AttributeOptions & ProgressOption;

/** Seqlets clustered into patterns: the pattern table as `table`, the PFMs and instances by name. */
export type PatternsResult = Result<{ motifs: Motif[]; instances: ColumnTable; annotation?: ColumnTable }>;

export class AttributionStage extends Lazy<Result> {
  constructor(readonly stage: ModelPipeline, private readonly options: AttributionStageOptions = {}) {
    super();
  }

  protected async compute(): Promise<Result> {
    const [model, { table }] = await Promise.all([this.stage.predictor(), this.stage.data.run()]);
    const { progress, onProgress, ...options } = this.options;
    const sequences = table.array('sequence') as string[];
    const label = `${options.method ?? 'deeplift-shap'} attributions, ${count(sequences.length, 'sequence')}`;
    const attributions = await withProgress(label, showsProgress(progress, onProgress), sequences.length, (p) =>
      attribute(model, sequences, { ...options, ids: table.array('id') as string[], onProgress: (done) => { p.report(done, sequences.length); onProgress?.(done); } }));
    return result(attributions, (t, o) => logoOf(t, (o?.['id'] as string | undefined) ?? (t.get('id', 0) as string)));
  }

  /** Per sequence: the sum of attributions beside prediction − baseline prediction; `plot()` draws one against the other. */
  async completeness(): Promise<Result> {
    const { table } = await this.run();
    const sums = table
      .groupby('id')
      .rollup({ attribution_sum: aq.op.sum('attribution'), prediction: aq.op.any('prediction'), baseline_prediction: aq.op.any('baseline_prediction') })
      .derive({ difference: (d: { prediction: number; baseline_prediction: number }) => d.prediction - d.baseline_prediction });
    return result(sums, (t, o) => densityScatter(t, { x: 'difference', y: 'attribution_sum', xTitle: 'prediction − baseline prediction', yTitle: 'sum of attributions', ...o }));
  }

  /** Seqlets called from the attributions (see `callSeqlets`); `plot()` counts them per sign. */
  async seqlets(options: SeqletOptions = {}): Promise<Result> {
    const seqlets = callSeqlets((await this.run()).table, options);
    return result(seqlets, (t, o) => {
      const counts = t.derive({ sign: (d: { attribution: number }) => (d.attribution > 0 ? 'positive' : 'negative') }).groupby('sign').count({ as: 'seqlets' });
      return groupedBars(counts, { x: 'sign', y: 'seqlets', color: 'sign', title: 'seqlets per sign', ...o });
    });
  }

  /**
   * Recurring seqlets clustered into motifs (see `clusterSeqlets`), annotated with `database` when given;
   * `plot({ pattern })` draws a pattern's logo.
   */
  async patterns(options: SeqletOptions & ClusterOptions & { database?: readonly Motif[] } = {}): Promise<PatternsResult> {
    const { database, minSimilarity, minOverlap, minInstances, minInformation, ...seqletOptions } = options;
    const [{ table }, seqlets] = await Promise.all([this.stage.data.run(), this.seqlets(seqletOptions).then((r) => r.table)]);
    const lookup = new Map((table.array('id') as string[]).map((id, i) => [id, (table.array('sequence') as string[])[i]!]));
    const found = clusterSeqlets(seqlets, lookup, { minSimilarity, minOverlap, minInstances, minInformation });
    const annotation = database ? annotatePatterns(found.motifs, database) : undefined;
    return result(found.patterns, (_, o) => {
      const id = (o?.['pattern'] as string | undefined) ?? found.motifs[0]?.id;
      const motif = found.motifs.find((m) => m.id === id);
      if (!motif) throw new OptionError(`no pattern '${id}'`, { option: 'pattern' });
      return pwmLogo(motif, { title: `${motif.id} (${motif.altId}, ${found.instances.filter(aq.escape((d: { pattern: string }) => d.pattern === motif.id)).numRows()} seqlets)`, ...o });
    }, { motifs: found.motifs, instances: found.instances, annotation });
  }

  /** The attribution logo of one sequence (letters scaled by attribution; positive up, negative down). */
  async logo(id: string): Promise<VegaLiteSpec> {
    return logoOf((await this.run()).table, id);
  }
}

function logoOf(attributions: ColumnTable, id: string): VegaLiteSpec {
  const rows = attributions.filter(aq.escape((d: { id: string }) => d.id === id)).objects() as { position: number; base: string; attribution: number }[];
  if (!rows.length) throw new OptionError(`no sequence '${id}' in the attributions`, { option: 'id' });
  const positions = [...new Set(rows.map((r) => r.position))].sort((a, b) => a - b);
  const at = new Map(positions.map((p, i) => [p, i]));
  const matrix = positions.map(() => [0, 0, 0, 0]);
  for (const r of rows) matrix[at.get(r.position)!]!['ACGT'.indexOf(r.base)] = r.attribution;
  return ismLogo(matrix, { start: positions[0]!, title: `attributions, ${id}` });
}
