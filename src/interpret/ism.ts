/**
 * In silico saturation mutagenesis (Camformer; tangermeme's `saturation_mutagenesis`): every position of a
 * region is changed to each of the three other bases, every variant is predicted, and the effect of a
 * variant is its prediction minus the reference's. A plain function of a predictor and sequences: any model
 * that maps an encoded batch to one value per sequence can be asked.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { BASE_INDEX } from '../data/alphabet';
import { type Encoding } from '../data/encode';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import { ismDense, type BatchPredictor, type DenseIsm } from './ism-dense';

export type { BatchPredictor } from './ism-dense';

export interface IsmOptions {
  /** 1-based inclusive region to mutate (default 18–97, the DREAM variable region). */
  region?: { start: number; end: number };
  /** Encoding the predictor expects (default `onehot`). */
  encoding?: Encoding;
  /** Sequence ids for the table (default `seq_1`, `seq_2`, …). */
  ids?: readonly string[];
  /** Sequences per predictor call; each brings 3 × region-length variants plus itself (default 32). */
  sequencesPerBatch?: number;
  /** Called after each batch with the number of sequences done (for progress displays). */
  onProgress?: (done: number, total: number) => void;
}

/** Columns of the tidy ISM table, in order. */
export const ISM_COLUMNS = ['id', 'position', 'ref', 'alt', 'prediction', 'reference', 'effect'] as const;

/**
 * One row per variant: `id`, `position` (1-based in the full sequence), `ref`, `alt`, `prediction`,
 * `reference` (the unmutated prediction) and `effect` = prediction − reference. Identity substitutions are
 * skipped; a position whose reference letter is N gets four variants (A, C, G, T), since N is no base.
 * At scale use `cislab ism --out FILE.npz` (dense effects, streamed); this table is a view of the same arrays.
 */
export async function ismScores(predict: BatchPredictor, sequences: readonly string[], options: IsmOptions = {}): Promise<ColumnTable> {
  const { region = DREAM_VARIABLE_REGION, encoding = 'onehot', sequencesPerBatch = 32, onProgress } = options;
  const ids = options.ids ?? sequences.map((_, i) => `seq_${i + 1}`);
  checkIsmOptions(sequences, ids, region, sequencesPerBatch);

  const columns = emptyIsmColumns();
  for (let first = 0; first < sequences.length; first += sequencesPerBatch) {
    const chunk = sequences.slice(first, first + sequencesPerBatch);
    const dense = await ismDense(predict, sequenceCodes(chunk), chunk[0]!.length, { region, encoding });
    appendTidyIsm(columns, dense, ids.slice(first, first + chunk.length));
    onProgress?.(Math.min(first + sequencesPerBatch, sequences.length), sequences.length);
  }
  return aq.table(columns);
}

/** Accumulators for the tidy ISM columns (filled by `appendTidyIsm`, made a table with `aq.table`). */
export interface IsmColumns {
  id: string[];
  position: number[];
  ref: string[];
  alt: string[];
  prediction: number[];
  reference: number[];
  effect: number[];
}

export function emptyIsmColumns(): IsmColumns {
  return { id: [], position: [], ref: [], alt: [], prediction: [], reference: [], effect: [] };
}

const LETTERS = 'ACGTN';

/**
 * Appends the tidy rows of a dense ISM (sequence by sequence, position by position, alternative bases in
 * A, C, G, T order without the reference base) to `columns`. `effects` given (a store's float32 effects),
 * `prediction` is reference + effect; otherwise `dense.predictions` are used and effect = prediction − reference.
 */
export function appendTidyIsm(
  columns: IsmColumns,
  dense: Pick<DenseIsm, 'count' | 'region' | 'refCodes'> & { reference: ArrayLike<number>; predictions?: ArrayLike<number>; effects?: ArrayLike<number> },
  ids: readonly string[],
): void {
  const regionLength = dense.region.end - dense.region.start + 1;
  for (let s = 0; s < dense.count; s++) {
    const reference = dense.reference[s]!;
    for (let p = 0; p < regionLength; p++) {
      const ref = dense.refCodes[s * regionLength + p]!;
      for (let alt = 0; alt < 4; alt++) {
        if (alt === ref) continue;
        const at = (s * regionLength + p) * 4 + alt;
        const effect = dense.effects ? dense.effects[at]! : dense.predictions![at]! - reference;
        columns.id.push(ids[s]!);
        columns.position.push(dense.region.start + p);
        columns.ref.push(LETTERS[ref]!);
        columns.alt.push(LETTERS[alt]!);
        columns.prediction.push(dense.effects ? reference + effect : dense.predictions![at]!);
        columns.reference.push(reference);
        columns.effect.push(effect);
      }
    }
  }
}

/** Base codes 0–4 of equal-length sequences, back to back; the error names a sequence of another length or a bad letter. */
export function sequenceCodes(sequences: readonly string[]): Uint8Array {
  const length = sequences[0]?.length ?? 0;
  const codes = new Uint8Array(sequences.length * length);
  sequences.forEach((sequence, s) => {
    if (sequence.length !== length) {
      throw new OptionError(`sequence ${s + 1} has length ${sequence.length}, expected ${length} like the first; preprocess to one length first`, { option: 'sequences' });
    }
    for (let i = 0; i < length; i++) {
      const c = sequence.charCodeAt(i);
      const code = c < 256 ? BASE_INDEX[c]! : 255;
      if (code === 255) throw new OptionError(`sequence ${s + 1} has the letter '${sequence[i]}' at position ${i + 1}; expected A, C, G, T or N`, { option: 'sequences' });
      codes[s * length + i] = code;
    }
  });
  return codes;
}

/**
 * Per-position contribution of the reference base: the negative mean effect of its substitutions
 * (Camformer sums the changes and divides by 3). Columns `id`, `position`, `ref`, `contribution`.
 */
export function ismContributions(ism: ColumnTable): ColumnTable {
  return ism
    .groupby('id', 'position', 'ref')
    .rollup({ contribution: aq.op.mean('effect') })
    .derive({ contribution: (d: { contribution: number }) => -d.contribution })
    .orderby('id', 'position');
}

/**
 * Shannon entropy (bits) of each sequence's ISM logo: |contribution| normalised to a distribution over
 * positions. Low entropy = the effect sits in a few positions (distinct motifs); high = spread out. Columns
 * `id`, `entropy`, `total` (sum of |contribution|), ordered by entropy.
 */
export function ismEntropy(contributions: ColumnTable): ColumnTable {
  const ids = contributions.array('id') as string[];
  const values = contributions.array('contribution') as ArrayLike<number>;
  const sums = new Map<string, { total: number; values: number[] }>();
  for (let i = 0; i < ids.length; i++) {
    const entry = sums.get(ids[i]!) ?? sums.set(ids[i]!, { total: 0, values: [] }).get(ids[i]!)!;
    const magnitude = Math.abs(values[i]!);
    entry.total += magnitude;
    entry.values.push(magnitude);
  }
  const rows = [...sums].map(([id, { total, values }]) => ({
    id,
    entropy: total > 0 ? -values.reduce((h, v) => (v > 0 ? h + (v / total) * Math.log2(v / total) : h), 0) : 0,
    total,
  }));
  return aq.from(rows).orderby('entropy');
}

function checkIsmOptions(sequences: readonly string[], ids: readonly string[], region: { start: number; end: number }, perBatch: number) {
  if (ids.length !== sequences.length) throw new OptionError(`${ids.length} ids for ${sequences.length} sequences`, { option: 'ids' });
  if (!Number.isInteger(perBatch) || perBatch < 1) throw new OptionError(`expected a positive integer, got ${perBatch}`, { option: 'sequencesPerBatch' });
  const shortest = Math.min(...sequences.map((s) => s.length));
  if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start || region.end > shortest) {
    throw new OptionError(`region ${region.start}–${region.end} must be 1-based, inclusive and within the sequences (length ${shortest})`, { option: 'region' });
  }
}
