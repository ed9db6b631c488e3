/**
 * DREAM2022's SNV subset as a variant-effect benchmark: every SNV pair of the test set (alt and ref
 * promoters one substitution apart, test_pairs.tsv.gz) becomes a variant of the ref promoter; predicted
 * effects (alt − ref) are compared with the measured differences by Pearson r and Spearman ρ — the
 * challenge's SNV score (Rafi et al. 2024) computed through `variantEffects`, so the variant machinery is
 * checked against measured data. Pairs whose sequences are not exactly one substitution apart are refused.
 */
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../errors';
import type { Variant } from '../data/variants';
import { pearson, spearman } from '../stats/correlation';
import type { BatchPredictor } from './ism';
import { variantEffects, type VariantEffectOptions } from './variants';

export interface DreamSnvOptions extends Omit<VariantEffectOptions, 'window'> {
  /** Which pairs: the `public` or `private` leaderboard split, or `all` (default). */
  split?: 'public' | 'private' | 'all';
  /** At most this many pairs, the first in file order (default all). */
  limit?: number;
}

export interface DreamSnvResult {
  /** One row per pair: variant columns, predictions, `effect`, `measured` (alt − ref) and the pair's `split`. */
  table: ColumnTable;
  r: number;
  rho: number;
  n: number;
}

/**
 * Predicted vs measured SNV effects on DREAM2022's pairs. `test` is `readDream2022('test')` (needs `idx`,
 * `sequence`, `expression`), `pairs` is `readDream2022Pairs()`.
 * @example
 * const { r, rho } = await dreamSnvEffects(predict, readDream2022('test'), readDream2022Pairs(), { split: 'private' });
 */
export async function dreamSnvEffects(predict: BatchPredictor, test: ColumnTable, pairs: ColumnTable, options: DreamSnvOptions = {}): Promise<DreamSnvResult> {
  const { split = 'all', limit = Infinity, ...effectOptions } = options;
  if (!['public', 'private', 'all'].includes(split)) throw new OptionError(`unknown split '${split}'; expected public, private or all`, { option: 'split' });
  const idx = test.array('idx') as ArrayLike<number>;
  const sequences = test.array('sequence') as ArrayLike<string>;
  const expression = test.array('expression') as ArrayLike<number>;
  const row = new Map<number, number>();
  for (let i = 0; i < idx.length; i++) row.set(idx[i]!, i);
  const type = pairs.array('pair_type') as ArrayLike<string>;
  const altIdx = pairs.array('alt_idx') as ArrayLike<number>;
  const refIdx = pairs.array('ref_idx') as ArrayLike<number>;
  const splits = pairs.array('split') as ArrayLike<string>;
  const variants: Variant[] = [];
  const measured: number[] = [];
  const pairSplit: string[] = [];
  const lookup = new Map<string, string>();
  for (let k = 0; k < type.length && variants.length < limit; k++) {
    if (type[k] !== 'SNVs' || (split !== 'all' && splits[k] !== split)) continue;
    const a = row.get(altIdx[k]!);
    const r = row.get(refIdx[k]!);
    if (a === undefined || r === undefined) throw new InputError(`pair ${k + 1}: test index ${a === undefined ? altIdx[k] : refIdx[k]} is not in the test set`, { field: 'alt_idx' });
    const ref = sequences[r]!;
    const alt = sequences[a]!;
    const diff: number[] = [];
    for (let p = 0; p < ref.length && diff.length < 2; p++) if (ref[p] !== alt[p]) diff.push(p);
    if (ref.length !== alt.length || diff.length !== 1) throw new InputError(`pair ${k + 1} (alt ${altIdx[k]}, ref ${refIdx[k]}) is not a single substitution`, { field: 'pair_type' });
    const p = diff[0]!;
    const id = `sequence_${refIdx[k]}`;
    lookup.set(id, ref);
    variants.push({ id, position: p + 1, ref: ref[p]!, alt: alt[p]!, variant: `${id}>sequence_${altIdx[k]}` });
    measured.push(expression[a]! - expression[r]!);
    pairSplit.push(splits[k]!);
  }
  if (variants.length < 3) throw new OptionError(`only ${variants.length} SNV pairs selected; need at least 3 for a correlation`, { option: 'split' });
  // The whole 110 nt is the window: SNVs never change the length, and DREAM's SNVs may touch any position.
  const table = (await variantEffects(predict, variants, lookup, { ...effectOptions, window: { start: 1, end: sequences[0]!.length } }))
    .assign({ measured: Float64Array.from(measured), split: pairSplit });
  const effect = table.array('effect') as Float64Array;
  return { table, r: pearson(effect, measured), rho: spearman(effect, measured), n: variants.length };
}
