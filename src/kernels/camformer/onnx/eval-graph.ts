/**
 * Eval-mode graphs of a Camformer-family model on ONNX Runtime (running statistics folded into the kernels, no
 * dropout): one compiled graph gives f(x), any layer's output (`activations`), the gradient of f wrt any
 * layer's output (`gradients`, for Grad-CAM) and wrt the input (saliency, input × gradient and integrated
 * gradients, interpret/differentiable.ts). Layer names and output layouts are the tfjs model's
 * (`Model.layerNames`, `Model.activations`, `Model.layerGradients`): conv-type layers [n, positions, channels],
 * `flatten` and `dense{j}` [n, features], `output` [n].
 *
 * The backward pass is the training graph's (cnn-backward.ts) without batch statistics: per block the ReLU
 * mask (the block output is positive exactly where its pooled ReLU input was), max-pool's scatter-add into
 * its argmax (ONNX Runtime's MaxPool keeps the first of equal maxima, as PyTorch's max_pool1d and the tfjs
 * engine's `inputGradientArrays` route them), and the convolution's input gradient through the folded,
 * flipped kernel; residual adds pass the gradient to both branches. Only what the request needs is built: a
 * request for activations alone is a forward graph.
 */
import { mapBatches, type Encoded } from '../../../data/encode';
import { ModelError } from '../../../errors';
import { blockShapes, convLayer, layerNamesOf, validateConfig, type CnnConfig } from '../config';
import type { Model } from '../model';
import { modelWeights } from './bridge';
import { convInputGradient, maxPoolGradient } from './cnn-backward';
import { forwardInferenceValues, wherePositive, type DenseValues, type InferenceBlockValues } from './cnn-forward';
import { OnnxGraph } from './graph';
import { paramSpecs, stateSpecs, toGraphLayout } from './layout';
import { createSession, requireOrt, type OrtSession, type OrtTensor } from './session';
import { graphInputs } from './train-graph';

/** What one eval-mode graph computes besides f(x). */
export interface EvalRequest {
  /** Layers whose outputs the graph returns, as `<layer>_activation`. */
  activations?: readonly string[];
  /** Layers for which it returns ∂f/∂(layer output), as `<layer>_gradient`. */
  gradients?: readonly string[];
  /** Whether it returns ∂f/∂x [n, length, channels] as `gradient`. */
  inputGradient?: boolean;
}

/** A graph value in the graph's layout, and how to turn it into the tfjs layout. */
interface Tap { value: string; kind: 'conv' | 'flat' | 'dense' | 'output'; dims: number[] }

/** [C, L, n] / [F, n] / [1, n] graph values → [n, L, C] / [n, F] / [n] graph outputs. */
function emit(g: OnnxGraph, tap: Tap, name: string): void {
  const { value, kind, dims } = tap;
  if (kind === 'conv') g.output(g.op('Transpose', [value], { perm: [2, 1, 0] }), name, ['n', ...dims]);
  else if (kind === 'flat') {
    // Graph rows are (channel, position); the tfjs flatten is position-major.
    const [length, channels] = dims as [number, number];
    const nlc = g.op('Transpose', [g.op('Reshape', [value, g.int64([channels, length, -1])])], { perm: [2, 1, 0] });
    g.output(g.op('Reshape', [nlc, g.int64([-1, length * channels])]), name, ['n', length * channels]);
  } else if (kind === 'dense') g.output(g.op('Transpose', [value], { perm: [1, 0] }), name, ['n', ...dims]);
  else g.output(g.op('Reshape', [value, g.int64([-1])]), name, ['n']);
}

type Forward = { blocks: InferenceBlockValues[]; dense: DenseValues[]; prediction: string };

/** A layer's kind and dimensions without the batch (as the tfjs model gives them). */
function layerLayout(c: CnnConfig, f: Forward, layer: string): Omit<Tap, 'value'> {
  const tap = convLayer(layer);
  if (tap) {
    const C = c.convs[tap.block]!.channels;
    const before = tap.kind === 'conv' || tap.kind === 'relu'; // before the pool
    return { kind: 'conv', dims: before ? [f.blocks[tap.block]!.convLength, C] : blockShapes(c)[tap.block]! };
  }
  if (layer === 'flatten') return { kind: 'flat', dims: blockShapes(c)[c.convs.length - 1]! };
  if (layer === 'output') return { kind: 'output', dims: [] };
  return { kind: 'dense', dims: [c.dense[Number(layer.slice('dense'.length)) - 1]!] };
}

/** The forward value of a layer, with its layout. */
function activationTap(g: OnnxGraph, c: CnnConfig, v: Record<string, string>, f: Forward, layer: string): Tap {
  const layout = layerLayout(c, f, layer);
  const tap = convLayer(layer);
  if (tap) {
    const k = tap.block;
    const b = f.blocks[k]!;
    switch (tap.kind) {
      case 'conv': { // conv + bias before batch norm, as PyTorch's Conv1d (and the tfjs tap) gives it
        const C = c.convs[k]!.channels;
        const z = g.op('Reshape', [g.op('MatMul', [v[`conv${k + 1}/kernel`]!, b.patches]), g.int64([C, b.convLength, -1])]);
        return { ...layout, value: g.op('Add', [z, g.op('Reshape', [v[`conv${k + 1}/bias`]!, g.int64([C, 1, 1])])]) };
      }
      case 'relu': return { ...layout, value: b.activation };
      case 'block': return { ...layout, value: b.output };
      default: return { ...layout, value: b.sum! };
    }
  }
  if (layer === 'flatten') return { ...layout, value: f.dense[0]!.input };
  if (layer === 'output') return { ...layout, value: f.prediction };
  return { ...layout, value: f.dense[Number(layer.slice('dense'.length)) - 1]!.output! };
}

/**
 * Compiles an eval-mode graph: inputs `x` [n, length, channels] and every parameter and running statistic
 * (graph layout, as the training graph); outputs `y` [n] and what `request` asks for (see {@link EvalRequest}).
 * Sequences are independent in eval mode, so each gradient is that of the sequence's own output.
 *
 * @example
 * const model = compileEvalGraph(presetConfig('camformer-mini'), { activations: ['block3'], gradients: ['block3'] });
 */
export function compileEvalGraph(config: CnnConfig, request: EvalRequest, options: { precision?: 'float' | 'double' } = {}): Uint8Array {
  const c = validateConfig(config);
  const names = layerNamesOf(c);
  const activations = request.activations ?? [];
  const gradients = new Set(request.gradients ?? []);
  for (const layer of [...activations, ...gradients]) {
    if (!names.includes(layer)) throw new ModelError(`no layer '${layer}'; layers are ${names.join(', ')}`, { option: 'layer' });
  }
  const g = new OnnxGraph(`${c.name}_eval`, options.precision ?? 'float');
  const inputs = graphInputs(g, c, paramSpecs(c), stateSpecs(c));
  const v = inputs.values;
  const backward = gradients.size > 0 || request.inputGradient === true;
  const f = forwardInferenceValues(g, c, inputs, { poolIndices: backward });
  g.output(g.op('Reshape', [f.prediction, g.int64([-1])]), 'y', ['n']);
  for (const layer of activations) emit(g, activationTap(g, c, v, f, layer), `${layer}_activation`);
  if (!backward) return g.toModel();

  const gradient = (layer: string, value: () => string) => {
    if (gradients.has(layer)) emit(g, { ...layerLayout(c, f, layer), value: value() }, `${layer}_gradient`);
  };
  // Plain gradients: ReLU passes where its output is positive, max-pool to the first of equal maxima.
  const rules: BackwardRules = {
    dense: (d, layer) => wherePositive(g, d, layer.output!),
    block: (dOut, b, k) => {
      const pool = (value: string) => maxPoolGradient(g, value, b.poolIndices!, b.activation, c.convs[k]!.channels, b.convLength);
      gradient(`relu${k + 1}`, () => (b.poolIndices ? pool(dOut) : dOut));
      const grad = wherePositive(g, dOut, b.output);
      return b.poolIndices ? pool(grad) : grad;
    },
  };
  // The backward pass goes down only as far as the lowest block asked about (or to the input).
  const blocksAsked = [...gradients].flatMap((l) => convLayer(l)?.block ?? []);
  const lowest = request.inputGradient ? -1 : Math.min(c.convs.length, ...blocksAsked);
  const dOut = evalBackward(g, c, v, f, rules, { lowest, tap: gradient });
  if (request.inputGradient) g.output(g.op('Transpose', [dOut!], { perm: [2, 1, 0] }), 'gradient', ['n', c.inputLength, c.inputChannels]);
  return g.toModel();
}

/**
 * How a backward pass crosses each layer's nonlinearities; everything else in the eval-mode model (dense
 * layers, convolutions with batch norm folded, residual adds) is linear and crossed by its transpose.
 */
export interface BackwardRules {
  /** From a hidden dense layer's output to its ReLU input ([size, n]). */
  dense(d: string, layer: DenseValues): string;
  /** From block k's output before the residual add ([C, Lo, n]) to its ReLU input ([C, Lc, n]). */
  block(dOut: string, b: InferenceBlockValues, k: number): string;
}

/**
 * The eval-mode backward pass from 1 at each prediction down to block `lowest` (default −1: to the input),
 * crossing nonlinearities by `rules`. `tap(layer, value)` is offered each layer's gradient by the tfjs layer
 * name (output, dense{j}, flatten, sum{i}, block{i}, conv{i}; relu{i} is the rules' to offer); `value` builds
 * the node only when called. Returns the gradient wrt the input [channels, length, n] when `lowest` is −1.
 */
export function evalBackward(
  g: OnnxGraph, c: CnnConfig, v: Record<string, string>, f: Forward, rules: BackwardRules,
  options: { lowest?: number; tap?: (layer: string, value: () => string) => void } = {},
): string | undefined {
  const { lowest = -1, tap = () => undefined } = options;
  const shapes = blockShapes(c);
  let d = g.op('ConstantOfShape', [g.op('Shape', [f.prediction])], { value: { tensor: { type: g.float, dims: [1], values: [1] } } });
  tap('output', () => d);
  for (let j = f.dense.length - 1; j >= 0; j--) {
    const layer = f.dense[j]!;
    if (layer.output) tap(`dense${j + 1}`, () => d);
    const pre = layer.output ? rules.dense(d, layer) : d;
    d = g.op('Gemm', [v[`dense${j + 1}/kernel`]!, pre]);
  }
  tap('flatten', () => d);
  const [lastLength, lastChannels] = shapes[c.convs.length - 1]!;
  let dOut = g.op('Reshape', [d, g.int64([lastChannels, lastLength, -1])]);
  for (let k = c.convs.length - 1; k >= Math.max(lowest, 0); k--) {
    const layer = c.convs[k]!;
    const b = f.blocks[k]!;
    const i = k + 1;
    const out = dOut;
    tap(`sum${i}`, () => out);
    tap(`block${i}`, () => out);
    const grad = rules.block(dOut, b, k);
    tap(`conv${i}`, () => g.op('Mul', [grad, g.op('Reshape', [b.normScale, g.int64([layer.channels, 1, 1])])]));
    if (k === lowest) return undefined;
    const cin = k === 0 ? c.inputChannels : c.convs[k - 1]!.channels;
    const inLength = k === 0 ? c.inputLength : shapes[k - 1]![0];
    let dIn = convInputGradient(g, layer, cin, inLength, grad, b.weight);
    if (c.residual.includes(i)) dIn = g.op('Add', [dIn, dOut]);
    dOut = dIn;
  }
  return lowest < 0 ? dOut : undefined;
}

/**
 * The input-gradient graph: outputs `y` [n] and `gradient` [n, length, channels].
 *
 * @example
 * const session = await ort.InferenceSession.create(compileInputGradient(presetConfig('camformer-mini')));
 */
export function compileInputGradient(config: CnnConfig, options: { precision?: 'float' | 'double' } = {}): Uint8Array {
  return compileEvalGraph(config, { inputGradient: true }, options);
}

interface Prepared { version: number; sessions: Map<string, Promise<OrtSession>>; weights: Record<string, OrtTensor> }
const prepared = new WeakMap<Model, Prepared>();

/** The session for `request` and the weight feeds of a model (see {@link cachedSession}). */
function sessionFor(model: Model, request: EvalRequest): { session: Promise<OrtSession>; weights: Record<string, OrtTensor> } {
  const key = JSON.stringify([request.activations ?? [], request.gradients ?? [], request.inputGradient ?? false]);
  return cachedSession(model, key, () => compileEvalGraph(model.config, request));
}

/**
 * A session for the graph `compile` builds (one per `key`) and the weight feeds of a model, in the graph layout;
 * both are rebuilt when its weights change (`model.version`), and one session per key is kept meanwhile
 * (ISM-like repeated calls pay the compile once).
 */
export function cachedSession(model: Model, key: string, compile: () => Uint8Array): { session: Promise<OrtSession>; weights: Record<string, OrtTensor> } {
  let cached = prepared.get(model);
  if (cached?.version !== model.version) {
    for (const s of cached?.sessions.values() ?? []) void s.then((session) => session.release());
    const ort = requireOrt();
    const c = model.config;
    const values = modelWeights(model);
    const weights: Record<string, OrtTensor> = {};
    for (const p of paramSpecs(c)) weights[p.name] = new ort.Tensor('float32', toGraphLayout(c, p, values.get(p.name)!), p.graphShape);
    for (const s of stateSpecs(c)) weights[s.name] = new ort.Tensor('float32', values.get(s.name)!, s.shape);
    cached = { version: model.version, sessions: new Map(), weights };
    prepared.set(model, cached);
  }
  let session = cached.sessions.get(key);
  if (!session) {
    session = createSession(compile());
    cached.sessions.set(key, session);
  }
  return { session, weights: cached.weights };
}

/** What {@link evalOnnx} returns: f(x) and each requested output, row-major in the tfjs layout. */
export interface EvalResult {
  output: Float32Array;
  /** By layer: [n, ...dims of the layer], flattened. */
  activations: Record<string, Float32Array>;
  gradients: Record<string, Float32Array>;
  /** ∂f/∂x [n, length, channels], when requested. */
  inputGradient?: Float32Array;
}

/**
 * Runs the eval-mode graph of `request` over `x`, `batchSize` sequences per run (default 256).
 *
 * @example
 * const { activations, gradients } = await evalOnnx(model, x, { activations: ['block2'], gradients: ['block2'] });
 */
export async function evalOnnx(model: Model, x: Encoded, request: EvalRequest, batchSize = 256): Promise<EvalResult> {
  model.checkInput(x.shape);
  const ort = requireOrt();
  const { session, weights } = sessionFor(model, request);
  const s = await session;
  const n = x.shape[0]!;
  const activations: Record<string, Float32Array> = {};
  const gradients: Record<string, Float32Array> = {};
  const input: Record<string, Float32Array> = {};
  const collect = (into: Record<string, Float32Array>, name: string, values: Float32Array, first: number, count: number) => {
    const row = values.length / count;
    into[name] ??= new Float32Array(n * row);
    into[name].set(values, first * row);
  };
  let first = 0;
  const output = await mapBatches(x, batchSize, async (batch) => {
    const count = batch.shape[0]!;
    const result = await s.run({ ...weights, x: new ort.Tensor('float32', batch.data, batch.shape) });
    for (const layer of request.activations ?? []) collect(activations, layer, result[`${layer}_activation`]!.data as Float32Array, first, count);
    for (const layer of request.gradients ?? []) collect(gradients, layer, result[`${layer}_gradient`]!.data as Float32Array, first, count);
    if (request.inputGradient) collect(input, 'gradient', result.gradient!.data as Float32Array, first, count);
    first += count;
    return result.y!.data as Float32Array;
  });
  return { output, activations, gradients, inputGradient: input.gradient };
}

/**
 * f(x) [n] and ∂f/∂x [n, length, channels] of one model on ONNX Runtime, `batchSize` sequences per run
 * (default 256). Equal to the tfjs engine's `inputGradientArrays` to float rounding.
 *
 * @example
 * const { output, gradient } = await inputGradientsOnnx(model, encode(sequences, model.encoding));
 */
export async function inputGradientsOnnx(model: Model, x: Encoded, batchSize = 256): Promise<{ output: Float32Array; gradient: Float32Array }> {
  const { output, inputGradient } = await evalOnnx(model, x, { inputGradient: true }, batchSize);
  return { output, gradient: inputGradient ?? new Float32Array(0) };
}
