/**
 * Training and evaluation of DeepRAGE models. Splits follow the paper's three settings — unseen genes,
 * unseen conditions, unseen gene × condition pairs — at 60 / 10 / 30 (train / validation / test). A step
 * takes a batch of genes with every condition and masks the loss to the pairs of the training split, so all
 * three settings share one step. Optimisers: Adam (default) or SGD (with momentum 0.9 by default; the paper's
 * Keras SGD had none), the two the paper used; the learning rate is halved when the validation score (−loss, or
 * the accuracy with `selectBy: 'accuracy'`, the paper's) has not improved for `patience` epochs, and the weights of
 * the best validation epoch are kept — all through the one training loop (../tensor/loop.ts). `recipe: 'paper'`
 * sets the paper's design and training (recipe.ts).
 */
import { tf } from '../tensor/tf';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../../errors';
import { encode } from '../../data/encode';
import type { DeepRageData } from '../../data/expression-matrix';
import { createRandom } from '../../stats/random';
import type { NamedArray } from '../tensor/checkpoint';
import { trainLoop, withDefaults, type ProgressEvent, type StepSettings, type TrainingRun, type Validation } from '../tensor/loop';
import { createOptimizer, type Optimizer } from '../tensor/optimizers';
import { assignNamedArrays, toNamedArrays, optimizerStateArrays, restoreOptimizerState } from '../tensor/variables';
import { createDeepRageModel, DEFAULT_DEEPRAGE_CONFIG, type DeepRageConfig, type DeepRageModel } from './model';
import { DEEPRAGE_RECIPES, deepRageRecipe, type DeepRageRecipe } from './recipe';

export const DEEPRAGE_SPLITS = ['gene', 'condition', 'pair'] as const;
export type DeepRageSplitKind = (typeof DEEPRAGE_SPLITS)[number];
/** Per pair (genes × conditions, row-major): 0 train, 1 validation, 2 test, 255 missing value. */
export type DeepRageSplit = Uint8Array;
export const DEEPRAGE_SUBSETS = ['train', 'validation', 'test'] as const;

export function splitDeepRage(data: DeepRageData, kind: DeepRageSplitKind = 'gene', seed = 1, fractions: [number, number, number] = [0.6, 0.1, 0.3]): DeepRageSplit {
  if (!DEEPRAGE_SPLITS.includes(kind)) throw new OptionError(`unknown split '${kind}'; expected ${DEEPRAGE_SPLITS.join(', ')}`, { option: 'split' });
  const random = createRandom(seed).fork('deeprage-split', kind);
  const assign = (n: number) => {
    const order = random.shuffle(Array.from({ length: n }, (_, i) => i));
    const part = new Uint8Array(n);
    const nTrain = Math.round(fractions[0] * n);
    const nVal = Math.round(fractions[1] * n);
    order.forEach((item, rank) => (part[item] = rank < nTrain ? 0 : rank < nTrain + nVal ? 1 : 2));
    return part;
  };
  const G = data.genes.length;
  const C = data.conditions.length;
  const split = new Uint8Array(G * C);
  const byGene = kind === 'gene' ? assign(G) : undefined;
  const byCondition = kind === 'condition' ? assign(C) : undefined;
  const byPair = kind === 'pair' ? assign(G * C) : undefined;
  for (let g = 0; g < G; g++) {
    for (let c = 0; c < C; c++) {
      const i = g * C + c;
      split[i] = Number.isNaN(data.expression[i]!) ? 255 : byGene ? byGene[g]! : byCondition ? byCondition[c]! : byPair![i]!;
    }
  }
  return split;
}

/**
 * Options of {@link trainDeepRage}: training settings plus any field of the model config (defaults: join
 * 'tensor', task 'regression', classes 3, filters 16, kernelSize 11, pool 25, tfHidden 32, tfEmbedding 16,
 * dense [64, 32], rnnUnits 16, convActivation 'linear', bothStrands true, seed 1).
 */
export interface TrainDeepRageOptions extends Partial<Omit<DeepRageConfig, 'sequenceLength' | 'regulators'>> {
  /** The held-out setting — unseen 'gene' (default), 'condition' or 'pair' (60/10/30) — or a split made by hand. */
  split?: DeepRageSplitKind | DeepRageSplit;
  /** Default 12. */
  epochs?: number;
  /** Genes per step, each with every condition (default 8). */
  batchGenes?: number;
  /** Default 5e-3. */
  learningRate?: number;
  /** Default 'adam'; 'sgd' is SGD with `momentum`. */
  optimizer?: 'adam' | 'sgd';
  /** SGD's momentum (default 0.9; the recipe: 0, Keras 1.2.2's SGD default). */
  momentum?: number;
  /** Adam's ε (default 1e-7, tfjs's; the recipe: 1e-8, Keras's). */
  epsilon?: number;
  /** Epochs without validation improvement before the learning rate is halved (default 3; the paper: 5). */
  patience?: number;
  /**
   * The validation score behind the best epoch and the halving (default 'loss': −validation loss);
   * 'accuracy' (classification only) is the paper's "validation accuracy".
   */
  selectBy?: 'loss' | 'accuracy';
  /**
   * 3-class task: the share of training pairs in the baseline class, which sets the symmetric threshold on
   * |expression| (default 1/3: balanced classes; the paper's Table 2 implies 0.66, PAPER_BASELINE_SHARE).
   */
  baselineShare?: number;
  /**
   * The paper's design and training (recipe.ts): 256 ReLU filters on the forward strand, one-layer ReLU TF network,
   * concat unpooled, SGD 0.01 (concat, tensor) or Adam 1e-3 (rnn), halving after 5 epochs without a better
   * validation accuracy, the paper's class balance. Options given explicitly override it.
   */
  recipe?: DeepRageRecipe;
  /** Called with every progress event of the training loop. */
  onProgress?: (event: ProgressEvent) => void;
}

/** What {@link trainDeepRage} returns: the trained model, the split it was trained on and its history. */
export interface TrainedDeepRage {
  /** The trained model. */
  model: DeepRageModel;
  /** Per gene × condition pair (row-major): 0 train, 1 validation, 2 test, 255 missing. */
  split: DeepRageSplit;
  /** One row per epoch: `epoch, step, trainLoss, valLoss, score, learningRate, seconds, examplesPerSecond`. */
  history: ColumnTable;
}

/** One-hot promoters as a tensor [genes, L, 4]. */
export function promoterTensor(sequences: readonly string[]): tf.Tensor3D {
  const { data, shape } = encode(sequences, 'onehot');
  return tf.tensor3d(data, shape as [number, number, number]);
}

/**
 * Trains DeepRAGE through the one training loop: the examples are the genes with a training pair; the learning
 * rate halves after `patience` epochs without a lower validation loss (the paper's schedule), and the best
 * epoch's weights are kept.
 * @param data - Genes, conditions, regulators, promoter sequences, the expression matrix and regulator expression.
 * @param options - `split` (default 'gene'), `epochs` (default 12), `batchGenes` (default 8), `learningRate`
 *   (default 5e-3), `optimizer` ('adam' (default) or 'sgd'), `patience` (default 3), `onProgress`, and model
 *   config fields (see {@link TrainDeepRageOptions}).
 * @returns The model, the split and the history.
 * @example
 * const sim = simulateDeepRage({ motifs: jaspar('fungi'), seed: 1 });
 * const trained = await trainDeepRage(sim, { split: 'gene', epochs: 8 });
 */
export async function trainDeepRage(data: DeepRageData, options: TrainDeepRageOptions = {}): Promise<TrainedDeepRage> {
  if (options.recipe !== undefined && !DEEPRAGE_RECIPES.includes(options.recipe)) {
    throw new OptionError(`unknown recipe '${options.recipe as string}'; expected ${DEEPRAGE_RECIPES.join(', ')}`, { option: 'recipe' });
  }
  const join = options.join ?? DEFAULT_DEEPRAGE_CONFIG.join;
  const task = options.task ?? DEFAULT_DEEPRAGE_CONFIG.task;
  const merged: TrainDeepRageOptions = options.recipe ? withDefaults(deepRageRecipe(join, task), options) : options;
  // Defaults from quick-mode tuning on the simulator: small gene batches (more updates) matter most for
  // the filters to find motifs; see test/kernels/deeprage/knockout.test.ts.
  const {
    epochs = 12, batchGenes = 8, learningRate = 5e-3, optimizer = 'adam', momentum = 0.9, epsilon = 1e-7, patience = 3, selectBy = 'loss',
    baselineShare = 1 / 3, onProgress, split: splitOption = 'gene', recipe: _recipe, ...config
  } = merged;
  if (selectBy !== 'loss' && selectBy !== 'accuracy') throw new OptionError(`selectBy must be 'loss' or 'accuracy', got '${selectBy as string}'`, { option: 'selectBy' });
  if (selectBy === 'accuracy' && task !== 'classification') throw new OptionError('selectBy accuracy needs the classification task', { option: 'selectBy' });
  if (!(baselineShare > 0 && baselineShare < 1)) throw new OptionError(`baselineShare must be in (0, 1), got ${baselineShare}`, { option: 'baselineShare' });
  const seed = config.seed ?? 1;
  const split = typeof splitOption === 'string' ? splitDeepRage(data, splitOption, seed) : splitOption;
  const G = data.genes.length;
  const C = data.conditions.length;
  if (split.length !== G * C) throw new OptionError(`split has ${split.length} pairs, data has ${G * C}`, { option: 'split' });
  const model = createDeepRageModel({ ...config, sequenceLength: data.sequences[0]!.length, regulators: data.regulators.length });
  fitTargetScale(model, data, split, baselineShare);
  const run = new DeepRageRun(model, data, split, { optimizer, momentum, epsilon, selectBy }, batchGenes);
  try {
    const history = await trainLoop(run, {
      epochs, batchSize: batchGenes, learningRate, seed, onProgress, restoreBest: true,
      // Halve after `patience` epochs without improvement (Schedule counts the epochs past its patience).
      schedule: 'plateau', scheduleOptions: { factor: 0.5, patience: patience - 1, threshold: 1e-4, minLr: 0 },
    });
    return { model, split, history: aq.from(history) };
  } finally {
    run.dispose();
  }
}

/** DeepRAGE's side of the training loop: a batch of genes with every condition, the loss masked to training pairs. */
class DeepRageRun implements TrainingRun {
  readonly examples: number;
  private readonly onehot: tf.Tensor3D;
  private readonly regulators: tf.Tensor2D;
  private readonly targets: tf.Tensor2D;
  private readonly trainWeight: tf.Tensor2D;
  private readonly valWeight: tf.Tensor2D;
  private readonly trainGenes: Int32Array;
  private readonly valGenes: number[];
  private readonly optimizer: Optimizer;
  /** Variables by position (tfjs-layers names carry a per-process counter, so they are not stable names). */
  private readonly variables: Map<string, tf.Variable>;

  constructor(
    private readonly model: DeepRageModel, data: DeepRageData, split: DeepRageSplit,
    private readonly settings: { optimizer: 'adam' | 'sgd'; momentum: number; epsilon: number; selectBy: 'loss' | 'accuracy' },
    private readonly batchGenes: number,
  ) {
    const G = data.genes.length;
    const C = data.conditions.length;
    this.onehot = promoterTensor(data.sequences);
    this.regulators = tf.tensor2d(data.regulatorExpression, [C, data.regulators.length]);
    this.targets = targetTensor(model, data.expression, [G, C]);
    this.trainWeight = tf.tensor2d(Float32Array.from(split, (s) => (s === 0 ? 1 : 0)), [G, C]);
    this.valWeight = tf.tensor2d(Float32Array.from(split, (s) => (s === 1 ? 1 : 0)), [G, C]);
    const genesWith = (part: number) => Array.from({ length: G }, (_, g) => g).filter((g) => split.subarray(g * C, (g + 1) * C).some((s) => s === part));
    this.trainGenes = Int32Array.from(genesWith(0));
    this.valGenes = genesWith(1);
    this.examples = this.trainGenes.length;
    // Adam with tfjs's float32 epsilon (1e-7) by default, as tf.train.adam used before; SGD with momentum 0.9 by default.
    this.optimizer = createOptimizer(settings.optimizer, { epsilon: settings.epsilon, momentum: settings.momentum });
    this.variables = new Map(model.variables.map((v, i) => [`v${i}`, v]));
  }

  step(rows: Int32Array, { learningRate, beta1 }: StepSettings) {
    const idx = tf.tensor1d(Int32Array.from(rows, (r) => this.trainGenes[r]!), 'int32');
    const { value, grads } = tf.variableGrads(() => tf.tidy(() =>
      maskedLoss(this.model, tf.gather(this.onehot, idx), this.regulators, tf.gather(this.targets, idx), tf.gather(this.trainWeight, idx))), [...this.variables.values()]);
    const named: Record<string, tf.Tensor> = {};
    for (const [name, v] of this.variables) if (grads[v.name]) named[name] = grads[v.name]!;
    this.optimizer.step(this.variables, named, learningRate, { beta1 });
    const loss = value.dataSync()[0]!;
    tf.dispose([value, idx, ...Object.values(grads)]);
    return { loss };
  }

  validate(): Validation {
    if (!this.valGenes.length) return { loss: NaN };
    const { loss, accuracy } = evaluateLoss(this.model, this.onehot, this.regulators, this.targets, this.valWeight, this.valGenes, this.batchGenes);
    const metrics = this.model.config.task === 'classification' ? { valAccuracy: accuracy } : undefined;
    return { loss, score: this.settings.selectBy === 'accuracy' ? accuracy : -loss, metrics };
  }

  weights(): NamedArray[] {
    return toNamedArrays(this.variables);
  }

  setWeights(weights: readonly NamedArray[]): void {
    assignNamedArrays(this.variables, weights);
  }

  optimizerState() {
    return optimizerStateArrays(this.optimizer);
  }

  setOptimizerState(state: { step: number; arrays: readonly NamedArray[] }): void {
    restoreOptimizerState(this.optimizer, state);
  }

  describe() {
    return { family: 'deeprage', config: this.model.config, genes: this.examples, shapes: [...this.variables.values()].map((v) => v.shape) };
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([this.onehot, this.regulators, this.targets, this.trainWeight, this.valWeight]);
  }
}

/**
 * Standardises regression targets, and sets the symmetric class threshold: the `baselineShare` quantile of |y|
 * over the training pairs, so that share of them is baseline (1/3: balanced classes).
 */
function fitTargetScale(model: DeepRageModel, data: DeepRageData, split: DeepRageSplit, baselineShare: number): void {
  const train = Array.from(data.expression).filter((_, i) => split[i] === 0);
  if (train.length < 2) throw new OptionError('the training split holds fewer than 2 pairs', { option: 'split' });
  const mean = train.reduce((a, b) => a + b, 0) / train.length;
  model.targetMean = mean;
  model.targetScale = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / (train.length - 1)) || 1;
  const magnitudes = train.map(Math.abs).sort((a, b) => a - b);
  model.classThreshold = magnitudes[Math.min(magnitudes.length - 1, Math.floor(magnitudes.length * baselineShare))]!;
  const sorted = [...train].sort((a, b) => a - b);
  model.classCuts = [1, 2, 3, 4].map((q) => sorted[Math.floor((q * sorted.length) / 5)]!);
}

/** Targets in the model's units: standardised values, or class indices 0 down / 1 baseline / 2 up. */
function targetTensor(model: DeepRageModel, expression: Float32Array, shape: [number, number]): tf.Tensor2D {
  const out = new Float32Array(expression.length);
  expression.forEach((y, i) => {
    const value = Number.isNaN(y) ? 0 : y;
    out[i] = model.config.task === 'regression' ? (value - model.targetMean) / model.targetScale : deepRageClass(model, value);
  });
  return tf.tensor2d(out, shape);
}

/** The class of an expression value under a model's scheme: 3 classes by threshold, or 5 quintile bins. */
export function deepRageClass(model: DeepRageModel, y: number): number {
  if (model.config.classes === 5) {
    const bin = model.classCuts.findIndex((cut) => y < cut);
    return bin < 0 ? 4 : bin;
  }
  return expressionClass(y, model.classThreshold);
}

export function expressionClass(y: number, threshold: number): number {
  return y < -threshold ? 0 : y > threshold ? 2 : 1;
}

function maskedLoss(model: DeepRageModel, x: tf.Tensor3D, regs: tf.Tensor2D, y: tf.Tensor, w: tf.Tensor): tf.Scalar {
  const out = model.forward(x, regs);
  const perPair = model.config.task === 'regression'
    ? tf.square(tf.sub(out, y))
    : tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, 'int32'), model.config.classes), out, undefined, undefined, tf.Reduction.NONE);
  return tf.div(tf.sum(tf.mul(perPair, w)), tf.maximum(tf.sum(w), 1)) as tf.Scalar;
}

/** Mean masked loss over the weighted pairs of `genes`, and (classification) the accuracy on them (NaN for regression). */
function evaluateLoss(model: DeepRageModel, onehot: tf.Tensor3D, regs: tf.Tensor2D, targets: tf.Tensor2D, weight: tf.Tensor2D, genes: number[], batch: number): { loss: number; accuracy: number } {
  let total = 0;
  let count = 0;
  let correct = 0;
  const classification = model.config.task === 'classification';
  for (let at = 0; at < genes.length; at += batch) {
    const [loss, n, hits] = tf.tidy(() => {
      const idx = tf.tensor1d(genes.slice(at, at + batch), 'int32');
      const w = tf.gather(weight, idx);
      const x = tf.gather(onehot, idx);
      const y = tf.gather(targets, idx);
      const right = classification ? tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(model.forward(x, regs), 2), tf.cast(y, 'int32')), 'float32'), w)) : tf.scalar(0);
      return [maskedLoss(model, x, regs, y, w), tf.sum(w), right];
    });
    const n0 = n.dataSync()[0]!;
    total += loss.dataSync()[0]! * n0;
    count += n0;
    correct += hits.dataSync()[0]!;
    tf.dispose([loss, n, hits]);
  }
  return { loss: total / Math.max(count, 1), accuracy: classification ? correct / Math.max(count, 1) : NaN };
}

/**
 * Predictions for every gene × condition (row-major, in expression units for regression; the predicted class
 * 0/1/2 for classification), optionally with a filter mask (knock-outs) or altered regulator expression.
 * `features` (from `deepRageFeatures`) skips the sequence branch, for repeated knock-outs.
 * @param model - A trained DeepRAGE model.
 * @param data - Promoter sequences, regulator names and regulator expression (conditions × regulators).
 * @param options - `filterMask` (per filter, 0 knocks it out), `regulatorExpression` (replaces the data's),
 *   `batchGenes` (default 64), `features` (precomputed sequence features), `pair` (filter × regulator knock-out).
 * @returns Genes × conditions, row-major: expression for regression, the class index for classification.
 * @example
 * const predicted = predictDeepRage(trained.model, sim);
 */
export function predictDeepRage(
  model: DeepRageModel, data: Pick<DeepRageData, 'sequences' | 'regulatorExpression' | 'regulators'>,
  options: {
    filterMask?: Float32Array; regulatorExpression?: Float32Array; batchGenes?: number; features?: tf.Tensor;
    /** With filterMask: the value a masked-out filter's features take instead of 0 (weights knock-outs: filterBiasOutputs). */
    filterFill?: Float32Array;
    /** Tensor join only: filter × regulator knock-out (that filter sees this regulator expression instead). */
    pair?: { filter: number; regulatorExpression: Float32Array };
  } = {},
): Float32Array {
  const G = data.sequences.length;
  const regValues = options.regulatorExpression ?? data.regulatorExpression;
  const C = regValues.length / data.regulators.length;
  const batch = options.batchGenes ?? 64;
  const features = options.features ?? deepRageFeatures(model, data.sequences, batch);
  const regs = tf.tensor2d(regValues, [C, data.regulators.length]);
  const mask = options.filterMask ? tf.tensor1d(options.filterMask) : undefined;
  // f·mask + fill·(1 − mask): a knocked-out filter's features become its fill value.
  const fill = mask && options.filterFill ? tf.tidy(() => tf.mul(tf.tensor1d(options.filterFill!), tf.sub(1, mask))) : undefined;
  const out = new Float32Array(G * C);
  try {
    const emb = model.regulatorEmbedding(regs);
    const pair = options.pair && { filter: options.pair.filter, embedding: model.regulatorEmbedding(tf.tensor2d(options.pair.regulatorExpression, [C, data.regulators.length])) };
    for (let at = 0; at < G; at += batch) {
      const values = tf.tidy(() => {
        const size = [Math.min(batch, G - at), ...features.shape.slice(1).map(() => -1)];
        let f = tf.slice(features, [at, ...features.shape.slice(1).map(() => 0)], size);
        if (mask) f = tf.mul(f, mask);
        if (fill) f = tf.add(f, fill);
        const raw = model.head(f, emb, pair);
        return model.config.task === 'regression' ? tf.add(tf.mul(raw, model.targetScale), model.targetMean) : tf.argMax(raw, 2);
      });
      out.set(values.dataSync(), at * C);
      values.dispose();
    }
    tf.dispose([emb, ...(pair ? [pair.embedding] : [])]);
  } finally {
    if (!options.features) features.dispose();
    tf.dispose([regs, ...(mask ? [mask] : []), ...(fill ? [fill] : [])]);
  }
  return out;
}

/** The sequence branch's output for every promoter (see DeepRageModel.sequenceFeatures), computed in batches. */
export function deepRageFeatures(model: DeepRageModel, sequences: readonly string[], batch = 64): tf.Tensor {
  const parts: tf.Tensor[] = [];
  for (let at = 0; at < sequences.length; at += batch) {
    parts.push(tf.tidy(() => {
      const x = promoterTensor(sequences.slice(at, at + batch));
      return model.sequenceFeatures(x);
    }));
  }
  const all = tf.concat(parts, 0);
  tf.dispose(parts);
  return all;
}
