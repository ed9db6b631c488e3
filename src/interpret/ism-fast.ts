/**
 * Fast exact ISM for the Camformer family on ONNX Runtime: the same table as `ismScores` (every position of
 * the region to each other base; prediction, reference prediction, effect), computed by the windowed ISM
 * graph (kernels/camformer/onnx/ism-graph.ts), which recomputes only the receptive-field windows a
 * substitution changes and reads everything else from the reference sequence's activations. Results equal
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
import { modelWeights } from '../kernels/camformer/onnx/bridge';
import { compileIsm, planIsm, readIndices } from '../kernels/camformer/onnx/ism-graph';
import { paramSpecs, stateSpecs } from '../kernels/camformer/onnx/layout';
import { createSession, requireOrt, type OrtSession, type OrtTensor, type SessionOptions } from '../kernels/camformer/onnx/session';
import type { IsmOptions } from './ism';

/** Weights to run ISM with: a tfjs Model, anything with `config` and `weights()` (OnnxTrainer), or both given. */
export type IsmSource = Model | { config: CnnConfig; weights(): ReadonlyMap<string, Float32Array> } | { config: CnnConfig; weights: ReadonlyMap<string, Float32Array> };

export interface FastIsmOptions extends Pick<IsmOptions, 'region' | 'ids' | 'onProgress'>, SessionOptions {
  /**
   * Reference sequences per graph run; each brings 3 × region-length variants (default 1: per sequence, one
   * sequence per run measured fastest, 53 vs 77 CPU ms for camformer-mini with 1 vs 4, as its windows stay in cache).
   */
  sequencesPerBatch?: number;
  /** Arithmetic of the graph (default 'float'; 'double' for exactness checks). */
  precision?: 'float' | 'double';
}

function sourceOf(source: IsmSource): { config: CnnConfig; weights: ReadonlyMap<string, Float32Array> } {
  if ('params' in source) return { config: source.config, weights: modelWeights(source) };
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
  const { config, weights } = sourceOf(source);
  const { region = DREAM_VARIABLE_REGION, sequencesPerBatch = 1, onProgress } = options;
  const ids = options.ids ?? sequences.map((_, i) => `seq_${i + 1}`);
  if (ids.length !== sequences.length) throw new OptionError(`${ids.length} ids for ${sequences.length} sequences`, { option: 'ids' });
  if (!Number.isInteger(sequencesPerBatch) || sequencesPerBatch < 1) throw new OptionError(`expected a positive integer, got ${sequencesPerBatch}`, { option: 'sequencesPerBatch' });
  for (const s of sequences) {
    if (s.length !== config.inputLength) throw new OptionError(`sequences must have the model's length ${config.inputLength}, got ${s.length}`, { option: 'sequences' });
  }
  if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start || region.end > config.inputLength) {
    throw new OptionError(`region ${region.start}–${region.end} must be 1-based, inclusive and within the sequences (length ${config.inputLength})`, { option: 'region' });
  }
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
    const columns = { id: [] as string[], position: [] as number[], ref: [] as string[], alt: [] as string[], prediction: [] as number[], reference: [] as number[], effect: [] as number[] };
    for (let first = 0; first < sequences.length; first += sequencesPerBatch) {
      const chunk = sequences.slice(first, first + sequencesPerBatch);
      const positions: number[] = [];
      const owner: number[] = [];
      const alts: string[] = [];
      chunk.forEach((sequence, k) => {
        for (let position = region.start; position <= region.end; position++) {
          for (const alt of BASES) {
            if (alt === sequence[position - 1]) continue;
            positions.push(position - 1);
            owner.push(k);
            alts.push(alt);
          }
        }
      });
      const V = positions.length;
      const C = config.inputChannels;
      const window0 = new Float32Array(V * C);
      alts.forEach((alt, v) => window0.set(letter.get(alt)!, v * C));
      const x = encode(chunk, config.encoding);
      feeds.x = real(x.data, x.shape);
      feeds.window0 = real(window0, [V, 1, C]);
      for (const [name, idx] of Object.entries(readIndices(plan, positions, owner, chunk.length))) feeds[name] = new ort.Tensor('int32', idx, [V, idx.length / V]);
      const out = await session.run(feeds);
      const reference = out.reference!.data as Float32Array | Float64Array;
      const variants = out.variants!.data as Float32Array | Float64Array;
      for (let v = 0; v < V; v++) {
        const k = owner[v]!;
        columns.id.push(ids[first + k]!);
        columns.position.push(positions[v]! + 1);
        columns.ref.push(chunk[k]![positions[v]!]!);
        columns.alt.push(alts[v]!);
        columns.prediction.push(variants[v]!);
        columns.reference.push(reference[k]!);
        columns.effect.push(variants[v]! - reference[k]!);
      }
      onProgress?.(Math.min(first + sequencesPerBatch, sequences.length), sequences.length);
    }
    return aq.table(columns);
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
