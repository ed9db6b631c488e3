/**
 * Layer activations for a set of sequences, flattened to one row per sequence — the input of the
 * embeddings of Camformer Figures 7 and S9 — and the filter analyses of DeepRAGE: knocking out one
 * first-layer filter, and turning each first-layer filter into a count matrix from its top-k windows.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { tf } from '../kernels/tensor/tf';
import { OptionError } from '../errors';
import type { Model } from '../kernels/camformer/model';
import { inferenceEngine, type InferenceEngine } from '../kernels/camformer/predict';
import { evalOnnx } from '../kernels/camformer/onnx/eval-graph';
import { convPadding } from '../kernels/camformer/config';
import { encodedBatches, type Encoded } from '../data/encode';
import { topWindowMatrices, type ActivationBatch } from '../motifs/top-windows';

/** What {@link layerActivations} returns: one row of features per sequence. */
export interface LayerActivations {
  /** The layer's name. */
  layer: string;
  /** Row-major [n, features]: the layer's output flattened per sequence. */
  data: Float32Array;
  /** [sequences, features]. */
  shape: [n: number, features: number];
}

/** Options of {@link layerActivations}. */
export interface ActivationOptions {
  /** Sequences per forward pass (default 256). */
  batchSize?: number;
  /** 'auto' (default, or `$CISLAB_ENGINE`): ONNX Runtime where onnxruntime-node loads, else tfjs; or 'onnx' / 'tfjs'. */
  engine?: InferenceEngine;
}

/**
 * The flattened output of `layer` for every sequence, computed in batches, on ONNX Runtime (a forward graph
 * with the layer as an output) or tfjs; both give the same numbers to float rounding.
 * @param model - A Camformer-family model.
 * @param encoded - Sequences in the model's encoding.
 * @param layer - A layer name from `model.layerNames()`, e.g. 'block3'.
 * @param options - `batchSize` (default 256), `engine` (default 'auto').
 * @returns The layer's output, flattened per sequence (positions × channels, position-major, for conv layers).
 * @example
 * const acts = await layerActivations(model, x, 'block6');
 * const points = await embed2d(acts.data, acts.shape, { method: 'umap' });
 */
export async function layerActivations(model: Model, encoded: Encoded, layer: string, options: ActivationOptions = {}): Promise<LayerActivations> {
  if (!model.layerNames().includes(layer)) {
    throw new OptionError(`no layer '${layer}'; layers are ${model.layerNames().join(', ')}`, { option: 'layer' });
  }
  const { batchSize = 256 } = options;
  const [n] = encoded.shape;
  if (inferenceEngine(options.engine) === 'onnx') {
    const data = (await evalOnnx(model, encoded, { activations: [layer] }, batchSize)).activations[layer] ?? new Float32Array(0);
    return { layer, data, shape: [n, n > 0 ? data.length / n : 0] };
  }
  let data: Float32Array | undefined;
  let features = 0;
  for (const { first, count, batch } of encodedBatches(encoded, batchSize)) {
    const x = model.toTensor(batch, 'encoded');
    const out = model.activations(x, [layer])[layer]!;
    const values = out.dataSync() as Float32Array;
    features = values.length / count;
    data ??= new Float32Array(n * features);
    data.set(values, first * features);
    tf.dispose([x, out]);
  }
  return { layer, data: data ?? new Float32Array(0), shape: [n, features] };
}

export interface KnockoutOptions {
  ids?: readonly string[];
  batchSize?: number;
}

/**
 * In silico knock-out of first-layer filter(s) (DeepRAGE): the filter's activation is set to zero after
 * its norm + ReLU (so the filter contributes nothing downstream, whatever its bias) and every sequence
 * is predicted again. Columns `id`, `filter` (1-based), `prediction`, `knockout`, `change` = knockout − prediction.
 * @param model - A Camformer-family model.
 * @param encoded - Sequences in the model's encoding.
 * @param filters - 1-based first-layer filters to knock out, one at a time.
 * @param options - `ids` (default `seq_1`, …), `batchSize` (default 256).
 * @returns One row per filter and sequence.
 * @example
 * filterKnockout(model, x, [1, 2, 3]);
 */
export function filterKnockout(model: Model, encoded: Encoded, filters: readonly number[], options: KnockoutOptions = {}): ColumnTable {
  const channels = model.config.convs[0]!.channels;
  for (const f of filters) {
    if (!Number.isInteger(f) || f < 1 || f > channels) throw new OptionError(`filter ${f} is not in 1–${channels}`, { option: 'filters' });
  }
  const [n] = encoded.shape;
  const { batchSize = 256 } = options;
  const ids = options.ids ?? Array.from({ length: n }, (_, i) => `seq_${i + 1}`);
  const columns = { id: [] as string[], filter: [] as number[], prediction: [] as number[], knockout: [] as number[], change: [] as number[] };
  for (const { first, count, batch } of encodedBatches(encoded, batchSize)) {
    const x = model.toTensor(batch, 'encoded');
    const base = tf.tidy(() => model.forward(x).output.dataSync() as Float32Array);
    const relu1 = model.activations(x, ['relu1'])['relu1']!;
    for (const f of filters) {
      const knocked = tf.tidy(() => {
        const keep = tf.reshape(tf.oneHot(tf.tensor1d([f - 1], 'int32'), channels), [1, 1, channels]);
        const zeroed = tf.mul(relu1, tf.sub(1, keep));
        return model.forward(x, { replace: { relu1: zeroed } }).output.dataSync() as Float32Array;
      });
      for (let s = 0; s < count; s++) {
        columns.id.push(ids[first + s]!);
        columns.filter.push(f);
        columns.prediction.push(base[s]!);
        columns.knockout.push(knocked[s]!);
        columns.change.push(knocked[s]! - base[s]!);
      }
    }
    tf.dispose([x, relu1]);
  }
  return aq.table(columns);
}

export interface FilterPwm {
  filter: number;
  /** Base counts per position, row-major [width, 4] (A, C, G, T). */
  counts: Float64Array;
  width: number;
  /** Number of windows counted (≤ k: only windows with a positive activation count). */
  sites: number;
}

/**
 * Filter → PWM (DeepRAGE, Alipanahi et al.): for each first-layer filter, the k windows of the input with the
 * highest activation (after norm + ReLU) over all sequences and positions, aligned and counted per base
 * (`topWindowMatrices` of src/motifs; this adapter only supplies the Camformer first layer's activations,
 * forward strand, window offset = the layer's left padding). Windows reaching into padding count only their
 * real bases.
 *
 * @returns one FilterPwm per first-layer filter (1-based `filter`), counts not normalised.
 * @example
 * const pwms = filterPwms(model, encoded, sequences, 100);
 * pwms[0].counts; // Float64Array [width × 4] of base counts from filter 1's top 100 windows
 * @param model - A Camformer-family model.
 * @param encoded - The sequences, in the model's encoding.
 * @param sequences - The same sequences as text (the windows are counted from them).
 * @param k - Windows per filter (default 100).
 * @param batchSize - Sequences per forward pass (default 256).
 */
export function filterPwms(model: Model, encoded: Encoded, sequences: readonly string[], k = 100, batchSize = 256): FilterPwm[] {
  const layer = model.config.convs[0]!;
  const [n] = encoded.shape;
  if (sequences.length !== n) throw new OptionError(`${sequences.length} sequences for ${n} encoded rows`, { option: 'sequences' });
  const matrices = topWindowMatrices(firstLayerBatches(model, encoded, batchSize), sequences, { width: layer.kernel, channels: layer.channels, top: k, offset: convPadding(layer)[0] });
  return matrices.map(({ channel, matrix, width, sites }) => ({ filter: channel + 1, counts: matrix, width, sites }));
}

/** The first conv layer's activations after norm + ReLU ('relu1'), one batch of sequences at a time. */
function* firstLayerBatches(model: Model, encoded: Encoded, batchSize: number): Generator<ActivationBatch> {
  const length = encoded.shape[1];
  for (const { first, count, batch } of encodedBatches(encoded, batchSize)) {
    const x = model.toTensor(batch, 'encoded');
    const out = model.activations(x, ['relu1'])['relu1']!;
    const [, positions, channels] = out.shape as [number, number, number];
    const values = out.dataSync() as Float32Array;
    tf.dispose([x, out]);
    yield { values, first, count, positions, channels, length };
  }
}
