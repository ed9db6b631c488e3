/**
 * The configurable 1-D CNN of the Camformer paper (its grid search varies exactly these knobs) and the three
 * published instances. A config is plain JSON so it can be saved next to the weights and edited by hand.
 * Block i: conv → batch norm → ReLU → (max-pool) → dropout; `residual` lists the blocks whose output gets
 * the previous block's output added (Camformer: the output of conv 2k plus the output of conv 2k−1).
 */
import { ModelError, OptionError } from '../../errors';
import { ENCODINGS, encodingChannels, type Encoding } from '../../data/encode';

/** One convolution block of a {@link CnnConfig}: conv → batch norm → ReLU → (max-pool) → dropout. */
export interface ConvLayerConfig {
  /** Output channels (filters). */
  channels: number;
  /** Kernel width in positions. */
  kernel: number;
  /** 'same' (PyTorch/tfjs convention: extra zero on the right for even kernels) or zeros on [left, right]. */
  padding: 'same' | [number, number];
  /** Max-pool after the ReLU (none when absent). */
  pool?: { kernel: number; stride: number };
  /** Dropout rate after the block. */
  dropout: number;
}

/** The architecture of a Camformer-family CNN: plain JSON, saved next to the weights. */
export interface CnnConfig {
  /** Preset name or a user's label; informational. */
  name: string;
  /** Input encoding of the sequences. */
  encoding: Encoding;
  /** Sequence length the model takes (110 for DREAM promoters). */
  inputLength: number;
  /** Channels per position (those of `encoding`). */
  inputChannels: number;
  /** The convolution blocks, in order. */
  convs: ConvLayerConfig[];
  /** 1-based block numbers whose output is added to the previous block's output (e.g. [2, 4, 6]). */
  residual: number[];
  /** Hidden dense sizes (each followed by ReLU and dropout); a final dense layer of size 1 is implicit. */
  dense: number[];
  /** Dropout rate after each hidden dense layer. */
  denseDropouts: number[];
  /** Batch-norm ε (1e-5, PyTorch's). */
  batchNormEpsilon: number;
  /** PyTorch convention: running = (1 − m) · running + m · batch. */
  batchNormMomentum: number;
}

/** A published Camformer architecture: 'camformer' (Original), 'camformer-small', 'camformer-mini'. */
export type PresetName = 'camformer' | 'camformer-small' | 'camformer-mini';
/** Every {@link PresetName}. */
export const PRESETS: readonly PresetName[] = ['camformer', 'camformer-small', 'camformer-mini'];

/** Where a preset's structure comes from: the authors' code (`published`) or rebuilt from their numbers. */
export type PresetStructure = 'published' | 'reconstruction';

export interface PresetInfo {
  structure: PresetStructure;
  /** The file (and lines) the structure follows. */
  source: string;
}

/**
 * Where each preset's structure comes from: the authors' code ('published') or rebuilt from their numbers ('reconstruction').
 */
export const PRESET_INFO: Readonly<Record<PresetName, PresetInfo>> = {
  'camformer': { structure: 'published', source: 'gautammalik-git/Camformer large_camformer.py L50–62; Figure_2/data/model_str.md' },
  'camformer-small': { structure: 'reconstruction', source: 'parameter counts of Figure_S4/data/score_board_SmallModel.csv (config not published)' },
  'camformer-mini': { structure: 'published', source: 'gautammalik-git/Camformer base_camformer.py L50–65; base/model_basic.py' },
};

/**
 * The residual structure of the authors' `base/model.py` (`CNN`, gautammalik-git/Camformer): six 'same'-padded
 * convs (`Conv2dSame`, model.py L66–123), blocks added pairwise (`forward`, L199–205), one max-pool in block 5.
 * `size` scales channels, kernels, the pool and the dense widths together.
 */
function residualCamformer(name: string, encoding: Encoding, size: { channels: number; kernel: number; pool: { kernel: number; stride: number }; dense: number }): CnnConfig {
  const convs: ConvLayerConfig[] = Array.from({ length: 6 }, (_, i) => ({
    channels: size.channels,
    kernel: size.kernel,
    padding: 'same' as const,
    dropout: 0.3,
    ...(i === 4 ? { pool: { ...size.pool } } : {}),
  }));
  return {
    name, encoding, inputLength: 110, inputChannels: encodingChannels(encoding), convs, residual: [2, 4, 6],
    dense: [size.dense, size.dense], denseDropouts: [0, 0], batchNormEpsilon: 1e-5, batchNormMomentum: 0.1,
  };
}

/**
 * Camformer (Original), published: `large_camformer.py` L50–62 (gautammalik-git/Camformer) and the torchsummary
 * table `manuscript_figures/Figure_2/data/model_str.md` (16,611,073 parameters); run 9 of the grid (`onehot`).
 */
function camformerOriginal(): CnnConfig {
  return residualCamformer('camformer', 'onehot', { channels: 512, kernel: 10, pool: { kernel: 10, stride: 4 }, dense: 256 });
}

/**
 * Camformer-Small, a RECONSTRUCTION. Neither repository holds its config (the grid's `tuning_results/141_…/config.json`
 * is not published); the paper (§4.1.1) says only that the channels go from 512 to 256. What is exact are the
 * parameter counts of the score board `manuscript_figures/Figure_S4/data/score_board_SmallModel.csv`: 3,401,601
 * with `onehot` and 3,402,881 with `onehotWithP` (+1,280 per input channel ⇒ first conv 256 channels × kernel 5).
 * With every conv at 256 channels the count fixes the dense layers at [128, 128] (no other hidden widths fit) and
 * (sum of kernels 2–6) + (flattened positions) / 2 = 51.5. The simplest structure on that line is the Original
 * with every size halved: 256 channels, kernel 5, pool 5 / stride 2 (110 → 53 positions), dense 128, 128.
 * Dropout 0.3 as the Original (dropout has no parameters; not determined by the counts). Encoding `onehotWithP`:
 * the published Small model (run 141, `train_rep.py` L29, `score_rep.py` L28) used it.
 */
function camformerSmall(): CnnConfig {
  return residualCamformer('camformer-small', 'onehotWithP', { channels: 256, kernel: 5, pool: { kernel: 5, stride: 2 }, dense: 128 });
}

/**
 * Camformer-Mini, published: `base_camformer.py` L50–65 (gautammalik-git/Camformer) with the plain CNN of
 * `base/model_basic.py` (symmetric zero padding 5, no residual adds); run 219 (`onehotWithP`), 1,446,721 parameters.
 */
function camformerMini(): CnnConfig {
  const channels = [384, 256, 128, 64, 128, 192];
  const kernels = [5, 6, 6, 5, 5, 4];
  const dropouts = [0.156, 0.194, 0.231, 0.269, 0.306, 0.344];
  return {
    name: 'camformer-mini', encoding: 'onehotWithP', inputLength: 110, inputChannels: 5,
    convs: channels.map((c, i) => ({
      channels: c, kernel: kernels[i]!, padding: [5, 5] as [number, number], dropout: dropouts[i]!,
      ...(i === 3 ? { pool: { kernel: 7, stride: 2 } } : {}),
    })),
    residual: [], dense: [32], denseDropouts: [0], batchNormEpsilon: 1e-5, batchNormMomentum: 0.1,
  };
}

/**
 * A fresh copy of a published architecture.
 * @param name - The preset.
 * @returns Its config (a new object each call).
 * @example
 * const config = { ...presetConfig('camformer-mini'), encoding: 'onehot' as const, inputChannels: 4 };
 */
export function presetConfig(name: PresetName): CnnConfig {
  switch (name) {
    case 'camformer': return camformerOriginal();
    case 'camformer-small': return camformerSmall();
    case 'camformer-mini': return camformerMini();
    default:
      throw new OptionError(`unknown model '${name as string}'; expected one of ${PRESETS.join(', ')} or a CnnConfig`, { option: 'model' });
  }
}

/**
 * Preset name or partial config (over a preset's defaults when `base` is given) → a checked full config.
 * Unset fields without `base` default to: encoding 'onehot', inputLength 110, no residual adds, no hidden dense layers.
 * @param nameOrConfig - A preset name, or a partial config (over the preset `base` when given).
 * @returns The full config, validated (a ModelError names the inconsistent field).
 * @example
 * resolveConfig({ base: 'camformer-mini', encoding: 'onehot' }).inputChannels; // 4
 */
export function resolveConfig(nameOrConfig: PresetName | (Partial<CnnConfig> & { base?: PresetName })): CnnConfig {
  if (typeof nameOrConfig === 'string') return validateConfig(presetConfig(nameOrConfig));
  const { base, ...rest } = nameOrConfig;
  const start: Partial<CnnConfig> = base ? presetConfig(base) : {
    name: 'custom', encoding: 'onehot', inputLength: 110, residual: [], dense: [], denseDropouts: [],
    batchNormEpsilon: 1e-5, batchNormMomentum: 0.1,
  };
  const merged = { ...start, ...rest } as CnnConfig;
  if (rest.encoding && rest.inputChannels === undefined) merged.inputChannels = encodingChannels(rest.encoding);
  if (merged.inputChannels === undefined && merged.encoding) merged.inputChannels = encodingChannels(merged.encoding);
  if (merged.denseDropouts === undefined || merged.denseDropouts.length !== (merged.dense ?? []).length) {
    merged.denseDropouts = (merged.dense ?? []).map((_, i) => merged.denseDropouts?.[i] ?? 0);
  }
  return validateConfig(merged);
}

/** Throws a ModelError naming the option when the config is inconsistent. */
export function validateConfig(c: CnnConfig): CnnConfig {
  const bad = (option: string, problem: string): never => { throw new ModelError(problem, { option }); };
  if (!ENCODINGS.includes(c.encoding)) bad('encoding', `unknown encoding '${c.encoding}'`);
  if (c.inputChannels !== encodingChannels(c.encoding)) {
    bad('inputChannels', `encoding '${c.encoding}' has ${encodingChannels(c.encoding)} channels, config says ${c.inputChannels}`);
  }
  if (!Number.isInteger(c.inputLength) || c.inputLength < 1) bad('inputLength', `expected a positive integer, got ${c.inputLength}`);
  if (!Array.isArray(c.convs) || c.convs.length === 0) bad('convs', 'expected at least one convolutional layer');
  c.convs.forEach((l, i) => {
    const o = `convs[${i}]`;
    if (!(l.channels >= 1 && Number.isInteger(l.channels))) bad(`${o}.channels`, `expected a positive integer, got ${l.channels}`);
    if (!(l.kernel >= 1 && Number.isInteger(l.kernel))) bad(`${o}.kernel`, `expected a positive integer, got ${l.kernel}`);
    if (!(l.dropout >= 0 && l.dropout < 1)) bad(`${o}.dropout`, `expected a rate in [0, 1), got ${l.dropout}`);
    if (l.padding !== 'same' && !(Array.isArray(l.padding) && l.padding.length === 2 && l.padding.every((p) => p >= 0))) {
      bad(`${o}.padding`, `expected 'same' or [left, right] zeros, got ${JSON.stringify(l.padding)}`);
    }
  });
  c.dense.forEach((d, i) => { if (!(d >= 1 && Number.isInteger(d))) bad(`dense[${i}]`, `expected a positive integer, got ${d}`); });
  const shapes = blockShapes(c);
  for (const b of c.residual) {
    if (!Number.isInteger(b) || b < 2 || b > c.convs.length) bad('residual', `block ${b} must be in 2..${c.convs.length}`);
    const [la, ca] = shapes[b - 2]!;
    const [lb, cb] = shapes[b - 1]!;
    if (la !== lb || ca !== cb) bad('residual', `block ${b} output [${lb}, ${cb}] cannot be added to block ${b - 1} output [${la}, ${ca}]`);
  }
  return c;
}

/**
 * [positions, channels] after each block (conv, padding and pooling applied); throws when a length hits 0.
 * @param c - A full config.
 * @returns One [positions, channels] pair per conv block.
 * @example
 * blockShapes(presetConfig('camformer-mini')).at(-1); // [positions, 192]
 */
export function blockShapes(c: CnnConfig): Array<[number, number]> {
  let length = c.inputLength;
  return c.convs.map((l, i) => {
    const [left, right] = convPadding(l);
    length = length + left + right - l.kernel + 1;
    if (l.pool) length = Math.floor((length - l.pool.kernel) / l.pool.stride) + 1;
    if (length < 1) {
      throw new ModelError(`input length ${c.inputLength} shrinks to ${length} positions at block ${i + 1}`, { option: 'inputLength' });
    }
    return [length, l.channels];
  });
}

/** Zeros added on [left, right]; 'same' puts the extra zero of an even kernel on the right (PyTorch, tfjs). */
export function convPadding(l: ConvLayerConfig): [number, number] {
  if (l.padding !== 'same') return l.padding;
  const total = l.kernel - 1;
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Size of the flattened input of the first dense layer. */
export function flattenSize(c: CnnConfig): number {
  const [length, channels] = blockShapes(c)[c.convs.length - 1]!;
  return length * channels;
}

/**
 * Trainable parameters (conv weights + biases, batch-norm γ and β, dense weights + biases), as PyTorch counts.
 * @param c - A full config.
 * @returns The parameter count.
 * @example
 * countConfigParameters(presetConfig('camformer-mini')); // 1446721
 */
export function countConfigParameters(c: CnnConfig): number {
  let total = 0;
  let inChannels = c.inputChannels;
  for (const l of c.convs) {
    total += l.kernel * inChannels * l.channels + l.channels + 2 * l.channels;
    inChannels = l.channels;
  }
  let inSize = flattenSize(c);
  for (const d of [...c.dense, 1]) {
    total += inSize * d + d;
    inSize = d;
  }
  return total;
}

/**
 * The names of a config's layers, whose outputs can be read (`Model.activations`) and differentiated against:
 * per block `conv{i}` (conv + bias), `relu{i}` (after batch norm and ReLU), `block{i}` (after pool and
 * dropout), `sum{i}` (after a residual add); then `flatten`, `dense{j}` and `output`.
 * @param c - A full config.
 * @returns The names in forward order.
 * @example
 * layerNamesOf(presetConfig('camformer-mini')).at(-1); // 'output'
 */
export function layerNamesOf(c: CnnConfig): string[] {
  const names: string[] = [];
  c.convs.forEach((_, k) => {
    names.push(`conv${k + 1}`, `relu${k + 1}`, `block${k + 1}`);
    if (c.residual.includes(k + 1)) names.push(`sum${k + 1}`);
  });
  return [...names, 'flatten', ...c.dense.map((_, j) => `dense${j + 1}`), 'output'];
}

/** The kinds of conv-type layer names, per block: see {@link layerNamesOf}. */
export type ConvLayerKind = 'conv' | 'relu' | 'block' | 'sum';

/**
 * The kind and block (0-based) of a conv-type layer name (`conv{i}`, `relu{i}`, `block{i}`, `sum{i}`); undefined
 * for any other name. It does not check that the config has that block.
 * @example
 * convLayer('relu3'); // { kind: 'relu', block: 2 }
 */
export function convLayer(layer: string): { kind: ConvLayerKind; block: number } | undefined {
  const m = /^(conv|relu|block|sum)(\d+)$/.exec(layer);
  return m ? { kind: m[1] as ConvLayerKind, block: Number(m[2]) - 1 } : undefined;
}
