/**
 * Training, prediction and region-selection scores for Seq2Exp. Loss = MSE on standardised expression +
 * klWeight · mean KL of the mask to its sparse prior (the information bottleneck), Adam. Signals enter as
 * log1p(read count), smoothed by an 11-nt moving average (per-base counts of a DNase-like track are too
 * spiky to parameterise a per-base Beta). Splits are random by region, 70 / 10 / 20.
 */
import * as tf from '@tensorflow/tfjs';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { encode } from '../data/encode';
import { createRandom } from '../stats/random';
import { pearson } from '../stats/correlation';
import { createSeq2ExpModel, type Seq2ExpConfig, type Seq2ExpModel } from './seq2exp';

export interface Seq2ExpData {
  sequences: readonly string[];
  expression: ArrayLike<number>;
  /** Read counts per base, row-major [n, length, tracks]. */
  tracks: Float32Array;
  trackNames: readonly string[];
  length: number;
}

export interface TrainSeq2ExpOptions extends Partial<Omit<Seq2ExpConfig, 'length' | 'tracks'>> {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Weight of the KL bottleneck (default 0.05). */
  klWeight?: number;
  onEpoch?: (row: { epoch: number; loss: number; kl: number; valMse: number; seconds: number }) => void;
}

export interface TrainedSeq2Exp {
  model: Seq2ExpModel;
  /** Per region: 0 train, 1 validation, 2 test. */
  split: Uint8Array;
  history: ColumnTable;
}

/** Scaled signals [n, L, T]: log1p(count), 11-nt moving average. */
export function scaleSignals(tracks: Float32Array, n: number, length: number, T: number): Float32Array {
  const out = new Float32Array(tracks.length);
  const half = 5;
  const logged = Float32Array.from(tracks, (v) => Math.log1p(v));
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < length; i++) {
        let sum = 0;
        let count = 0;
        for (let j = Math.max(0, i - half); j <= Math.min(length - 1, i + half); j++) sum += logged[(s * length + j) * T + t]!, count++;
        out[(s * length + i) * T + t] = sum / count;
      }
    }
  }
  return out;
}

function inputs(data: Seq2ExpData, rows: readonly number[]): { onehot: tf.Tensor3D; signals: tf.Tensor3D } {
  const { length: L } = data;
  const T = data.trackNames.length;
  const { data: x } = encode(rows.map((r) => data.sequences[r]!), 'onehot');
  const raw = new Float32Array(rows.length * L * T);
  rows.forEach((r, k) => raw.set(data.tracks.subarray(r * L * T, (r + 1) * L * T), k * L * T));
  return { onehot: tf.tensor3d(x, [rows.length, L, 4]), signals: tf.tensor3d(scaleSignals(raw, rows.length, L, T), [rows.length, L, T]) };
}

export function splitRegions(n: number, seed = 1): Uint8Array {
  const order = createRandom(seed).fork('seq2exp-split').shuffle(Array.from({ length: n }, (_, i) => i));
  const split = new Uint8Array(n);
  order.forEach((r, rank) => (split[r] = rank < 0.7 * n ? 0 : rank < 0.8 * n ? 1 : 2));
  return split;
}

export async function trainSeq2Exp(data: Seq2ExpData, options: TrainSeq2ExpOptions = {}): Promise<TrainedSeq2Exp> {
  const { epochs = 20, batchSize = 32, learningRate = 3e-3, klWeight = 0.05, onEpoch, ...config } = options;
  const n = data.sequences.length;
  if (data.tracks.length !== n * data.length * data.trackNames.length) {
    throw new OptionError(`tracks hold ${data.tracks.length} values, expected ${n} × ${data.length} × ${data.trackNames.length}`, { option: 'tracks' });
  }
  const seed = config.seed ?? 1;
  const split = splitRegions(n, seed);
  const model = createSeq2ExpModel({ ...config, length: data.length, tracks: data.trackNames.length });
  const trainRows = [...split.keys()].filter((i) => split[i] === 0);
  const valRows = [...split.keys()].filter((i) => split[i] === 1);
  const y = Array.from(data.expression);
  const trainY = trainRows.map((r) => y[r]!);
  model.targetMean = trainY.reduce((a, b) => a + b, 0) / trainY.length;
  model.targetScale = Math.sqrt(trainY.reduce((a, b) => a + (b - model.targetMean) ** 2, 0) / Math.max(trainY.length - 1, 1)) || 1;
  const all = inputs(data, [...Array(n).keys()]);
  const targets = tf.tensor1d(y.map((v) => (v - model.targetMean) / model.targetScale));
  const optimizer = tf.train.adam(learningRate);
  const variables = model.variables;
  const random = createRandom(seed).fork('seq2exp-train');
  const history: { epoch: number; loss: number; kl: number; valMse: number; seconds: number }[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = Date.now();
      const order = random.shuffle([...trainRows]);
      let lossSum = 0;
      let klSum = 0;
      let steps = 0;
      for (let at = 0; at < order.length; at += batchSize) {
        const idx = tf.tensor1d(order.slice(at, at + batchSize), 'int32');
        let klValue = 0;
        const cost = optimizer.minimize(() => tf.tidy(() => {
          const out = model.forward(tf.gather(all.onehot, idx), tf.gather(all.signals, idx), random);
          const mse = tf.mean(tf.square(tf.sub(out.prediction, tf.gather(targets, idx))));
          klValue = out.kl.dataSync()[0]!;
          return tf.add(mse, tf.mul(out.kl, klWeight)) as tf.Scalar;
        }), true, variables);
        lossSum += (await cost!.data())[0]!;
        klSum += klValue;
        steps++;
        tf.dispose([cost!, idx]);
      }
      const valMse = valRows.length ? mseOn(model, all, targets, valRows) : NaN;
      const row = { epoch, loss: lossSum / steps, kl: klSum / steps, valMse, seconds: (Date.now() - started) / 1000 };
      history.push(row);
      onEpoch?.(row);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([all.onehot, all.signals, targets]);
  }
  return { model, split, history: aq.from(history) };
}

function mseOn(model: Seq2ExpModel, all: { onehot: tf.Tensor3D; signals: tf.Tensor3D }, targets: tf.Tensor1D, rows: number[]): number {
  return tf.tidy(() => {
    const idx = tf.tensor1d(rows, 'int32');
    const out = model.forward(tf.gather(all.onehot, idx), tf.gather(all.signals, idx));
    return tf.mean(tf.square(tf.sub(out.prediction, tf.gather(targets, idx)))).dataSync()[0]!;
  });
}

/** Predictions (expression units) and the expected mask [n × L] for every region, in batches. */
export function predictSeq2Exp(model: Seq2ExpModel, data: Seq2ExpData, batch = 64): { prediction: Float64Array; mask: Float32Array } {
  const n = data.sequences.length;
  const prediction = new Float64Array(n);
  const mask = new Float32Array(n * data.length);
  for (let at = 0; at < n; at += batch) {
    const rows = Array.from({ length: Math.min(batch, n - at) }, (_, k) => at + k);
    const x = inputs(data, rows);
    const [p, m] = tf.tidy(() => {
      const out = model.forward(x.onehot, x.signals);
      return [tf.add(tf.mul(out.prediction, model.targetScale), model.targetMean), out.mask];
    });
    prediction.set(p!.dataSync(), at);
    mask.set(m!.dataSync(), at * data.length);
    tf.dispose([p!, m!, x.onehot, x.signals]);
  }
  return { prediction, mask };
}

/** Scores per subset: `subset, regions, mse, mae, pearson, maskRatio` (mean fraction of bases with mask > 0.5). */
export function evaluateSeq2Exp(trained: TrainedSeq2Exp, data: Seq2ExpData, predicted?: { prediction: Float64Array; mask: Float32Array }): ColumnTable {
  const { prediction, mask } = predicted ?? predictSeq2Exp(trained.model, data);
  const L = data.length;
  return aq.from(['train', 'validation', 'test'].map((subset, s) => {
    const rows = [...trained.split.keys()].filter((i) => trained.split[i] === s);
    const y = rows.map((r) => Number(data.expression[r]));
    const p = rows.map((r) => prediction[r]!);
    let selected = 0;
    for (const r of rows) for (let i = 0; i < L; i++) if (mask[r * L + i]! > 0.5) selected++;
    return {
      subset, regions: rows.length,
      mse: y.reduce((a, v, k) => a + (v - p[k]!) ** 2, 0) / rows.length,
      mae: y.reduce((a, v, k) => a + Math.abs(v - p[k]!), 0) / rows.length,
      pearson: rows.length > 2 ? pearson(y, p) : NaN,
      maskRatio: selected / (rows.length * L),
    };
  }));
}
