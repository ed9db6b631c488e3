/**
 * Variant effects (tangermeme's `variant_effect`: substitution, deletion and insertion effects,
 * variant_effect.py lines 20–400): each variant is written into its sequence, both are predicted, and the
 * effect is alt − ref. Optionally each prediction is the mean over the sequence and its reverse complement.
 *
 * Keeping the input length (the model reads a fixed length). Within a window (default the DREAM variable
 * region 18–97, so the constant flanks never move):
 * - an insertion of k net bases pushes the rest of the window 3′ and the window's last k bases are dropped;
 * - a deletion of k net bases pulls the rest of the window 5′ and k N bases fill the window's end;
 * with `side: 'left'` the window's first k bases are dropped or filled instead. tangermeme trims or takes
 * bases at the sequence's right end (`left=False`) and for deletions asks for k extra input bases; a
 * promoter model has none, so N (the encodings' "unknown base") fills. Substitutions of any length (SNVs,
 * MNVs) change nothing else. Variants must lie inside the window; REF must match the sequence.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../errors';
import { encode, reverseComplementEncoded, type Encoding } from '../data/encode';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import type { Variant } from '../data/variants';
import type { BatchPredictor } from './ism';
import type { Region } from './references';
import type { SequenceLookup } from './sequence-edits';

export interface VariantPolicy {
  /** Window inside which lengths are rebalanced (default 18–97). */
  window?: Region;
  /** Which end of the window absorbs a length change (default `right`). */
  side?: 'left' | 'right';
}

export type VariantKind = 'SNV' | 'MNV' | 'insertion' | 'deletion' | 'indel';

/** The kind of a variant from its allele lengths (VCF style: indels share their anchor base). */
export function variantKind(ref: string, alt: string): VariantKind {
  if (ref.length === alt.length) return ref.length === 1 ? 'SNV' : 'MNV';
  if (alt.length > ref.length) return alt.startsWith(ref) ? 'insertion' : 'indel';
  return ref.startsWith(alt) ? 'deletion' : 'indel';
}

/**
 * The sequence with the variant written in, at the original length (see the header's policy; window
 * default 18–97, side default `right`).
 * @example
 * applyVariant(seq, { id: 'x', position: 40, ref: 'A', alt: 'AT' }); // T inserted after 40, base 97 dropped
 */
export function applyVariant(sequence: string, v: Variant, policy: VariantPolicy = {}): string {
  const { window = DREAM_VARIABLE_REGION, side = 'right' } = policy;
  const place = v.variant ?? `${v.id}:${v.position}`;
  if (v.position < window.start || v.position + v.ref.length - 1 > window.end) {
    throw new OptionError(`variant ${place} (${v.ref}>${v.alt}) is outside the window ${window.start}–${window.end}`, { option: 'variants' });
  }
  const found = sequence.slice(v.position - 1, v.position - 1 + v.ref.length).toUpperCase();
  if (found !== v.ref.toUpperCase()) {
    throw new InputError(`variant ${place}: REF is ${v.ref} but the sequence has ${found} at ${v.position}`, { field: 'ref' });
  }
  const edited = sequence.slice(0, v.position - 1) + v.alt.toUpperCase() + sequence.slice(v.position - 1 + v.ref.length);
  const change = v.alt.length - v.ref.length;
  if (change === 0) return edited;
  if (Math.abs(change) >= window.end - window.start + 1) throw new OptionError(`variant ${place} changes the length by ${change}, more than the window holds`, { option: 'variants' });
  if (change > 0) {
    // The window now ends at window.end + change: drop `change` bases at one of its ends.
    const at = side === 'right' ? window.end : window.start - 1;
    return edited.slice(0, at) + edited.slice(at + change);
  }
  const k = -change;
  const at = side === 'right' ? window.end - k : window.start - 1;
  return edited.slice(0, at) + 'N'.repeat(k) + edited.slice(at);
}

export interface VariantEffectOptions extends VariantPolicy {
  /** Encoding the predictor expects (default `onehot`). */
  encoding?: Encoding;
  /** Average each prediction with that of the reverse complement (default false). */
  reverseComplement?: boolean;
  /** Variants per chunk; each chunk's alt sequences and new references go to the predictor together (default 1024). */
  batchSize?: number;
  /** Called after each chunk with the variants scored so far and their total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * One row per variant: the variant columns plus `kind`, `ref_prediction`, `alt_prediction` and `effect`
 * (= alt − ref). `variants` is a table or array with `id`, `position`, `ref`, `alt` (see data/variants).
 * @example
 * const effects = await variantEffects(predict, [{ id: 'seq_1', position: 40, ref: 'A', alt: 'G' }], new Map([['seq_1', seq]]));
 */
export async function variantEffects(predict: BatchPredictor, variants: ColumnTable | readonly Variant[], sequences: SequenceLookup, options: VariantEffectOptions = {}): Promise<ColumnTable> {
  const { encoding = 'onehot', reverseComplement = false, batchSize = 1024 } = options;
  const rows: Variant[] = Array.isArray(variants) ? [...variants] : ((variants as ColumnTable).objects() as Variant[]);
  const get = (id: string) => {
    const s = typeof sequences === 'function' ? sequences(id) : sequences.get(id);
    if (s === undefined) throw new OptionError(`no sequence with id '${id}' for a variant`, { option: 'sequences' });
    return s;
  };
  const refPrediction = new Float64Array(rows.length);
  const altPrediction = new Float64Array(rows.length);
  const cache = new Map<string, number>();
  const run = async (batch: string[]) => {
    const x = encode(batch, encoding);
    const forward = await predict(x);
    if (forward.length !== batch.length) throw new OptionError(`predictor returned ${forward.length} values for ${batch.length} sequences`, { option: 'predict' });
    if (!reverseComplement) return Float64Array.from(forward);
    const backward = await predict(reverseComplementEncoded(x));
    return Float64Array.from(forward, (v, i) => (v + backward[i]!) / 2);
  };
  // Chunks of variants: each chunk's alt sequences and any reference not yet predicted, in one pass.
  for (let first = 0; first < rows.length; first += batchSize) {
    const chunk = rows.slice(first, first + batchSize);
    const alts = chunk.map((v) => applyVariant(get(v.id), v, options));
    const newRefs = [...new Set(chunk.map((v) => v.id))].filter((id) => !cache.has(id));
    const values = await run([...alts, ...newRefs.map(get)]);
    newRefs.forEach((id, k) => cache.set(id, values[alts.length + k]!));
    chunk.forEach((v, k) => {
      altPrediction[first + k] = values[k]!;
      refPrediction[first + k] = cache.get(v.id)!;
    });
    if (cache.size > 100_000) cache.clear(); // bounded memory for long variant lists over many sequences
    options.onProgress?.(first + chunk.length, rows.length);
  }
  const base = Array.isArray(variants) ? aq.from(rows.map((v) => ({ variant: v.variant ?? `${v.id}:${v.position}${v.ref}>${v.alt}`, id: v.id, position: v.position, ref: v.ref, alt: v.alt }))) : (variants as ColumnTable);
  return base.assign({
    kind: rows.map((v) => variantKind(v.ref, v.alt)),
    ref_prediction: refPrediction,
    alt_prediction: altPrediction,
    effect: Float64Array.from(altPrediction, (a, i) => a - refPrediction[i]!),
  });
}
