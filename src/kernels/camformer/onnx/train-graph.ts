/**
 * The training-step compiler: a Camformer-family config and a recipe (loss, optimiser, dropout) become ONE
 * ONNX graph of standard operators — forward pass, loss, backward pass, optimiser update and batch-norm
 * running statistics — plus the matching inference graph. ONNX Runtime runs them (trainer.ts); the state
 * (parameters, moments, running statistics) goes in as inputs and comes back as outputs, so nothing is
 * hidden in the session and any step can be checkpointed and resumed exactly.
 *
 * Training graph inputs: `x` [n, length, channels] (cislab's encoding layout), `y` [n], `lr` [], for AdamW
 * `c1`, `c2` [] (1 − β^t), every parameter and running statistic by its cislab name (graph layout, see
 * layout.ts), the moments `${param}/m` (`/v`), and a bool keep mask per dropout layer in the graph's
 * layout (`mask{i}` [C, Lo, n], `dmask{j}` [size, n]; `graphMaskDims`; masks.ts draws them so). The masks are inputs because ONNX Runtime deletes `Dropout` nodes in inference
 * sessions (even in training mode) unless their mask is consumed; the trainer draws them from the step's
 * seed. Outputs: `loss` [], `${name}.next` for every trained parameter, moment and running statistic, and
 * with `gradients: true` also `${param}.grad`. The batch size n is symbolic: any n ≥ 2 runs (batch norm
 * needs two values per channel), so a last partial batch needs no padding.
 */
import { OptionError } from '../../../errors';
import { LOSSES, type LossName } from '../../tensor/losses';
import type { OptimizerName } from '../../tensor/optimizers';
import { blockShapes, convPadding, validateConfig, type CnnConfig } from '../config';
import { backward } from './cnn-backward';
import { forwardInference, forwardTraining, type GraphInputs } from './cnn-forward';
import { OnnxGraph, type Dim } from './graph';
import { paramSpecs, stateSpecs, type ParamSpec, type StateSpec } from './layout';
import { momentSuffixes, optimizerSettings, optimizerUpdate, type OptimizerSettings } from './optimizer-graph';

export interface TrainingRecipe {
  /** Loss (default 'l1', as the Camformer paper's best runs). */
  loss?: LossName;
  /** Huber's δ (default 1, PyTorch's HuberLoss default and what tensor/losses.ts uses). */
  huberDelta?: number;
  /** Optimiser (default 'adamw'). */
  optimizer?: OptimizerName;
  /** Decoupled weight decay (default 1e-3). */
  weightDecay?: number;
  /** β1, β2 (default 0.9 and 0.999 for AdamW, 0.9 and 0.99 for Lion). */
  beta1?: number;
  beta2?: number;
  /** AdamW's ε (default 1e-8). */
  epsilon?: number;
  /** Apply the config's dropout rates (default true); false trains without dropout. */
  dropout?: boolean;
}

export interface CompileOptions extends TrainingRecipe {
  /**
   * Keep every conv's patch matrix from the forward pass for its weight gradient (fastest) or rebuild it in
   * the backward pass (one more Gather per layer, much less memory). Default 'auto': keep when the kept
   * patches of a 256-sequence batch stay under 1 GiB (camformer-mini: 0.6 GiB), rebuild otherwise
   * (camformer-small, camformer). Measured on camformer-mini: keeping is about 10 % faster and raises peak
   * memory from 1.03× to 1.3× PyTorch's.
   */
  keepPatches?: boolean | 'auto';
  /**
   * Element type of real tensors (default 'float'; 'double' for gradient checks). A float64 trainer still
   * takes and hands out float32 arrays (cislab's weights and encodings are float32).
   */
  precision?: 'float' | 'double';
  /** Also output every gradient as `${param}.grad` (tests). */
  gradients?: boolean;
}

/** A dropout layer's keep-mask input. */
export interface MaskSpec {
  name: string;
  /** The graph's shape without the batch: [C, Lo] for conv blocks, [size] for dense layers (the input is `graphMaskDims`). */
  shape: number[];
  rate: number;
  /** Conv block (1-based) or dense layer (1-based). */
  layer: { kind: 'conv' | 'dense'; index: number };
}

export interface CompiledTraining {
  model: Uint8Array;
  config: CnnConfig;
  params: ParamSpec[];
  state: StateSpec[];
  masks: MaskSpec[];
  optimizer: OptimizerSettings;
  loss: LossName;
  keepPatches: boolean;
  precision: 'float' | 'double';
  nodes: number;
}

/** Dropout layers of a config (rate > 0), conv blocks first, in the order the tfjs forward pass draws them. */
export function maskSpecs(c: CnnConfig): MaskSpec[] {
  const shapes = blockShapes(c);
  const out: MaskSpec[] = [];
  c.convs.forEach((l, k) => {
    if (l.dropout > 0) out.push({ name: `mask${k + 1}`, shape: [l.channels, shapes[k]![0]], rate: l.dropout, layer: { kind: 'conv', index: k + 1 } });
  });
  c.dense.forEach((size, j) => {
    const rate = c.denseDropouts[j] ?? 0;
    if (rate > 0) out.push({ name: `dmask${j + 1}`, shape: [size], rate, layer: { kind: 'dense', index: j + 1 } });
  });
  return out;
}

/** A mask's dimensions in the tfjs engine's order, batch first ([n, Lo, C] for a conv block, [n, size] for a dense layer). */
export function maskDims(m: MaskSpec, n: number | 'n' = 'n'): (number | 'n')[] {
  return [n, ...[...m.shape].reverse()];
}

/** A mask input's dimensions in the graph, batch last ([C, Lo, n] for a conv block, [size, n] for a dense layer). */
export function graphMaskDims(m: MaskSpec, n: number | 'n' = 'n'): (number | 'n')[] {
  return [...m.shape, n];
}

/** Bytes of each conv's float32 patch matrix [in · k, positions · batch]. */
export function patchBytes(c: CnnConfig, batch = 256): number[] {
  const shapes = blockShapes(c);
  return c.convs.map((l, k) => {
    const inLength = k === 0 ? c.inputLength : shapes[k - 1]![0];
    const cin = k === 0 ? c.inputChannels : c.convs[k - 1]!.channels;
    const [left, right] = convPadding(l);
    return 4 * cin * l.kernel * (inLength + left + right - l.kernel + 1) * batch;
  });
}

/** The graph inputs every Camformer graph shares: `x` [n, length, channels] and each parameter and running statistic by name. */
export function graphInputs(g: OnnxGraph, c: CnnConfig, params: ParamSpec[], state: StateSpec[]): GraphInputs {
  const values: Record<string, string> = {};
  const x = g.input('x', ['n', c.inputLength, c.inputChannels]);
  for (const p of params) values[p.name] = g.input(p.name, p.graphShape);
  for (const s of state) values[s.name] = g.input(s.name, s.shape);
  const batch = g.op('Cast', [g.op('Shape', [x], { start: 0, end: 1 })], { to: g.float === 'float' ? 1 : 11 });
  return { x, values, batch };
}

/**
 * Compiles the training step of `config` (see the file header for the graph's inputs and outputs).
 *
 * @example
 * const compiled = compileTraining(presetConfig('camformer-mini'), { loss: 'l1', optimizer: 'adamw' });
 * const session = await ort.InferenceSession.create(compiled.model);
 */
export function compileTraining(config: CnnConfig, options: CompileOptions = {}): CompiledTraining {
  const c = validateConfig(config);
  const loss = options.loss ?? 'l1';
  if (!LOSSES.includes(loss)) throw new OptionError(`unknown loss '${loss}'; expected ${LOSSES.join(', ')}`, { option: 'loss' });
  const delta = options.huberDelta ?? 1;
  if (!(delta > 0)) throw new OptionError(`huberDelta must be positive, got ${delta}`, { option: 'huberDelta' });
  const optimizer = optimizerSettings(options.optimizer ?? 'adamw', options);
  const keepPatches = options.keepPatches === undefined || options.keepPatches === 'auto' ? patchBytes(c).reduce((a, b) => a + b, 0) <= 2 ** 30 : options.keepPatches;
  const precision = options.precision ?? 'float';
  const g = new OnnxGraph(`${c.name}_train`, precision);
  const params = paramSpecs(c);
  const state = stateSpecs(c);
  const inputs = graphInputs(g, c, params, state);
  const y = g.input('y', ['n']);
  const lr = g.input('lr', []);
  const scalars = optimizer.name === 'adamw' ? { lr, c1: g.input('c1', []), c2: g.input('c2', []) } : { lr };
  const moments: Record<string, Record<string, string>> = {};
  for (const p of params.filter((q) => q.trained)) {
    moments[p.name] = Object.fromEntries(momentSuffixes(optimizer.name).map((s) => [s, g.input(`${p.name}/${s}`, p.graphShape)]));
  }
  const masks = options.dropout === false ? [] : maskSpecs(c);
  // Masks come in the graph's layout: the trainer transposes them in JavaScript (masks.ts), because ONNX
  // Runtime's Transpose of these bool tensors took a fifth of camformer-mini's training step.
  const maskInput = (kind: 'conv' | 'dense', index: number) => {
    const m = masks.find((s) => s.layer.kind === kind && s.layer.index === index);
    return m ? g.input(m.name, graphMaskDims(m) as Dim[], 'bool') : undefined;
  };
  const f = forwardTraining(g, c, inputs, c.convs.map((_, k) => maskInput('conv', k + 1)), c.dense.map((_, j) => maskInput('dense', j + 1)), { keepPatches });

  // Loss (mean over the batch) and its derivative wrt the predictions [1, n].
  const diff = g.op('Sub', [f.prediction, g.op('Reshape', [y, g.int64([1, -1])])]);
  let lossValue: string;
  let dPrediction: string;
  if (loss === 'l1') {
    lossValue = g.op('ReduceMean', [g.op('Abs', [diff])], { keepdims: 0 });
    dPrediction = g.op('Div', [g.op('Sign', [diff]), inputs.batch]);
  } else if (loss === 'mse') {
    lossValue = g.op('ReduceMean', [g.op('Mul', [diff, diff])], { keepdims: 0 });
    dPrediction = g.op('Div', [g.op('Mul', [diff, g.scalar(2)]), inputs.batch]);
  } else {
    const abs = g.op('Abs', [diff]);
    const quadratic = g.op('Min', [abs, g.scalar(delta)]);
    lossValue = g.op('ReduceMean', [g.op('Add', [g.op('Mul', [g.op('Mul', [quadratic, quadratic]), g.scalar(0.5)]), g.op('Mul', [g.op('Sub', [abs, quadratic]), g.scalar(delta)])])], { keepdims: 0 });
    dPrediction = g.op('Div', [g.op('Clip', [diff, g.scalar(-delta), g.scalar(delta)]), inputs.batch]);
  }
  g.output(lossValue, 'loss', []);

  const { grads } = backward(g, c, inputs, f, dPrediction);
  for (const p of params.filter((q) => q.trained)) {
    const next = optimizerUpdate(g, optimizer, scalars, inputs.values[p.name]!, grads[p.name]!, moments[p.name]!);
    g.output(next.param, `${p.name}.next`, p.graphShape);
    for (const [suffix, value] of Object.entries(next.moments)) g.output(value, `${p.name}/${suffix}.next`, p.graphShape);
    if (options.gradients) g.output(grads[p.name]!, `${p.name}.grad`, p.graphShape);
  }
  // Running statistics (PyTorch's rule, unbiased batch variance), as normReluTraining in tensor/ops.ts.
  const momentum = c.batchNormMomentum;
  f.blocks.forEach((b, k) => {
    const i = k + 1;
    const unbiased = g.op('Div', [b.count, g.op('Max', [g.op('Sub', [b.count, g.scalar(1)]), g.scalar(1)])]);
    const mean = g.op('Add', [g.op('Mul', [inputs.values[`bn${i}/movingMean`]!, g.scalar(1 - momentum)]), g.op('Mul', [b.mean, g.scalar(momentum)])]);
    const variance = g.op('Add', [
      g.op('Mul', [inputs.values[`bn${i}/movingVariance`]!, g.scalar(1 - momentum)]),
      g.op('Mul', [g.op('Mul', [b.variance, unbiased]), g.scalar(momentum)]),
    ]);
    g.output(mean, `bn${i}/movingMean.next`, [c.convs[k]!.channels]);
    g.output(variance, `bn${i}/movingVariance.next`, [c.convs[k]!.channels]);
  });
  return {
    model: g.toModel(), config: c, params, state, masks, optimizer, loss, keepPatches, precision, nodes: g.nodeCount,
  };
}

/**
 * The matching inference graph: inputs `x` and every parameter and running statistic (graph layout, the
 * same names as the training graph), output `y` [n] in eval mode (running statistics, no dropout).
 *
 * @example
 * const model = compileInference(presetConfig('camformer-mini'));
 */
export function compileInference(config: CnnConfig, options: { precision?: 'float' | 'double' } = {}): Uint8Array {
  const c = validateConfig(config);
  const g = new OnnxGraph(`${c.name}_predict`, options.precision ?? 'float');
  const inputs = graphInputs(g, c, paramSpecs(c), stateSpecs(c));
  g.output(g.op('Reshape', [forwardInference(g, c, inputs), g.int64([-1])]), 'y', ['n']);
  return g.toModel();
}
