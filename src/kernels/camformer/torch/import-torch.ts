/**
 * `importTorch`: a PyTorch checkpoint of a Camformer-family network → a cislab `Model`. Reads `.pt`/`.pth` files
 * (ZIP or legacy format; a state dict, a pickled module or a checkpoint dict) and `.tar`/`.tar.gz` bundles such
 * as the authors' released `Camformer_9.tar.gz` / `Camformer_219.tar.gz` (saved_models/README.md,
 * Bornelov-lab/Camformer), whose `training_results_tr0.9/<run>/<seed>/` folders hold `model.pt` beside a
 * `config.json` naming the encoding (`seq_enc`). The structure — a preset, a custom config, or detected from the
 * tensor shapes — is checked tensor by tensor; a mismatch is refused, naming the first tensor that does not fit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, ModelError, OptionError } from '../../../errors';
import { readTarMembers } from '../../../io/archive';
import { ENCODINGS, encodingChannels, type Encoding } from '../../../data/encode';
import { PRESETS, presetConfig, resolveConfig, type CnnConfig, type PresetName } from '../config';
import type { Model } from '../model';
import { namedTensors, readTorchFile, type NamedTensor } from './checkpoint';
import { mapTensors, modelFromMapped, type TensorMapping } from './map';

/** Options of {@link importTorch}. */
export interface ImportTorchOptions {
  /** The preset the network follows (default: detected from the tensor shapes among all presets). */
  preset?: PresetName;
  /** A custom structure instead of a preset (a config, or a partial one over `base`). */
  config?: CnnConfig | (Partial<CnnConfig> & { base?: PresetName });
  /**
   * The input encoding the network was trained with (default: `seq_enc` of a `config.json` beside the checkpoint
   * in a tar bundle, else the preset's own when its channel count fits the first conv, else an error asking).
   */
  encoding?: Encoding;
  /** In a tar bundle holding several checkpoints, the one whose path contains this text (e.g. `/42/`). */
  member?: string;
}

export interface ImportReport {
  file: string;
  /** The checkpoint's path inside a tar bundle. */
  member?: string;
  /** The structure imported into (preset or config name). */
  structure: string;
  encoding: Encoding;
  /** How the encoding was decided. */
  encodingFrom: 'option' | 'config.json' | 'preset';
  tensors: TensorMapping[];
  /** Tensors read but unused (batch-norm counters). */
  skipped: string[];
  convBias: boolean;
}

/** What {@link importTorch} returns: the model and a report of what was read into what. */
export interface ImportedModel {
  /** The imported model. */
  model: Model;
  /** File, member, structure, encoding (and how it was decided), tensor mapping and skipped tensors. */
  report: ImportReport;
}

const CHECKPOINT = /\.(pt|pth|ckpt|bin)$/i;

/**
 * Imports a PyTorch checkpoint as a cislab model, ready to predict, interpret or save with `saveModel`.
 *
 * @example
 * const { model, report } = await importTorch('Camformer_219.tar.gz', { preset: 'camformer-mini' });
 * saveModel(model, 'models/camformer-mini-219');
 * @param file - A `.pt`/`.pth` checkpoint or a `.tar`/`.tar.gz` bundle.
 * @param options - `preset` (default: detected from tensor shapes), `config` (a custom structure), `encoding`
 *   (default: the bundle's config.json, else the preset's own), `member` (which checkpoint of a bundle).
 * @returns The model and the import report.
 */
export async function importTorch(file: string, options: ImportTorchOptions = {}): Promise<ImportedModel> {
  if (options.encoding !== undefined && !ENCODINGS.includes(options.encoding)) {
    throw new OptionError(`unknown encoding '${options.encoding as string}'; expected one of ${ENCODINGS.join(', ')}`, { option: 'encoding' });
  }
  if (options.preset !== undefined && !PRESETS.includes(options.preset)) {
    throw new OptionError(`unknown preset '${options.preset as string}'; expected one of ${PRESETS.join(', ')}`, { option: 'preset' });
  }
  if (!fs.existsSync(file)) throw new InputError('no such file', { file });
  const source = await checkpointBytes(file, options.member);
  const tensors = namedTensors(readTorchFile(source.bytes, source.label), source.label);
  const { config, encodingFrom } = chooseStructure(tensors, options, source.seqEnc);
  const mapped = mapTensors(tensors, config);
  const model = modelFromMapped(config, mapped);
  return {
    model,
    report: {
      file, member: source.member, structure: config.name, encoding: config.encoding, encodingFrom,
      tensors: mapped.mappings, skipped: mapped.skipped, convBias: mapped.convBias,
    },
  };
}

/** Paths of the checkpoints (.pt, .pth, .ckpt, .bin) inside a tar bundle, in archive order (nothing is kept). */
export async function listTarCheckpoints(file: string): Promise<string[]> {
  const names: string[] = [];
  await readTarMembers(file, ({ name }) => { if (CHECKPOINT.test(name)) names.push(name); return false; });
  return names;
}

/** True for the bundle names importTorch reads as tar archives. */
export function isTarBundle(file: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/i.test(file);
}

/** The checkpoint bytes: the file itself, or the one checkpoint member of a tar bundle (plus its config.json). */
async function checkpointBytes(file: string, member?: string): Promise<{ bytes: Uint8Array; label: string; member?: string; seqEnc?: string }> {
  if (!isTarBundle(file)) {
    if (member !== undefined) throw new OptionError('member is only for .tar / .tar.gz bundles', { option: 'member' });
    return { bytes: new Uint8Array(fs.readFileSync(file)), label: file };
  }
  const names: string[] = [];
  let chosen: string | undefined;
  const fits = (name: string) => member === undefined || name === member || name.includes(member);
  const kept = await readTarMembers(file, ({ name }) => {
    if (path.basename(name) === 'config.json') return true;
    if (!CHECKPOINT.test(name)) return false;
    names.push(name);
    // An exact path wins over an earlier partial match.
    if (!fits(name) || (chosen !== undefined && !(name === member && chosen !== member))) return false;
    chosen = name;
    return true;
  });
  const exact = names.filter((n) => n === member);
  const matching = exact.length ? exact : names.filter(fits);
  if (matching.length === 0) {
    throw new InputError(member === undefined ? 'the bundle holds no checkpoint (.pt, .pth)' : `no checkpoint path in the bundle contains '${member}' (checkpoints: ${names.join(', ') || 'none'})`, { file, option: 'member' });
  }
  if (matching.length > 1) {
    throw new OptionError(`the bundle holds ${matching.length} checkpoints; choose one with member (e.g. '${matching[0]}'): ${matching.join(', ')}`, { option: 'member' });
  }
  const config = kept.get(path.posix.join(path.posix.dirname(chosen!), 'config.json'));
  let seqEnc: string | undefined;
  if (config) {
    try {
      seqEnc = (JSON.parse(Buffer.from(config).toString('utf8')) as { seq_enc?: string }).seq_enc;
    } catch {
      seqEnc = undefined; // a config.json we cannot read says nothing about the encoding
    }
  }
  return { bytes: kept.get(chosen!)!, label: `${file}:${chosen}`, member: chosen, seqEnc };
}

/** Input channels of the first conv (its weight's second dimension), if the first tensor looks like one. */
function firstConvChannels(tensors: readonly NamedTensor[]): number | undefined {
  const w = tensors.find((t) => t.tensor.shape.length >= 3);
  return w?.tensor.shape[1];
}

function chooseStructure(tensors: readonly NamedTensor[], options: ImportTorchOptions, seqEnc?: string): { config: CnnConfig; encodingFrom: ImportReport['encodingFrom'] } {
  const channels = firstConvChannels(tensors);
  const fromJson = seqEnc !== undefined && (ENCODINGS as readonly string[]).includes(seqEnc) ? (seqEnc as Encoding) : undefined;
  const withEncoding = (base: CnnConfig, label: string): { config: CnnConfig; encodingFrom: ImportReport['encodingFrom'] } => {
    const pick: [Encoding | undefined, ImportReport['encodingFrom']][] = [[options.encoding, 'option'], [fromJson, 'config.json'], [base.encoding, 'preset']];
    for (const [encoding, from] of pick) {
      if (encoding === undefined) continue;
      if (from !== 'preset' || channels === undefined || encodingChannels(encoding) === channels) {
        return { config: resolveConfig({ ...base, base: undefined, encoding, inputChannels: encodingChannels(encoding) }), encodingFrom: from };
      }
    }
    const fits = ENCODINGS.filter((e) => encodingChannels(e) === channels);
    throw new ModelError(
      `the first conv has ${channels} input channels but ${label}'s own encoding ${base.encoding} has ${encodingChannels(base.encoding)}; ` +
        `say which encoding the network was trained with (${fits.length ? fits.join(' or ') : 'none has that many channels'})`,
      { option: 'encoding' },
    );
  };
  // The structure first (with the input width the first conv has), then the encoding: a wrong preset is named
  // as such rather than as a wrong encoding.
  const probe = (base: CnnConfig, label: string): void => {
    const width = channels === undefined || channels === base.inputChannels
      ? base
      : ENCODINGS.filter((e) => encodingChannels(e) === channels).map((encoding) => resolveConfig({ ...base, base: undefined, encoding, inputChannels: encodingChannels(encoding) }))[0] ?? base;
    mapTensors(tensors, width, label);
  };
  if (options.config || options.preset) {
    const base = options.config ? resolveConfig(options.config as Partial<CnnConfig> & { base?: PresetName }) : presetConfig(options.preset!);
    const label = options.preset ?? base.name;
    probe(base, label);
    return withEncoding(base, label);
  }
  // Detect: the first preset whose structure fits.
  const problems: string[] = [];
  for (const name of PRESETS) {
    try {
      probe(presetConfig(name), name);
      return withEncoding(presetConfig(name), name);
    } catch (error) {
      if (!(error instanceof ModelError) || error.option !== 'weights') throw error;
      problems.push(error.message.replace(/^option 'weights': /, ''));
    }
  }
  throw new ModelError(`the checkpoint fits none of the presets (${PRESETS.join(', ')}); pass its structure as a config.\n  ${problems.join('\n  ')}`, { option: 'weights' });
}
