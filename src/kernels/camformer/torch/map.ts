/**
 * Maps a PyTorch network's tensors onto a cislab CNN by structure — their order and shapes — not by name, so
 * the authors' modules (`nn.Conv2d` with (k, 1) kernels inside `Conv2dSame`, base/model.py L66–123; plain
 * `nn.Conv2d`, base/model_basic.py) and anyone's re-implementation (`nn.Conv1d`, `nn.Conv2d` with (1, k)
 * kernels, any attribute names, conv with or without bias) import alike. Per conv block the state-dict order is
 * conv weight, [conv bias], batch-norm weight, bias, running_mean, running_var, [num_batches_tracked]; then
 * each Linear's weight and bias. Layouts change on the way: conv [out, in, k(, 1)] → tfjs [1, k, in, out];
 * Linear [out, in] → [in, out]; and the first Linear's inputs are re-ordered from PyTorch's channel-first
 * flatten (`x.view(n, -1)` of [n, C, L, 1], base/model.py L207: index c·L + l) to cislab's position-first
 * flatten of [n, L, C] (index l·C + c).
 */
import { tf } from '../../tensor/tf';
import { ModelError } from '../../../errors';
import { blockShapes, flattenSize, type CnnConfig } from '../config';
import { Model } from '../model';
import type { NamedTensor } from './checkpoint';

/** One imported tensor: where it came from and where it went. */
export interface TensorMapping {
  torch: string;
  torchShape: number[];
  cislab: string;
  cislabShape: number[];
}

export interface MappedWeights {
  params: Map<string, { shape: number[]; values: Float32Array }>;
  state: Map<string, { shape: number[]; values: Float32Array }>;
  mappings: TensorMapping[];
  /** Tensors read but not needed for inference (num_batches_tracked). */
  skipped: string[];
  /** Whether the convs carried a bias (without one, cislab's bias is 0: batch norm absorbs it). */
  convBias: boolean;
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Integer scalars (num_batches_tracked) carry nothing inference needs. */
function isCounter(t: NamedTensor): boolean {
  return /(^|\.)num_batches_tracked$/.test(t.name) || (t.tensor.shape.length === 0 && !t.tensor.dtype.startsWith('float') && t.tensor.dtype !== 'bfloat16');
}

/**
 * The weights of `tensors` laid out for `config`, or a ModelError naming the first tensor that does not fit
 * (its index, name, shape and the shape expected there).
 */
export function mapTensors(tensors: readonly NamedTensor[], config: CnnConfig, label = config.name): MappedWeights {
  const usable = tensors.filter((t) => !isCounter(t));
  const skipped = tensors.filter(isCounter).map((t) => t.name);
  const params: MappedWeights['params'] = new Map();
  const state: MappedWeights['state'] = new Map();
  const mappings: TensorMapping[] = [];
  let at = 0;
  const where = (t: NamedTensor) => `tensor ${tensors.indexOf(t) + 1} of ${tensors.length} ('${t.name}', shape ${shapeText(t.tensor.shape)})`;
  const fail = (problem: string): never => { throw new ModelError(`the checkpoint does not have the structure of ${label}: ${problem}`, { option: 'weights' }); };
  const next = (what: string): NamedTensor => usable[at] ?? fail(`it ends (after ${tensors.length} tensors) where ${what} should come`);
  const put = (into: MappedWeights['params'], t: NamedTensor, name: string, shape: number[], values: Float32Array) => {
    into.set(name, { shape, values });
    mappings.push({ torch: t.name, torchShape: t.tensor.shape, cislab: name, cislabShape: shape });
  };

  let inChannels = config.inputChannels;
  let anyBias = false;
  config.convs.forEach((layer, k) => {
    const i = k + 1;
    const w = next(`conv${i}'s weight`);
    const s = w.tensor.shape;
    const kernelDim = s.length === 3 ? s[2] : s.length === 4 && s[3] === 1 ? s[2] : s.length === 4 && s[2] === 1 ? s[3] : undefined;
    if (kernelDim !== layer.kernel || s[0] !== layer.channels || s[1] !== inChannels) {
      fail(`${where(w)} should be conv${i}'s weight ${shapeText([layer.channels, inChannels, layer.kernel])} ` +
        `(nn.Conv1d) or ${shapeText([layer.channels, inChannels, layer.kernel, 1])} (nn.Conv2d with a (${layer.kernel}, 1) kernel)` +
        (k === 0 && s.length >= 3 && s[1] !== inChannels ? `; its ${s[1]} input channels do not fit the ${config.encoding} encoding (${inChannels})` : ''));
    }
    at++;
    // The vectors of this block: [conv bias] + batch norm's weight, bias, running_mean, running_var.
    let run = 0;
    while (run < 5 && usable[at + run] && usable[at + run]!.tensor.shape.length === 1 && usable[at + run]!.tensor.shape[0] === layer.channels) run++;
    if (run < 4) {
      const t = usable[at + run];
      fail(`after conv${i}'s weight come ${run} vectors of ${layer.channels}; expected 4 (batch norm weight, bias, running_mean, running_var) ` +
        `or 5 (conv bias first)${t ? `; ${where(t)} breaks the run` : ''}`);
    }
    const hasBias = run === 5;
    anyBias ||= hasBias;
    const vectors = usable.slice(at, at + run);
    const [bias, gamma, beta, mean, variance] = hasBias ? vectors : [undefined, ...vectors];
    // Names are not needed, but where they say running_mean/var they must land there (a reordered module).
    for (const [t, slot] of [[gamma, 'weight'], [beta, 'bias'], [mean, 'running_mean'], [variance, 'running_var']] as const) {
      const stat = /running_(mean|var)$/.exec(t!.name)?.[0];
      if (stat !== undefined && stat !== slot) fail(`${where(t!)} sits where batch norm ${i}'s ${slot} belongs`);
    }
    at += run;
    const values = w.tensor.values();
    const K = layer.kernel, C = inChannels, O = layer.channels;
    const kernel = new Float32Array(values.length);
    for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let t = 0; t < K; t++) kernel[(t * C + c) * O + o] = values[(o * C + c) * K + t]!;
    put(params, w, `conv${i}/kernel`, [1, K, C, O], kernel);
    if (bias) put(params, bias, `conv${i}/bias`, [O], bias.tensor.values());
    else params.set(`conv${i}/bias`, { shape: [O], values: new Float32Array(O) });
    put(params, gamma!, `bn${i}/gamma`, [O], gamma!.tensor.values());
    put(params, beta!, `bn${i}/beta`, [O], beta!.tensor.values());
    put(state, mean!, `bn${i}/movingMean`, [O], mean!.tensor.values());
    put(state, variance!, `bn${i}/movingVariance`, [O], variance!.tensor.values());
    inChannels = O;
  });

  const [positions, channels] = blockShapes(config)[config.convs.length - 1]!;
  let inSize = flattenSize(config);
  [...config.dense, 1].forEach((size, j) => {
    const name = `dense${j + 1}`;
    const w = next(`${name}'s weight`);
    if (w.tensor.shape.length !== 2 || w.tensor.shape[0] !== size || w.tensor.shape[1] !== inSize) {
      fail(`${where(w)} should be ${j === config.dense.length ? 'the output layer' : name}'s weight ${shapeText([size, inSize])}` +
        (j === 0 ? ` (the flattened ${positions} positions × ${channels} channels of the last conv block)` : ''));
    }
    at++;
    const b = next(`${name}'s bias`);
    if (b.tensor.shape.length !== 1 || b.tensor.shape[0] !== size) fail(`${where(b)} should be ${name}'s bias ${shapeText([size])}`);
    at++;
    const values = w.tensor.values();
    const kernel = new Float32Array(values.length);
    if (j === 0) {
      // PyTorch input index c·L + l (channel-first) → cislab l·C + c (position-first).
      for (let o = 0; o < size; o++) for (let c = 0; c < channels; c++) for (let l = 0; l < positions; l++) {
        kernel[(l * channels + c) * size + o] = values[o * inSize + c * positions + l]!;
      }
    } else {
      for (let o = 0; o < size; o++) for (let i = 0; i < inSize; i++) kernel[i * size + o] = values[o * inSize + i]!;
    }
    put(params, w, `${name}/kernel`, [inSize, size], kernel);
    put(params, b, `${name}/bias`, [size], b.tensor.values());
    inSize = size;
  });
  if (at < usable.length) fail(`${where(usable[at]!)} comes after the output layer; ${label} has no more layers`);
  return { params, state, mappings, skipped, convBias: anyBias };
}

/** A cislab model holding mapped weights (variables in the order `buildModel` creates them). */
export function modelFromMapped(config: CnnConfig, mapped: MappedWeights): Model {
  const order: string[] = [];
  config.convs.forEach((_, k) => order.push(`conv${k + 1}/kernel`, `conv${k + 1}/bias`, `bn${k + 1}/gamma`, `bn${k + 1}/beta`));
  [...config.dense, 1].forEach((_, j) => order.push(`dense${j + 1}/kernel`, `dense${j + 1}/bias`));
  const variables = (names: string[], from: MappedWeights['params'], trainable: boolean) =>
    new Map(names.map((name) => {
      const { shape, values } = from.get(name)!;
      const t = tf.tensor(values, shape);
      const v = tf.variable(t, trainable);
      t.dispose();
      return [name, v] as const;
    }));
  const stateNames = config.convs.flatMap((_, k) => [`bn${k + 1}/movingMean`, `bn${k + 1}/movingVariance`]);
  return new Model(config, variables(order, mapped.params, true), variables(stateNames, mapped.state, false));
}
