/**
 * DeepRAGE (Liu et al.): a promoter CNN and a transcription-factor dense net, joined three ways —
 *   'concat'  : flattened conv output (max-pooled by `pool`; pool 1 is the paper's unpooled x′, §4.1 Eq. 3) ⧺ TF
 *               embedding → dense layers;
 *   'tensor'  : outer product of the globally max-pooled filter vector and the TF embedding → dense layers (the
 *               paper's 1000-to-1 pooling, §4.2);
 *   'rnn'     : TF embedding broadcast along the pooled conv output, concatenated per position → GRU or LSTM
 *               (`rnnCell`; the paper names both, §4.3) → dense.
 * Three dense layers (two hidden + output); the output is one value (regression), 3 logits (down / baseline /
 * up) or 5 (expression quintiles). Built from tfjs-layers objects applied eagerly, so the training step, filter knock-outs and feature taps
 * share one forward function.
 *
 * Deviation for speed, not in effect: the sequence branch depends on the gene only and the TF branch on the
 * condition only, so a batch is a set of genes × a set of conditions and each branch runs once per gene or
 * condition; the joined pairs are formed by broadcasting. This gives exactly the per-pair network of the paper.
 * Sizes default small (16 filters of width 11, TF embedding 16, dense 64 → 32) for CPU quick mode;
 * `DEEPRAGE_PAPER_DESIGN` is the paper's: 256 filters with ReLU on the forward strand, the TF network one dense
 * layer with ReLU (§4.1 Eq. 2), the concat join unpooled. The paper does not give the filter width (its text
 * names only l, Eq. 1; the Fig. 4 logos are not in the text), so the width stays an option (default 11). Other
 * deviations of the defaults, each an option: filters scan both strands (`bothStrands`), the first layer is not
 * clamped at 0 (`convActivation`), and the TF network has a hidden ReLU layer and a linear (signed) embedding.
 * A filter knock-out sets the filter's pooled output to 0 (`mode: 'output'`) or its weights to 0 (`mode:
 * 'weights'`, the paper's §5.3: the filter then outputs activation(bias) everywhere; see `filterBiasOutputs`).
 */
import { tf } from '../tensor/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelError, OptionError } from '../../errors';

export const DEEPRAGE_JOINS = ['concat', 'tensor', 'rnn'] as const;
export const RNN_CELLS = ['gru', 'lstm'] as const;
export type DeepRageJoin = (typeof DEEPRAGE_JOINS)[number];
export type DeepRageTask = 'regression' | 'classification';

export interface DeepRageConfig {
  /** How the sequence and regulator branches meet: 'concat', 'tensor' (filter × regulator product) or 'rnn'. */
  join: DeepRageJoin;
  /** 'regression' (expression values) or 'classification' (classes of expression). */
  task: DeepRageTask;
  /** Classification: 3 classes (down / baseline / up, symmetric threshold) or 5 bins (training quintiles). */
  classes: 3 | 5;
  /** Promoter length (all promoters equal) and number of regulators in the TF input. */
  sequenceLength: number;
  regulators: number;
  /** First-layer convolution filters. */
  filters: number;
  /** Width of the first-layer filters. */
  kernelSize: number;
  /** Max-pool width over conv positions (concat and rnn joins). */
  pool: number;
  /** Hidden ReLU units of the TF network before the embedding (0: the embedding layer alone, as the paper's Eq. 2). */
  tfHidden: number;
  /** Size of the regulator embedding. */
  tfEmbedding: number;
  /** Activation of the TF embedding: 'linear' (default; regulator activity is signed) or 'relu' (the paper's Eq. 2). */
  tfActivation: 'linear' | 'relu';
  /** Widths of the two dense layers after the join. */
  dense: [number, number];
  /** Units of the recurrent join ('rnn'). */
  rnnUnits: number;
  /** Recurrent cell of the rnn join (default 'gru'). */
  rnnCell: (typeof RNN_CELLS)[number];
  /**
   * First-layer activation. 'relu' is the paper's. The default 'linear' differs only by not clamping at 0:
   * ReLU commutes with the max-pool, so relu(conv) → max equals max(conv) → relu, and dropping the clamp keeps
   * a gradient flowing to every filter. With ReLU about a third of the filters died in quick-mode training
   * (never positive on any promoter), and fewer regulators were learned (simulated targets recovered by
   * knock-out: mean AUROC 0.78 vs 0.84 over seeds 1–4).
   */
  convActivation: 'relu' | 'linear';
  /** Filters scan both strands (max over strands), as motif scanners do; the paper's CNN scanned the forward strand. */
  bothStrands: boolean;
  /** Seed of the initial weights and of training. */
  seed: number;
}

export const DEFAULT_DEEPRAGE_CONFIG: Omit<DeepRageConfig, 'sequenceLength' | 'regulators'> = {
  join: 'tensor', task: 'regression', classes: 3, filters: 16, kernelSize: 11, pool: 25, tfHidden: 32, tfEmbedding: 16,
  tfActivation: 'linear', dense: [64, 32], rnnUnits: 16, rnnCell: 'gru', convActivation: 'linear', bothStrands: true, seed: 1,
};

/**
 * The paper's design (§4.1–4.3) over the defaults: 256 filters with ReLU scanning the forward strand, the TF
 * network one ReLU layer, and per join the paper's pooling — concat unpooled (pool 1), tensor after the global
 * max-pool (always), rnn over the pooled positions. Sizes the paper does not state (filter width, TF units, dense
 * widths, RNN units) keep the defaults.
 * @param join - 'concat', 'tensor' or 'rnn'.
 * @returns The config fields the paper fixes, to lay over the defaults.
 * @example
 * const design = deepRagePaperDesign('concat'); // { filters: 256, convActivation: 'relu', pool: 1, … }
 */
export function deepRagePaperDesign(join: DeepRageJoin): Partial<DeepRageConfig> {
  return { filters: 256, convActivation: 'relu', bothStrands: false, tfHidden: 0, tfActivation: 'relu', ...(join === 'concat' ? { pool: 1 } : {}) };
}

export interface DeepRageForwardOptions {
  /** Per-filter multipliers applied to the conv activations (0 knocks a filter out). */
  filterMask?: tf.Tensor1D;
}

/** Tensor-product models: replace filter `filter`'s row of the product by one built from `embedding`. */
export interface PairKnockout {
  filter: number;
  /** TF embedding [conditions, E] of the regulator expression with the knocked-out regulator set to 0. */
  embedding: tf.Tensor2D;
}

export class DeepRageModel {
  readonly config: DeepRageConfig;
  private readonly conv: tfl.layers.Layer;
  private readonly tfLayers: tfl.layers.Layer[];
  private readonly gru?: tfl.layers.Layer;
  private readonly denseLayers: tfl.layers.Layer[];
  /** Built lazily on the first call (layers know their input sizes then). */
  private built = false;
  /** Training-set scaling of the regression target, or the class thresholds (±threshold). */
  targetMean = 0;
  targetScale = 1;
  classThreshold = 0;
  /** 5-bin classification: the training quintile cuts (4 values). */
  classCuts: number[] = [];

  constructor(config: DeepRageConfig) {
    checkConfig(config);
    this.config = config;
    let seed = config.seed * 1000;
    const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
    this.conv = tfl.layers.conv1d({ filters: config.filters, kernelSize: config.kernelSize, padding: 'same', activation: config.convActivation, kernelInitializer: init() });
    this.tfLayers = [
      ...(config.tfHidden > 0 ? [tfl.layers.dense({ units: config.tfHidden, activation: 'relu', kernelInitializer: init() })] : []),
      // Linear embedding by default: regulator activity is signed, and the joins (above all the tensor product) need the sign.
      tfl.layers.dense({ units: config.tfEmbedding, activation: config.tfActivation, kernelInitializer: init() }),
    ];
    if (config.join === 'rnn') {
      const cell = config.rnnCell === 'lstm' ? tfl.layers.lstm : tfl.layers.gru;
      this.gru = cell({ units: config.rnnUnits, kernelInitializer: init(), recurrentInitializer: tfl.initializers.orthogonal({ seed: seed++ }) });
    }
    this.denseLayers = [
      tfl.layers.dense({ units: config.dense[0], activation: 'relu', kernelInitializer: init() }),
      tfl.layers.dense({ units: config.dense[1], activation: 'relu', kernelInitializer: init() }),
      tfl.layers.dense({ units: config.task === 'regression' ? 1 : config.classes, kernelInitializer: init() }),
    ];
  }

  /** Trainable variables (after the first forward call). */
  get variables(): tf.Variable[] {
    this.ensureBuilt();
    return this.layers().flatMap((layer) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
  }

  /** Conv activations [genes, L, filters] (after ReLU), optionally multiplied by a filter mask. */
  sequenceActivations(onehot: tf.Tensor3D, options: DeepRageForwardOptions = {}): tf.Tensor3D {
    if (onehot.shape[1] !== this.config.sequenceLength || onehot.shape[2] !== 4) {
      throw new ModelError(`expected one-hot promoters [n, ${this.config.sequenceLength}, 4], got [${onehot.shape}]`);
    }
    return tf.tidy(() => {
      let act = this.conv.apply(onehot) as tf.Tensor3D;
      if (this.config.bothStrands) {
        // Each filter also scans the reverse strand (one-hot reversed along positions and A↔T, C↔G, i.e. the
        // channel order reversed); the strand maximum, re-aligned to forward positions, is the activation.
        const rc = tf.reverse(onehot, [1, 2]);
        act = tf.maximum(act, tf.reverse(this.conv.apply(rc) as tf.Tensor3D, [1])) as tf.Tensor3D;
      }
      return options.filterMask ? (tf.mul(act, options.filterMask) as tf.Tensor3D) : act;
    });
  }

  /** Conv activations of the strand given, in its own coordinates (no strand maximum, no mask): for filter PFMs. */
  convolve(onehot: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.conv.apply(onehot) as tf.Tensor3D);
  }

  /** TF embedding [conditions, E] from the regulators' expression [conditions, R]. */
  regulatorEmbedding(regulatorExpression: tf.Tensor2D): tf.Tensor2D {
    if (regulatorExpression.shape[1] !== this.config.regulators) {
      throw new ModelError(`expected ${this.config.regulators} regulators per condition, got ${regulatorExpression.shape[1]}`);
    }
    return tf.tidy(() => this.tfLayers.reduce((x, layer) => layer.apply(x) as tf.Tensor, regulatorExpression as tf.Tensor) as tf.Tensor2D);
  }

  /**
   * Outputs for every gene × condition pair: [genes, conditions] (regression, in the model's standardised
   * units) or [genes, conditions, classes] logits.
   */
  forward(onehot: tf.Tensor3D, regulatorExpression: tf.Tensor2D, options: DeepRageForwardOptions = {}): tf.Tensor {
    return tf.tidy(() => this.head(this.sequenceFeatures(onehot, options), this.regulatorEmbedding(regulatorExpression)));
  }

  /**
   * What the sequence branch hands to the join: the globally max-pooled filter vector [g, F] (tensor join) or
   * the max-pooled activations [g, P, F]. Zeroing filter f's channel here equals knocking the filter out.
   */
  sequenceFeatures(onehot: tf.Tensor3D, options: DeepRageForwardOptions = {}): tf.Tensor {
    return tf.tidy(() => {
      const act = this.sequenceActivations(onehot, options);
      if (this.config.join === 'tensor') return tf.max(act, 1);
      if (this.config.pool === 1) return act;
      const pooled = tf.maxPool(tf.expandDims(act, 1) as tf.Tensor4D, [1, this.config.pool], [1, this.config.pool], 'valid');
      return tf.squeeze(pooled, [1]);
    });
  }

  /** The join and dense layers on sequence features [g, …] and TF embeddings [c, E]. */
  head(features: tf.Tensor, emb: tf.Tensor2D, pair?: PairKnockout): tf.Tensor {
    return tf.tidy(() => {
      const g = features.shape[0];
      const c = emb.shape[0];
      const e = this.config.tfEmbedding;
      let joined: tf.Tensor;
      if (this.config.join === 'tensor') {
        let outer = tf.mul(tf.reshape(features, [g, 1, -1, 1]), tf.reshape(emb, [1, c, 1, e])); // [g, c, F, E]
        if (pair) {
          // Filter × regulator knock-out: the filter's row of the product uses the embedding computed without
          // the regulator, so that one filter no longer interacts with that one regulator.
          if (pair.embedding.shape[0] !== c) throw new ModelError('the knock-out embedding needs one row per condition');
          const row = tf.reshape(tf.cast(tf.oneHot(pair.filter, this.config.filters), 'float32'), [1, 1, -1, 1]);
          const altered = tf.mul(tf.reshape(features, [g, 1, -1, 1]), tf.reshape(pair.embedding, [1, c, 1, e]));
          outer = tf.add(tf.mul(outer, tf.sub(1, row)), tf.mul(altered, row));
        }
        joined = tf.reshape(outer, [g * c, -1]);
      } else if (this.config.join === 'concat') {
        const flat = tf.tile(tf.reshape(features, [g, 1, -1]), [1, c, 1]);
        joined = tf.reshape(tf.concat([flat, tf.tile(tf.reshape(emb, [1, c, e]), [g, 1, 1])], 2), [g * c, -1]);
      } else {
        const positions = features.shape[1]!;
        const seqPairs = tf.tile(tf.reshape(features, [g, 1, positions, -1]), [1, c, 1, 1]);
        const embPairs = tf.tile(tf.reshape(emb, [1, c, 1, e]), [g, 1, positions, 1]);
        const steps = tf.reshape(tf.concat([seqPairs, embPairs], 3), [g * c, positions, -1]);
        joined = this.gru!.apply(steps) as tf.Tensor;
      }
      const out = this.denseLayers.reduce((x, layer) => layer.apply(x) as tf.Tensor, joined);
      return this.config.task === 'regression' ? tf.reshape(out, [g, c]) : tf.reshape(out, [g, c, this.config.classes]);
    });
  }

  /** The conv filters as [kernelSize, 4, filters]. */
  filterWeights(): tf.Tensor3D {
    this.ensureBuilt();
    return this.conv.getWeights()[0]!.clone() as tf.Tensor3D;
  }

  /** Replaces the conv filters [kernelSize, 4, filters] (the biases stay): for knock-outs done on the weights themselves. */
  setFilterWeights(kernel: tf.Tensor3D): void {
    this.ensureBuilt();
    this.conv.setWeights([kernel, this.conv.getWeights()[1]!]);
  }

  /**
   * What each filter outputs at every position once its weights are zeroed: activation(bias), the same on both
   * strands and under any max-pool. Knocking a filter out "by setting the motif weights to zeros" (the paper,
   * §5.3) therefore equals replacing its features by this value — which is how filterKnockouts' weights mode
   * computes it without a new convolution per filter.
   */
  filterBiasOutputs(): Float32Array {
    this.ensureBuilt();
    const bias = this.conv.getWeights()[1]!.dataSync() as Float32Array;
    return Float32Array.from(bias, (b) => (this.config.convActivation === 'relu' ? Math.max(0, b) : b));
  }

  dispose(): void {
    for (const layer of this.layers()) if (layer.built) layer.dispose();
  }

  private layers(): tfl.layers.Layer[] {
    return [this.conv, ...this.tfLayers, ...(this.gru ? [this.gru] : []), ...this.denseLayers];
  }

  private ensureBuilt(): void {
    if (this.built) return;
    tf.tidy(() => {
      this.forward(tf.zeros([1, this.config.sequenceLength, 4]), tf.zeros([1, this.config.regulators]));
    });
    this.built = true;
  }
}

export function createDeepRageModel(config: Partial<DeepRageConfig> & Pick<DeepRageConfig, 'sequenceLength' | 'regulators'>): DeepRageModel {
  return new DeepRageModel({ ...DEFAULT_DEEPRAGE_CONFIG, ...config });
}

function checkConfig(config: DeepRageConfig): void {
  if (!DEEPRAGE_JOINS.includes(config.join)) throw new OptionError(`unknown join '${config.join}'; expected ${DEEPRAGE_JOINS.join(', ')}`, { option: 'join' });
  if (!RNN_CELLS.includes(config.rnnCell)) throw new OptionError(`unknown rnnCell '${config.rnnCell}'; expected ${RNN_CELLS.join(' or ')}`, { option: 'rnnCell' });
  if (config.tfActivation !== 'linear' && config.tfActivation !== 'relu') throw new OptionError(`tfActivation must be 'linear' or 'relu', got '${config.tfActivation as string}'`, { option: 'tfActivation' });
  if (!Number.isInteger(config.tfHidden) || config.tfHidden < 0) throw new OptionError(`expected an integer ≥ 0, got ${config.tfHidden}`, { option: 'tfHidden' });
  if (config.task !== 'regression' && config.task !== 'classification') throw new OptionError(`unknown task '${config.task}'`, { option: 'task' });
  if (config.classes !== 3 && config.classes !== 5) throw new OptionError(`expected 3 or 5 classes, got ${config.classes}`, { option: 'classes' });
  for (const key of ['sequenceLength', 'regulators', 'filters', 'kernelSize', 'pool', 'tfEmbedding', 'rnnUnits'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new OptionError(`expected a positive integer, got ${config[key]}`, { option: key });
  }
  if (config.join !== 'tensor' && config.pool > config.sequenceLength) {
    throw new OptionError(`pool ${config.pool} is longer than the promoters (${config.sequenceLength})`, { option: 'pool' });
  }
}
