/**
 * Fast exact ISM for the Camformer family on ONNX Runtime: the same table as `ismScores` (every position of
 * the region to each other base; prediction, reference prediction, effect), computed by the windowed ISM
 * graph (kernels/camformer/onnx/ism-graph.ts), which computes each variant's difference from the reference
 * sequence only on the receptive-field windows its substitution changes. Results equal
 * full ISM up to float32 summation order (test/interpret/ism-fast.test.ts); bench/engine.bench.ts measures
 * the speed against PyTorch's naive ISM.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { BASES } from '../data/alphabet';
import { encode } from '../data/encode';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import type { CnnConfig } from '../kernels/camformer/config';
import type { Model } from '../kernels/camformer/model';
import { inferenceEngine, type InferenceEngine, type Predictor } from '../kernels/camformer/predict';
import { modelWeights } from '../kernels/camformer/onnx/bridge';
import { compileIsm, planIsm, readIndices } from '../kernels/camformer/onnx/ism-graph';
import { paramSpecs, stateSpecs } from '../kernels/camformer/onnx/layout';
import { createSession, requireOrt, type OrtSession, type OrtTensor, type SessionOptions } from '../kernels/camformer/onnx/session';
import { appendTidyIsm, emptyIsmColumns, sequenceCodes, type IsmOptions } from './ism';
import type { DenseIsm } from './ism-dense';

const LETTERS = 'ACGTN';

/** Weights to run ISM with: a tfjs Model, anything with `config` and `weights()` (OnnxTrainer), or both given. */
export type IsmSource = Model | { config: CnnConfig; weights(): ReadonlyMap<string, Float32Array> } | { config: CnnConfig; weights: ReadonlyMap<string, Float32Array> };

export interface FastIsmOptions extends Pick<IsmOptions, 'region' | 'ids' | 'onProgress'>, SessionOptions {
  /**
   * Reference sequences per graph run; each brings 3 × region-length variants (default 1: per sequence, one
   * sequence per run measured fastest, camformer-mini 40 vs 42 ms per sequence with 1 vs 4, as its windows stay in cache).
   */
  sequencesPerBatch?: number;
  /** Arithmetic of the graph (default 'float'; 'double' for exactness checks). */
  precision?: 'float' | 'double';
}

const weightCache = new WeakMap<Model, { version: number; weights: ReadonlyMap<string, Float32Array> }>();

function sourceOf(source: IsmSource): { config: CnnConfig; weights: ReadonlyMap<string, Float32Array> } {
  if ('params' in source) {
    // Copied once per model version: the CLI calls this per block of sequences.
    const cached = weightCache.get(source);
    if (cached?.version === source.version) return { config: source.config, weights: cached.weights };
    const weights = modelWeights(source);
    weightCache.set(source, { version: source.version, weights });
    return { config: source.config, weights };
  }
  return { config: source.config, weights: typeof source.weights === 'function' ? source.weights() : source.weights };
}

/**
 * ISM of every sequence: one row per variant with `id`, `position` (1-based), `ref`, `alt`, `prediction`,
 * `reference` and `effect` = prediction − reference, in `ismScores`'s row order.
 *
 * @example
 * const table = await fastIsmScores(model, sequences, { region: { start: 18, end: 97 } });
 */
export async function fastIsmScores(source: IsmSource, sequences: readonly string[], options: FastIsmOptions = {}): Promise<ColumnTable> {
  const { config } = sourceOf(source);
  const ids = options.ids ?? sequences.map((_, i) => `seq_${i + 1}`);
  if (ids.length !== sequences.length) throw new OptionError(`${ids.length} ids for ${sequences.length} sequences`, { option: 'ids' });
  for (const s of sequences) {
    if (s.length !== config.inputLength) throw new OptionError(`sequences must have the model's length ${config.inputLength}, got ${s.length}`, { option: 'sequences' });
  }
  const dense = await fastIsmDense(source, sequenceCodes(sequences), config.inputLength, options);
  const columns = emptyIsmColumns();
  appendTidyIsm(columns, dense, ids);
  return aq.table(columns);
}

/**
 * The dense ISM (`ismDense`'s arrays: [sequence, position, A/C/G/T] predictions, the reference prediction in
 * the reference base's slot) of the sequences in `codes` (base codes 0–4, `length` each), by the windowed
 * graph. What `cislab ism` streams per block of sequences.
 *
 * @example
 * const dense = await fastIsmDense(model, sequenceCodes(sequences), 110, { region: { start: 18, end: 97 } });
 */
export async function fastIsmDense(source: IsmSource, codes: Uint8Array, length: number, options: Omit<FastIsmOptions, 'ids'> = {}): Promise<DenseIsm> {
  const { config, weights } = sourceOf(source);
  const { region = DREAM_VARIABLE_REGION, sequencesPerBatch = 1, onProgress } = options;
  if (length !== config.inputLength || codes.length % length) throw new OptionError(`sequences must have the model's length ${config.inputLength}, got ${length}`, { option: 'sequences' });
  if (!Number.isInteger(sequencesPerBatch) || sequencesPerBatch < 1) throw new OptionError(`expected a positive integer, got ${sequencesPerBatch}`, { option: 'sequencesPerBatch' });
  if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start || region.end > config.inputLength) {
    throw new OptionError(`region ${region.start}–${region.end} must be 1-based, inclusive and within the sequences (length ${config.inputLength})`, { option: 'region' });
  }
  const count = codes.length / length;
  const regionLength = region.end - region.start + 1;
  const sequences = Array.from({ length: count }, (_, s) => Array.from(codes.subarray(s * length, (s + 1) * length), (c) => LETTERS[c]!).join(''));
  const refCodes = new Uint8Array(count * regionLength);
  for (let s = 0; s < count; s++) refCodes.set(codes.subarray(s * length + region.start - 1, s * length + region.end), s * regionLength);
  const predictions = new Float64Array(count * regionLength * 4);
  const referencePredictions = new Float64Array(count);
  const ort = requireOrt();
  const plan = planIsm(config);
  const double = options.precision === 'double';
  const session = await ismSession(plan, options);
  const real = (values: Float32Array, dims: readonly number[]) => (double ? new ort.Tensor('float64', Float64Array.from(values), dims) : new ort.Tensor('float32', values, dims));
  try {
    const feeds: Record<string, OrtTensor> = {};
    const tensor = (name: string, dims: number[]) => {
      const values = weights.get(name);
      if (!values || values.length !== dims.reduce((a, b) => a * b, 1)) throw new OptionError(`weights for '${name}' missing or not of shape [${dims.join(', ')}]`, { option: 'weights' });
      return real(values, dims);
    };
    for (const p of paramSpecs(config)) feeds[p.name] = tensor(p.name, p.tfjsShape);
    for (const st of stateSpecs(config)) feeds[st.name] = tensor(st.name, st.shape);
    const letter = new Map(['A', 'C', 'G', 'T'].map((b) => [b, encode([b], config.encoding).data]));
    for (let first = 0; first < count; first += sequencesPerBatch) {
      const chunk = sequences.slice(first, first + sequencesPerBatch);
      const positions: number[] = [];
      const owner: number[] = [];
      const alts: number[] = [];
      chunk.forEach((sequence, k) => {
        for (let position = region.start; position <= region.end; position++) {
          BASES.forEach((alt, a) => {
            if (alt === sequence[position - 1]) return;
            positions.push(position - 1);
            owner.push(k);
            alts.push(a);
          });
        }
      });
      const V = positions.length;
      const C = config.inputChannels;
      const x = encode(chunk, config.encoding);
      // Each variant's input difference: its base's encoding minus the reference base's.
      const delta0 = new Float32Array(V * C);
      alts.forEach((a, v) => {
        const base = letter.get(BASES[a]!)!;
        const at = (owner[v]! * length + positions[v]!) * C;
        for (let ch = 0; ch < C; ch++) delta0[v * C + ch] = base[ch]! - x.data[at + ch]!;
      });
      feeds.x = real(x.data, x.shape);
      feeds.delta0 = real(delta0, [V, 1, C]);
      feeds.sequence = new ort.Tensor('int32', Int32Array.from(owner), [V]);
      for (const [name, idx] of Object.entries(readIndices(plan, positions, owner, chunk.length))) feeds[name] = new ort.Tensor('int32', idx, [V, idx.length / V]);
      const out = await session.run(feeds);
      const reference = out.reference!.data as Float32Array | Float64Array;
      const variants = out.variants!.data as Float32Array | Float64Array;
      for (let k = 0; k < chunk.length; k++) {
        const s = first + k;
        referencePredictions[s] = reference[k]!;
        for (let p = 0; p < regionLength; p++) {
          const ref = refCodes[s * regionLength + p]!;
          if (ref < 4) predictions[(s * regionLength + p) * 4 + ref] = reference[k]!;
        }
      }
      for (let v = 0; v < V; v++) {
        const s = first + owner[v]!;
        predictions[(s * regionLength + positions[v]! - (region.start - 1)) * 4 + alts[v]!] = variants[v]!;
      }
      onProgress?.(Math.min(first + sequencesPerBatch, count), count);
    }
    return { count, region, predictions, reference: referencePredictions, refCodes };
  } catch (err) {
    forgetSession(session);
    throw err;
  }
}

// Compiling the graph and creating a session costs a noticeable fraction of a few sequences' ISM, so the
// two most recent sessions stay open (keyed by architecture, precision and session options).
const sessions = new Map<string, Promise<OrtSession>>();

function ismSession(plan: ReturnType<typeof planIsm>, options: FastIsmOptions): Promise<OrtSession> {
  const key = JSON.stringify([plan.config, options.precision ?? 'float', options.threads, options.provider, options.spin]);
  let session = sessions.get(key);
  if (!session) {
    session = createSession(compileIsm(plan, { precision: options.precision }), options);
    sessions.set(key, session);
    if (sessions.size > 2) {
      const [oldest] = sessions.keys();
      void sessions.get(oldest!)!.then((s) => s.release());
      sessions.delete(oldest!);
    }
  }
  return session;
}

function forgetSession(session: OrtSession): void {
  for (const [key, s] of sessions) {
    void s.then((open) => {
      if (open === session) {
        sessions.delete(key);
        void open.release();
      }
    });
  }
}

/** Releases the cached ISM sessions (they are otherwise kept until the process ends). */
export async function releaseIsmSessions(): Promise<void> {
  const open = [...sessions.values()];
  sessions.clear();
  await Promise.all(open.map(async (s) => (await s).release()));
}

/**
 * Whether ISM of `predictor` with this inference engine runs the windowed graph: yes for one Camformer-family
 * model when the engine resolves to ONNX Runtime (`inferenceEngine`: 'onnx', or 'auto' where onnxruntime-node
 * loads); ensembles and the tfjs engine predict every variant in full (`ismScores`, `ismDense`).
 *
 * @example
 * const table = useFastIsm(model, engine) ? await fastIsmScores(model, seqs) : await ismScores((b) => predict(model, b), seqs);
 */
export function useFastIsm(predictor: Predictor, engine?: InferenceEngine): boolean {
  return !('kind' in predictor && predictor.kind === 'ensemble') && inferenceEngine(engine) === 'onnx';
}
