/**
 * `.model(m).ism()`: saturation mutagenesis of the pipeline's sequences, lazily. Awaiting the stage gives
 * the tidy variant table; `contributions()`, `entropy()` and `logo(id)` derive from it without recomputing.
 */
import { Lazy } from './lazy';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { ismContributions, ismEntropy, ismScores, type IsmOptions } from '../interpret/ism';
import { predict, type PredictOptions } from '../kernels/camformer/predict';
import { ismLogo } from '../viz/logo';
import { heatmap } from '../viz/categorical';
import type { ModelStage } from './model-stage';
import { firstModel } from './model-stage';
import { withPlot, type Result } from './result';
import { motifPairsFromIsm, type MotifPairsOptions, type MotifPairsResult } from '../interpret/motif-pairs';
import type { Motif } from '../motifs/motif';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';

/** ISM options plus how the variants are predicted (engine, tfjs worker threads). */
export type IsmStageOptions = Omit<IsmOptions, 'encoding' | 'ids'> & Pick<PredictOptions, 'engine' | 'workers'>;

export class IsmStage extends Lazy<Result> {
  constructor(readonly stage: ModelStage, private readonly options: IsmStageOptions = {}) {
    super();
  }

  protected async compute(): Promise<Result> {
    const model = await this.stage.predictor();
    const { table } = await this.stage.data.run();
    const { engine, workers, ...ismOptions } = this.options;
    const scores = await ismScores((batch) => predict(model, batch, { engine, workers }), table.array('sequence') as string[], {
      ...ismOptions,
      encoding: firstModel(model).encoding,
      ids: table.array('id') as string[],
    });
    return withPlot(scores, (t, o) => {
      const id = (o?.['id'] as string | undefined) ?? (t.get('id', 0) as string);
      return heatmap(t.filter(aq.escape((d: { id: string }) => d.id === id)), { x: 'position', y: 'alt', value: 'effect', title: `ISM effects, ${id}`, text: false, ...o });
    });
  }

  /** Per-position contribution of the reference base (−mean effect of its substitutions); `plot()` = logo of the first sequence. */
  async contributions(): Promise<Result> {
    const table = ismContributions(await this.run());
    return withPlot(table, (t, o) => this.logoOf(t, (o?.['id'] as string | undefined) ?? (t.get('id', 0) as string)));
  }

  /** Sequences ranked by the entropy of their ISM logo (low = a few distinct motifs). */
  async entropy(): Promise<ColumnTable> {
    return ismEntropy(await this.contributions());
  }

  /**
   * Camformer Figure 8 logic over these sequences: motif pairs (mean measured and predicted expression with
   * both vs one alone), differences, correlations, A/B overlap and ISM over A's sites with and without B.
   */
  async motifPairs(motifs: readonly Motif[], options: MotifPairsOptions = {}): Promise<MotifPairsResult> {
    const [ism, contributions, { table }] = await Promise.all([this.run(), this.contributions(), this.stage.data.run()]);
    return motifPairsFromIsm(table, ism, contributions, motifs, this.options.region ?? DREAM_VARIABLE_REGION, options);
  }

  /** The ISM logo of one sequence: letters scaled by contribution, positive up, negative down. */
  async logo(id: string): Promise<ReturnType<typeof ismLogo>> {
    return this.logoOf(await this.contributions(), id);
  }

  private logoOf(contributions: ColumnTable, id: string) {
    const rows = contributions.filter(aq.escape((d: { id: string }) => d.id === id)).objects() as { position: number; ref: string; contribution: number }[];
    if (!rows.length) throw new OptionError(`no sequence '${id}' in the ISM results`, { option: 'id' });
    const matrix = rows.map((r) => 'ACGT'.split('').map((b) => (b === r.ref ? r.contribution : 0)));
    return ismLogo(matrix, { start: rows[0]!.position, title: `ISM, ${id}` });
  }
}
