/**
 * `.model(m).ism()`: saturation mutagenesis of the pipeline's sequences, lazily. Awaiting the stage gives the
 * tidy variant table as a result; `contributions()`, `entropy()`, `logo(id)` and `motifPairs(db)` derive from it
 * without recomputing.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import { firstModel, predict, type PredictOptions } from '../kernels/camformer/predict';
import { ismContributions, ismEntropy, ismScores, type IsmContributionOptions, type IsmEntropyOptions, type IsmOptions } from '../interpret/ism';
import { fastIsmScores, useFastIsm } from '../interpret/ism-fast';
import { motifPairsFromIsm, type MotifPairs, type MotifPairsOptions } from '../interpret/motif-pairs';
import type { Motif } from '../motifs/motif';
import { heatmap } from '../viz/categorical';
import { histogram } from '../viz/distribution';
import { ismLogo } from '../viz/logo';
import type { VegaLiteSpec } from '../viz/spec';
import { Lazy } from './lazy';
import type { ModelPipeline } from './pipeline';
import { result, type Result } from './result';
import { count, withReportedProgress, type ProgressOption } from './stage-progress';

/** ISM options plus how the variants are predicted (engine, tfjs worker threads) and `progress` (default true). */
export type IsmStageOptions = Omit<IsmOptions, 'encoding' | 'ids'> & Pick<PredictOptions, 'engine' | 'workers'> & ProgressOption;

/** Motif-pair logic: the pair table (Figure 8b) as `table`, the other Figure 8 tables by name. */
export type MotifPairsResult = Result<Omit<MotifPairs, 'pairs'>>;

/**
 * `.model(m).ism()`: lazy saturation mutagenesis; awaiting it gives the tidy variant table as a result.
 * @example
 * const ism = promoters.dream2022('test').head(100).model('models/mini').ism();
 * const logic = await ism.motifPairs(jaspar('fungi'), { motifs: ['IME1', 'UME6'] });
 */
export class IsmStage extends Lazy<Result> {
  /**
   * The ISM of `stage`'s sequences, computed when the stage is first awaited or asked for a result.
   * @param stage - The model stage whose sequences are mutated.
   * @param options - ISM and prediction options (see {@link ModelStage.ism}).
   */
  constructor(readonly stage: ModelPipeline, private readonly options: IsmStageOptions = {}) {
    super();
  }

  protected async compute(): Promise<Result> {
    const [model, { table }] = await Promise.all([this.stage.predictor(), this.stage.data.run()]);
    const { engine, workers, progress, onProgress, ...ismOptions } = this.options;
    const sequences = table.array('sequence') as string[];
    const ids = table.array('id') as string[];
    const scores = await withReportedProgress(`ISM ${count(sequences.length, 'sequence')}`, { progress, onProgress }, sequences.length, (report) => {
      // One model on ONNX Runtime: the windowed graph (equal to full ISM to 1e-5, several times faster).
      return useFastIsm(model, engine)
        ? fastIsmScores(firstModel(model), sequences, { region: ismOptions.region, ids, onProgress: report })
        : ismScores((batch) => predict(model, batch, { engine, workers }), sequences, { ...ismOptions, encoding: firstModel(model).encoding, ids, onProgress: report });
    });
    return result(scores, (t, o) => {
      const id = (o?.['id'] as string | undefined) ?? (t.get('id', 0) as string);
      return heatmap(t.filter(aq.escape((d: { id: string }) => d.id === id)), { x: 'position', y: 'alt', value: 'effect', title: `ISM effects, ${id}`, text: false, ...o });
    });
  }

  /**
   * Per-position contribution of the reference base (ismContributions): −mean effect of its substitutions
   * (`sign: 'paper-text'`, default) or +mean effect (`sign: 'authors-code'`, as the authors' ism_utils.py draws
   * it); `plot({ id })` = its logo.
   * @param options - `sign` ('paper-text', default, or 'authors-code').
   * @returns A result: `id, position, ref, contribution`.
   * @example
   * const ism = promoters.dream2022('test').head(100).model('models/mini').ism();
   * const { table } = await ism.contributions({ sign: 'authors-code' });
   */
  async contributions(options: IsmContributionOptions = {}): Promise<Result> {
    const table = ismContributions((await this.run()).table, options);
    return result(table, (t, o) => logoOf(t, (o?.['id'] as string | undefined) ?? (t.get('id', 0) as string)));
  }

  /**
   * Sequences ranked by the entropy of their ISM logo (ismEntropy; low = a few distinct motifs); with
   * `threshold`, only those below it (the authors draw logos below CAMFORMER_ENTROPY_THRESHOLD = 5 bits). The
   * entropy is the same for either sign. `plot()` = its histogram.
   * @param options - `threshold` (default none: every sequence) and the contributions' `sign`.
   * @returns A result: `id, entropy, total`, lowest entropy first.
   * @example
   * const ism = promoters.dream2022('test').head(100).model('models/mini').ism();
   * const { table } = await ism.entropy({ threshold: CAMFORMER_ENTROPY_THRESHOLD });
   */
  async entropy(options: IsmEntropyOptions & IsmContributionOptions = {}): Promise<Result> {
    const { sign, ...entropyOptions } = options;
    const table = ismEntropy((await this.contributions({ sign })).table, entropyOptions);
    return result(table, (t, o) => histogram(t, { x: 'entropy', title: 'ISM logo entropy per sequence', ...o }));
  }

  /**
   * Camformer Figure 8 logic over these sequences: motif pairs (mean measured and predicted expression with
   * both vs one alone), differences, correlations, A/B overlap and ISM over A's sites with and without B.
   * `plot()` is the pair heat map (diagonal: A alone).
   * @param motifs - Motifs to scan the ISM region for.
   * @param options - `motifs` to pair (default the 8 most frequent), `a`/`b`, and FIMO options.
   * @returns A result: the pair table as `table`, plus `difference`, `occurrences`, `correlations`, `overlap`, `ismAB`, `hits`.
   * @example
   * const ism = promoters.dream2022('test').head(1000).model('models/mini').ism();
   * const logic = await ism.motifPairs(jaspar('fungi'), { motifs: ['IME1', 'UME6'] });
   */
  async motifPairs(motifs: readonly Motif[], options: MotifPairsOptions = {}): Promise<MotifPairsResult> {
    const [ism, contributions, { table }] = await Promise.all([this.run(), this.contributions(), this.stage.data.run()]);
    const { pairs, ...rest } = motifPairsFromIsm(table, ism.table, contributions.table, motifs, this.options.region ?? DREAM_VARIABLE_REGION, options);
    return result(pairs, (t, o) => heatmap(t, { x: 'motif_b', y: 'motif_a', value: 'predicted_mean', title: 'mean predicted expression: A with B (diagonal: A alone)', ...o }), rest);
  }

  /**
   * The ISM logo of one sequence: letters scaled by contribution, positive up, negative down.
   * @param id - A sequence id of the pipeline.
   * @returns The logo's Vega-Lite spec.
   * @example
   * const spec = await promoters.dream2022('test').head(10).model('models/mini').ism().logo('sequence_0');
   */
  async logo(id: string): Promise<VegaLiteSpec> {
    return logoOf((await this.contributions()).table, id);
  }
}

function logoOf(contributions: ColumnTable, id: string): VegaLiteSpec {
  const rows = contributions.filter(aq.escape((d: { id: string }) => d.id === id)).objects() as { position: number; ref: string; contribution: number }[];
  if (!rows.length) throw new OptionError(`no sequence '${id}' in the ISM results`, { option: 'id' });
  const matrix = rows.map((r) => 'ACGT'.split('').map((b) => (b === r.ref ? r.contribution : 0)));
  return ismLogo(matrix, { start: rows[0]!.position, title: `ISM, ${id}` });
}
