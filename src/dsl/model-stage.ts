/**
 * `promoters(...).model(x)`: a promoter pipeline joined to a model. `x` is a preset name or CNN config (an
 * untrained model: `fit` it), a trained `Model` or `Ensemble`, or the directory of a saved model. Every
 * method encodes the pipeline's sequences the way the model expects and calls one kernel function.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError, ModelError } from '../errors';
import { encode, type Encoded } from '../data/encode';
import { initBackend } from '../kernels/tensor/backend';
import { PRESETS, type CnnConfig, type PresetName } from '../kernels/camformer/config';
import { buildModel, type Model } from '../kernels/camformer/model';
import { loadModel, saveModel } from '../kernels/camformer/persistence';
import { predict, type Ensemble, type Predictor, type PredictOptions } from '../kernels/camformer/predict';
import { fit, type FitOptions } from '../kernels/camformer/train';
import { gradCam, type GradCamOptions } from '../interpret/gradcam';
import { evaluateDream } from '../data/dream2022/evaluate';
import { evaluatePredictions } from '../stats/agreement';
import { densityScatter } from '../viz/scatter';
import { groupedBars, lineBand } from '../viz/categorical';
import type { Promoters } from './promoters';
import { withPlot, type Result } from './result';
import { IsmStage, type IsmStageOptions } from './ism-stage';

export type ModelSource = PresetName | (Partial<CnnConfig> & { base?: PresetName }) | Model | Ensemble | string;

export interface FitStageOptions extends Omit<FitOptions, 'validation'> {
  /** Held-out promoters, or the fraction of the training data to hold out (default 0.08). */
  validation?: Promoters | number;
  /**
   * Save the trained model here (checkpoints go to `saveTo.checkpoint`, and an interrupted run resumes).
   * When the folder already holds a model it is loaded instead of retrained — and the log says so.
   */
  saveTo?: string;
  /** Load an existing model from `saveTo` instead of training (default true). */
  reuse?: boolean;
  /** Where the load/train message goes (default console.log). */
  log?: (message: string) => void;
}

export interface ModelStageOptions {
  /** Seed of the initial weights (and the default training seed). */
  seed?: number;
}

export class ModelStage {
  private model?: Promise<Predictor>;

  constructor(readonly data: Promoters, private readonly source: ModelSource, private readonly options: ModelStageOptions = {}) {}

  /** The model this stage uses (built, loaded or given); built once. */
  predictor(): Promise<Predictor> {
    return (this.model ??= initBackend().then(() => resolveModel(this.source, this.options)));
  }

  /**
   * Trains the model on the pipeline's `expression` column (8% held out for early stopping unless
   * `validation` is given) and resolves to the trained model, whose `history` holds one row per epoch.
   */
  async fit(options: FitStageOptions = {}): Promise<Model> {
    const { validation, saveTo, reuse = true, log = console.log, ...rest } = options;
    if (saveTo && reuse && existsSync(join(saveTo, 'config.json'))) {
      const saved = loadModel(saveTo);
      log(`loaded ${saved.config.name} from ${saveTo} (trained earlier, ${saved.history.length} epochs; delete the folder or pass reuse: false to retrain)`);
      return saved;
    }
    const model = await this.predictor();
    if ('kind' in model) throw new ModelError('an ensemble is trained member by member; fit each model', { option: 'model' });
    const { table } = await this.data.run();
    const x = encodeFor(model, table);
    const y = expressionOf(table);
    const held = validation === undefined || typeof validation === 'number'
      ? validation
      : await validation.run().then(({ table: v }) => ({ x: encodeFor(model, v), y: expressionOf(v) }));
    const checkpointDir = rest.checkpointDir ?? (saveTo ? `${saveTo}.checkpoint` : undefined);
    await fit(model, { x, y }, { seed: this.options.seed, resume: saveTo !== undefined, ...rest, checkpointDir, validation: held });
    if (saveTo) {
      saveModel(model, saveTo);
      log(`trained ${model.config.name} for ${model.history.length} epochs and saved it to ${saveTo}`);
    }
    return model;
  }

  /** The pipeline's table with a `prediction` column; `plot()` draws measured vs predicted when measured exists. */
  async predict(options: PredictOptions = {}): Promise<Result> {
    const model = await this.predictor();
    const { table } = await this.data.run();
    const predicted = await predict(model, encodeFor(firstModel(model), table), options);
    return withPlot(table.assign({ prediction: predicted }), (t, o) =>
      densityScatter(t, { x: 'expression', y: 'prediction', identity: false, xTitle: 'measured', yTitle: 'predicted', ...o }),
    );
  }

  /**
   * Scores predictions against the `expression` column. DREAM2022 test data (with `idx` and `categories`)
   * gets the challenge's per-subset table and weighted scores (`pearsonScore`, `spearmanScore` on the result);
   * anything else gets n, r, r², ρ. `plot()` draws r² and ρ per subset, or measured vs predicted.
   */
  async evaluate(options: PredictOptions & { split?: 'private' | 'public' | 'all' } = {}): Promise<Result<{ pearsonScore?: number; spearmanScore?: number; split?: string; predictions: ColumnTable }>> {
    const { split, ...predictOptions } = options;
    const predictions = await this.predict(predictOptions);
    const columns = predictions.columnNames();
    const measured = predictions.array('expression') as ArrayLike<number>;
    const predicted = predictions.array('prediction') as ArrayLike<number>;
    if (columns.includes('idx') && columns.includes('categories')) {
      const { pairs } = (await this.data.run()).extras;
      const result = evaluateDream(predictions.array('idx') as ArrayLike<number>, predicted, { split: split ?? 'private', pairs, test: predictions });
      const long = aq.from(result.subsets.flatMap((s) => [{ subset: s.subset, metric: 'r²', value: s.r2 }, { subset: s.subset, metric: 'ρ', value: s.rho }]));
      return withPlot(result.table, (_, o) => groupedBars(long, { x: 'subset', y: 'value', color: 'metric', title: `DREAM2022 ${result.split} split`, ...o }), {
        pearsonScore: result.pearsonScore, spearmanScore: result.spearmanScore, split: result.split, predictions,
      });
    }
    return withPlot(evaluatePredictions(measured, predicted), () => predictions.plot(), { predictions });
  }

  /** In silico saturation mutagenesis of every sequence (see `ismScores`). */
  ism(options: IsmStageOptions = {}): IsmStage {
    return new IsmStage(this, options);
  }

  /** Grad-CAM maps per conv layer (see `gradCam`); `plot()` draws the mean map per layer. */
  async gradCam(options: Omit<GradCamOptions, 'ids'> = {}): Promise<Result> {
    const model = firstModel(await this.predictor());
    const { table } = await this.data.run();
    const maps = gradCam(model, encodeFor(model, table), { ...options, ids: table.array('id') as string[] });
    return withPlot(maps, (t, o) =>
      lineBand(t, { x: 'position', y: 'value', color: 'layer', band: 'stdev', title: 'Grad-CAM, mean ± sd over sequences', ...o }),
    );
  }

  /** Sequences encoded for this stage's model (helper for direct kernel calls). */
  async encoded(): Promise<Encoded> {
    return encodeFor(firstModel(await this.predictor()), (await this.data.run()).table);
  }
}

function resolveModel(source: ModelSource, options: ModelStageOptions): Predictor {
  if (typeof source === 'string') {
    if ((PRESETS as readonly string[]).includes(source)) return buildModel(source as PresetName, options);
    if (source.endsWith('.json') && existsSync(source)) return buildModel(readConfigFile(source), options);
    if (existsSync(source)) return loadModel(source);
    throw new ModelError(`'${source}' is neither a model name (${PRESETS.join(', ')}), a config .json file nor a saved model directory`, { option: 'model' });
  }
  if ('kind' in source || 'params' in source) return source as Predictor;
  return buildModel(source, options);
}

/** A CNN config (JSON; a partial config may name a preset as `base`). */
function readConfigFile(file: string): Partial<CnnConfig> & { base?: PresetName } {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`not a JSON model config: ${(error as Error).message}`, { file });
  }
}

export function firstModel(predictor: Predictor): Model {
  return 'kind' in predictor ? predictor.models[0]! : predictor;
}

/** The table's sequences in the model's encoding; a length mismatch names `.preprocess()` as the fix. */
export function encodeFor(model: Model, table: ColumnTable): Encoded {
  const sequences = table.array('sequence') as string[];
  const wrong = sequences.findIndex((s) => s.length !== model.inputLength);
  if (wrong >= 0) {
    throw new ModelError(
      `sequence ${wrong + 1} has length ${sequences[wrong]!.length} but model '${model.config.name}' takes ${model.inputLength} nt; ` +
        `use .preprocess({ length: ${model.inputLength} }) to pad/truncate`,
      { option: 'sequences' },
    );
  }
  const expression = table.columnNames().includes('expression') && !table.columnNames().includes('idx')
    ? (table.array('expression') as ArrayLike<number>)
    : undefined; // test sequences (with idx) are multi-cell measurements: Int channel 1
  return encode(sequences, model.encoding, { expression });
}

function expressionOf(table: ColumnTable): ArrayLike<number> {
  if (!table.columnNames().includes('expression')) {
    throw new ModelError(`training needs an 'expression' column (columns: ${table.columnNames().join(', ')})`, { option: 'data' });
  }
  return table.array('expression') as ArrayLike<number>;
}
