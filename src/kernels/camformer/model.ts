/**
 * A CNN of the Camformer family as plain tf.Variables plus one forward function. Chosen over tfjs-layers
 * because (1) the training step needs the fused norm+ReLU gradient and seeded dropout masks, which layers
 * would hide; (2) every intermediate output is a named tap of the same forward pass, and any tap can be
 * replaced by a given tensor — exactly what ISM, Grad-CAM (gradient wrt a layer) and input gradients need;
 * (3) inference folds batch norm into the conv weights and runs one fused conv+bias+ReLU kernel per block.
 *
 * Layer names (1-based i): conv{i} (conv + bias, before norm), relu{i} (after norm + ReLU), block{i} (after
 * pool and dropout: PyTorch's CNN_layers[i] output), sum{i} (after the residual add, residual blocks only),
 * flatten, dense{j} (after ReLU), output. Conv-stage taps are [n, positions, channels].
 */
import { tf } from '../tensor/tf';
import { ModelError } from '../../errors';
import type { Encoded } from '../../data/encode';
import { createRandom } from '../../stats/random';
import { blockShapes, convPadding, countConfigParameters, flattenSize, layerNamesOf, resolveConfig, type CnnConfig, type PresetName } from './config';
import type { HistoryRow } from '../tensor/loop';
import { dropoutMask, foldNorm, normReluInference, normReluTraining, type NormState } from '../tensor/ops';

/** Options of {@link buildModel}. */
export interface BuildOptions {
  /** Seed of the initial weights (and default seed of training). */
  seed?: number;
  /**
   * Initial weights (default 'he'): 'he' is He-normal (fan-in) weights and zero biases, the authors'
   * `initialize_weights_he` (base/model.py L214–218, applied in large_camformer.py L257–258); 'pytorch' is PyTorch's
   * default for Conv2d and Linear, weights and biases U(−1/√fan_in, 1/√fan_in) (kaiming_uniform_ with a = √5), which
   * the published replicates got (train_rep.py builds CNN(**model_args) without re-initialising). Batch norm starts
   * at γ = 1, β = 0 either way.
   */
  init?: 'he' | 'pytorch';
}

/** The initialisations {@link BuildOptions}.init accepts: 'he' (the default) and 'pytorch'. */
export const INITS = ['he', 'pytorch'] as const;

export interface ForwardOptions {
  training?: boolean;
  /** Seed of this step's dropout masks (training only). */
  dropoutSeed?: number;
  /** Layer names whose outputs to return. */
  taps?: readonly string[];
  /** Replace a layer's output by this tensor (gradients wrt a layer: Grad-CAM). */
  replace?: Readonly<Record<string, tf.Tensor>>;
  /**
   * Replacements for the nonlinear operations (eval mode only): DeepLIFT's rescale rules are ReLU and
   * max-pool with other gradients (deeplift.ts). With a ReLU given, batch norm runs as its eval-mode affine
   * map (no folded fused kernel); a max-pool alone keeps the fused conv path.
   */
  ops?: NonlinearOps;
}

/** The forward pass's nonlinear operations, as `ForwardOptions.ops` may replace them. */
export interface NonlinearOps {
  relu?(t: tf.Tensor): tf.Tensor;
  /** Valid max-pool of [n, 1, positions, channels] along positions. */
  maxPool?(t: tf.Tensor4D, kernel: number, stride: number): tf.Tensor4D;
}

export interface ForwardResult {
  output: tf.Tensor1D;
  taps: Record<string, tf.Tensor>;
}

/**
 * A Camformer-family CNN on tfjs: its config, weights and batch-norm statistics, and the forward pass with taps.
 * Build one with {@link buildModel}, {@link loadModel} or {@link importTorch}; call {@link fit}, {@link predict}.
 * @example
 * const model = buildModel('camformer-mini', { seed: 7 });
 * console.log(model.encoding, model.inputLength, model.layerNames());
 */
export class Model {
  /** The architecture. */
  readonly config: CnnConfig;
  /** Trainable parameters in a fixed order (names like conv1/kernel, bn1/gamma, dense1/kernel). */
  readonly params: Map<string, tf.Variable>;
  /** Non-trainable state: batch-norm running statistics. */
  readonly state: Map<string, tf.Variable>;
  /** Preprocessing applied to the sequences before encoding (recorded for predict-time reuse). */
  preprocessing: Record<string, unknown> = {};
  /** Training history, one row per epoch (kept across save and load). */
  history: HistoryRow[] = [];
  /** Increments whenever weights change, so cached folded inference weights are rebuilt. */
  version = 0;
  private folded?: { version: number; filters: tf.Tensor4D[]; biases: tf.Tensor1D[] };

  constructor(config: CnnConfig, params: Map<string, tf.Variable>, state: Map<string, tf.Variable>) {
    this.config = config;
    this.params = params;
    this.state = state;
  }

  /** The input encoding, from the config. */
  get encoding(): CnnConfig['encoding'] { return this.config.encoding; }
  /** The sequence length the model takes. */
  get inputLength(): number { return this.config.inputLength; }
  /** Channels per position. */
  get inputChannels(): number { return this.config.inputChannels; }

  /**
   * Names of every tap the forward pass offers, in order.
   * @returns Per block conv{i}, relu{i}, block{i} (and sum{i} where a residual add is), then flatten, dense{j}, output.
   */
  layerNames(): string[] {
    return layerNamesOf(this.config);
  }

  /**
   * Throws a ModelError naming the input when its shape does not fit this model.
   * @param shape - The input's shape, [n, length, channels].
   * @param option - The option name the error should give (default 'x').
   */
  checkInput(shape: readonly number[], option = 'x'): void {
    const [, length, channels] = shape;
    if (shape.length !== 3 || length !== this.inputLength || channels !== this.inputChannels) {
      throw new ModelError(
        `input of shape [${shape.join(', ')}] does not fit model '${this.config.name}', which expects ` +
          `[n, ${this.inputLength}, ${this.inputChannels}] (${this.encoding} encoding of ${this.inputLength}-nt sequences)`,
        { option },
      );
    }
  }

  /**
   * Encoded batch → tensor, after checking shape and encoding.
   * @param encoded - An encoded batch in the model's encoding and length.
   * @param option - The option name an error should give (default 'x').
   * @returns A [n, length, channels] tensor (the caller disposes it).
   */
  toTensor(encoded: Encoded, option = 'x'): tf.Tensor3D {
    this.checkInput(encoded.shape, option);
    if (encoded.encoding && encoded.encoding !== this.encoding) {
      throw new ModelError(`input is '${encoded.encoding}'-encoded but the model expects '${this.encoding}'`, { option });
    }
    return tf.tensor3d(encoded.data, encoded.shape);
  }

  /**
   * The forward pass: [n, length, channels] → [n]. Inference without taps uses folded weights and fused
   * kernels; training, taps and replacements use the differentiable path.
   * @param x - Input [n, length, channels].
   * @param options - `training` (default false), `dropoutSeed`, `taps` (layer outputs to return), `replace`
   *   (layer outputs to substitute), `ops` (replacement nonlinearities, eval mode).
   * @returns `output` [n] and the requested `taps` (the caller disposes them).
   */
  forward(x: tf.Tensor3D, options: ForwardOptions = {}): ForwardResult {
    this.checkInput(x.shape);
    const { training = false, taps = [], replace = {}, ops } = options;
    if (ops && training) throw new ModelError('replacement nonlinear ops are for eval mode only', { option: 'ops' });
    const wanted = new Set(taps);
    for (const name of [...wanted, ...Object.keys(replace)]) {
      if (!this.layerNames().includes(name)) {
        throw new ModelError(`no layer '${name}'; layers are ${this.layerNames().join(', ')}`, { option: 'layer' });
      }
    }
    const fast = !training && !ops?.relu && wanted.size === 0 && Object.keys(replace).length === 0;
    const out: Record<string, tf.Tensor> = {};
    const c = this.config;
    const rng = createRandom(options.dropoutSeed ?? 0);
    const fold = fast ? this.foldedWeights() : undefined;
    const relu = (t: tf.Tensor): tf.Tensor => (ops?.relu ? ops.relu(t) : tf.relu(t));
    const tap = (name: string, t: tf.Tensor, squeeze: boolean): tf.Tensor => {
      const r = replace[name];
      const value = r ? (squeeze ? tf.expandDims(r, 1) : r) : t;
      if (wanted.has(name)) out[name] = squeeze ? tf.squeeze(value, [1]) : value;
      return value;
    };
    const dropout = (t: tf.Tensor, rate: number): tf.Tensor =>
      training && rate > 0 ? tf.mul(t, dropoutMask(t.shape, rate, rng.uint32())) : t;

    let h: tf.Tensor4D = tf.expandDims(x, 1) as tf.Tensor4D; // [n, 1, L, C]
    let previous: tf.Tensor4D | undefined;
    c.convs.forEach((layer, k) => {
      const i = k + 1;
      const [left, right] = convPadding(layer);
      const padded = left || right ? (tf.pad(h, [[0, 0], [0, 0], [left, right], [0, 0]]) as tf.Tensor4D) : h;
      let a: tf.Tensor4D;
      if (fold) {
        a = tf.fused.conv2d({ x: padded, filter: fold.filters[k]!, strides: 1, pad: 'valid', bias: fold.biases[k], activation: 'relu' });
      } else {
        const norm = this.norm(i);
        const normRelu = (t: tf.Tensor4D): tf.Tensor4D => ops?.relu
          ? ops.relu(normAffine(t, norm, c.batchNormEpsilon)) as tf.Tensor4D
          : training ? normReluTraining(t, norm, c.batchNormEpsilon, c.batchNormMomentum) : normReluInference(t, norm, c.batchNormEpsilon);
        const z = tf.conv2d(padded, this.p(`conv${i}/kernel`) as tf.Tensor4D, 1, 'valid');
        if (wanted.has(`conv${i}`) || replace[`conv${i}`]) {
          // The bias is folded into the norm below; a tap shows conv + bias as PyTorch's Conv1d would.
          const withBias = tap(`conv${i}`, tf.add(z, norm.bias), true) as tf.Tensor4D;
          a = normRelu(tf.sub(withBias, norm.bias) as tf.Tensor4D);
        } else {
          a = normRelu(z);
        }
        a = tap(`relu${i}`, a, true) as tf.Tensor4D;
      }
      if (layer.pool) {
        a = ops?.maxPool ? ops.maxPool(a, layer.pool.kernel, layer.pool.stride) : tf.maxPool(a, [1, layer.pool.kernel], [1, layer.pool.stride], 'valid');
      }
      a = dropout(a, layer.dropout) as tf.Tensor4D;
      a = tap(`block${i}`, a, true) as tf.Tensor4D;
      if (c.residual.includes(i)) a = tap(`sum${i}`, tf.add(a, previous!), true) as tf.Tensor4D;
      previous = a;
      h = a;
    });
    let d: tf.Tensor = tap('flatten', tf.reshape(h, [h.shape[0], flattenSize(c)]), false);
    c.dense.forEach((_, j) => {
      const name = `dense${j + 1}`;
      d = fast
        ? tf.fused.matMul({ a: d as tf.Tensor2D, b: this.p(`${name}/kernel`) as tf.Tensor2D, bias: this.p(`${name}/bias`), activation: 'relu' })
        : relu(tf.add(tf.matMul(d as tf.Tensor2D, this.p(`${name}/kernel`) as tf.Tensor2D), this.p(`${name}/bias`)));
      d = dropout(d, c.denseDropouts[j] ?? 0);
      d = tap(name, d, false);
    });
    const last = `dense${c.dense.length + 1}`;
    const y = tf.add(tf.matMul(d as tf.Tensor2D, this.p(`${last}/kernel`) as tf.Tensor2D), this.p(`${last}/bias`));
    const output = tf.reshape(tap('output', tf.reshape(y, [-1]), false), [-1]) as tf.Tensor1D;
    return { output, taps: out };
  }

  /**
   * Eval-mode predictions for a tensor batch (caller disposes).
   * @param x - Input [n, length, channels].
   * @returns Predictions [n].
   */
  apply(x: tf.Tensor3D): tf.Tensor1D {
    return tf.tidy(() => this.forward(x).output);
  }

  /**
   * Outputs of the named layers (eval mode) for one batch; caller disposes.
   * @param x - Input [n, length, channels].
   * @param layers - Layer names from {@link Model.layerNames}.
   * @returns Each layer's output by name.
   */
  activations(x: tf.Tensor3D, layers: readonly string[]): Record<string, tf.Tensor> {
    return tf.tidy(() => this.forward(x, { taps: layers }).taps);
  }

  /**
   * Eval-mode output and its gradient wrt the input [n, length, channels] (per sequence; outputs summed).
   * @param x - Input [n, length, channels].
   * @returns `output` [n] and `gradient` [n, length, channels].
   */
  inputGradients(x: tf.Tensor3D): { output: tf.Tensor1D; gradient: tf.Tensor3D } {
    return tf.tidy(() => {
      const { value, grad } = tf.valueAndGrad((input: tf.Tensor3D) => tf.sum(this.forward(input).output))(x);
      const output = this.apply(x);
      value.dispose();
      return { output, gradient: grad as tf.Tensor3D };
    });
  }

  /**
   * Activation of a layer and the gradient of the (summed) output wrt it — standard Grad-CAM's inputs.
   * @param x - Input [n, length, channels].
   * @param layer - A layer name from {@link Model.layerNames}.
   * @returns The layer's `activation`, the `gradient` of the summed output wrt it, and `output` [n].
   */
  layerGradients(x: tf.Tensor3D, layer: string): { activation: tf.Tensor; gradient: tf.Tensor; output: tf.Tensor1D } {
    return tf.tidy(() => {
      const { output, taps } = this.forward(x, { taps: [layer] });
      const activation = taps[layer]!;
      const gradient = tf.grad((a: tf.Tensor) => tf.sum(this.forward(x, { replace: { [layer]: a } }).output))(activation);
      return { activation, gradient, output };
    });
  }

  /** Frees every tensor the model holds. */
  dispose(): void {
    this.disposeFolded();
    for (const v of [...this.params.values(), ...this.state.values()]) v.dispose();
  }

  /** Called after any weight change. */
  markChanged(): void {
    this.version++;
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`model has no parameter ${name}`);
    return v;
  }

  private norm(i: number): NormState {
    return {
      gamma: this.p(`bn${i}/gamma`), beta: this.p(`bn${i}/beta`), bias: this.p(`conv${i}/bias`),
      movingMean: this.state.get(`bn${i}/movingMean`)!, movingVariance: this.state.get(`bn${i}/movingVariance`)!,
    };
  }

  private foldedWeights(): { filters: tf.Tensor4D[]; biases: tf.Tensor1D[] } {
    if (this.folded?.version === this.version) return this.folded;
    this.disposeFolded();
    const filters: tf.Tensor4D[] = [];
    const biases: tf.Tensor1D[] = [];
    this.config.convs.forEach((_, k) => {
      const f = foldNorm(this.p(`conv${k + 1}/kernel`) as tf.Tensor4D, this.norm(k + 1), this.config.batchNormEpsilon);
      filters.push(tf.keep(f.filter));
      biases.push(tf.keep(f.bias));
    });
    this.folded = { version: this.version, filters, biases };
    return this.folded;
  }

  private disposeFolded(): void {
    if (!this.folded) return;
    tf.dispose([...this.folded.filters, ...this.folded.biases]);
    this.folded = undefined;
  }
}

/** Eval-mode batch norm of conv output `x` (bias not yet added) as its affine map, without the ReLU. */
function normAffine(x: tf.Tensor4D, s: NormState, epsilon: number): tf.Tensor4D {
  const scale = tf.mul(s.gamma, tf.rsqrt(tf.add(s.movingVariance, epsilon)));
  return tf.add(tf.mul(x, scale), tf.sub(s.beta, tf.mul(tf.sub(s.movingMean, s.bias), scale))) as tf.Tensor4D;
}

let variableCounter = 0;

/**
 * Builds a model from a preset name or a config, with He-normal weights (fan-in) and zero biases, or PyTorch's
 * default initialisation (`init: 'pytorch'`).
 * @param nameOrConfig - A preset name or a (partial) config, as {@link resolveConfig} takes.
 * @param options - `seed` of the initialisation (default 0) and `init` ('he', default, or 'pytorch').
 * @returns A new untrained model.
 * @example
 * const model = buildModel({ base: 'camformer-mini', encoding: 'onehot' }, { seed: 1, init: 'pytorch' });
 */
export function buildModel(nameOrConfig: PresetName | (Partial<CnnConfig> & { base?: PresetName }), options: BuildOptions = {}): Model {
  const config = resolveConfig(nameOrConfig);
  const init = options.init ?? 'he';
  if (!INITS.includes(init)) throw new ModelError(`unknown init '${init as string}'; expected ${INITS.join(' or ')}`, { option: 'init' });
  const rng = createRandom(options.seed ?? 0);
  const params = new Map<string, tf.Variable>();
  const state = new Map<string, tf.Variable>();
  const draw = (shape: number[], fanIn: number, kind: 'weight' | 'bias'): tf.Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (init === 'he' && kind === 'bias') return tf.zeros(shape);
    const values = new Float32Array(size);
    if (init === 'he') {
      const sd = Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) values[i] = rng.normal() * sd;
    } else {
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < size; i++) values[i] = (2 * rng.float() - 1) * bound;
    }
    return tf.tensor(values, shape);
  };
  const add = (map: Map<string, tf.Variable>, name: string, t: tf.Tensor, trainable: boolean) =>
    map.set(name, tf.variable(t, trainable, `cislab${++variableCounter}/${name}`));
  let inChannels = config.inputChannels;
  blockShapes(config); // throws early when the length collapses
  config.convs.forEach((l, k) => {
    const i = k + 1;
    add(params, `conv${i}/kernel`, draw([1, l.kernel, inChannels, l.channels], l.kernel * inChannels, 'weight'), true);
    add(params, `conv${i}/bias`, draw([l.channels], l.kernel * inChannels, 'bias'), true);
    add(params, `bn${i}/gamma`, tf.ones([l.channels]), true);
    add(params, `bn${i}/beta`, tf.zeros([l.channels]), true);
    add(state, `bn${i}/movingMean`, tf.zeros([l.channels]), false);
    add(state, `bn${i}/movingVariance`, tf.ones([l.channels]), false);
    inChannels = l.channels;
  });
  let inSize = flattenSize(config);
  [...config.dense, 1].forEach((size, j) => {
    add(params, `dense${j + 1}/kernel`, draw([inSize, size], inSize, 'weight'), true);
    add(params, `dense${j + 1}/bias`, draw([size], inSize, 'bias'), true);
    inSize = size;
  });
  return new Model(config, params, state);
}

/**
 * Number of trainable parameters (PyTorch's count: running statistics excluded) of a model, a config or a
 * preset name.
 * @param model - A model, a config or a preset name.
 * @returns The number of trainable parameters.
 * @example
 * countParameters('camformer'); // 16611073
 */
export function countParameters(model: Model | PresetName | (Partial<CnnConfig> & { base?: PresetName })): number {
  if (!(model instanceof Model)) return countConfigParameters(resolveConfig(model));
  let total = 0;
  for (const v of model.params.values()) total += v.size;
  return total;
}
