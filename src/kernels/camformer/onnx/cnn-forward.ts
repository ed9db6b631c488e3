/**
 * The forward pass of a Camformer-family CNN written as ONNX nodes, in training mode (batch statistics,
 * dropout masks, everything the backward pass needs kept by name) and in eval mode (running statistics
 * folded into the conv weights, no dropout).
 *
 * Layout: activations are [channels, positions, batch] (the batch innermost and symbolic). A convolution is
 * Pad → Gather of the k shifted position windows → one [out, in·k] × [in·k, positions·batch] MatMul: the
 * layout and operator choice that measured fastest on ONNX Runtime's CPU kernels (ORT's own Conv is slow
 * when the weights are graph inputs rather than constants). Batch norm is written out from reductions
 * because ONNX Runtime has no training-mode BatchNormalization. Semantics follow model.ts exactly:
 * conv (PyTorch-style zero padding, 'same' puts the extra zero on the right) → batch norm → ReLU →
 * max-pool → dropout → residual add; dense layers are ReLU then dropout; a final dense layer of size 1.
 */
import { blockShapes, convPadding, type CnnConfig } from '../config';
import { ELEMENT_TYPES, type OnnxGraph } from './graph';

/** Names of the graph values of one conv block that the backward pass reads. */
export interface BlockValues {
  /** Patch matrix [in·k, positions·n] (kept, or rebuilt from `padded` in the backward pass). */
  patches?: string;
  /** Zero-padded block input [in, positions + pads, n]. */
  padded: string;
  /** Conv output minus its batch mean [C, Lc, n]. */
  centred: string;
  /** 1 / sqrt(var + ε) [C, 1, 1]. */
  rstd: string;
  /** γ · rstd · dropout scale [C, 1, 1]. */
  gain: string;
  /** Max-pool argmax indices (flat into [C, Lc, n]). */
  poolIndices?: string;
  /** The block output after pool and dropout, before any residual add [C, Lo, n]. */
  output: string;
  /** Batch mean of conv + bias and biased batch variance, [C] each (running statistics). */
  mean: string;
  variance: string;
  /** Number of values per channel, batch · positions, as a float [1]. */
  count: string;
  /** Dropout keep scale 1 / (1 − p) (1 without dropout). */
  scale: number;
}

export interface DenseValues {
  /** The dense layer's input [in, n]. */
  input: string;
  /** Its output after ReLU and dropout [out, n] (absent for the final layer). */
  output?: string;
  /** Its ReLU input [out, n] (absent for the final layer). */
  pre?: string;
  scale: number;
}

export interface ForwardValues {
  blocks: BlockValues[];
  dense: DenseValues[];
  /** Predictions [1, n]. */
  prediction: string;
}

/** Parameter and state values by cislab name, plus the batch size as a float [1]. */
export interface GraphInputs {
  x: string;
  values: Record<string, string>;
  /** Batch size n as a float tensor of shape [1]. */
  batch: string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Gather indices: window t of output position l reads padded position l + t + offset, as [k, outLength] or
 * flat [k · outLength] (same gathered values, a different node: see patchesOf).
 */
function windowIndices(g: OnnxGraph, k: number, outLength: number, offset = 0, flat = false): string {
  return g.int64(range(k).flatMap((t) => range(outLength).map((l) => l + t + offset)), flat ? [k * outLength] : [k, outLength]);
}

/** Zero padding of axis 1 of a [C, L, n] value; the value itself when there is none. */
export function padPositions(g: OnnxGraph, value: string, left: number, right: number): string {
  return left || right ? g.op('Pad', [value, g.int64([0, left, 0, 0, right, 0])]) : value;
}

/**
 * The patch matrix [in·k, Lc·n] of a padded [in, Lpad, n] value. `rebuild` marks the backward pass's
 * second copy: its Gather takes flat indices so that ONNX Runtime's common-subexpression elimination
 * does not merge it with the forward one (which would keep the forward patches alive after all).
 */
export function patchesOf(g: OnnxGraph, padded: string, cin: number, k: number, outLength: number, rebuild = false): string {
  return g.op('Reshape', [g.op('Gather', [padded, windowIndices(g, k, outLength, 0, rebuild)], { axis: 1 }), g.int64([cin * k, -1])]);
}

/**
 * `value` where `condition` (bool, same shape) holds, else 0, as value · float(condition): ONNX Runtime's CPU
 * Where takes about 3× the time of Cast + Mul on a [256, 110, 256] tensor (14 % of a camformer-small
 * training step went to Where). Equal to Where for finite values (a dropped negative gives −0).
 */
export function masked(g: OnnxGraph, value: string, condition: string): string {
  return g.op('Mul', [value, g.op('Cast', [condition], { to: ELEMENT_TYPES[g.float] })]);
}

/** `value` where `reference` > 0, else 0: the gradient through a ReLU (and a dropout) whose output is `reference`. */
export function wherePositive(g: OnnxGraph, value: string, reference: string): string {
  return masked(g, value, g.op('Greater', [reference, g.scalar(0)]));
}

/** Gather indices for the input gradient: [k, Lin], window t' of input position j reads dz at j + offset + t'. */
export function inputGradientIndices(g: OnnxGraph, k: number, inLength: number, offset: number): string {
  return windowIndices(g, k, inLength, offset);
}

/**
 * Training-mode forward pass. `masks[i]` is the keep mask (bool [C, Lo, n]) of conv block i, `denseMasks[j]`
 * that of hidden dense layer j; undefined where the layer has no dropout.
 */
export function forwardTraining(
  g: OnnxGraph, c: CnnConfig, inputs: GraphInputs,
  masks: readonly (string | undefined)[], denseMasks: readonly (string | undefined)[],
  options: { keepPatches: boolean },
): ForwardValues {
  const v = inputs.values;
  const shapes = blockShapes(c);
  let a = g.op('Transpose', [inputs.x], { perm: [2, 1, 0] }); // [in, L, n]
  let previous = a;
  let cin = c.inputChannels;
  let length = c.inputLength;
  const blocks: BlockValues[] = [];
  c.convs.forEach((layer, k) => {
    const i = k + 1;
    const [left, right] = convPadding(layer);
    const convLength = length + left + right - layer.kernel + 1;
    const C = layer.channels;
    const padded = padPositions(g, a, left, right);
    const patches = patchesOf(g, padded, cin, layer.kernel, convLength);
    const z = g.op('Reshape', [g.op('MatMul', [v[`conv${i}/kernel`]!, patches]), g.int64([C, convLength, -1])]);
    const count = g.op('Mul', [inputs.batch, g.scalar(convLength)]);
    const mean = g.op('ReduceMean', [z, g.int64([1, 2])], { keepdims: 1 });
    const centred = g.op('Sub', [z, mean]);
    const variance = g.op('Div', [g.op('ReduceSumSquare', [centred, g.int64([1, 2])], { keepdims: 1 }), count]);
    const rstd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(c.batchNormEpsilon)])])]);
    // Dropout's 1 / (1 − p) is folded into the affine: ReLU and max-pool commute with a positive scale.
    const scale = masks[k] ? 1 / (1 - layer.dropout) : 1;
    const gamma = g.op('Reshape', [v[`bn${i}/gamma`]!, g.int64([C, 1, 1])]);
    const beta = g.op('Reshape', [v[`bn${i}/beta`]!, g.int64([C, 1, 1])]);
    const gain = scale === 1 ? g.op('Mul', [gamma, rstd]) : g.op('Mul', [g.op('Mul', [gamma, rstd]), g.scalar(scale)]);
    const shift = scale === 1 ? beta : g.op('Mul', [beta, g.scalar(scale)]);
    const relu = g.op('Relu', [g.op('Add', [g.op('Mul', [centred, gain]), shift])]);
    let out = relu;
    let poolIndices: string | undefined;
    if (layer.pool) {
      const [pooled, indices] = g.node('MaxPool', [g.op('Unsqueeze', [relu, g.int64([0])])],
        { kernel_shape: [layer.pool.kernel, 1], strides: [layer.pool.stride, 1] }, 2);
      out = g.op('Squeeze', [pooled!, g.int64([0])]);
      poolIndices = indices;
    }
    if (masks[k]) out = masked(g, out, masks[k]!);
    blocks.push({
      patches: options.keepPatches ? patches : undefined, padded, centred, rstd, gain, poolIndices, output: out,
      mean: g.op('Add', [g.op('Reshape', [mean, g.int64([C])]), v[`conv${i}/bias`]!]),
      variance: g.op('Reshape', [variance, g.int64([C])]), count, scale,
    });
    if (c.residual.includes(i)) out = g.op('Add', [out, previous]);
    previous = out;
    a = out;
    cin = C;
    length = shapes[k]![0];
  });
  return { blocks, ...denseForward(g, c, inputs, a, denseMasks) };
}

/** Flatten → hidden dense layers (ReLU, dropout) → the output layer; shared by both modes. */
function denseForward(
  g: OnnxGraph, c: CnnConfig, inputs: GraphInputs, last: string, denseMasks: readonly (string | undefined)[],
): { dense: DenseValues[]; prediction: string } {
  const v = inputs.values;
  const [length, channels] = blockShapes(c)[c.convs.length - 1]!;
  let h = g.op('Reshape', [last, g.int64([channels * length, -1])]); // rows (channel, position)
  const dense: DenseValues[] = [];
  c.dense.forEach((size, j) => {
    const name = `dense${j + 1}`;
    const scale = denseMasks[j] ? 1 / (1 - (c.denseDropouts[j] ?? 0)) : 1;
    const bias = g.op('Reshape', [v[`${name}/bias`]!, g.int64([size, 1])]);
    const input = h;
    // The dropout scale goes before the ReLU (a Mul, not Gemm's float32 alpha: exact in float64 graphs too).
    const affine = g.op('Gemm', [v[`${name}/kernel`]!, input, bias], { transA: 1 });
    const pre = scale === 1 ? affine : g.op('Mul', [affine, g.scalar(scale)]);
    h = g.op('Relu', [pre]);
    if (denseMasks[j]) h = masked(g, h, denseMasks[j]!);
    dense.push({ input, output: h, pre, scale });
  });
  const name = `dense${c.dense.length + 1}`;
  const bias = g.op('Reshape', [v[`${name}/bias`]!, g.int64([1, 1])]);
  dense.push({ input: h, scale: 1 });
  return { dense, prediction: g.op('Gemm', [v[`${name}/kernel`]!, h, bias], { transA: 1 }) };
}

/** What the eval-mode graphs (eval-graph.ts: layer taps, gradients to layers and input) read of one conv block. */
export interface InferenceBlockValues {
  /** The conv kernel with batch norm's scale folded in [C, in·k]. */
  weight: string;
  /** Conv output positions (before pooling). */
  convLength: number;
  /** The block input's patch matrix [in·k, Lc·n] (what the conv multiplies). */
  patches: string;
  /** Batch norm's scale γ / sqrt(running variance + ε) [C], folded into `weight`. */
  normScale: string;
  /** The ReLU input (folded conv plus shift) [C, Lc, n]. */
  pre: string;
  /** The ReLU output before pooling [C, Lc, n] (its shape is where pooled gradients scatter to). */
  activation: string;
  /** Max-pool argmax indices (flat into [C, Lc, n]), when the block pools. */
  poolIndices?: string;
  /** The block output after pool, before any residual add [C, Lo, n]. */
  output: string;
  /** The output after the residual add [C, Lo, n], for residual blocks. */
  sum?: string;
}

/**
 * Eval-mode forward pass (running statistics, no dropout): predictions [1, n]. Batch norm is folded into
 * the conv weights and a per-channel shift inside the graph, so the weights stay graph inputs.
 */
export function forwardInference(g: OnnxGraph, c: CnnConfig, inputs: GraphInputs): string {
  return forwardInferenceValues(g, c, inputs, { poolIndices: false }).prediction;
}

/**
 * The eval-mode forward pass with what a backward pass needs: per block the folded kernel, the output before
 * the residual add and (with `poolIndices`) max-pool's argmax; the dense layers' inputs and outputs.
 */
export function forwardInferenceValues(
  g: OnnxGraph, c: CnnConfig, inputs: GraphInputs, options: { poolIndices: boolean },
): { prediction: string; blocks: InferenceBlockValues[]; dense: DenseValues[] } {
  const v = inputs.values;
  const shapes = blockShapes(c);
  let a = g.op('Transpose', [inputs.x], { perm: [2, 1, 0] });
  let previous = a;
  let cin = c.inputChannels;
  let length = c.inputLength;
  const blocks: InferenceBlockValues[] = [];
  c.convs.forEach((layer, k) => {
    const i = k + 1;
    const [left, right] = convPadding(layer);
    const convLength = length + left + right - layer.kernel + 1;
    const C = layer.channels;
    const scale = g.op('Div', [v[`bn${i}/gamma`]!, g.op('Sqrt', [g.op('Add', [v[`bn${i}/movingVariance`]!, g.scalar(c.batchNormEpsilon)])])]);
    const shift = g.op('Add', [g.op('Mul', [g.op('Sub', [v[`conv${i}/bias`]!, v[`bn${i}/movingMean`]!]), scale]), v[`bn${i}/beta`]!]);
    const weight = g.op('Mul', [v[`conv${i}/kernel`]!, g.op('Reshape', [scale, g.int64([C, 1])])]);
    const patches = patchesOf(g, padPositions(g, a, left, right), cin, layer.kernel, convLength);
    const z = g.op('Reshape', [g.op('MatMul', [weight, patches]), g.int64([C, convLength, -1])]);
    const pre = g.op('Add', [z, g.op('Reshape', [shift, g.int64([C, 1, 1])])]);
    const activation = g.op('Relu', [pre]);
    let out = activation;
    let poolIndices: string | undefined;
    if (layer.pool) {
      const attributes = { kernel_shape: [layer.pool.kernel, 1], strides: [layer.pool.stride, 1] };
      const input = g.op('Unsqueeze', [out, g.int64([0])]);
      let pooled: string;
      if (options.poolIndices) {
        const [values, indices] = g.node('MaxPool', [input], attributes, 2);
        pooled = values!;
        poolIndices = indices;
      } else {
        pooled = g.op('MaxPool', [input], attributes);
      }
      out = g.op('Squeeze', [pooled, g.int64([0])]);
    }
    const block: InferenceBlockValues = { weight, convLength, patches, normScale: scale, pre, activation, poolIndices, output: out };
    if (c.residual.includes(i)) out = block.sum = g.op('Add', [out, previous]);
    blocks.push(block);
    previous = out;
    a = out;
    cin = C;
    length = shapes[k]![0];
  });
  const { dense, prediction } = denseForward(g, c, inputs, a, []);
  return { prediction, blocks, dense };
}
