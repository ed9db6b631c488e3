/**
 * Training a Camformer-family model: the family's side of the one training loop (../tensor/loop.ts). The
 * training rows are read through `SequenceRows`, so each batch is encoded just before its tensor is built and
 * a data set is never copied per epoch; the validation split is a seeded set of row indices into the same
 * rows (random, or stratified on expression deciles as the authors split). Validation scores r + ρ (the Camformer
 * authors' early-stopping criterion, validation.ts). Two engines run the steps: ONNX Runtime's compiled training
 * graph (onnx-run.ts; the default where it loads and can run the recipe, see engine.ts) and tfjs, in this thread
 * or data-parallel with a worker thread (`workers: 2`). `recipe: 'paper'` sets every option the authors' runs
 * used (recipe.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tensor/tf';
import { OptionError } from '../../errors';
import type { Encoded } from '../../data/encode';
import { encodedRows, isSequenceRows, type SequenceRows } from '../../data/rows';
import { createRandom, deriveSeed } from '../../stats/random';
import { stratifiedSplits } from '../../stats/stratify';
import type { NamedArray } from '../tensor/checkpoint';
import {
  trainLoop, withDefaults, type HistoryRow, type LoopCallback, type ProgressEvent, type StepSettings, type TrainingRun, type Validation,
  type ValidationContext,
} from '../tensor/loop';
import { LOSSES, type LossName } from '../tensor/losses';
import { createOptimizer, type Optimizer, type OptimizerName } from '../tensor/optimizers';
import type { ScheduleName, ScheduleOptions } from '../tensor/schedules';
import { assignNamedArrays, toNamedArrays, optimizerStateArrays, restoreOptimizerState } from '../tensor/variables';
import type { CnnConfig, PresetName } from './config';
import { chooseTrainingEngine, type EngineChoice, type TrainingEngine } from './engine';
import { buildModel, type BuildOptions, type Model } from './model';
import { loadModel, saveModel } from './persistence';
import { recipeFitOptions, RECIPES, type Recipe } from './recipe';
import { ensemble, type Ensemble } from './predict';
import { OnnxCamformerRun } from './onnx-run';
import { parallelTrainStep, trainStep } from './step';
import { predictSubset, scoreValidation, validationSubset, type Subset } from './validation';
import { ModelWorker } from './workers/pool';

/** Sequences (encoded, or rows encoded per batch) and their measured expression. */
export interface TrainingData {
  /** Sequences, in the model's encoding and length. */
  x: Encoded | SequenceRows;
  /** Measured expression, one per sequence. */
  y: ArrayLike<number>;
}

export type { ProgressEvent };

/** Options of {@link fit}: the loop's options with Camformer's defaults. */
export interface FitOptions {
  /**
   * The Camformer authors' training recipe for this preset (see recipe.ts and the README section "The authors'
   * recipe"): 'paper' is the preset's published run (camformer: run 9, L1 + ReduceLROnPlateau; camformer-small:
   * run 141, Huber δ 0.9 + ReduceLROnPlateau; camformer-mini: run 219, MSE + ReduceLROnPlateau), 'paper-large' is
   * run 14 (Huber δ 0.9 + OneCycleLR with β₁ cycling) on the camformer structure. It sets epochs 50, patience 10,
   * batch 256, AdamW lr 1e-3 (OneCycle: max 0.01), weight decay 1e-3, ReduceLROnPlateau as PyTorch's (on the
   * validation loss, factor 0.1, patience 10, relative threshold 1e-4), the stratified 90 / 5 / 5 split, dropped
   * last partial batches (training and validation), the best score starting at −1, and one thread. Options given
   * explicitly override the recipe's. Default: none (cislab's defaults below).
   */
  recipe?: Recipe;
  /** Default 20. */
  epochs?: number;
  /** Default 256. */
  batchSize?: number;
  /** Default 'l1'. */
  loss?: LossName;
  /** Huber's δ (default 1, PyTorch's default; the recipe: 0.9). */
  huberDelta?: number;
  /** Default 'adamw'. */
  optimizer?: OptimizerName;
  /** Default 1e-3. */
  lr?: number;
  /** Default 1e-3. */
  weightDecay?: number;
  /** Default 'plateau'. */
  schedule?: ScheduleName;
  /** Options of the schedule (plateau: factor 0.5, patience 2; …). */
  scheduleOptions?: ScheduleOptions;
  /** Held-out data, or the fraction of the training data to hold out (seeded; default 0.08). */
  validation?: TrainingData | number;
  /**
   * How a fractional hold-out is drawn (default 'random'). 'stratified' is the authors' split (stratifiedSplits):
   * expression cut into 10 quantile bins, 2 × validation held out in proportion to the bins and halved into the
   * validation rows and a test part that is left out of training too (validation 0.05 = their 90 / 5 / 5).
   */
  split?: 'random' | 'stratified';
  /**
   * Validate as the authors' validation loader does: the rows in a shuffled order (seeded per epoch), in batches
   * of batchSize with the last partial batch dropped; loss, r and ρ over the rows kept (default false: every row).
   */
  validationDropLast?: boolean;
  /** The score an epoch must beat to be the first best (default −Infinity; the recipe: −1, as the authors). */
  initialBest?: number;
  /** Epochs without improvement of validation r + ρ before stopping (default 5; Infinity: never). */
  patience?: number;
  /** Seed of split, shuffling and dropout (default 0). */
  seed?: number;
  /** Put the best epoch's weights back at the end (default true). */
  restoreBest?: boolean;
  /** Stop after this many optimiser steps (default: no limit). */
  maxSteps?: number;
  /** Drop each epoch's last partial batch (default false). */
  dropLast?: boolean;
  /** Checkpoint directory: a checkpoint at every epoch end and every `checkpointEvery` steps. */
  checkpointDir?: string;
  /** Optimiser steps between checkpoints within an epoch (default: epoch ends only). */
  checkpointEvery?: number;
  /** Continue from `checkpointDir` if it holds a checkpoint. */
  resume?: boolean;
  /** Called with every progress event (batch, epoch, end). */
  onProgress?: (event: ProgressEvent) => void;
  /** Extra hooks into the loop; one returning 'stop' ends training. */
  callbacks?: readonly LoopCallback[];
  /**
   * Threads that share each batch (default 1). With 2, half of every batch runs in a worker thread with its
   * own wasm backend and the gradients are averaged (data parallel); batch-norm statistics are then per half
   * batch, as in PyTorch's DistributedDataParallel without SyncBatchNorm. The tfjs engine's setting: ONNX
   * Runtime uses every core within each step.
   */
  workers?: number;
  /**
   * Engine of the training steps (default `CISLAB_ENGINE`, else 'auto'): 'onnx' (ONNX Runtime, the compiled
   * step), 'tfjs', or 'auto' (ONNX Runtime where it loads and compiles the optimiser, see engine.ts). Either
   * way the trained weights end up in `model`, which saves and predicts the same after both engines. A seed
   * repeats a run exactly, and both engines draw the same dropout masks for it: 'onnx' and 'tfjs' with
   * `workers: 1` train the same model (to float rounding).
   */
  engine?: TrainingEngine;
  /**
   * Called once before the first step with the engine chosen and why (every progress event also names it).
   * Default: an 'auto' run that falls back to tfjs says why on stderr; other choices are silent.
   */
  onEngine?: (choice: EngineChoice) => void;
}

const DEFAULTS = {
  epochs: 20, batchSize: 256, loss: 'l1' as LossName, optimizer: 'adamw' as OptimizerName, lr: 1e-3, weightDecay: 1e-3,
  schedule: 'plateau' as ScheduleName, patience: 5, seed: 0, split: 'random' as 'random' | 'stratified', validationDropLast: false,
};

/**
 * The seeded hold-out of `fit`: indices of the validation rows, the training rows and (stratified split only) the
 * test rows left out of both. Random: round(fraction · n) validation rows. Stratified (needs `y`): the authors'
 * split with trainFraction 1 − 2 · fraction (stratifiedSplits).
 * @param n - Number of rows.
 * @param fraction - Share held out for validation, in [0, 1) (stratified: in (0, 0.5); as much again is the test).
 * @param seed - Seed of the shuffle.
 * @param options - `split` ('random', default, or 'stratified') and `y` (the n targets, for 'stratified').
 * @returns Row indices of the validation, training and test rows (test empty for a random split).
 * @example
 * const { train, validation, test } = validationIndices(y.length, 0.05, 42, { split: 'stratified', y });
 */
export function validationIndices(
  n: number, fraction: number, seed: number, options: { split?: 'random' | 'stratified'; y?: ArrayLike<number> } = {},
): { validation: Int32Array; train: Int32Array; test: Int32Array } {
  if (!(fraction >= 0 && fraction < 1)) throw new OptionError(`expected a validation fraction in [0, 1), got ${fraction}`, { option: 'validation' });
  const split = options.split ?? 'random';
  if (split === 'stratified') {
    if (!(fraction > 0 && fraction < 0.5)) throw new OptionError(`a stratified split needs a validation fraction in (0, 0.5), got ${fraction}`, { option: 'validation' });
    if (!options.y || options.y.length !== n) throw new OptionError('a stratified split needs the n targets', { option: 'y' });
    const { train, validation, test } = stratifiedSplits(options.y, { trainFraction: 1 - 2 * fraction, seed });
    return { train, validation, test };
  }
  if (split !== 'random') throw new OptionError(`unknown split '${split as string}'; expected random or stratified`, { option: 'split' });
  const order = createRandom(deriveSeed(seed, 'validation-split')).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const nVal = Math.round(fraction * n);
  return { validation: order.subarray(0, nVal), train: order.subarray(nVal), test: new Int32Array(0) };
}

/**
 * Trains `model` in place; resolves to the history (one row per epoch, also kept in model.history).
 * @param model - The model, trained in place.
 * @param data - Sequences (`x`, encoded or as rows) and measured expression (`y`).
 * @param options - `epochs` (default 20), `batchSize` (256), `loss` ('l1'), `optimizer` ('adamw'), `lr` (1e-3),
 *   `weightDecay` (1e-3), `schedule` ('plateau'), `validation` (data or a held-out fraction, default 0.08),
 *   `patience` (5), `seed` (0), `restoreBest` (true), `maxSteps`, `dropLast` (false), `checkpointDir`,
 *   `checkpointEvery`, `resume`, `onProgress`, `callbacks`, `workers` (1).
 * @returns The history, one row per epoch (also in `model.history`).
 * @example
 * const model = buildModel('camformer-mini', { seed: 7 });
 * const history = await fit(model, { x: encode(sequences, model.encoding), y: expression }, { epochs: 10 });
 */
export async function fit(model: Model, data: TrainingData, options: FitOptions = {}): Promise<HistoryRow[]> {
  if (options.recipe !== undefined && !RECIPES.includes(options.recipe)) {
    throw new OptionError(`unknown recipe '${options.recipe as string}'; expected ${RECIPES.join(' or ')}`, { option: 'recipe' });
  }
  const o = withDefaults(options.recipe ? { ...DEFAULTS, ...recipeFitOptions(model, options.recipe) } : DEFAULTS, options);
  if (!LOSSES.includes(o.loss)) throw new OptionError(`unknown loss '${o.loss}'; expected ${LOSSES.join(', ')}`, { option: 'loss' });
  const rows = rowsOf(model, data.x, 'x');
  if (data.y.length !== rows.count) throw new OptionError(`${data.y.length} targets for ${rows.count} sequences`, { option: 'y' });
  const y = Float32Array.from(data.y);
  let train: Subset;
  let validation: Subset;
  if (typeof o.validation === 'object') {
    const held = rowsOf(model, o.validation.x, 'validation');
    train = { rows, index: Int32Array.from({ length: rows.count }, (_, i) => i), y };
    validation = { rows: held, index: Int32Array.from({ length: held.count }, (_, i) => i), y: Float32Array.from(o.validation.y) };
  } else {
    const split = validationIndices(rows.count, o.validation ?? 0.08, o.seed, { split: o.split, y });
    train = { rows, index: split.train, y };
    validation = { rows, index: split.validation, y };
  }
  if (o.validationDropLast && validation.index.length > 0 && validation.index.length < o.batchSize) {
    throw new OptionError(`${validation.index.length} validation rows make no full batch of ${o.batchSize} (validationDropLast)`, { option: 'validationDropLast' });
  }
  const cyclesMomentum = o.schedule === 'onecycle' && o.scheduleOptions?.cycleMomentum === true;
  const choice = chooseTrainingEngine({ engine: o.engine, optimizer: o.optimizer, cyclesMomentum });
  // Without a listener, only a fallback is said (on stderr): asking for ONNX Runtime and getting tfjs is news.
  if (o.onEngine) o.onEngine(choice);
  else if (choice.engine === 'tfjs' && choice.reason.startsWith('auto:')) console.error(`cislab: ${choice.reason}`);
  const run = choice.engine === 'onnx'
    ? await OnnxCamformerRun.create(model, train, validation, {
      loss: o.loss, huberDelta: o.huberDelta, optimizer: o.optimizer, weightDecay: o.weightDecay,
      batchSize: o.batchSize, validationDropLast: o.validationDropLast,
    })
    : new CamformerRun(model, train, validation, o);
  const onProgress = o.onProgress && ((event: ProgressEvent) => o.onProgress!({ ...event, engine: choice.engine }));
  try {
    const history = await trainLoop(run, {
      epochs: o.epochs, batchSize: o.batchSize, learningRate: o.lr, schedule: o.schedule, scheduleOptions: o.scheduleOptions,
      seed: o.seed, maxSteps: o.maxSteps, dropLast: o.dropLast, patience: o.patience, restoreBest: o.restoreBest ?? true, initialBest: o.initialBest,
      checkpointDir: o.checkpointDir, checkpointEvery: o.checkpointEvery, resume: o.resume, onProgress,
      callbacks: o.callbacks,
    });
    if (run instanceof OnnxCamformerRun) run.finish();
    model.history = history;
    return history;
  } finally {
    await run.dispose();
  }
}

function rowsOf(model: Model, x: Encoded | SequenceRows, option: string): SequenceRows {
  const rows = isSequenceRows(x) ? x : encodedRows(x);
  model.checkInput([rows.count, rows.length, rows.channels], option);
  if (rows.encoding !== model.encoding) {
    throw new OptionError(`${option} is '${rows.encoding}'-encoded but the model expects '${model.encoding}'`, { option });
  }
  return rows;
}

/** The Camformer family's side of the training loop, on tfjs. */
class CamformerRun implements TrainingRun {
  readonly examples: number;
  private readonly optimizer: Optimizer;
  private readonly helper?: ModelWorker;

  constructor(
    private readonly model: Model,
    private readonly train: Subset,
    private readonly validation: Subset,
    private readonly options: {
      loss: LossName; huberDelta?: number; optimizer: OptimizerName; weightDecay: number; workers?: number;
      batchSize: number; validationDropLast: boolean;
    },
  ) {
    this.examples = train.index.length;
    this.optimizer = createOptimizer(options.optimizer, { weightDecay: options.weightDecay });
    this.helper = (options.workers ?? 1) > 1 ? new ModelWorker(model) : undefined;
  }

  async step(rows: Int32Array, settings: StepSettings) {
    const picked = Int32Array.from(rows, (r) => this.train.index[r]!);
    const { length, channels } = this.train.rows;
    const xb = tf.tensor3d(this.train.rows.encodeRows(picked), [picked.length, length, channels]);
    const yb = tf.tensor1d(Float32Array.from(picked, (r) => this.train.y[r]!));
    const step = { loss: this.options.loss, huberDelta: this.options.huberDelta, lr: settings.learningRate, beta1: settings.beta1, dropoutSeed: settings.seed };
    try {
      const loss = this.helper
        ? await parallelTrainStep(this.model, this.optimizer, this.helper, xb, yb, step)
        : await trainStep(this.model, this.optimizer, xb, yb, step);
      return { loss };
    } finally {
      tf.dispose([xb, yb]);
    }
  }

  /**
   * Loss, r and ρ on the held-out rows, predicted 1,024 at a time; with validationDropLast, on the rows of the
   * full batches of this epoch's shuffled order (validationSubset).
   */
  async validate(context: ValidationContext): Promise<Validation> {
    const subset = validationSubset(this.validation, context, { dropLast: this.options.validationDropLast, batchSize: this.options.batchSize });
    if (subset.index.length < 2) return { loss: NaN };
    const { length, channels } = subset.rows;
    const predicted = await predictSubset(subset, async (x, n) => {
      const out = tf.tidy(() => this.model.apply(tf.tensor3d(x, [n, length, channels])));
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    });
    return scoreValidation(subset, predicted, this.options.loss, { huberDelta: this.options.huberDelta });
  }

  weights(): NamedArray[] {
    return [...toNamedArrays(this.model.params), ...toNamedArrays(this.model.state)];
  }

  setWeights(weights: readonly NamedArray[]): void {
    assignNamedArrays(this.model.params, weights);
    assignNamedArrays(this.model.state, weights);
    this.model.markChanged();
  }

  optimizerState() {
    return optimizerStateArrays(this.optimizer);
  }

  setOptimizerState(state: { step: number; arrays: readonly NamedArray[] }): void {
    restoreOptimizerState(this.optimizer, state);
  }

  describe() {
    return {
      family: 'camformer', config: this.model.config, optimizer: this.options.optimizer,
      examples: this.examples, validation: this.validation.index.length,
    };
  }

  async dispose(): Promise<void> {
    this.optimizer.dispose();
    await this.helper?.terminate();
  }
}

/** Options of {@link fitSaved}: those of {@link fit} plus reuse and logging. */
export interface FitSavedOptions extends FitOptions {
  /** Load the model already saved in the directory instead of training again (default true). */
  reuse?: boolean;
  /** Where the load/train message goes (default console.log). */
  log?: (message: string) => void;
}

/**
 * Trains `model` and saves it to `dir`, checkpointing beside it (`DIR.checkpoint`, resumed after an interruption);
 * when `dir` already holds a saved model it is loaded instead (with `reuse`, the default) and the log says so.
 * Resolves to the trained (or loaded) model.
 * @param model - The model to train (unused when a saved one is reused).
 * @param data - Sequences and measured expression, as {@link fit} takes.
 * @param dir - The model directory; checkpoints go to `DIR.checkpoint`.
 * @param options - {@link FitOptions}, plus `reuse` (default true) and `log` (default console.log).
 * @returns The trained or loaded model.
 * @example
 * const trained = await fitSaved(buildModel('camformer-mini'), data, 'models/mini', { epochs: 20 });
 */
export async function fitSaved(model: Model, data: TrainingData, dir: string, options: FitSavedOptions = {}): Promise<Model> {
  const { reuse = true, log = console.log, ...fitOptions } = options;
  if (reuse && existsSync(join(dir, 'config.json'))) {
    const saved = loadModel(dir);
    log(`loaded ${saved.config.name} from ${dir} (trained earlier, ${saved.history.length} epochs; delete the folder or pass reuse: false to retrain)`);
    return saved;
  }
  await fit(model, data, { checkpointDir: `${dir}.checkpoint`, resume: true, ...fitOptions });
  saveModel(model, dir);
  log(`trained ${model.config.name} for ${model.history.length} epochs and saved it to ${dir}`);
  return model;
}

/**
 * Trains one model per seed (same config, data and options) and returns them as an ensemble.
 * @param nameOrConfig - A preset name or a (partial) config.
 * @param seeds - One model is built and trained per seed.
 * @param data - Sequences and measured expression, as {@link fit} takes.
 * @param fitOptions - Options of {@link fit} (each member's `seed` is its own).
 * @param buildOptions - Options of {@link buildModel}.
 * @returns An {@link Ensemble} of the trained models.
 * @example
 * const members = await seedEnsemble('camformer-mini', [1, 2, 3], data, { epochs: 10 });
 * const predicted = await predict(members, x);
 */
export async function seedEnsemble(
  nameOrConfig: PresetName | (Partial<CnnConfig> & { base?: PresetName }),
  seeds: readonly number[],
  data: TrainingData,
  fitOptions: FitOptions = {},
  buildOptions: BuildOptions = {},
): Promise<Ensemble> {
  const models: Model[] = [];
  for (const seed of seeds) {
    const model = buildModel(nameOrConfig, { ...buildOptions, seed });
    await fit(model, data, { ...fitOptions, seed });
    models.push(model);
  }
  return ensemble(models);
}
