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

/** Options of {@link ismScores}. */
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
 * @param predict - Any function from an encoded batch to one prediction per sequence (e.g. a model's `predict`).
 * @param sequences - Equal-length sequences.
 * @param options - `region` (1-based inclusive, default 18–97), `encoding` (default 'onehot'), `ids` (default
 *   `seq_1`, …), `sequencesPerBatch` (default 32), `onProgress`.
 * @returns The tidy ISM table: one row per variant.
 * @example
 * const ism = await ismScores((x) => predict(model, x), sequences, { encoding: model.encoding });
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
 * Sign conventions of a position's contribution. The paper's text (§4.3.2) defines it as "the negative mean
 * per-nucleotide effect of each SNV" (`paper-text`, the default: positive = the base present raises expression).
 * The authors' code does not negate: `generate_logo_w_flanking` in `base/ism_utils.py` (gautammalik-git/Camformer)
 * stores `pred_expr − predicted_expression[0]` per substitution (L116–119), sums them per position and divides by 3
 * (L132–134) and draws that (`authors-code`: positive = substituting the base raises expression). The two differ
 * only in sign; the entropy below is the same for both (it uses |contribution|).
 */
export const ISM_SIGNS = ['paper-text', 'authors-code'] as const;
export type IsmSign = (typeof ISM_SIGNS)[number];

/** The authors skip logos whose entropy is 5 bits or more (`entropy_thres=5.0`, base/ism_utils.py L90, L147). */
export const CAMFORMER_ENTROPY_THRESHOLD = 5;

export interface IsmContributionOptions {
  /** `paper-text` (default): − mean effect; `authors-code`: + mean effect, as their ism_utils.py draws it. */
  sign?: IsmSign;
}

/**
 * Per-position contribution of the reference base: the mean effect of its substitutions, negated by default
 * (Camformer sums the changes and divides by 3; for a reference N, four substitutions are averaged). Columns
 * `id`, `position`, `ref`, `contribution`.
 *
 * @example
 * ismContributions(ism, { sign: 'authors-code' }); // the authors' plotted values
 * @param ism - A table from {@link ismScores}.
 * @param options - `sign`: 'paper-text' (default: positive = the present base raises expression) or 'authors-code'.
 * @returns One row per sequence and position: `id`, `position`, `ref`, `contribution`.
 */
export function ismContributions(ism: ColumnTable, options: IsmContributionOptions = {}): ColumnTable {
  const { sign = 'paper-text' } = options;
  if (!ISM_SIGNS.includes(sign)) throw new OptionError(`unknown sign '${sign as string}'; expected ${ISM_SIGNS.join(' or ')}`, { option: 'sign' });
  const table = ism.groupby('id', 'position', 'ref').rollup({ contribution: aq.op.mean('effect') });
  return (sign === 'paper-text' ? table.derive({ contribution: (d: { contribution: number }) => -d.contribution }) : table).orderby('id', 'position');
}

export interface IsmEntropyOptions {
  /**
   * Keep only sequences whose logo entropy is below this many bits (the authors draw a logo only when it is
   * below `CAMFORMER_ENTROPY_THRESHOLD` = 5). Default: keep every sequence.
   */
  threshold?: number;
}

/**
 * Shannon entropy (bits) of each sequence's ISM logo: |contribution| normalised to a distribution over
 * positions (as `scipy.stats.entropy(…, base=2)` in the authors' ism_utils.py L141–142; positions outside the
 * mutated region count as 0 there and add nothing). Low entropy = the effect sits in a few positions (distinct
 * motifs); high = spread out. Columns `id`, `entropy`, `total` (sum of |contribution|), ordered by entropy;
 * with `threshold`, only the sequences below it.
 *
 * @example
 * ismEntropy(contributions, { threshold: CAMFORMER_ENTROPY_THRESHOLD }); // the sequences the authors would draw
 * @param contributions - A table from {@link ismContributions}.
 * @param options - `threshold` in bits (default: keep every sequence).
 * @returns One row per sequence: `id`, `entropy`, `total`, lowest entropy first.
 */
export function ismEntropy(contributions: ColumnTable, options: IsmEntropyOptions = {}): ColumnTable {
  const { threshold } = options;
  if (threshold !== undefined && !(threshold > 0)) throw new OptionError(`threshold must be a positive number of bits, got ${threshold}`, { option: 'threshold' });
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
  })).filter((r) => threshold === undefined || r.entropy < threshold);
  return (rows.length ? aq.from(rows) : aq.table({ id: [] as string[], entropy: [] as number[], total: [] as number[] })).orderby('entropy');
}

function checkIsmOptions(sequences: readonly string[], ids: readonly string[], region: { start: number; end: number }, perBatch: number) {
  if (ids.length !== sequences.length) throw new OptionError(`${ids.length} ids for ${sequences.length} sequences`, { option: 'ids' });
  if (!Number.isInteger(perBatch) || perBatch < 1) throw new OptionError(`expected a positive integer, got ${perBatch}`, { option: 'sequencesPerBatch' });
  const shortest = Math.min(...sequences.map((s) => s.length));
  if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start || region.end > shortest) {
    throw new OptionError(`region ${region.start}–${region.end} must be 1-based, inclusive and within the sequences (length ${shortest})`, { option: 'region' });
  }
}
