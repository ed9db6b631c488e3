/**
 * What gradient-based attribution needs from a model, as one small interface: the output and its input
 * gradient for an encoded batch, and (for DeepLIFT/SHAP) the rescale-rule multipliers against paired
 * references. Saliency, input × gradient and integrated gradients need only `gradients`; any model that can
 * differentiate its output wrt its input (a DeepRAGE or Seq2Exp sequence branch, an imported network) can
 * implement it. `differentiable()` adapts the Camformer family (one model or an ensemble, whose output is
 * the members' mean, so its gradients and multipliers are the members' means too).
 */
import { tf } from '../kernels/tensor/tf';
import type { Encoded, Encoding } from '../data/encode';
import type { Model } from '../kernels/camformer/model';
import { inferenceEngine, type Ensemble, type InferenceEngine, type Predictor } from '../kernels/camformer/predict';
import { checkPairs, deepLiftArrays, inputGradientArrays } from '../kernels/camformer/deeplift';
import { inputGradientsOnnx } from '../kernels/camformer/onnx/eval-graph';
import { deepLiftOnnx } from '../kernels/camformer/onnx/deeplift-graph';
import { convPadding } from '../kernels/camformer/config';

export interface GradientResult {
  /** f(x), one value per sequence. */
  output: Float32Array;
  /** ∂f/∂x, [n, length, channels] like the input. */
  gradient: Float32Array;
}

export interface DeepLiftResult {
  /** f(x) and f(r), one value per pair. */
  output: Float32Array;
  referenceOutput: Float32Array;
  /** Rescale-rule multipliers [n, length, channels]: Σ (x − r) · m = f(x) − f(r). */
  multipliers: Float32Array;
}

export interface Differentiable {
  readonly encoding: Encoding;
  readonly inputLength: number;
  readonly inputChannels: number;
  /** Values in one input's forward activations (all layers), to size batches to a memory budget; optional. */
  readonly activationsPerInput?: number;
  /** Output and input gradient of an encoded batch (eval mode). */
  gradients(batch: Encoded): Promise<GradientResult>;
  /** DeepLIFT rescale-rule multipliers of `x` against `references` (same shape); absent when unsupported. */
  deepLift?(x: Encoded, references: Encoded): Promise<DeepLiftResult>;
}

/**
 * A Camformer-family model or ensemble as a `Differentiable`. Input gradients and DeepLIFT's rescale rules
 * run on ONNX Runtime (the compiled eval-mode graphs, onnx/eval-graph.ts and onnx/deeplift-graph.ts; equal to
 * the tfjs engine's to ~1e-6) or on tfjs, chosen as `predict` chooses (`engine` 'auto' (default, or
 * `$CISLAB_ENGINE`), 'onnx', 'tfjs').
 * @example
 * const { output, gradient } = await differentiable(model).gradients(encode(sequences, model.encoding));
 */
export function differentiable(predictor: Predictor, options: { engine?: InferenceEngine } = {}): Differentiable {
  const models = 'kind' in predictor && predictor.kind === 'ensemble' ? (predictor as Ensemble).models : [predictor as Model];
  const first = models[0]!;
  const engine = inferenceEngine(options.engine);
  const tensor = (m: Model, batch: Encoded, option: string) => m.toTensor(batch, option);
  return {
    encoding: first.encoding,
    inputLength: first.inputLength,
    inputChannels: first.inputChannels,
    activationsPerInput: Math.max(...models.map(activationCount)),
    async gradients(batch) {
      return meanOf(models, (m) => {
        if (engine === 'onnx') return inputGradientsOnnx(m, batch);
        const x = tensor(m, batch, 'x');
        try {
          return inputGradientArrays(m, x);
        } finally {
          x.dispose();
        }
      }, (r) => [r.output, r.gradient], ([output, gradient]) => ({ output: output!, gradient: gradient! }));
    },
    async deepLift(x, references) {
      checkPairs(x, references);
      return meanOf(models, (m) => {
        if (engine === 'onnx') return deepLiftOnnx(m, x, references);
        const [xt, rt] = [tensor(m, x, 'x'), tensor(m, references, 'references')];
        try {
          return deepLiftArrays(m, xt, rt);
        } finally {
          tf.dispose([xt, rt]);
        }
      }, (r) => [r.output, r.referenceOutput, r.multipliers], ([output, referenceOutput, multipliers]) => ({ output: output!, referenceOutput: referenceOutput!, multipliers: multipliers! }));
    },
  };
}

/** Values in a Camformer model's conv outputs (before pooling) and dense layers for one input. */
function activationCount(m: Model): number {
  const c = m.config;
  let length = c.inputLength;
  let total = length * c.inputChannels;
  for (const layer of c.convs) {
    const [left, right] = convPadding(layer);
    length = length + left + right - layer.kernel + 1;
    total += length * layer.channels;
    if (layer.pool) length = Math.floor((length - layer.pool.kernel) / layer.pool.stride) + 1;
  }
  return total + c.dense.reduce((t, d) => t + d, 0);
}

/** Runs `one` per member and averages the arrays it returns (element-wise). */
async function meanOf<R, T>(models: readonly Model[], one: (m: Model) => R | Promise<R>, parts: (r: R) => Float32Array[], build: (arrays: Float32Array[]) => T): Promise<T> {
  let sums: Float32Array[] | undefined;
  for (const m of models) {
    const arrays = parts(await one(m));
    if (!sums) sums = arrays.map((a) => Float32Array.from(a));
    else arrays.forEach((a, k) => { const s = sums![k]!; for (let i = 0; i < a.length; i++) s[i]! += a[i]!; });
  }
  if (models.length > 1) for (const s of sums!) for (let i = 0; i < s.length; i++) s[i]! /= models.length;
  return build(sums!);
}
