/**
 * The backward pass of a Camformer-family CNN as ONNX nodes, from the gradient of the loss with respect to
 * the predictions back to every trained parameter (forward values from cnn-forward.ts).
 *
 * Per conv block (layout [channels, positions, batch]):
 * - ReLU, dropout and max-pool share one mask: the block output o is positive exactly where the unit was
 *   kept and its (pooled) ReLU input was positive, so do · (o > 0) is the product of all three
 *   derivatives. Max-pool then scatters into its argmax positions with ScatterElements(reduction = add):
 *   windows overlap (kernel 7, stride 2), and MaxUnpool would assign instead of add.
 * - Batch norm with batch statistics (the tfjs custom gradient in tensor/ops.ts, PyTorch's formula):
 *   dβ = Σg, dγ = Σ g·x̂, dz = γ/σ · (g − mean(g) − x̂ · mean(g·x̂)).
 * - The convolution: dW = dz · patchesᵀ (one Gemm); the input gradient is the convolution of the zero-padded
 *   dz with the flipped, transposed kernel, again a Gather of windows and one MatMul.
 * Conv biases get no gradient: batch norm removes any per-channel constant, so it is exactly zero.
 */
import { blockShapes, convPadding, type CnnConfig } from '../config';
import type { OnnxGraph } from './graph';
import { inputGradientIndices, padPositions, patchesOf, wherePositive, type ForwardValues, type GraphInputs } from './cnn-forward';

/**
 * Gradients by parameter name, given dL/dprediction [1, n]. `inputGradient` also returns dL/dx
 * ([n, L, channels], cislab's layout) for saliency-type attributions.
 */
export function backward(
  g: OnnxGraph, c: CnnConfig, inputs: GraphInputs, f: ForwardValues, dPrediction: string,
  options: { inputGradient?: boolean } = {},
): { grads: Record<string, string>; input?: string } {
  const v = inputs.values;
  const grads: Record<string, string> = {};
  // Dense layers, last first. Each hidden layer's output is relu(scale · (Wᵀ h + b)) after its keep mask.
  let d = dPrediction;
  for (let j = f.dense.length - 1; j >= 0; j--) {
    const layer = f.dense[j]!;
    const name = `dense${j + 1}`;
    let pre = d;
    if (layer.output) {
      pre = wherePositive(g, d, layer.output);
      if (layer.scale !== 1) pre = g.op('Mul', [pre, g.scalar(layer.scale)]);
    }
    grads[`${name}/kernel`] = g.op('Gemm', [layer.input, pre], { transB: 1 });
    grads[`${name}/bias`] = g.op('ReduceSum', [pre, g.int64([1])], { keepdims: 0 });
    d = g.op('Gemm', [v[`${name}/kernel`]!, pre]);
  }
  const shapes = blockShapes(c);
  const [lastLength, lastChannels] = shapes[c.convs.length - 1]!;
  let dOut = g.op('Reshape', [d, g.int64([lastChannels, lastLength, -1])]);
  let input: string | undefined;
  for (let k = c.convs.length - 1; k >= 0; k--) {
    const i = k + 1;
    const layer = c.convs[k]!;
    const b = f.blocks[k]!;
    const C = layer.channels;
    const cin = k === 0 ? c.inputChannels : c.convs[k - 1]!.channels;
    const inLength = k === 0 ? c.inputLength : shapes[k - 1]![0];
    const [left, right] = convPadding(layer);
    const convLength = inLength + left + right - layer.kernel + 1;
    // A residual block's output is o + (previous block's output): both receive dOut.
    const carry = c.residual.includes(i) ? dOut : undefined;
    let grad = wherePositive(g, dOut, b.output);
    // The pre-pool activation has the shape of `centred` (kept anyway; the ReLU output need not be).
    if (b.poolIndices) grad = maxPoolGradient(g, grad, b.poolIndices, b.centred, C, convLength);
    const sumG = g.op('ReduceSum', [grad, g.int64([1, 2])], { keepdims: 1 });
    const sumGX = g.op('ReduceSum', [g.op('Mul', [grad, b.centred]), g.int64([1, 2])], { keepdims: 1 });
    const scaled = (t: string) => (b.scale === 1 ? t : g.op('Mul', [t, g.scalar(b.scale)]));
    grads[`bn${i}/beta`] = g.op('Reshape', [scaled(sumG), g.int64([C])]);
    grads[`bn${i}/gamma`] = g.op('Reshape', [scaled(g.op('Mul', [sumGX, b.rstd])), g.int64([C])]);
    const minusInvCount = g.op('Neg', [g.op('Reciprocal', [b.count])]);
    const c2 = g.op('Mul', [g.op('Mul', [b.gain, g.op('Mul', [b.rstd, b.rstd])]), g.op('Mul', [sumGX, minusInvCount])]);
    const c3 = g.op('Mul', [b.gain, g.op('Mul', [sumG, minusInvCount])]);
    const dz = g.op('Add', [g.op('Add', [g.op('Mul', [grad, b.gain]), g.op('Mul', [b.centred, c2])]), c3]);
    const patches = b.patches ?? patchesOf(g, b.padded, cin, layer.kernel, convLength, true);
    grads[`conv${i}/kernel`] = g.op('Gemm', [g.op('Reshape', [dz, g.int64([C, -1])]), patches], { transB: 1 });
    if (k > 0 || options.inputGradient) {
      let dIn = convInputGradient(g, layer, cin, inLength, dz, v[`conv${i}/kernel`]!);
      if (carry) dIn = g.op('Add', [dIn, carry]);
      if (k > 0) dOut = dIn;
      else input = g.op('Transpose', [dIn], { perm: [2, 1, 0] });
    }
  }
  return { grads, input };
}

/**
 * Max-pool's backward pass: the gradient wrt the pooled output scattered into the argmax positions `indices`
 * (flat into the pre-pool value) with ScatterElements(reduction = add), since windows overlap and MaxUnpool
 * would assign. `prePool` is any value of the pre-pool shape [C, convLength, n]; returns that shape.
 */
export function maxPoolGradient(g: OnnxGraph, grad: string, indices: string, prePool: string, channels: number, convLength: number): string {
  const flat = g.op('Reshape', [prePool, g.int64([-1])]);
  const zeros = g.op('ConstantOfShape', [g.op('Shape', [flat])], { value: { tensor: { type: g.float, dims: [1], values: [0] } } });
  const scattered = g.op('ScatterElements', [zeros, g.op('Reshape', [indices, g.int64([-1])]), g.op('Reshape', [grad, g.int64([-1])])],
    { axis: 0, reduction: 'add' });
  return g.op('Reshape', [scattered, g.int64([channels, convLength, -1])]);
}

/**
 * The gradient wrt a convolution's input [cin, inLength, n] from the gradient wrt its output `dz`
 * [C, convLength, n] and its kernel [C, cin · k] (graph layout): dx[ci, j] = Σ_{co, t} W[co, ci, t] ·
 * dz[co, j + left − t], a convolution of the zero-padded dz with the flipped, transposed kernel (windows over
 * dz padded so every index exists).
 */
export function convInputGradient(g: OnnxGraph, layer: CnnConfig['convs'][number], cin: number, inLength: number, dz: string, kernel: string): string {
  const C = layer.channels;
  const [left, right] = convPadding(layer);
  const padLeft = Math.max(0, layer.kernel - 1 - left);
  const padRight = Math.max(0, layer.kernel - 1 - right);
  const dzPadded = padPositions(g, dz, padLeft, padRight);
  const windows = g.op('Reshape', [
    g.op('Gather', [dzPadded, inputGradientIndices(g, layer.kernel, inLength, left - (layer.kernel - 1) + padLeft)], { axis: 1 }),
    g.int64([C * layer.kernel, -1]),
  ]);
  const w3 = g.op('Reshape', [kernel, g.int64([C, cin, layer.kernel])]);
  const flipped = g.op('Slice', [g.op('Transpose', [w3], { perm: [1, 0, 2] }), g.int64([-1]), g.int64([-(2 ** 53)]), g.int64([2]), g.int64([-1])]);
  return g.op('Reshape', [g.op('MatMul', [g.op('Reshape', [flipped, g.int64([cin, C * layer.kernel])]), windows]), g.int64([cin, inLength, -1])]);
}
