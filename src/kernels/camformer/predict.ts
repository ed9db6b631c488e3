/**
 * Prediction: batched over any number of sequences with bounded memory (one batch on the device at a time;
 * `predictStream` over encoded chunks and `predictRows` over `SequenceRows` for inputs that do not fit in memory), optional reverse-complement averaging, ensembles
 * (mean of members). Two engines: ONNX Runtime (onnx-runtime.ts; multi-threaded native
 * kernels) and tfjs, where `workers > 1` runs batches in worker threads, each with its own wasm backend (wasm
 * is single-threaded under Node).
 */
import { OptionError } from '../../errors';
import { reverseComplementEncoded, type Encoded } from '../../data/encode';
import type { SequenceRows } from '../../data/rows';
import { currentBackend } from '../tensor/backend';
import type { Model } from './model';
import { INSTALL_ONNX_RUNTIME, onnxRuntime, predictOnnx, warnMissingOnnxRuntime } from './onnx/runtime';
import { predictTensorBatches } from './tfjs-predict';
import { predictInWorkers } from './workers/pool';

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Sequences per forward pass (default 1024). */
  batchSize?: number;
  /** Average the predictions of each sequence and its reverse complement (default false). */
  reverseComplement?: boolean;
  /** Worker threads for the tfjs engine (default 1: this thread). Each worker runs its own wasm backend. */
  workers?: number;
  /**
   * `onnx`: ONNX Runtime (onnxruntime-node, all cores); `tfjs`: the tfjs backend in use; `auto` (default, or
   * `CISLAB_ENGINE`): ONNX Runtime when it is installed and tfjs runs on wasm or cpu, where it was measured
   * several times faster (bench/train.bench.ts); tfjs on its native TensorFlow backends.
   */
  engine?: InferenceEngine;
  /**
   * Called after each batch with the rows predicted so far and in all (all = sequences × strands × ensemble
   * members, each counted once per pass).
   */
  onProgress?: (done: number, total: number) => void;
}

/** The inference engines {@link predict} can use. */
export const INFERENCE_ENGINES = ['auto', 'onnx', 'tfjs'] as const;
/** One of {@link INFERENCE_ENGINES}. */
export type InferenceEngine = (typeof INFERENCE_ENGINES)[number];

/**
 * The engine `predict` uses for these options: 'onnx' or 'tfjs'. Throws when `onnx` is asked for but absent.
 * @param engine - 'auto' (default, or `$CISLAB_ENGINE`), 'onnx' or 'tfjs'.
 * @returns The engine that will run: 'onnx' for 'auto' when onnxruntime-node is installed and tfjs is not on its
 *   native backend, else 'tfjs'.
 * @example
 * inferenceEngine('auto'); // 'onnx' or 'tfjs'
 */
export function inferenceEngine(engine?: InferenceEngine): 'onnx' | 'tfjs' {
  const fromEnv = process.env.CISLAB_ENGINE as InferenceEngine | undefined;
  const wanted = engine ?? fromEnv ?? 'auto';
  if (!INFERENCE_ENGINES.includes(wanted)) {
    throw new OptionError(`unknown inference engine '${wanted}'; expected ${INFERENCE_ENGINES.join(', ')}`, { option: engine ? 'engine' : 'CISLAB_ENGINE' });
  }
  if (wanted === 'tfjs') return 'tfjs';
  const available = onnxRuntime() !== undefined;
  if (wanted === 'onnx') {
    if (!available) throw new OptionError(`engine 'onnx' needs the optional package onnxruntime-node (${INSTALL_ONNX_RUNTIME})`, { option: 'engine' });
    return 'onnx';
  }
  if (!available) warnMissingOnnxRuntime();
  return available && currentBackend() !== 'tensorflow' ? 'onnx' : 'tfjs';
}

/** Members whose predictions are averaged. */
export interface Ensemble {
  /** Tells an ensemble from a model. */
  kind: 'ensemble';
  /** The members (same encoding and input length). */
  models: Model[];
}

/** What {@link predict} accepts: one model, or an ensemble whose members' predictions are averaged. */
export type Predictor = Model | Ensemble;

/**
 * An ensemble of models whose predictions are averaged; members must share encoding and input length.
 * @param models - At least one model.
 * @returns The ensemble.
 * @example
 * const predicted = await predict(ensemble([loadModel('models/s1'), loadModel('models/s2')]), x);
 */
export function ensemble(models: Model[]): Ensemble {
  if (models.length === 0) throw new OptionError('an ensemble needs at least one model', { option: 'models' });
  const [first] = models;
  for (const m of models) {
    if (m.encoding !== first!.encoding || m.inputLength !== first!.inputLength) {
      throw new OptionError(`ensemble members must share encoding and input length (${first!.encoding}/${first!.inputLength} vs ${m.encoding}/${m.inputLength})`, { option: 'models' });
    }
  }
  return { kind: 'ensemble', models };
}

/** The one model of a predictor, or an ensemble's first member (they share encoding and input length). */
export function firstModel(p: Predictor): Model {
  return members(p)[0]!;
}

function members(p: Predictor): Model[] {
  return 'kind' in p && p.kind === 'ensemble' ? p.models : [p as Model];
}

/**
 * Predictions for every sequence of `x` ([n, length, channels], the model's encoding).
 * @param predictor - A model or an {@link Ensemble}.
 * @param x - Encoded sequences in the model's encoding and length.
 * @param options - `batchSize` (default 1024), `reverseComplement` (average with the reverse strand; default
 *   false), `workers` (tfjs engine; default 1), `engine` ('auto' (default), 'onnx', 'tfjs').
 * @returns One prediction per sequence.
 * @example
 * const predicted = await predict(model, encode(test.array('sequence') as string[], model.encoding), { reverseComplement: true });
 */
export async function predict(predictor: Predictor, x: Encoded, options: PredictOptions = {}): Promise<Float32Array> {
  const models = members(predictor);
  for (const m of models) m.checkInput(x.shape, 'x');
  if (x.encoding && x.encoding !== models[0]!.encoding) {
    throw new OptionError(`input is '${x.encoding}'-encoded but the model expects '${models[0]!.encoding}'`, { option: 'x' });
  }
  const inputs = options.reverseComplement ? [x, reverseComplementEncoded(x)] : [x];
  const engine = inferenceEngine(options.engine);
  const sum = new Float32Array(x.shape[0]);
  const total = x.shape[0] * models.length * inputs.length;
  let before = 0;
  for (const m of models) {
    for (const input of inputs) {
      const onRows = options.onProgress && ((done: number) => options.onProgress!(before + done, total));
      const p = engine === 'onnx'
        ? await predictOnnx(m, input, options.batchSize ?? 512, onRows)
        : (options.workers ?? 1) > 1
          ? await predictInWorkers(m, input, { ...options, onRows })
          : await predictTensorBatches(m, input, options.batchSize ?? 1024, onRows);
      for (let i = 0; i < sum.length; i++) sum[i]! += p[i]!;
      before += x.shape[0];
    }
  }
  const k = models.length * inputs.length;
  for (let i = 0; i < sum.length; i++) sum[i]! /= k;
  return sum;
}

/** Predictions chunk by chunk for inputs larger than memory: yields one Float32Array per input chunk. */
export async function* predictStream(predictor: Predictor, chunks: Iterable<Encoded> | AsyncIterable<Encoded>, options: PredictOptions = {}): AsyncGenerator<Float32Array> {
  for await (const chunk of chunks) yield predict(predictor, chunk, options);
}

export interface PredictRowsOptions extends PredictOptions {
  /** Rows encoded at a time (default 4096): memory is one block's encoding, whatever the number of rows. */
  blockSize?: number;
  /** Called after each block with the rows predicted so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Predictions for every row of a `SequenceRows` (e.g. a `SequenceStore` of millions of promoters), encoding
 * `blockSize` rows at a time, so memory stays one block whatever the row count.
 *
 * @example
 * const set = await loadTrainingSet('train.txt');
 * const predicted = await predictRows(model, set.rows(model.encoding), { onProgress: (d, n) => console.log(d, n) });
 */
export async function predictRows(predictor: Predictor, rows: SequenceRows, options: PredictRowsOptions = {}): Promise<Float32Array> {
  const { blockSize = 4096, onProgress, ...predictOptions } = options;
  // `onProgress` counts the store's rows block by block; each block's predict call reports nothing of its own.
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new OptionError(`expected a positive integer, got ${blockSize}`, { option: 'blockSize' });
  const out = new Float32Array(rows.count);
  const indices = new Int32Array(Math.min(blockSize, rows.count));
  const buffer = new Float32Array(indices.length * rows.length * rows.channels);
  for (let first = 0; first < rows.count; first += blockSize) {
    const n = Math.min(blockSize, rows.count - first);
    for (let i = 0; i < n; i++) indices[i] = first + i;
    const data = rows.encodeRows(indices.subarray(0, n), buffer).subarray(0, n * rows.length * rows.channels);
    out.set(await predict(predictor, { data, shape: [n, rows.length, rows.channels], encoding: rows.encoding }, predictOptions), first);
    onProgress?.(first + n, rows.count);
  }
  return out;
}
