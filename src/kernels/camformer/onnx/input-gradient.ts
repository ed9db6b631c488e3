/**
 * The input gradient of a Camformer-family model on ONNX Runtime: one graph runs the eval-mode forward pass
 * (running statistics folded into the kernels, no dropout) and the backward pass to the input, giving f(x)
 * and ∂f/∂x for saliency, input × gradient and integrated gradients (interpret/differentiable.ts).
 *
 * The backward pass is the training graph's (cnn-backward.ts) without batch statistics: per block the ReLU
 * mask (the block output is positive exactly where its pooled ReLU input was), max-pool's scatter-add into
 * its argmax (ONNX Runtime's MaxPool keeps the first of equal maxima, as PyTorch's max_pool1d and the tfjs
 * engine's `inputGradientArrays` route them), and the convolution's input gradient through the folded,
 * flipped kernel; residual adds pass the gradient to both branches.
 */
import * as os from 'node:os';
import { mapBatches, type Encoded } from '../../../data/encode';
import { blockShapes, validateConfig, type CnnConfig } from '../config';
import type { Model } from '../model';
import { modelWeights } from './bridge';
import { convInputGradient, maxPoolGradient } from './cnn-backward';
import { forwardInferenceValues } from './cnn-forward';
import { OnnxGraph } from './graph';
import { paramSpecs, stateSpecs, toGraphLayout } from './layout';
import { createSession, requireOrt, type OrtSession, type OrtTensor } from './session';
import { graphInputs } from './train-graph';

/**
 * Compiles the input-gradient graph: inputs `x` [n, length, channels] and every parameter and running statistic
 * (graph layout, as the training graph), outputs `y` [n] and `gradient` [n, length, channels], the gradient of
 * each sequence's own output.
 *
 * @example
 * const session = await ort.InferenceSession.create(compileInputGradient(presetConfig('camformer-mini')));
 */
export function compileInputGradient(config: CnnConfig, options: { precision?: 'float' | 'double' } = {}): Uint8Array {
  const c = validateConfig(config);
  const g = new OnnxGraph(`${c.name}_input_gradient`, options.precision ?? 'float');
  const inputs = graphInputs(g, c, paramSpecs(c), stateSpecs(c));
  const v = inputs.values;
  const f = forwardInferenceValues(g, c, inputs, { poolIndices: true });
  // Sequences are independent in eval mode, so the gradient of Σ f is each sequence's own.
  let d = g.op('ConstantOfShape', [g.op('Shape', [f.prediction])], { value: { tensor: { type: g.float, dims: [1], values: [1] } } });
  for (let j = f.dense.length - 1; j >= 0; j--) {
    const layer = f.dense[j]!;
    const pre = layer.output ? g.op('Where', [g.op('Greater', [layer.output, g.scalar(0)]), d, g.scalar(0)]) : d;
    d = g.op('Gemm', [v[`dense${j + 1}/kernel`]!, pre]);
  }
  const shapes = blockShapes(c);
  const [lastLength, lastChannels] = shapes[c.convs.length - 1]!;
  let dOut = g.op('Reshape', [d, g.int64([lastChannels, lastLength, -1])]);
  for (let k = c.convs.length - 1; k >= 0; k--) {
    const layer = c.convs[k]!;
    const b = f.blocks[k]!;
    const cin = k === 0 ? c.inputChannels : c.convs[k - 1]!.channels;
    const inLength = k === 0 ? c.inputLength : shapes[k - 1]![0];
    let grad = g.op('Where', [g.op('Greater', [b.output, g.scalar(0)]), dOut, g.scalar(0)]);
    if (b.poolIndices) grad = maxPoolGradient(g, grad, b.poolIndices, b.activation, layer.channels, b.convLength);
    let dIn = convInputGradient(g, layer, cin, inLength, grad, b.weight);
    if (c.residual.includes(k + 1)) dIn = g.op('Add', [dIn, dOut]);
    dOut = dIn;
  }
  g.output(g.op('Reshape', [f.prediction, g.int64([-1])]), 'y', ['n']);
  g.output(g.op('Transpose', [dOut], { perm: [2, 1, 0] }), 'gradient', ['n', c.inputLength, c.inputChannels]);
  return g.toModel();
}

interface Prepared { version: number; session: Promise<OrtSession>; weights: Record<string, OrtTensor> }
const prepared = new WeakMap<Model, Prepared>();

/** The session and weight feeds of a model, rebuilt when its weights change (`model.version`). */
function prepare(model: Model): Prepared {
  const cached = prepared.get(model);
  if (cached?.version === model.version) return cached;
  if (cached) void cached.session.then((s) => s.release());
  const ort = requireOrt();
  const c = model.config;
  const values = modelWeights(model);
  const weights: Record<string, OrtTensor> = {};
  for (const p of paramSpecs(c)) weights[p.name] = new ort.Tensor('float32', toGraphLayout(c, p, values.get(p.name)!), p.graphShape);
  for (const s of stateSpecs(c)) weights[s.name] = new ort.Tensor('float32', values.get(s.name)!, s.shape);
  const next = { version: model.version, session: createSession(compileInputGradient(c), { threads: os.availableParallelism() }), weights };
  prepared.set(model, next);
  return next;
}

/**
 * f(x) [n] and ∂f/∂x [n, length, channels] of one model on ONNX Runtime, `batchSize` sequences per run
 * (default 256). Equal to the tfjs engine's `inputGradientArrays` to float rounding.
 *
 * @example
 * const { output, gradient } = await inputGradientsOnnx(model, encode(sequences, model.encoding));
 */
export async function inputGradientsOnnx(model: Model, x: Encoded, batchSize = 256): Promise<{ output: Float32Array; gradient: Float32Array }> {
  model.checkInput(x.shape);
  const ort = requireOrt();
  const { session, weights } = prepare(model);
  const s = await session;
  const n = x.shape[0]!;
  const row = model.inputLength * model.inputChannels;
  const gradient = new Float32Array(n * row);
  let first = 0;
  const output = await mapBatches(x, batchSize, async (batch) => {
    const result = await s.run({ ...weights, x: new ort.Tensor('float32', batch.data, batch.shape) });
    gradient.set(result.gradient!.data as Float32Array, first * row);
    first += batch.shape[0]!;
    return result.y!.data as Float32Array;
  });
  return { output, gradient };
}
