/**
 * DeepLIFT's rescale rule on ONNX Runtime: the eval-mode graph of kernels/camformer/deeplift.ts (the tfjs
 * engine's `deepLiftArrays`, which follows tangermeme's deep_lift_shap.py), compiled. The batch holds the
 * inputs and their paired references side by side, [x; r] (the last axis of the graph layout), and the
 * backward pass passes each nonlinearity's multiplier Δout / Δin instead of its gradient:
 *
 * - ReLU: (relu(z_x) − relu(z_r)) / (z_x − z_r) for both halves; where |Δz| < 1e-6 each half's own gradient.
 * - Max-pool: x's share (max(o_x, o_r) − o_r) to x's argmax and r's share (o_x − max(o_x, o_r)) to r's argmax,
 *   scatter-added onto the input positions (overlapping windows add, as in deeplift.ts), divided by Δin; where
 *   |Δin| < 1e-7 the ordinary gradient (to the first of equal maxima).
 * - Convolutions (batch norm folded), residual sums and dense layers are linear: the eval graph's backward pass
 *   (`evalBackward`, with these rules in place of plain gradients).
 *
 * So the input gradient of Σ f is DeepLIFT's multiplier m of x, and Σ (x − r) · m = f(x) − f(r).
 */
import type { Encoded } from '../../../data/encode';
import { validateConfig, type CnnConfig } from '../config';
import { checkPairs } from '../deeplift';
import type { Model } from '../model';
import { maxPoolGradient } from './cnn-backward';
import { forwardInferenceValues, wherePositive } from './cnn-forward';
import { cachedSession, evalBackward } from './eval-graph';
import { OnnxGraph } from './graph';
import { paramSpecs, stateSpecs } from './layout';
import { requireOrt } from './session';
import { graphInputs } from './train-graph';

/** The input half and the reference half of a [..., 2n] value along `axis`. */
function halves(g: OnnxGraph, value: string, axis: number): [string, string] {
  const [x, r] = g.node('Split', [value], { axis, num_outputs: 2 }, 2);
  return [x!, r!];
}

/** [t; t] along `axis`: both halves get the same multiplier (tangermeme concatenates delta with itself). */
const twice = (g: OnnxGraph, value: string, axis: number) => g.op('Concat', [value, value], { axis });

/** The rescale rule of a ReLU with input `z` and output `y`, for the multipliers `d` of its output. */
function rescaleRelu(g: OnnxGraph, d: string, z: string, y: string, axis: number): string {
  const [zx, zr] = halves(g, z, axis);
  const [yx, yr] = halves(g, y, axis);
  const deltaIn = g.op('Sub', [zx, zr]);
  const small = g.op('Less', [g.op('Abs', [deltaIn]), g.scalar(1e-6)]);
  const ratio = g.op('Div', [g.op('Sub', [yx, yr]), g.op('Where', [small, g.scalar(1), deltaIn])]);
  return g.op('Where', [twice(g, small, axis), wherePositive(g, d, z), g.op('Mul', [d, twice(g, ratio, axis)])]);
}

/**
 * The rescale rule of a max-pool with input `t` [C, Lc, 2n], output `y` and argmax `indices` (flat into `t`),
 * for the multipliers `d` of its output.
 */
function rescaleMaxPool(g: OnnxGraph, d: string, t: string, y: string, indices: string, channels: number, convLength: number): string {
  const [dx, dr] = halves(g, d, 2);
  const [yx, yr] = halves(g, y, 2);
  const top = g.op('Max', [yx, yr]);
  // x's share goes to x's argmax, r's to r's (each in its own half), then the halves are added.
  const slots = g.op('Concat', [g.op('Mul', [dx, g.op('Sub', [top, yr])]), g.op('Mul', [dr, g.op('Sub', [yx, top])])], { axis: 2 });
  const [sx, sr] = halves(g, maxPoolGradient(g, slots, indices, t, channels, convLength), 2);
  const [tx, tr] = halves(g, t, 2);
  const deltaIn = g.op('Sub', [tx, tr]);
  const small = g.op('Less', [g.op('Abs', [deltaIn]), g.scalar(1e-7)]);
  const multiplier = g.op('Div', [g.op('Add', [sx, sr]), g.op('Where', [small, g.scalar(1), deltaIn])]);
  const plain = maxPoolGradient(g, d, indices, t, channels, convLength);
  return g.op('Where', [twice(g, small, 2), plain, twice(g, multiplier, 2)]);
}

/**
 * The DeepLIFT graph of a config. Inputs: `x` and `r` [n, length, channels] (inputs and paired references) and
 * every parameter and running statistic (graph layout). Outputs: `y` f(x) [n], `yReference` f(r) [n] and
 * `multipliers` [n, length, channels].
 *
 * @example
 * const model = compileDeepLift(presetConfig('camformer-mini'));
 */
export function compileDeepLift(config: CnnConfig, options: { precision?: 'float' | 'double' } = {}): Uint8Array {
  const c = validateConfig(config);
  const g = new OnnxGraph(`${c.name}_deeplift`, options.precision ?? 'float');
  const inputs = graphInputs(g, c, paramSpecs(c), stateSpecs(c));
  const r = g.input('r', ['n', c.inputLength, c.inputChannels]);
  const f = forwardInferenceValues(g, c, { ...inputs, x: g.op('Concat', [inputs.x, r], { axis: 0 }) }, { poolIndices: true });
  const [y, yReference] = halves(g, f.prediction, 1);
  g.output(g.op('Reshape', [y, g.int64([-1])]), 'y', ['n']);
  g.output(g.op('Reshape', [yReference, g.int64([-1])]), 'yReference', ['n']);

  const multipliers = evalBackward(g, c, inputs.values, f, {
    dense: (d, layer) => rescaleRelu(g, d, layer.pre!, layer.output!, 1),
    block: (dOut, b, k) => {
      const m = b.poolIndices ? rescaleMaxPool(g, dOut, b.activation, b.output, b.poolIndices, c.convs[k]!.channels, b.convLength) : dOut;
      return rescaleRelu(g, m, b.pre, b.activation, 2);
    },
  })!;
  g.output(g.op('Transpose', [halves(g, multipliers, 2)[0]], { perm: [2, 1, 0] }), 'multipliers', ['n', c.inputLength, c.inputChannels]);
  return g.toModel();
}

/**
 * DeepLIFT (rescale rule) of one model on ONNX Runtime: f(x), f(r) and the multipliers [n, length, channels]
 * of inputs `x` against paired references `r` (same shape), `pairs` pairs per run (default 128). Equal to the
 * tfjs engine's `deepLiftArrays` to float rounding.
 *
 * @example
 * const { output, referenceOutput, multipliers } = await deepLiftOnnx(model, encoded, shuffledReferences);
 */
export async function deepLiftOnnx(model: Model, x: Encoded, r: Encoded, pairs = 128): Promise<{ output: Float32Array; referenceOutput: Float32Array; multipliers: Float32Array }> {
  model.checkInput(x.shape);
  checkPairs(x, r);
  const ort = requireOrt();
  const { session, weights } = cachedSession(model, 'deeplift', () => compileDeepLift(model.config));
  const s = await session;
  const [n, length, channels] = x.shape as [number, number, number];
  const row = length * channels;
  const output = new Float32Array(n);
  const referenceOutput = new Float32Array(n);
  const multipliers = new Float32Array(n * row);
  for (let first = 0; first < n; first += pairs) {
    const count = Math.min(pairs, n - first);
    const slice = (e: Encoded) => new ort.Tensor('float32', e.data.subarray(first * row, (first + count) * row), [count, length, channels]);
    const result = await s.run({ ...weights, x: slice(x), r: slice(r) });
    output.set(result.y!.data as Float32Array, first);
    referenceOutput.set(result.yReference!.data as Float32Array, first);
    multipliers.set(result.multipliers!.data as Float32Array, first * row);
  }
  return { output, referenceOutput, multipliers };
}
