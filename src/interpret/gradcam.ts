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
  /** Called after each batch with the sequences mapped so far and their total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Tidy Grad-CAM maps: one row per sequence × layer × input position — `id`, `layer`, `position` (1-based),
 * `value`, and `variant`.
 * @param model - A Camformer-family model.
 * @param encoded - Sequences in the model's encoding.
 * @param options - `variant` (default 'standard'), `layers` (default every `conv{i}` for 'camformer', else every
 *   `block{i}`), `ids` (default `seq_1`, …), `batchSize` (default 64), `onProgress`.
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
  const [n, length] = encoded.shape;
  const ids = options.ids ?? Array.from({ length: n }, (_, i) => `seq_${i + 1}`);
  if (ids.length !== n) throw new OptionError(`${ids.length} ids for ${n} sequences`, { option: 'ids' });
  model.checkInput(encoded.shape, 'encoded');

  const columns = { id: [] as string[], layer: [] as string[], position: [] as number[], value: [] as number[] };
  for (const { first, count, batch } of encodedBatches(encoded, batchSize)) {
    const x = model.toTensor(batch, 'encoded');
    const inputSaliency = variant === 'standard' ? undefined : inputSaliencyMap(model, x, variant);
    for (const layer of layers) {
      const maps = inputSaliency ? meanActivationTimes(model, x, layer, inputSaliency, length) : standardMap(model, x, layer);
      const [, positions] = maps.shape;
      const values = maps.data;
      for (let s = 0; s < count; s++) {
        const row = resample(values.subarray(s * positions, (s + 1) * positions), length);
        for (let p = 0; p < length; p++) {
          columns.id.push(ids[first + s]!);
          columns.layer.push(layer);
          columns.position.push(p + 1);
          columns.value.push(row[p]!);
        }
      }
    }
    x.dispose();
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

interface Maps {
  data: Float32Array;
  shape: [number, number];
}

function standardMap(model: Model, x: tf.Tensor3D, layer: string): Maps {
  const map = tf.tidy(() => {
    const { activation, gradient } = model.layerGradients(x, layer);
    requireConvLayer(activation, layer);
    const weights = tf.mean(gradient, 1, true); // [n, 1, C]
    return tf.relu(tf.sum(tf.mul(weights, activation), 2)) as tf.Tensor2D;
  });
  return readMaps(map);
}

/** Channel-mean of the layer's output (upsampled to input positions) times a per-position input saliency. */
function meanActivationTimes(model: Model, x: tf.Tensor3D, layer: string, saliency: Float32Array, length: number): Maps {
  const mean = tf.tidy(() => {
    const activation = model.activations(x, [layer])[layer]!;
    requireConvLayer(activation, layer);
    return tf.mean(activation, 2) as tf.Tensor2D;
  });
  const { data, shape } = readMaps(mean);
  const [n, positions] = shape;
  const out = new Float32Array(n * length);
  for (let s = 0; s < n; s++) {
    const upsampled = resample(data.subarray(s * positions, (s + 1) * positions), length);
    for (let p = 0; p < length; p++) out[s * length + p] = upsampled[p]! * saliency[s * length + p]!;
  }
  return { data: out, shape: [n, length] };
}

/**
 * Per position, from ∂y/∂x over the four base channels: their mean (`camformer`), or the gradient at the base
 * present, i.e. gradient × one-hot summed over bases (`gradient-input`).
 */
function inputSaliencyMap(model: Model, x: tf.Tensor3D, variant: 'camformer' | 'gradient-input'): Float32Array {
  const saliency = tf.tidy(() => {
    const { gradient } = model.inputGradients(x);
    const baseGradients = tf.slice(gradient, [0, 0, 0], [-1, -1, 4]);
    return variant === 'camformer'
      ? tf.mean(baseGradients, 2)
      : tf.sum(tf.mul(baseGradients, tf.slice(x, [0, 0, 0], [-1, -1, 4])), 2);
  });
  const data = saliency.dataSync() as Float32Array;
  saliency.dispose();
  return data;
}

function readMaps(t: tf.Tensor2D): Maps {
  const data = t.dataSync() as Float32Array;
  const shape = t.shape as [number, number];
  t.dispose();
  return { data, shape };
}

function requireConvLayer(activation: tf.Tensor, layer: string): void {
  if (activation.rank !== 3) throw new OptionError(`layer '${layer}' is not a convolutional layer (rank ${activation.rank})`, { option: 'layers' });
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
