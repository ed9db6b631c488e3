/**
 * Gradient attributions: saliency, input × gradient, integrated gradients and DeepLIFT/SHAP, over any
 * `Differentiable` model, streamed batch by batch (one device call of at most `batchSize` model inputs at a
 * time; memory bounded by one chunk of sequences), into tidy tables.
 *
 * Defaults follow tangermeme where it has the method (DeepLIFT/SHAP: 20 dinucleotide-shuffled references per
 * sequence, projected rather than hypothetical values; deep_lift_shap.py lines 213–231) and Captum as gReLU
 * calls it for the rest (saliency without abs, integrated gradients from a zero baseline with 50
 * Gauss–Legendre steps; grelu/interpret/score.py lines 196–212). cislab's differences: the attributed
 * region defaults to DREAM's variable region (18–97) as for ISM, and references and baselines change only
 * that region (tangermeme shuffles the whole input, flanks included); seeds are always fixed (default 1).
 *
 * Every value is per base: a channel-level attribution a_c is turned into "the contribution of base b at
 * position p" as Σ_c (e_b − b₀)_c · a_c over the base-dependent channels (e_b = how the encoding writes b,
 * b₀ = the reference/baseline there). At the base present this is the projected attribution (tangermeme's
 * `hypothetical=False`); for all four bases it is the hypothetical contribution (`hypothetical=True`).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { encode, type Encoded } from '../data/encode';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import { quadrature, type QuadratureRule } from '../stats/quadrature';
import type { Predictor } from '../kernels/camformer/predict';
import { differentiable, type Differentiable } from './differentiable';
import { baseEncoding, checkRegion, integrationBaseline, shuffledReferences, type BaselineKind, type Region } from './references';

export const ATTRIBUTION_METHODS = ['saliency', 'input-gradient', 'integrated-gradients', 'deeplift-shap'] as const;
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];

export interface SequenceRecord {
  id: string;
  sequence: string;
}

export interface AttributeOptions {
  /** Default `deeplift-shap` (tangermeme's attribution method; gReLU's default `deepshap`). */
  method?: AttributionMethod;
  /** 1-based inclusive region to attribute (default 18–97, the DREAM variable region). */
  region?: Region;
  /** Report all four bases per position (default false; true for `saliency`, whose map is the gradient at every base). */
  hypothetical?: boolean;
  /** DeepLIFT/SHAP references per sequence (default 20, tangermeme's `n_shuffles`). */
  references?: number;
  /** Seed of the reference shuffles (default 1). */
  seed?: number;
  /** Integrated-gradients steps (default 50, Captum's `n_steps`). */
  steps?: number;
  /** Integrated-gradients rule (default `gauss-legendre`, Captum's default). */
  integration?: QuadratureRule;
  /** Integrated-gradients baseline in the region (default `zeros`, Captum's default). */
  baseline?: BaselineKind;
  /** Saliency: subtract each position's mean gradient over the bases (Majdandzic et al. 2023, gReLU's `correct_grad`; default false). */
  correctGradient?: boolean;
  /**
   * Model evaluations per device call — sequences, interpolation points, or sequence–reference pairs (as
   * tangermeme's `batch_size`). Default: what fits `memoryBudget`, at most 64 (larger batches were no
   * faster on wasm).
   */
  batchSize?: number;
  /** Bytes the activations of one device call may take when `batchSize` is not given (default 1 GiB). */
  memoryBudget?: number;
  /** Called after each chunk with the number of sequences done. */
  onProgress?: (done: number) => void;
}

/** One chunk of attributed sequences: plain typed arrays, ready to write or to tabulate. */
export interface AttributionBatch {
  ids: string[];
  sequences: string[];
  region: Region;
  /** f(x) per sequence. */
  prediction: Float32Array;
  /** f(baseline) for integrated gradients, mean f(reference) for DeepLIFT/SHAP, NaN otherwise. */
  baselinePrediction: Float32Array;
  /** [n, region length]: attribution of the base present (float64: sums of many quadrature or reference terms). */
  projected: Float64Array;
  /** [n, region length, 4]: attribution of each of A, C, G, T. */
  hypothetical: Float64Array;
  /** Per sequence |Σ projected − (prediction − baseline_prediction)| (the quadrature or rescale-rule error); NaN without a baseline. */
  convergence: Float32Array;
}

/**
 * Attributions of a stream of sequences, one `AttributionBatch` per chunk; memory is bounded by one chunk.
 * @example
 * for await (const b of attributionBatches(differentiable(model), records, { method: 'integrated-gradients' })) write(b);
 */
export async function* attributionBatches(
  model: Differentiable, records: Iterable<SequenceRecord> | AsyncIterable<SequenceRecord>, options: AttributeOptions = {},
): AsyncGenerator<AttributionBatch> {
  const settings = resolveOptions(model, options);
  let chunk: SequenceRecord[] = [];
  let index = 0;
  let done = 0;
  for await (const record of records) {
    if (record.sequence.length !== model.inputLength) {
      throw new OptionError(`sequence '${record.id}' has length ${record.sequence.length}; the model reads ${model.inputLength}-nt sequences`, { option: 'sequences' });
    }
    chunk.push(record);
    if (chunk.length === settings.chunk) {
      yield await attributeChunk(model, chunk, index, settings);
      index += chunk.length;
      done += chunk.length;
      options.onProgress?.(done);
      chunk = [];
    }
  }
  if (chunk.length) {
    yield await attributeChunk(model, chunk, index, settings);
    options.onProgress?.(done + chunk.length);
  }
}

/**
 * Tidy attributions: one row per sequence × region position (× base when hypothetical) — `id`, `position`
 * (1-based), `base`, `attribution`, and the sequence's `prediction` and `baseline_prediction`, so that
 * completeness (Σ attribution = prediction − baseline_prediction, projected rows) can be checked from the
 * table alone.
 * @example
 * const table = await attribute(model, sequences, { method: 'deeplift-shap', references: 20 });
 */
export async function attribute(model: Differentiable | Predictor, sequences: readonly string[], options: AttributeOptions & { ids?: readonly string[] } = {}): Promise<ColumnTable> {
  const target = 'gradients' in model ? model : differentiable(model);
  const ids = options.ids ?? sequences.map((_, i) => `seq_${i + 1}`);
  if (ids.length !== sequences.length) throw new OptionError(`${ids.length} ids for ${sequences.length} sequences`, { option: 'ids' });
  const batches: AttributionBatch[] = [];
  for await (const batch of attributionBatches(target, sequences.map((sequence, i) => ({ id: ids[i]!, sequence })), options)) batches.push(batch);
  return attributionTable(batches, { hypothetical: options.hypothetical ?? (options.method === 'saliency') });
}

/**
 * Batches → the tidy table of `attribute` (projected rows, or four rows per position when `hypothetical`).
 * @example
 * const table = attributionTable(batches, { hypothetical: true });
 */
export function attributionTable(batches: readonly AttributionBatch[], options: { hypothetical?: boolean } = {}): ColumnTable {
  const hypothetical = options.hypothetical ?? false;
  const per = hypothetical ? 4 : 1;
  let rows = 0;
  for (const b of batches) rows += b.projected.length * per;
  const id: string[] = new Array(rows);
  const base: string[] = new Array(rows);
  const position = new Int32Array(rows);
  const attribution = new Float64Array(rows);
  const prediction = new Float64Array(rows);
  const baseline = new Float64Array(rows);
  let at = 0;
  for (const b of batches) {
    const width = b.region.end - b.region.start + 1;
    b.ids.forEach((sid, s) => {
      for (let p = 0; p < width; p++) {
        for (let k = 0; k < per; k++, at++) {
          id[at] = sid;
          position[at] = b.region.start + p;
          base[at] = hypothetical ? 'ACGT'[k]! : b.sequences[s]![b.region.start - 1 + p]!.toUpperCase();
          attribution[at] = hypothetical ? b.hypothetical[(s * width + p) * 4 + k]! : b.projected[s * width + p]!;
          prediction[at] = b.prediction[s]!;
          baseline[at] = b.baselinePrediction[s]!;
        }
      }
    });
  }
  return aq.table({ id, position, base, attribution, prediction, baseline_prediction: baseline });
}

interface Settings {
  method: AttributionMethod;
  region: Region;
  references: number;
  seed: number;
  steps: number;
  integration: QuadratureRule;
  baseline: BaselineKind;
  correctGradient: boolean;
  batchSize: number;
  /** Sequences per chunk. */
  chunk: number;
}

function resolveOptions(model: Differentiable, options: AttributeOptions): Settings {
  const {
    method = 'deeplift-shap', region = DREAM_VARIABLE_REGION, references = 20, seed = 1, steps = 50,
    integration = 'gauss-legendre', baseline = 'zeros', correctGradient = false, memoryBudget = 2 ** 30,
  } = options;
  const batchSize = options.batchSize ?? defaultBatchSize(model, method, memoryBudget);
  if (!ATTRIBUTION_METHODS.includes(method)) throw new OptionError(`unknown method '${method}'; expected ${ATTRIBUTION_METHODS.join(', ')}`, { option: 'method' });
  checkRegion(region, model.inputLength);
  const positive = (value: number, option: string) => {
    if (!Number.isInteger(value) || value < 1) throw new OptionError(`expected a positive integer, got ${value}`, { option });
  };
  positive(references, 'references');
  positive(steps, 'steps');
  positive(batchSize, 'batchSize');
  if (method === 'deeplift-shap' && !model.deepLift) throw new OptionError('this model has no DeepLIFT rule; use integrated-gradients', { option: 'method' });
  const cost = method === 'deeplift-shap' ? references : method === 'integrated-gradients' ? steps + 2 : 1;
  return { method, region, references, seed, steps, integration, baseline, correctGradient, batchSize, chunk: Math.max(1, Math.floor(batchSize / cost)) };
}

/**
 * Batch size for a memory budget. Measured on tfjs wasm (camformer-mini, peak resident memory over batch
 * sizes): a gradient pass holds ~10 × 4 bytes per activation value of each input; DeepLIFT/SHAP ~22 × 4 per
 * value for each of the two inputs of a pair (the rescale rules keep both halves and their differences).
 */
function defaultBatchSize(model: Differentiable, method: AttributionMethod, budget: number): number {
  if (!(budget > 0)) throw new OptionError(`expected a positive number of bytes, got ${budget}`, { option: 'memoryBudget' });
  const values = model.activationsPerInput;
  if (!values) return method === 'deeplift-shap' ? 32 : 64;
  const perCall = method === 'deeplift-shap' ? 2 * 22 * 4 * values : 10 * 4 * values;
  return Math.max(1, Math.min(64, Math.floor(budget / perCall)));
}

/** Chunk state: the per-base rows of the encoding and the arrays being filled. */
interface Work {
  x: Encoded;
  width: number;
  rows: Float32Array;
  dependent: boolean[];
  out: AttributionBatch;
}

async function attributeChunk(model: Differentiable, records: SequenceRecord[], firstIndex: number, s: Settings): Promise<AttributionBatch> {
  const n = records.length;
  const width = s.region.end - s.region.start + 1;
  const x = encode(records.map((r) => r.sequence), model.encoding);
  const { rows, dependent } = baseEncoding(model.encoding);
  const out: AttributionBatch = {
    ids: records.map((r) => r.id), sequences: records.map((r) => r.sequence), region: s.region,
    prediction: new Float32Array(n), baselinePrediction: new Float32Array(n).fill(NaN),
    projected: new Float64Array(n * width), hypothetical: new Float64Array(n * width * 4), convergence: new Float32Array(n).fill(NaN),
  };
  const work: Work = { x, width, rows, dependent, out };
  if (s.method === 'deeplift-shap') await deepLiftShap(model, work, firstIndex, s);
  else if (s.method === 'integrated-gradients') await integratedGradients(model, work, s);
  else await gradientTimesInput(model, work, s);
  if (!Number.isNaN(out.baselinePrediction[0]!)) {
    for (let q = 0; q < n; q++) {
      let total = 0;
      for (let p = 0; p < width; p++) total += out.projected[q * width + p]!;
      out.convergence[q] = Math.abs(total - (out.prediction[q]! - out.baselinePrediction[q]!));
    }
  }
  return out;
}

/**
 * Adds weight · Σ_c (e_b − b₀)_c · a_c to the hypothetical values and weight · Σ_c (x − b₀)_c · a_c to the
 * projected value of sequence `q`, for every region position; `a` and `b0` are one sequence's [L, C] arrays
 * (b0 undefined: zero).
 */
function accumulate(w: Work, q: number, a: Float32Array, aOffset: number, b0: Float32Array | undefined, b0Offset: number, weight: number): void {
  const [, length, channels] = w.x.shape;
  const start = w.out.region.start - 1;
  for (let p = 0; p < w.width; p++) {
    const at = (start + p) * channels;
    let projected = 0;
    for (let c = 0; c < channels; c++) {
      if (!w.dependent[c]) continue;
      const from = b0 ? b0[b0Offset + at + c]! : 0;
      projected += (w.x.data[q * length * channels + at + c]! - from) * a[aOffset + at + c]!;
    }
    w.out.projected[q * w.width + p]! += weight * projected;
    for (let b = 0; b < 4; b++) {
      let value = 0;
      for (let c = 0; c < channels; c++) {
        if (!w.dependent[c]) continue;
        const from = b0 ? b0[b0Offset + at + c]! : 0;
        value += (w.rows[b * channels + c]! - from) * a[aOffset + at + c]!;
      }
      w.out.hypothetical[(q * w.width + p) * 4 + b]! += weight * value;
    }
  }
}

/** Saliency and input × gradient: one gradient per sequence (the two differ in which rows are reported). */
async function gradientTimesInput(model: Differentiable, w: Work, s: Settings): Promise<void> {
  const [n, length, channels] = w.x.shape;
  const size = length * channels;
  for (let first = 0; first < n; first += s.batchSize) {
    const count = Math.min(s.batchSize, n - first);
    const batch: Encoded = { data: w.x.data.subarray(first * size, (first + count) * size), shape: [count, length, channels], encoding: w.x.encoding };
    const { output, gradient } = await model.gradients(batch);
    for (let q = 0; q < count; q++) {
      w.out.prediction[first + q] = output[q]!;
      accumulate(w, first + q, gradient, q * size, undefined, 0, 1);
    }
  }
  if (s.correctGradient) {
    for (let i = 0; i < n * w.width; i++) {
      const h = w.out.hypothetical.subarray(i * 4, i * 4 + 4);
      const mean = (h[0]! + h[1]! + h[2]! + h[3]!) / 4;
      for (let b = 0; b < 4; b++) h[b]! -= mean;
      // The projected value follows the corrected map at the base present (or its encoding's mix for N).
      const q = Math.floor(i / w.width);
      const p = (w.out.region.start - 1 + (i % w.width)) * channels;
      let value = 0;
      for (let b = 0; b < 4; b++) value += w.x.data[q * size + p + b]! * h[b]!;
      w.out.projected[i] = value;
    }
  }
}

/**
 * Integrated gradients (Sundararajan et al. 2017): a_c = (x − b)_c · ∫₀¹ ∂f/∂x_c (b + α(x − b)) dα by the
 * chosen quadrature; the baseline's prediction comes from one more gradient call at α = 0.
 */
async function integratedGradients(model: Differentiable, w: Work, s: Settings): Promise<void> {
  const [n, length, channels] = w.x.shape;
  const size = length * channels;
  const baseline = integrationBaseline(w.x, s.region, s.baseline);
  const { points, weights } = quadrature(s.integration, s.steps);
  // Units: for each sequence the quadrature points, then α = 1 (the input) and α = 0 (the baseline).
  const per = s.steps + 2;
  const alphaOf = (k: number) => (k < s.steps ? points[k]! : k === s.steps ? 1 : 0);
  for (let first = 0; first < n * per; first += s.batchSize) {
    const count = Math.min(s.batchSize, n * per - first);
    const data = new Float32Array(count * size);
    for (let u = 0; u < count; u++) {
      const q = Math.floor((first + u) / per);
      const alpha = alphaOf((first + u) % per);
      for (let i = 0; i < size; i++) {
        const b = baseline.data[q * size + i]!;
        data[u * size + i] = b + alpha * (w.x.data[q * size + i]! - b);
      }
    }
    const { output, gradient } = await model.gradients({ data, shape: [count, length, channels], encoding: w.x.encoding });
    for (let u = 0; u < count; u++) {
      const q = Math.floor((first + u) / per);
      const k = (first + u) % per;
      if (k === s.steps) w.out.prediction[q] = output[u]!;
      else if (k === s.steps + 1) w.out.baselinePrediction[q] = output[u]!;
      else accumulate(w, q, gradient, u * size, baseline.data, q * size, weights[k]!);
    }
  }
}

/**
 * DeepLIFT/SHAP (Lundberg & Lee 2017's DeepSHAP as tangermeme computes it): for each sequence, rescale-rule
 * multipliers against each of its shuffled references, hypothetical contributions per reference
 * (tangermeme's `hypothetical_attributions`, lines 23–92), averaged over the references.
 */
async function deepLiftShap(model: Differentiable, w: Work, firstIndex: number, s: Settings): Promise<void> {
  const [n, length, channels] = w.x.shape;
  const size = length * channels;
  const refs = s.references;
  const sequences = w.out.sequences.flatMap((seq, q) => shuffledReferences(seq, s.region, refs, s.seed, firstIndex + q));
  const references = encode(sequences, w.x.encoding);
  copyPerSequenceChannels(w, references, refs);
  const referenceSum = new Float64Array(n);
  for (let first = 0; first < n * refs; first += s.batchSize) {
    const count = Math.min(s.batchSize, n * refs - first);
    const xs = new Float32Array(count * size);
    for (let u = 0; u < count; u++) {
      const q = Math.floor((first + u) / refs);
      xs.set(w.x.data.subarray(q * size, (q + 1) * size), u * size);
    }
    const shape: [number, number, number] = [count, length, channels];
    const rs = references.data.subarray(first * size, (first + count) * size);
    const result = await model.deepLift!({ data: xs, shape, encoding: w.x.encoding }, { data: rs, shape, encoding: w.x.encoding });
    for (let u = 0; u < count; u++) {
      const q = Math.floor((first + u) / refs);
      w.out.prediction[q] = result.output[u]!;
      referenceSum[q]! += result.referenceOutput[u]!;
      accumulate(w, q, result.multipliers, u * size, references.data, (first + u) * size, 1 / refs);
    }
  }
  for (let q = 0; q < n; q++) w.out.baselinePrediction[q] = referenceSum[q]! / refs;
}

/** References keep the input's per-sequence channels (the measurement flag), so those carry no difference. */
function copyPerSequenceChannels(w: Work, references: Encoded, perSequence: number): void {
  const [, length, channels] = w.x.shape;
  const fixed = w.dependent.map((d, c) => (d ? -1 : c)).filter((c) => c >= 0);
  if (!fixed.length) return;
  for (let r = 0; r < references.shape[0]; r++) {
    const q = Math.floor(r / perSequence);
    for (let p = 0; p < length; p++) for (const c of fixed) references.data[(r * length + p) * channels + c] = w.x.data[(q * length + p) * channels + c]!;
  }
}
