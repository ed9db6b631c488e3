/**
 * Grad-CAM per convolutional layer, in three variants:
 * - `standard` (Selvaraju et al. 2017): channel weights α_c = the mean over positions of ∂y/∂A_c;
 *   map = ReLU(Σ_c α_c A_c), one value per position of the layer.
 * - `camformer` (the Camformer authors' `base/gradcam_utils.py`, exactly): the channel-mean of the layer's
 *   output times the gradient of the output with respect to the input, a 4 × L map; the value per position
 *   is its mean over the four base channels (their "average GradCAM score" logo). No ReLU. Their hook sits
 *   on each block's Conv (`conv{i}` here), which is this variant's default layer.
 * - `gradient-input` (cislab's): the channel-mean of the layer's output times gradient × input, i.e. the
 *   gradient at the base actually present. Unlike `camformer` it does not average in the gradients of
 *   absent bases, and it localises planted motifs where `camformer` does not (test/kernels/localisation.test.ts).
 * A layer with fewer positions than the input (after a max-pool) is mapped back to input positions by
 * linear interpolation of position centres, as Grad-CAM upsamples its coarse maps (the authors interpolate
 * the last layer's features the same way).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { tf } from '../kernels/tensor/tf';
import { OptionError } from '../errors';
import { encodedBatches, type Encoded } from '../data/encode';
import type { Model } from '../kernels/camformer/model';
import { convLayer } from '../kernels/camformer/config';
import { inferenceEngine, type InferenceEngine } from '../kernels/camformer/predict';
import { evalOnnx } from '../kernels/camformer/onnx/eval-graph';

/** The Grad-CAM variants {@link gradCam} computes: 'standard', 'camformer' (the authors' code) and 'gradient-input'. */
export const GRADCAM_VARIANTS = ['standard', 'camformer', 'gradient-input'] as const;
/** One of {@link GRADCAM_VARIANTS}. */
export type GradCamVariant = (typeof GRADCAM_VARIANTS)[number];

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /** Layers to map (default: every `conv{i}` for `camformer`, as its authors hook the Conv; else every `block{i}`, each conv block's output). */
  layers?: readonly string[];
  /** The variant (default 'standard'). */
  variant?: GradCamVariant;
  /** Sequence ids for the table (default `seq_1`, …). */
  ids?: readonly string[];
  /** Sequences per forward/backward pass (default 64). */
  batchSize?: number;
  /**
   * 'auto' (default, or `$CISLAB_ENGINE`): ONNX Runtime's compiled eval graph where onnxruntime-node loads, else
   * tfjs; or 'onnx' / 'tfjs'. The two agree to float rounding except below a max-pool where a window has equal
   * maxima: ONNX Runtime routes that window's gradient to the first of them (as PyTorch), tfjs to the last.
   */
  engine?: InferenceEngine;
  /** Called after each batch with the sequences mapped so far and their total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Tidy Grad-CAM maps: one row per sequence × layer × input position — `id`, `layer`, `position` (1-based),
 * `value`, and `variant`.
 * @param model - A Camformer-family model.
 * @param encoded - Sequences in the model's encoding.
 * @param options - `variant` (default 'standard'), `layers` (default every `conv{i}` for 'camformer', else every
 *   `block{i}`), `ids` (default `seq_1`, …), `batchSize` (default 64), `engine`, `onProgress`.
 * @returns The tidy maps.
 * @example
 * const maps = await gradCam(model, encode(sequences, model.encoding), { variant: 'gradient-input', layers: ['block1'] });
 */
export async function gradCam(model: Model, encoded: Encoded, options: GradCamOptions = {}): Promise<ColumnTable> {
  const { variant = 'standard', batchSize = 64 } = options;
  if (!GRADCAM_VARIANTS.includes(variant)) {
    throw new OptionError(`unknown variant '${variant}'; expected ${GRADCAM_VARIANTS.join(', ')}`, { option: 'variant' });
  }
  const layers = options.layers ?? model.config.convs.map((_, k) => `${variant === 'camformer' ? 'conv' : 'block'}${k + 1}`);
  for (const layer of layers) {
    if (!model.layerNames().includes(layer)) throw new OptionError(`no layer '${layer}'; layers are ${model.layerNames().join(', ')}`, { option: 'layers' });
    if (!convLayer(layer)) throw new OptionError(`layer '${layer}' is not a convolutional layer; Grad-CAM maps conv{i}, relu{i}, block{i} or sum{i}`, { option: 'layers' });
  }
  const [n, length] = encoded.shape;
  const ids = options.ids ?? Array.from({ length: n }, (_, i) => `seq_${i + 1}`);
  if (ids.length !== n) throw new OptionError(`${ids.length} ids for ${n} sequences`, { option: 'ids' });
  model.checkInput(encoded.shape, 'encoded');
  const engine = inferenceEngine(options.engine);

  const columns = { id: [] as string[], layer: [] as string[], position: [] as number[], value: [] as number[] };
  for (const { first, count, batch } of encodedBatches(encoded, batchSize)) {
    const values = engine === 'onnx' ? await onnxValues(model, batch, layers, variant) : tfjsValues(model, batch, layers, variant);
    const inputSaliency = values.inputGradient && inputSaliencyMap(values.inputGradient, batch.data, count, length, model.inputChannels, variant as 'camformer' | 'gradient-input');
    for (const layer of layers) {
      const activation = values.activations[layer]!;
      const channels = model.config.convs[convLayer(layer)!.block]!.channels;
      const maps = inputSaliency
        ? meanActivationTimes(activation, channels, inputSaliency, count, length)
        : standardMap(activation, values.gradients[layer]!, channels, count);
      const mapPositions = maps.length / count;
      for (let s = 0; s < count; s++) {
        const row = resample(maps.subarray(s * mapPositions, (s + 1) * mapPositions), length);
        for (let p = 0; p < length; p++) {
          columns.id.push(ids[first + s]!);
          columns.layer.push(layer);
          columns.position.push(p + 1);
          columns.value.push(row[p]!);
        }
      }
    }
    options.onProgress?.(first + count, n);
    await new Promise((resolve) => setImmediate(resolve)); // let a notebook or terminal render the progress
  }
  return aq.table({ ...columns, variant: columns.id.map(() => variant) });
}

/**
 * Mean Grad-CAM map per layer and position over all sequences (Camformer Fig. S11): `layer`, `position`, `mean`, `sd`.
 * @param maps - A table from {@link gradCam}.
 * @returns The mean and sd per layer and position.
 * @example
 * averageGradCam(await gradCam(model, x));
 */
export function averageGradCam(maps: ColumnTable): ColumnTable {
  return maps
    .groupby('layer', 'position')
    .rollup({ mean: aq.op.mean('value'), sd: aq.op.stdev('value') })
    .orderby('layer', 'position');
}

/** One batch's layer outputs [n, positions, channels], their gradients (standard) or the input gradient (the others). */
interface BatchValues {
  activations: Record<string, Float32Array>;
  gradients: Record<string, Float32Array>;
  inputGradient?: Float32Array;
}

function onnxValues(model: Model, batch: Encoded, layers: readonly string[], variant: GradCamVariant): Promise<BatchValues> {
  return evalOnnx(model, batch, variant === 'standard'
    ? { activations: layers, gradients: layers }
    : { activations: layers, inputGradient: true }, batch.shape[0]);
}

function tfjsValues(model: Model, batch: Encoded, layers: readonly string[], variant: GradCamVariant): BatchValues {
  const x = model.toTensor(batch, 'encoded');
  const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
  const values: BatchValues = { activations: {}, gradients: {} };
  try {
    if (variant === 'standard') {
      for (const layer of layers) {
        const { activation, gradient, output } = model.layerGradients(x, layer);
        values.activations[layer] = read(activation);
        values.gradients[layer] = read(gradient);
        tf.dispose([activation, gradient, output]);
      }
    } else {
      const taps = model.activations(x, layers);
      for (const layer of layers) values.activations[layer] = read(taps[layer]!);
      const { output, gradient } = model.inputGradients(x);
      values.inputGradient = read(gradient);
      tf.dispose([...Object.values(taps), output, gradient]);
    }
  } finally {
    x.dispose();
  }
  return values;
}

/** ReLU(Σ_c α_c A_c) per position, α_c the mean over positions of ∂y/∂A_c; [n, positions]. */
function standardMap(activation: Float32Array, gradient: Float32Array, channels: number, n: number): Float32Array {
  const positions = activation.length / n / channels;
  const out = new Float32Array(n * positions);
  const weights = new Float64Array(channels);
  for (let s = 0; s < n; s++) {
    weights.fill(0);
    const base = s * positions * channels;
    for (let p = 0; p < positions; p++) for (let c = 0; c < channels; c++) weights[c]! += gradient[base + p * channels + c]!;
    for (let p = 0; p < positions; p++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += (weights[c]! / positions) * activation[base + p * channels + c]!;
      out[s * positions + p] = Math.max(sum, 0);
    }
  }
  return out;
}

/** Channel-mean of the layer's output (upsampled to input positions) times a per-position input saliency; [n, length]. */
function meanActivationTimes(activation: Float32Array, channels: number, saliency: Float32Array, n: number, length: number): Float32Array {
  const positions = activation.length / n / channels;
  const mean = new Float32Array(positions);
  const out = new Float32Array(n * length);
  for (let s = 0; s < n; s++) {
    for (let p = 0; p < positions; p++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += activation[(s * positions + p) * channels + c]!;
      mean[p] = sum / channels;
    }
    const upsampled = resample(mean, length);
    for (let p = 0; p < length; p++) out[s * length + p] = upsampled[p]! * saliency[s * length + p]!;
  }
  return out;
}

/**
 * Per position, from ∂y/∂x over the four base channels: their mean (`camformer`), or the gradient at the base
 * present, i.e. gradient × one-hot summed over bases (`gradient-input`); [n, length].
 */
function inputSaliencyMap(gradient: Float32Array, x: Float32Array, n: number, length: number, channels: number, variant: 'camformer' | 'gradient-input'): Float32Array {
  const out = new Float32Array(n * length);
  for (let i = 0; i < n * length; i++) {
    let sum = 0;
    for (let b = 0; b < 4; b++) sum += variant === 'camformer' ? gradient[i * channels + b]! : gradient[i * channels + b]! * x[i * channels + b]!;
    out[i] = variant === 'camformer' ? sum / 4 : sum;
  }
  return out;
}

/** Linear interpolation of a map over `from` positions to `to` positions, aligning position centres. */
export function resample(values: ArrayLike<number>, to: number): Float32Array {
  const from = values.length;
  const out = new Float32Array(to);
  if (from === to) {
    for (let i = 0; i < to; i++) out[i] = values[i]!;
    return out;
  }
  for (let i = 0; i < to; i++) {
    const at = Math.min(Math.max(((i + 0.5) * from) / to - 0.5, 0), from - 1);
    const lo = Math.floor(at);
    const hi = Math.min(lo + 1, from - 1);
    out[i] = values[lo]! + (values[hi]! - values[lo]!) * (at - lo);
  }
  return out;
}
