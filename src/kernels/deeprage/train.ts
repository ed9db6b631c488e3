/**
 * Training and evaluation of DeepRAGE models. Splits follow the paper's three settings — unseen genes,
 * unseen conditions, unseen gene × condition pairs — at 60 / 10 / 30 (train / validation / test). A step
 * takes a batch of genes with every condition and masks the loss to the pairs of the training split, so all
 * three settings share one step. Optimisers: Adam (default) or SGD with momentum, both as in the paper; the
 * learning rate is halved when the validation loss has not improved for `patience` epochs, and the weights
 * of the best validation epoch are kept — all through the one training loop (../tensor/loop.ts).
 */
import { tf } from '../tensor/tf';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../../errors';
import { encode } from '../../data/encode';
import type { DeepRageData } from '../../data/expression-matrix';
import { createRandom } from '../../stats/random';
import { pearson, spearman } from '../../stats/correlation';
import type { NamedArray } from '../tensor/checkpoint';
import { trainLoop, type ProgressEvent, type StepSettings, type TrainingRun, type Validation } from '../tensor/loop';
import { createOptimizer, type Optimizer } from '../tensor/optimizers';
import { assignNamedArrays, toNamedArrays } from '../tensor/variables';
import { createDeepRageModel, type DeepRageConfig, type DeepRageModel } from './model';

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

export interface TrainDeepRageOptions extends Partial<Omit<DeepRageConfig, 'sequenceLength' | 'regulators'>> {
  split?: DeepRageSplitKind | DeepRageSplit;
  /** Default 12. */
  epochs?: number;
  /** Genes per step, each with every condition (default 8). */
  batchGenes?: number;
  /** Default 5e-3. */
  learningRate?: number;
  /** Default 'adam'; 'sgd' is SGD with momentum 0.9. */
  optimizer?: 'adam' | 'sgd';
  /** Epochs without validation improvement before the learning rate is halved (default 3). */
  patience?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface TrainedDeepRage {
  model: DeepRageModel;
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
 */
export async function trainDeepRage(data: DeepRageData, options: TrainDeepRageOptions = {}): Promise<TrainedDeepRage> {
  // Defaults from quick-mode tuning on the simulator: small gene batches (more updates) matter most for
  // the filters to find motifs; see test/kernels/deeprage/knockout.test.ts.
  const { epochs = 12, batchGenes = 8, learningRate = 5e-3, optimizer = 'adam', patience = 3, onProgress, split: splitOption = 'gene', ...config } = options;
  const seed = config.seed ?? 1;
  const split = typeof splitOption === 'string' ? splitDeepRage(data, splitOption, seed) : splitOption;
  const G = data.genes.length;
  const C = data.conditions.length;
  if (split.length !== G * C) throw new OptionError(`split has ${split.length} pairs, data has ${G * C}`, { option: 'split' });
  const model = createDeepRageModel({ ...config, sequenceLength: data.sequences[0]!.length, regulators: data.regulators.length });
  fitTargetScale(model, data, split);
  const run = new DeepRageRun(model, data, split, optimizer, batchGenes);
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

  constructor(private readonly model: DeepRageModel, data: DeepRageData, split: DeepRageSplit, optimizer: 'adam' | 'sgd', private readonly batchGenes: number) {
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
    // Adam with tfjs's float32 epsilon (1e-7), as tf.train.adam used before; SGD with momentum 0.9 (the paper's).
    this.optimizer = createOptimizer(optimizer, { epsilon: 1e-7, momentum: 0.9 });
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
    const loss = evaluateLoss(this.model, this.onehot, this.regulators, this.targets, this.valWeight, this.valGenes, this.batchGenes);
    return { loss, score: -loss };
  }

  weights(): NamedArray[] {
    return toNamedArrays(this.variables);
  }

  setWeights(weights: readonly NamedArray[]): void {
    assignNamedArrays(this.variables, weights);
  }

  optimizerState() {
    const { step, tensors } = this.optimizer.getState();
    return { step, arrays: toNamedArrays(tensors) };
  }

  setOptimizerState(state: { step: number; arrays: readonly NamedArray[] }): void {
    const tensors = new Map(state.arrays.map((a) => [a.name, tf.tensor(a.data, a.shape)]));
    this.optimizer.setState({ step: state.step, tensors });
    tf.dispose([...tensors.values()]);
  }

  describe() {
    return { family: 'deeprage', config: this.model.config, genes: this.examples, shapes: [...this.variables.values()].map((v) => v.shape) };
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([this.onehot, this.regulators, this.targets, this.trainWeight, this.valWeight]);
  }
}

/** Standardises regression targets, or sets the symmetric class threshold (1/3 quantile of |y|: balanced baseline class). */
function fitTargetScale(model: DeepRageModel, data: DeepRageData, split: DeepRageSplit): void {
  const train = Array.from(data.expression).filter((_, i) => split[i] === 0);
  if (train.length < 2) throw new OptionError('the training split holds fewer than 2 pairs', { option: 'split' });
  const mean = train.reduce((a, b) => a + b, 0) / train.length;
  model.targetMean = mean;
  model.targetScale = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / (train.length - 1)) || 1;
  const magnitudes = train.map(Math.abs).sort((a, b) => a - b);
  model.classThreshold = magnitudes[Math.floor(magnitudes.length / 3)]!;
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

function evaluateLoss(model: DeepRageModel, onehot: tf.Tensor3D, regs: tf.Tensor2D, targets: tf.Tensor2D, weight: tf.Tensor2D, genes: number[], batch: number): number {
  let total = 0;
  let count = 0;
  for (let at = 0; at < genes.length; at += batch) {
    const [loss, n] = tf.tidy(() => {
      const idx = tf.tensor1d(genes.slice(at, at + batch), 'int32');
      const w = tf.gather(weight, idx);
      return [maskedLoss(model, tf.gather(onehot, idx), regs, tf.gather(targets, idx), w), tf.sum(w)];
    });
    const n0 = n.dataSync()[0]!;
    total += loss.dataSync()[0]! * n0;
    count += n0;
    tf.dispose([loss, n]);
  }
  return total / Math.max(count, 1);
}

/**
 * Predictions for every gene × condition (row-major, in expression units for regression; the predicted class
 * 0/1/2 for classification), optionally with a filter mask (knock-outs) or altered regulator expression.
 * `features` (from `deepRageFeatures`) skips the sequence branch, for repeated knock-outs.
 */
export function predictDeepRage(
  model: DeepRageModel, data: Pick<DeepRageData, 'sequences' | 'regulatorExpression' | 'regulators'>,
  options: {
    filterMask?: Float32Array; regulatorExpression?: Float32Array; batchGenes?: number; features?: tf.Tensor;
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
  const out = new Float32Array(G * C);
  try {
    const emb = model.regulatorEmbedding(regs);
    const pair = options.pair && { filter: options.pair.filter, embedding: model.regulatorEmbedding(tf.tensor2d(options.pair.regulatorExpression, [C, data.regulators.length])) };
    for (let at = 0; at < G; at += batch) {
      const values = tf.tidy(() => {
        const size = [Math.min(batch, G - at), ...features.shape.slice(1).map(() => -1)];
        let f = tf.slice(features, [at, ...features.shape.slice(1).map(() => 0)], size);
        if (mask) f = tf.mul(f, mask);
        const raw = model.head(f, emb, pair);
        return model.config.task === 'regression' ? tf.add(tf.mul(raw, model.targetScale), model.targetMean) : tf.argMax(raw, 2);
      });
      out.set(values.dataSync(), at * C);
      values.dispose();
    }
    tf.dispose([emb, ...(pair ? [pair.embedding] : [])]);
  } finally {
    if (!options.features) features.dispose();
    tf.dispose([regs, ...(mask ? [mask] : [])]);
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

/**
 * Scores per split subset: `subset, pairs`, and `pearson, spearman, mse` (regression) or `accuracy` and
 * `majority` (the accuracy of always predicting the subset's most frequent class: the trivial baseline).
 */
export function evaluateDeepRage(trained: TrainedDeepRage, data: DeepRageData, predictions?: Float32Array): ColumnTable {
  const { model, split } = trained;
  const pred = predictions ?? predictDeepRage(model, data);
  const rows = DEEPRAGE_SUBSETS.map((subset, s) => {
    const idx = Array.from(split.keys()).filter((i) => split[i] === s);
    const y = idx.map((i) => data.expression[i]!);
    const p = idx.map((i) => pred[i]!);
    if (model.config.task === 'regression') {
      const mse = y.reduce((a, v, k) => a + (v - p[k]!) ** 2, 0) / Math.max(y.length, 1);
      return { subset, pairs: idx.length, pearson: idx.length > 2 ? pearson(y, p) : NaN, spearman: idx.length > 2 ? spearman(y, p) : NaN, mse };
    }
    const truth = y.map((v) => deepRageClass(model, v));
    const accuracy = truth.filter((t, k) => t === p[k]).length / Math.max(truth.length, 1);
    const frequency = new Array<number>(model.config.classes).fill(0);
    for (const t of truth) frequency[t]!++;
    return { subset, pairs: idx.length, accuracy, majority: Math.max(...frequency) / Math.max(truth.length, 1) };
  });
  return aq.from(rows);
}

/** Confusion matrix of a classification model on one subset: `truth, predicted, count` (down / baseline / up, or bin1–bin5). */
export function deepRageConfusion(trained: TrainedDeepRage, data: DeepRageData, subset: (typeof DEEPRAGE_SUBSETS)[number] = 'test', predictions?: Float32Array): ColumnTable {
  if (trained.model.config.task !== 'classification') throw new OptionError('a confusion matrix needs a classification model', { option: 'task' });
  const pred = predictions ?? predictDeepRage(trained.model, data);
  const s = DEEPRAGE_SUBSETS.indexOf(subset);
  const K = trained.model.config.classes;
  const counts = new Float64Array(K * K);
  trained.split.forEach((part, i) => {
    if (part === s) counts[deepRageClass(trained.model, data.expression[i]!) * K + pred[i]!]!++;
  });
  const names = K === 3 ? ['down', 'baseline', 'up'] : ['bin1', 'bin2', 'bin3', 'bin4', 'bin5'];
  return aq.table({
    truth: names.flatMap((n) => names.map(() => n)),
    predicted: names.flatMap(() => names),
    count: Int32Array.from(counts),
  });
}
