/**
 * `promoters(...).model(x)`: a promoter pipeline joined to a model. `x` is a preset name or CNN config (an
 * untrained network: `.fit()` it), a trained `Model` or `Ensemble`, a saved model's directory, a PyTorch
 * checkpoint or tar bundle (imported with importTorch: `.model('Camformer_219.tar.gz')`), or another model stage. The stage is lazy like every stage: `.fit()` returns a new stage that trains when first used, and
 * awaiting a stage gives its model. Every method encodes the pipeline's sequences the way the model expects and
 * calls one function of a lower layer.
 */
import * as aq from 'arquero';
import { ModelError } from '../errors';
import type { Encoded } from '../data/encode';
import { evaluateDream } from '../data/dream2022/evaluate';
import { unscoredMessage, type UnscoredSubset } from '../data/dream2022/score';
import { evaluatePredictions } from '../stats/agreement';
import { initBackend } from '../kernels/tensor/backend';
import { modelInputs } from '../kernels/camformer/inputs';
import type { Model } from '../kernels/camformer/model';
import { firstModel, predict, type Predictor, type PredictOptions } from '../kernels/camformer/predict';
import { resolvePredictor, type ModelSpec, type ResolvedPredictor } from '../kernels/camformer/resolve';
import { buildModel, type BuildOptions } from '../kernels/camformer/model';
import type { ImportTorchOptions } from '../kernels/camformer/torch/import-torch';
import { fit, fitSaved, type FitOptions } from '../kernels/camformer/train';
import { gradCam, type GradCamOptions } from '../interpret/gradcam';
import { densityScatter } from '../viz/scatter';
import { groupedBars, lineBand } from '../viz/categorical';
import type { InsertedMotif } from '../interpret/sequence-edits';
import type { Motif } from '../motifs/motif';
import { AttributionStage, type AttributionStageOptions } from './attribution-stage';
import {
  ablateStage, designStage, dreamSnvStage, marginalizeStage, pairwiseStage, spaceStage, spacingStage, variantsStage,
  type DesignStageOptions,
} from './experiments';
import { IsmStage, type IsmStageOptions } from './ism-stage';
import { isDreamTest, type ModelPipeline, type PromoterData, type PromoterPipeline } from './pipeline';
import { result, type Result } from './result';
import { count, showsProgress, trainingReporter, withProgress, withReportedProgress, type ProgressOption } from './stage-progress';

/**
 * What `.model()` accepts: a preset name or config, a `Model` or {@link Ensemble}, a saved model's directory, or a model stage.
 */
export type ModelSource = ModelSpec | ModelStage<Predictor>;

/** Options of `.model()`. */
export interface ModelStageOptions {
  /** Seed of the initial weights (and the default training seed). */
  seed?: number;
  /**
   * Initial weights of a network built from a preset or config: 'he' (default) or 'pytorch' (PyTorch's default
   * initialisation; `.fit({ recipe: 'paper' })` uses it when this is not given).
   */
  init?: BuildOptions['init'];
  /** For a PyTorch checkpoint: the preset or config and the encoding to import into (default: detected). */
  torch?: Omit<ImportTorchOptions, 'member'>;
  /**
   * Allow predictions, ISM and Grad-CAM from an untrained network (random weights) — for checking mechanics
   * (default false: they are refused with a message naming `.fit()`).
   */
  untrained?: boolean;
}

/** Options of {@link ModelStage.fit}: those of {@link fit}, with `validation` as promoters, plus saving. */
export interface FitStageOptions extends Omit<FitOptions, 'validation'>, ProgressOption {
  /** Held-out promoters, or the fraction of the training data to hold out (default 0.08). */
  validation?: PromoterPipeline | number;
  /**
   * Save the trained model here (checkpoints go to `saveTo.checkpoint`, and an interrupted run resumes). When
   * the folder already holds a model it is loaded instead of retrained — and the log says so.
   */
  saveTo?: string;
  /** Load an existing model from `saveTo` instead of training (default true). */
  reuse?: boolean;
  /** Where the load/train message goes (default console.log). */
  log?: (message: string) => void;
}

/** DREAM evaluation's named results beside its table. */
export interface DreamScores {
  /** The challenge's weighted scores (Pearson score: weighted r²; Spearman score: weighted ρ). */
  scores: { pearson: number; spearman: number };
  /** Subsets the data left without a correlation (e.g. after a filter), with the reason; the scores are over the rest. */
  unscored: UnscoredSubset[];
  /** The leaderboard split scored. */
  split: 'private' | 'public' | 'all';
  /** The pipeline's table with its `prediction` column. */
  predictions: Result['table'];
}

/**
 * A model stage; awaiting it gives its model (`P`: a `Model`, or an `Ensemble` when given one).
 * @example
 * const stage = promoters.dream2022('demo_train').model('camformer-mini', { seed: 7 }).fit({ epochs: 5 });
 * const model = await stage; // trains once
 * const evaluation = await promoters.dream2022('test').model(stage).evaluate();
 */
export class ModelStage<P extends Predictor = Model> implements ModelPipeline, PromiseLike<P> {
  private resolved?: Promise<ResolvedPredictor>;
  private readonly source: ModelSource | (() => Promise<ResolvedPredictor>);

  /**
   * The stage over `data`, with its model from `source`.
   * @param data - The promoter pipeline whose sequences the model is asked about.
   * @param source - The model (see {@link ModelSource}) or a function resolving to it.
   * @param options - `seed`, `untrained` (see {@link ModelStageOptions}).
   */
  constructor(readonly data: PromoterPipeline, source: ModelSource | (() => Promise<ResolvedPredictor>), private readonly options: ModelStageOptions = {}) {
    this.source = source;
  }

  private resolve(): Promise<ResolvedPredictor> {
    return (this.resolved ??= initBackend().then(async () => {
      const s = this.source;
      if (typeof s === 'function') return s();
      if (s instanceof ModelStage) return s.resolve();
      return resolvePredictor(s, { seed: this.options.seed, init: this.options.init, torch: this.options.torch });
    }));
  }

  /**
   * The model this stage uses (built, loaded, trained or given), once; refuses an untrained one (see options).
   * @returns The model or ensemble; a ModelError when it is untrained and `untrained` was not set.
   * @example
   * const predictor = await promoters.dream2022('test').model('models/mini').predictor();
   */
  async predictor(): Promise<Predictor> {
    const { predictor, trained } = await this.resolve();
    if (!trained && !this.options.untrained) {
      const name = firstModel(predictor).config.name;
      throw new ModelError(
        `model '${name}' is untrained (random weights): train it with .fit() first, or give a trained model or a saved model directory ` +
          `(pass { untrained: true } to .model() to ask an untrained network on purpose)`,
        { option: 'model' },
      );
    }
    return predictor;
  }

  /**
   * Awaiting the stage gives its model (untrained for a preset that was not fitted).
   * @param onfulfilled - Called with the model (or ensemble).
   * @param onrejected - Called with the error (e.g. a ModelError from training).
   * @returns A promise of the handler's result, as `Promise.prototype.then`.
   * @example
   * const model = await promoters.dream2022('demo_train').model('camformer-mini').fit({ epochs: 5 });
   */
  then<A = P, B = never>(
    onfulfilled?: ((value: P) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.resolve().then((r) => r.predictor as P).then(onfulfilled, onrejected);
  }

  /**
   * A stage whose model is trained on this pipeline's `expression` column (8% held out for early stopping
   * unless `validation` is given), lazily: training runs when the stage is first awaited or asked for a result.
   * The trained model's `history` holds one row per epoch. `recipe: 'paper'` trains as the Camformer authors did
   * (see FitOptions.recipe); an untrained preset then starts from PyTorch's default initialisation unless `init`
   * was given to `.model()`.
   * @example const model = await train.model('camformer-mini', { seed: 7 }).fit({ epochs: 20, saveTo: 'models/mini' });
   * @example const paper = await train.model('camformer-mini', { seed: 42 }).fit({ recipe: 'paper' });
   * @param options - `recipe`, `epochs` (default 20), `batchSize` (256), `lr` (1e-3), `loss` ('l1'), `optimizer` ('adamw'),
   *   `schedule` ('plateau'), `validation` (promoters or a fraction, default 0.08), `patience` (5), `seed` (the
   *   stage's), `saveTo`, `reuse` (default true), `log` (default console.log), `progress` (default true: a
   *   display of steps, loss and validation per epoch; false silences it), … (see {@link FitOptions}).
   * @returns A new model stage whose model is trained when first used.
   */
  fit(options: FitStageOptions = {}): ModelStage<Model> {
    return new ModelStage<Model>(this.data, async () => {
      const { validation, saveTo, reuse, log, progress, onProgress, ...rest } = options;
      const { predictor, trained: pretrained } = await this.resolve();
      if ('kind' in predictor) throw new ModelError('an ensemble is trained member by member; fit each model', { option: 'model' });
      // The authors' replicates start from PyTorch's default initialisation (train_rep.py does not re-initialise).
      const model = options.recipe && !pretrained && this.options.init === undefined
        ? buildModel(predictor.config, { seed: this.options.seed, init: 'pytorch' })
        : predictor;
      const training = await this.data.run();
      const held = validation === undefined || typeof validation === 'number'
        ? validation
        : await validation.run().then((v) => ({ x: inputsOf(model, v), y: expressionOf(v) }));
      const data = { x: inputsOf(model, training), y: expressionOf(training) };
      // The display opens at the first training step: a model reused from `saveTo` trains none and shows none.
      const trained = await withProgress(`training ${model.config.name}`, showsProgress(progress, onProgress), undefined, (p) => {
        const report = trainingReporter(p);
        const fitOptions: FitOptions = { seed: this.options.seed, ...rest, validation: held, onProgress: (e) => { report(e); onProgress?.(e); } };
        return saveTo ? fitSaved(model, data, saveTo, { ...fitOptions, reuse, log }) : fit(model, data, fitOptions).then(() => model);
      });
      return { predictor: trained, trained: true };
    }, this.options);
  }

  /**
   * The pipeline's table with a `prediction` column; `plot()` draws measured vs predicted.
   * @param options - `batchSize` (default 1024), `reverseComplement` (default false), `workers` (default 1),
   *   `engine` (default 'auto'), `onProgress`, `progress` (default true; false: no progress display).
   * @returns A result: the table with `prediction`; `plot()` is measured vs predicted.
   * @example
   * const { table } = await promoters.dream2022('test').model('models/mini').predict({ reverseComplement: true });
   */
  async predict(options: PredictOptions & ProgressOption = {}): Promise<Result> {
    const [model, data] = await Promise.all([this.predictor(), this.data.run()]);
    const { progress, onProgress, ...predictOptions } = options;
    const n = data.table.numRows();
    const predicted = await withReportedProgress(`predicting ${count(n, 'sequence')}`, { progress, onProgress }, undefined, (report) =>
      predict(model, inputsOf(firstModel(model), data), { ...predictOptions, onProgress: report }));
    return result(data.table.assign({ prediction: predicted }), (t, o) =>
      densityScatter(t, { x: 'expression', y: 'prediction', identity: false, xTitle: 'measured', yTitle: 'predicted', ...o }),
    );
  }

  /**
   * Scores predictions against the `expression` column. On the DREAM2022 test set (`promoters.dream2022('test')`)
   * the challenge's per-subset table and weighted scores (`scores.pearson`, `scores.spearman`; default split
   * `private`); on anything else one row of n, r, r², ρ. `plot()` draws r² and ρ per subset, or measured vs predicted.
   * @param options - {@link PredictOptions}, `progress` (default true; false: no progress display), and `split`
   *   ('private' (default), 'public', 'all') on DREAM2022 test data.
   * @returns A result: the per-subset table (DREAM test) or one row of n, r, r², ρ; plus `scores`, `split` and
   *   `predictions` on DREAM data.
   * @example
   * const evaluation = await promoters.dream2022('test').model(model).evaluate();
   * evaluation.scores?.pearson;
   */
  async evaluate(options: PredictOptions & ProgressOption & { split?: 'private' | 'public' | 'all' } = {}): Promise<Result<Partial<DreamScores> & { predictions: Result['table'] }>> {
    const { split, ...predictOptions } = options;
    const [predictions, data] = await Promise.all([this.predict(predictOptions), this.data.run()]);
    const table = predictions.table;
    const predicted = table.array('prediction') as ArrayLike<number>;
    if (isDreamTest(data)) {
      const e = evaluateDream(table.array('idx') as ArrayLike<number>, predicted, { split: split ?? 'private', pairs: data.extras['pairs'], test: table });
      // A filtered or head() test set may empty some subsets: say which, on stderr (the scores are over the rest).
      const note = unscoredMessage(e);
      if (note) console.warn(note);
      const long = aq.from(e.subsets.flatMap((s) => [{ subset: s.subset, metric: 'r²', value: s.r2 }, { subset: s.subset, metric: 'ρ', value: s.rho }]));
      return result(e.table, (_, o) => groupedBars(long, { x: 'subset', y: 'value', color: 'metric', title: `DREAM2022 ${e.split} split`, ...o }), {
        scores: { pearson: e.pearsonScore, spearman: e.spearmanScore }, unscored: e.unscored, split: e.split, predictions: table,
      });
    }
    return result(evaluatePredictions(table.array('expression') as ArrayLike<number>, predicted), () => predictions.plot(), { predictions: table });
  }

  /**
   * In silico saturation mutagenesis of every sequence (see `ismScores`), lazily.
   * @param options - `region` (default 18–97), `sequencesPerBatch` (default 32), `onProgress`, `engine`, `workers`,
   *   `progress` (default true; false: no progress display).
   * @returns A lazy {@link IsmStage}.
   * @example
   * const ism = await promoters.dream2022('test').head(100).model(model).ism();
   */
  ism(options: IsmStageOptions = {}): IsmStage {
    return new IsmStage(this, options);
  }

  /**
   * Gradient attributions (saliency, input × gradient, integrated gradients, DeepLIFT/SHAP), lazily (see `attribute`).
   * @param options - `method` ('saliency', 'input-gradient', 'integrated-gradients', 'deeplift-shap') and the
   *   method's settings.
   * @returns A lazy attribution stage.
   * @example
   * const stage = promoters.dream2022('test').head(100).model('models/mini');
   * const attributions = await stage.attribute({ method: 'integrated-gradients' });
   */
  attribute(options: AttributionStageOptions = {}): AttributionStage {
    return new AttributionStage(this, options);
  }

  /**
   * tangermeme's `marginalize`: each motif (a PWM's consensus or a site) written into every sequence.
   * @param motifs - Motifs (their consensus is written) or sites `{ name, sequence }`.
   * @param options - Where and how (see src/interpret's `marginalize`), and `engine`/`workers`, `onProgress`, `progress` (default true).
   * @returns A promise of a result: per motif × sequence the change, with a per-motif `summary`.
   * @example
   * const stage = promoters.dream2022('test').head(100).model('models/mini');
   * const m = await stage.marginalize(jaspar('fungi', { ids: ['UME6', 'IME1'] }));
   */
  marginalize(motifs: ReadonlyArray<Motif | InsertedMotif>, options: Parameters<typeof marginalizeStage>[2] = {}) {
    return marginalizeStage(this, motifs, options);
  }

  /**
   * tangermeme's `ablate`: a region shuffled (or replaced) in every sequence.
   * @param options - `start`, `end` (1-based region, required), `method` ('shuffle', 'dinucleotide', 'replace'),
   *   `shuffles`, `replacement`, `seed`, and `engine`/`workers`, `onProgress`, `progress` (default true).
   * @returns A promise of a result: the effect per sequence, with a `summary`.
   * @example
   * const stage = promoters.dream2022('test').head(100).model('models/mini');
   * const a = await stage.ablate({ start: 40, end: 60 });
   */
  ablate(options: Parameters<typeof ablateStage>[1]) {
    return ablateStage(this, options);
  }

  /**
   * tangermeme's `space`: motifs A and B at every spacing and orientation; `summary` is the interaction matrix.
   * @param a - Motif A (a motif or a site).
   * @param b - Motif B.
   * @param options - `region`, `start` of A, `spacings`, `orientations`, and `engine`/`workers`, `onProgress`, `progress` (default true).
   * @returns A promise of a result, with the interaction matrix as `summary`.
   * @example
   * const stage = promoters.dream2022('test').head(100).model('models/mini');
   * const s = await stage.space({ name: 'REB1', sequence: 'TTACCCGG' }, { name: 'UME6', sequence: 'TAGCCGCCGA' });
   */
  space(a: Motif | InsertedMotif, b: Motif | InsertedMotif, options: Parameters<typeof spaceStage>[3] = {}) {
    return spaceStage(this, a, b, options);
  }

  /**
   * A alone vs A with B at each spacing, in dinucleotide-shuffled copies of these sequences.
   * @param a - Motif A (a motif or a site).
   * @param b - Motif B.
   * @param options - The experiment's options (see src/interpret's spacing), and `engine`/`workers`, `onProgress`, `progress` (default true).
   * @returns A promise of a result with a `summary` and the `sites` used.
   * @example
   * const stage = promoters.dream2022('test').head(100).model('models/mini');
   * const [ume6, ime1] = jaspar('fungi', { ids: ['UME6', 'IME1'] });
   * const s = await stage.spacing(ume6!, ime1!, { spacings: [0, 5, 10, 20] });
   */
  spacing(a: Motif | InsertedMotif, b: Motif | InsertedMotif, options: Parameters<typeof spacingStage>[3] = {}) {
    return spacingStage(this, a, b, options);
  }

  /**
   * Pairwise influence (double-mutant epistasis) between positions.
   * @param options - `region`, `batchSize`, `onProgress`, `progress` (default true; false: no progress display),
   *   and `engine`/`workers`.
   * @returns A promise of a result: epistasis per pair of positions.
   * @example
   * const stage = promoters.dream2022('test').head(5).model('models/mini');
   * const p = await stage.pairwise({ region: { start: 40, end: 70 } });
   */
  pairwise(options: Parameters<typeof pairwiseStage>[1] = {}) {
    return pairwiseStage(this, options);
  }

  /**
   * Predicted effects of variants of these sequences (SNVs and small indels; see `variantEffects`).
   * @param variants - A table or list of `{ id, position, ref, alt }`.
   * @param options - Prediction settings, and `engine`/`workers`, `onProgress`, `progress` (default true).
   * @returns A promise of a result: one row per variant with its predicted effect.
   * @example
   * const stage = promoters.dream2022('test').head(100).model('models/mini');
   * const v = await stage.variants([{ id: 'sequence_0', position: 45, ref: 'A', alt: 'G' }]);
   */
  variants(variants: Parameters<typeof variantsStage>[1], options: Parameters<typeof variantsStage>[2] = {}) {
    return variantsStage(this, variants, options);
  }

  /**
   * Predicted vs measured effects of the DREAM2022 SNV pairs (on `promoters.dream2022('test')`).
   * @param options - `split` ('all' (default), 'public', 'private'), `limit`, and `engine`/`workers`, `onProgress`, `progress` (default true).
   * @returns A promise of a result: one row per SNV pair, with `scores` (r, ρ, n).
   * @example
   * const snv = await promoters.dream2022('test').model(model).dreamSnv({ split: 'private' });
   */
  dreamSnv(options: Parameters<typeof dreamSnvStage>[1] = {}) {
    return dreamSnvStage(this, options);
  }

  /**
   * Promoter design toward a target expression: greedy from these sequences, or evolutionary.
   * @param options - `method` ('greedy' (default) or 'evolve'), `target` (default: the maximum), the method's
   *   settings, and `engine`/`workers`, `onProgress`, `progress` (default true).
   * @returns A promise of a result: the design trajectory, and `designs`.
   * @example
   * const stage = promoters.dream2022('test').head(3).model('models/mini');
   * const d = await stage.design({ method: 'greedy', target: 14 });
   */
  design(options: DesignStageOptions = {}) {
    return designStage(this, options);
  }

  /**
   * Grad-CAM maps per conv layer (see `gradCam`); `plot()` draws the mean map per layer.
   * @param options - `variant` (default 'standard'), `layers`, `batchSize` (default 64), `onProgress`, `progress`
   *   (default true; false: no progress display).
   * @returns A result: the tidy maps; `plot()` draws the mean map per layer.
   * @example
   * const stage = promoters.dream2022('test').head(200).model('models/mini');
   * const maps = await stage.gradCam({ variant: 'gradient-input' });
   */
  async gradCam(options: Omit<GradCamOptions, 'ids'> & ProgressOption = {}): Promise<Result> {
    const [predictor, data] = await Promise.all([this.predictor(), this.data.run()]);
    const model = firstModel(predictor);
    const { progress, onProgress, ...mapOptions } = options;
    const n = data.table.numRows();
    const maps = await withReportedProgress(`Grad-CAM, ${count(n, 'sequence')}`, { progress, onProgress }, n, (report) =>
      gradCam(model, inputsOf(model, data), { ...mapOptions, ids: data.table.array('id') as string[], onProgress: report }));
    return result(maps, (t, o) =>
      lineBand(t, { x: 'position', y: 'value', color: 'layer', band: 'stdev', title: 'Grad-CAM, mean ± sd over sequences', ...o }),
    );
  }

  /**
   * Sequences encoded for this stage's model (for direct kernel calls).
   * @returns The sequences, encoded as the stage's model expects.
   * @example
   * const stage = promoters.dream2022('test').head(100).model('models/mini');
   * const x = await stage.encoded();
   */
  async encoded(): Promise<Encoded> {
    const [predictor, data] = await Promise.all([this.predictor(), this.data.run()]);
    return inputsOf(firstModel(predictor), data);
  }
}

/**
 * The pipeline's sequences in the model's encoding. The Int channel reads the measured expression, except for
 * DREAM2022 test sequences, which were measured in many cells (the channel is 1, as the authors encode them).
 */
export function inputsOf(model: Model, data: PromoterData): Encoded {
  const { table } = data;
  const expression = table.columnNames().includes('expression') && !isDreamTest(data) ? (table.array('expression') as ArrayLike<number>) : undefined;
  return modelInputs(model, table.array('sequence') as string[], { expression });
}

function expressionOf({ table }: PromoterData): ArrayLike<number> {
  if (!table.columnNames().includes('expression')) {
    throw new ModelError(`training needs an 'expression' column (columns: ${table.columnNames().join(', ')})`, { option: 'data' });
  }
  return table.array('expression') as ArrayLike<number>;
}
