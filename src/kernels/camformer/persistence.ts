/**
 * A model on disk is a directory: config.json (architecture, encoding, preprocessing, history, the list of
 * tensors) and weights.bin (their float32 values, little-endian, in that order). Directories are written
 * whole into a temporary sibling and renamed into place, so a crash never leaves a half-written model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '../tensor/tf';
import { InputError, ModelError } from '../../errors';
import { writeDirectoryAtomic } from '../../io/atomic';
import { previousBeside } from '../../io/output-guard';
import { validateConfig, type CnnConfig } from './config';
import type { HistoryRow } from '../tensor/loop';
import { buildModel, Model } from './model';

export const MODEL_FORMAT = 'cislab-model';
export const MODEL_FORMAT_VERSION = 1;

interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements into weights.bin. */
  offset: number;
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  architecture: CnnConfig;
  encoding: string;
  inputLength: number;
  preprocessing: Record<string, unknown>;
  history: HistoryRow[];
  params: TensorEntry[];
  state: TensorEntry[];
  savedAt: string;
  /** Anything a caller attaches (checkpoints keep optimiser and schedule state here). */
  extra?: Record<string, unknown>;
}

/** Packs named tensors into one float32 buffer plus their index. */
export function packTensors(tensors: Map<string, tf.Tensor>, startOffset = 0): { entries: TensorEntry[]; data: Float32Array } {
  const entries: TensorEntry[] = [];
  let total = 0;
  for (const [name, t] of tensors) {
    entries.push({ name, shape: t.shape, offset: startOffset + total });
    total += t.size;
  }
  const data = new Float32Array(total);
  let at = 0;
  for (const t of tensors.values()) {
    data.set(t.dataSync() as Float32Array, at);
    at += t.size;
  }
  return { entries, data };
}

/** Reads named tensors back from a float32 buffer. */
export function unpackTensors(entries: TensorEntry[], data: Float32Array, file: string): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const e of entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset + size > data.length) throw new InputError(`weights.bin too short for tensor ${e.name}`, { file });
    out.set(e.name, tf.tensor(data.slice(e.offset, e.offset + size), e.shape));
  }
  return out;
}

/**
 * Saves a model directory (config.json + weights.bin), atomically. An existing cislab output of that name is
 * replaced unless `replace` is false; anything else there is refused (an `OutputError`).
 * @param model - The model.
 * @param dir - The model directory (written atomically: config.json, weights.bin and the output marker).
 * @param extra - `extra` JSON and named `tensors` stored beside the weights (default none); `replace` (default
 *   true) allows replacing an earlier cislab output of that name.
 * @example
 * saveModel(model, 'models/mini');
 */
export function saveModel(model: Model, dir: string, extra?: { extra?: Record<string, unknown>; tensors?: Map<string, tf.Tensor>; replace?: boolean }): void {
  const params = packTensors(model.params);
  const state = packTensors(model.state, params.data.length);
  const more = extra?.tensors ? packTensors(extra.tensors, params.data.length + state.data.length) : undefined;
  const file: ModelFile = {
    format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, architecture: model.config, encoding: model.encoding,
    inputLength: model.inputLength, preprocessing: model.preprocessing, history: model.history,
    params: params.entries, state: state.entries, savedAt: new Date().toISOString(),
    extra: { ...(extra?.extra ?? {}), ...(more ? { tensors: more.entries } : {}) },
  };
  const weights = new Float32Array(params.data.length + state.data.length + (more?.data.length ?? 0));
  weights.set(params.data, 0);
  weights.set(state.data, params.data.length);
  if (more) weights.set(more.data, params.data.length + state.data.length);
  writeDirectoryAtomic(dir, {
    'config.json': JSON.stringify(file, null, 1),
    'weights.bin': new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
  }, { kind: 'model', replace: extra?.replace ?? true, option: 'out' });
}

export interface LoadedModel {
  model: Model;
  file: ModelFile;
  /** Extra tensors saved with the model (checkpoint state), if any. */
  extraTensors: Map<string, tf.Tensor>;
}

/**
 * Loads a model directory written by saveModel.
 * @param dir - A directory written by {@link saveModel}.
 * @returns The model, with its preprocessing and history.
 * @example
 * const model = loadModel('models/mini');
 */
export function loadModel(dir: string): Model {
  return loadModelWithExtras(dir).model;
}

export function loadModelWithExtras(saved: string): LoadedModel {
  // A replace killed between its two renames leaves the complete previous copy parked beside the name.
  const dir = !fs.existsSync(saved) && fs.existsSync(previousBeside(saved)) ? previousBeside(saved) : saved;
  const configPath = path.join(dir, 'config.json');
  if (!fs.existsSync(dir)) throw new InputError('no such model directory', { file: saved });
  if (!fs.existsSync(configPath)) throw new InputError('not a cislab model directory (no config.json)', { file: saved });
  let file: ModelFile;
  try {
    file = JSON.parse(fs.readFileSync(configPath, 'utf8')) as ModelFile;
  } catch (err) {
    throw new InputError(`config.json is not valid JSON: ${(err as Error).message}`, { file: configPath });
  }
  if (file.format !== MODEL_FORMAT) throw new InputError(`format is '${String(file.format)}', expected '${MODEL_FORMAT}'`, { file: configPath, field: 'format' });
  if (file.version > MODEL_FORMAT_VERSION) {
    throw new InputError(`format version ${file.version} is newer than this cislab reads (${MODEL_FORMAT_VERSION})`, { file: configPath, field: 'version' });
  }
  const weightsPath = path.join(dir, 'weights.bin');
  if (!fs.existsSync(weightsPath)) throw new InputError('the model has no weights.bin (an incomplete copy?)', { file: weightsPath });
  const raw = fs.readFileSync(weightsPath);
  const extraEntriesDeclared = (file.extra?.tensors as TensorEntry[] | undefined) ?? [];
  const expected = [...(file.params ?? []), ...(file.state ?? []), ...extraEntriesDeclared].reduce((end, e) => Math.max(end, e.offset + e.shape.reduce((a, b) => a * b, 1)), 0);
  if (raw.byteLength !== 4 * expected) {
    throw new InputError(`weights.bin has ${raw.byteLength} bytes, config.json describes ${4 * expected} (a truncated or foreign file)`, { file: weightsPath });
  }
  const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const entry = [...file.params, ...file.state].find((e) => bad >= e.offset && bad < e.offset + e.shape.reduce((a, b) => a * b, 1));
    throw new ModelError(`weights contain ${String(data[bad])}${entry ? ` (tensor ${entry.name})` : ''}; a model with non-finite weights predicts nothing meaningful (a diverged training run?)`, { file: weightsPath, field: entry?.name });
  }
  const config = validateConfig(file.architecture);
  checkTensorShapes(config, file, configPath);
  const variables = (entries: TensorEntry[], trainable: boolean) => {
    const tensors = unpackTensors(entries, data, weightsPath);
    const vars = new Map<string, tf.Variable>();
    for (const [name, t] of tensors) {
      vars.set(name, tf.variable(t, trainable));
      t.dispose();
    }
    return vars;
  };
  const model = new Model(config, variables(file.params, true), variables(file.state, false));
  model.preprocessing = file.preprocessing ?? {};
  model.history = file.history ?? [];
  const extraEntries = (file.extra?.tensors as TensorEntry[] | undefined) ?? [];
  return { model, file, extraTensors: unpackTensors(extraEntries, data, weightsPath) };
}

/**
 * Refuses a config.json whose tensors do not fit its own architecture (an edited encoding or channel count, a
 * foreign file): the shapes a fresh model of that architecture has must be the ones listed, name by name.
 */
function checkTensorShapes(config: CnnConfig, file: ModelFile, configPath: string): void {
  const fresh = buildModel(config);
  try {
    const expected = new Map([...fresh.params, ...fresh.state].map(([name, v]) => [name, v.shape.join('×')]));
    const listed = [...(file.params ?? []), ...(file.state ?? [])];
    for (const entry of listed) {
      const want = expected.get(entry.name);
      if (want === undefined) throw new ModelError(`tensor ${entry.name} is not part of the architecture in config.json`, { file: configPath, field: entry.name });
      if (want !== entry.shape.join('×')) {
        throw new ModelError(`tensor ${entry.name} has shape ${entry.shape.join('×')}, but the architecture (encoding ${config.encoding}, ${config.inputChannels} input channels) needs ${want}`, { file: configPath, field: entry.name });
      }
      expected.delete(entry.name);
    }
    if (expected.size) throw new ModelError(`config.json lists no tensor ${[...expected.keys()][0]} (and ${expected.size - 1} more) that the architecture needs`, { file: configPath, field: [...expected.keys()][0] });
  } finally {
    fresh.dispose();
  }
}

/** Packs every parameter, then every running statistic, into one array (the order of the maps). */
export function packWeights(model: Model): Float32Array {
  const all = [...model.params.values(), ...model.state.values()];
  const out = new Float32Array(all.reduce((s, v) => s + v.size, 0));
  let at = 0;
  for (const v of all) {
    out.set(v.dataSync() as Float32Array, at);
    at += v.size;
  }
  return out;
}

/** Inverse of packWeights (assigns in place). */
export function unpackWeights(model: Model, packed: Float32Array): void {
  let at = 0;
  for (const v of [...model.params.values(), ...model.state.values()]) {
    v.assign(tf.tensor(packed.subarray(at, at + v.size), v.shape));
    at += v.size;
  }
  model.markChanged();
}

