/**
 * In silico saturation mutagenesis (Camformer; tangermeme's `saturation_mutagenesis`): every position of a
 * region is changed to each of the three other bases, every variant is predicted, and the effect of a
 * variant is its prediction minus the reference's. A plain function of a predictor and sequences: any model
 * that maps an encoded batch to one value per sequence can be asked.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { BASES } from '../data/alphabet';
import { encode, type Encoded, type Encoding } from '../data/encode';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';

/** Predicts one value per sequence of an encoded batch. */
export type BatchPredictor = (batch: Encoded) => Promise<Float32Array | Float64Array>;

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

/**
 * One row per variant: `id`, `position` (1-based in the full sequence), `ref`, `alt`, `prediction`,
 * `reference` (the unmutated prediction) and `effect` = prediction − reference. Identity substitutions are
 * skipped; a position whose reference letter is N gets four variants (A, C, G, T), since N is no base.
 */
export async function ismScores(predict: BatchPredictor, sequences: readonly string[], options: IsmOptions = {}): Promise<ColumnTable> {
  const { region = DREAM_VARIABLE_REGION, encoding = 'onehot', sequencesPerBatch = 32, onProgress } = options;
  const ids = options.ids ?? sequences.map((_, i) => `seq_${i + 1}`);
  checkIsmOptions(sequences, ids, region, sequencesPerBatch);

  const columns = { id: [] as string[], position: [] as number[], ref: [] as string[], alt: [] as string[], prediction: [] as number[], reference: [] as number[], effect: [] as number[] };
  for (let first = 0; first < sequences.length; first += sequencesPerBatch) {
    const chunk = sequences.slice(first, first + sequencesPerBatch);
    const variants: string[] = [];
    const meta: { seq: number; position: number; ref: string; alt: string }[] = [];
    chunk.forEach((sequence, k) => {
      variants.push(sequence); // the reference comes first in each sequence's block
      for (let position = region.start; position <= region.end; position++) {
        const ref = sequence[position - 1]!;
        for (const alt of BASES) {
          if (alt === ref) continue;
          variants.push(sequence.slice(0, position - 1) + alt + sequence.slice(position));
          meta.push({ seq: first + k, position, ref, alt });
        }
      }
    });
    const predictions = await predict(encode(variants, encoding));
    if (predictions.length !== variants.length) {
      throw new OptionError(`predictor returned ${predictions.length} values for ${variants.length} sequences`, { option: 'predict' });
    }
    let at = 0;
    let metaAt = 0;
    for (let k = 0; k < chunk.length; k++) {
      const reference = predictions[at++]!;
      const block = variantsPerSequence(chunk[k]!, region);
      for (let v = 0; v < block; v++, at++, metaAt++) {
        const m = meta[metaAt]!;
        columns.id.push(ids[m.seq]!);
        columns.position.push(m.position);
        columns.ref.push(m.ref);
        columns.alt.push(m.alt);
        columns.prediction.push(predictions[at]!);
        columns.reference.push(reference);
        columns.effect.push(predictions[at]! - reference);
      }
    }
    onProgress?.(Math.min(first + sequencesPerBatch, sequences.length), sequences.length);
  }
  return aq.table(columns);
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

function variantsPerSequence(sequence: string, region: { start: number; end: number }): number {
  let count = 0;
  for (let position = region.start; position <= region.end; position++) count += BASES.includes(sequence[position - 1] as never) ? 3 : 4;
  return count;
}

function checkIsmOptions(sequences: readonly string[], ids: readonly string[], region: { start: number; end: number }, perBatch: number) {
  if (ids.length !== sequences.length) throw new OptionError(`${ids.length} ids for ${sequences.length} sequences`, { option: 'ids' });
  if (!Number.isInteger(perBatch) || perBatch < 1) throw new OptionError(`expected a positive integer, got ${perBatch}`, { option: 'sequencesPerBatch' });
  const shortest = Math.min(...sequences.map((s) => s.length));
  if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start || region.end > shortest) {
    throw new OptionError(`region ${region.start}–${region.end} must be 1-based, inclusive and within the sequences (length ${shortest})`, { option: 'region' });
  }
}
