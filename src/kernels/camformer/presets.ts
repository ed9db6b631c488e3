/**
 * The preset catalogue as rows: every published (or reconstructed) structure with its parameter count under an
 * input encoding. Behind `cislab models`; computed from the configs alone (nothing is built), so listing the
 * 16.6 M-parameter Camformer is instant.
 */
import { OptionError } from '../../errors';
import { ENCODINGS, encodingChannels, type Encoding } from '../../data/encode';
import { PRESETS, PRESET_INFO, countConfigParameters, presetConfig, resolveConfig, type PresetName, type PresetStructure } from './config';

export interface PresetRow {
  name: PresetName;
  encoding: Encoding;
  inputChannels: number;
  parameters: number;
  /** True when `encoding` is the one the published model used (the preset's default). */
  defaultEncoding: boolean;
  structure: PresetStructure;
  source: string;
}

export interface PresetTableOptions {
  /** Count every preset with this input encoding instead of its own (default: each preset's own). */
  encoding?: Encoding;
}

/**
 * One row per preset: name, input encoding, input channels, trainable parameters (PyTorch's count), whether
 * the encoding is the preset's default, and whether the structure is `published` or a `reconstruction`.
 *
 * @example
 * presetTable({ encoding: 'onehot' }).find((r) => r.name === 'camformer-small')!.parameters; // 3401601
 * @param options - `encoding`: count every preset with this encoding (default: each preset's own).
 * @returns One row per preset.
 */
export function presetTable(options: PresetTableOptions = {}): PresetRow[] {
  const { encoding } = options;
  if (encoding !== undefined && !ENCODINGS.includes(encoding)) {
    throw new OptionError(`unknown encoding '${encoding as string}'; expected one of ${ENCODINGS.join(', ')}`, { option: 'encoding' });
  }
  return PRESETS.map((name) => {
    const own = presetConfig(name).encoding;
    const config = encoding === undefined ? resolveConfig(name) : resolveConfig({ base: name, encoding });
    return {
      name,
      encoding: config.encoding,
      inputChannels: encodingChannels(config.encoding),
      parameters: countConfigParameters(config),
      defaultEncoding: config.encoding === own,
      structure: PRESET_INFO[name].structure,
      source: PRESET_INFO[name].source,
    };
  });
}
