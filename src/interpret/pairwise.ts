/**
 * Pairwise influence of positions on each other, for scalar-output models: the double-mutant epistasis map.
 * tangermeme's `pisa` (pisa.py lines 29–300) runs DeepLIFT/SHAP once per *output* position of a profile
 * model, giving the influence of every input on every output; a promoter model has one output, so the
 * pairwise question becomes how position i changes the effect of position j. For each pair i < j of the
 * region and each pair of substitutions (a at i, b at j):
 *
 *   ε(i→a, j→b) = f(x^{ia,jb}) − f(x^{ia}) − f(x^{jb}) + f(x),
 *
 * zero when the two changes add. Reported per pair: the mean ε over the 9 substitution pairs and the mean
 * |ε|, the first signed (a motif pair that represses together shows up as a negative block), the second
 * not cancelling. Model-agnostic (any predictor); exact, no gradients. Cost per sequence:
 * 1 + 3R + 9·R(R−1)/2 predictions for a region of R positions (28,681 for DREAM's 80).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { BASES } from '../data/alphabet';
import type { Encoding } from '../data/encode';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import type { BatchPredictor } from './ism';
import { idsFor } from './experiments';
import { checkRegion, type Region } from './references';
import { commonLength, predictSequences } from './sequence-edits';

export interface PairwiseOptions {
  /** 1-based inclusive region (default 18–97). */
  region?: Region;
  encoding?: Encoding;
  ids?: readonly string[];
  /** Sequences per predictor call (default 1024). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * One row per sequence and ordered pair of distinct region positions (the map is symmetric; both orders are
 * listed for plotting): `id`, `source`, `target` (1-based positions), `epistasis` (mean ε), `magnitude`
 * (mean |ε|).
 * @example
 * const map = await pairwiseInfluence(predict, sequences.slice(0, 2), { region: { start: 30, end: 60 } });
 */
export async function pairwiseInfluence(predict: BatchPredictor, sequences: readonly string[], options: PairwiseOptions = {}): Promise<ColumnTable> {
  const { region = DREAM_VARIABLE_REGION, encoding = 'onehot', batchSize = 1024, onProgress } = options;
  const length = commonLength(sequences);
  checkRegion(region, length);
  const ids = idsFor(sequences, options.ids);
  const width = region.end - region.start + 1;
  const columns = { id: [] as string[], source: [] as number[], target: [] as number[], epistasis: [] as number[], magnitude: [] as number[] };
  for (let s = 0; s < sequences.length; s++) {
    const x = sequences[s]!;
    const alts = Array.from({ length: width }, (_, p) => BASES.filter((b) => b !== x[region.start - 1 + p]!.toUpperCase()));
    const edit = (changes: Array<[number, string]>) => {
      const letters = x.split('');
      for (const [p, b] of changes) letters[region.start - 1 + p] = b;
      return letters.join('');
    };
    // Layout: x, then every single mutant (position-major), then every double mutant (pair-major).
    const variants: string[] = [x];
    const singleAt: number[] = [];
    for (let p = 0; p < width; p++) {
      singleAt.push(variants.length);
      for (const a of alts[p]!) variants.push(edit([[p, a]]));
    }
    for (let i = 0; i < width; i++) for (let j = i + 1; j < width; j++) for (const a of alts[i]!) for (const b of alts[j]!) variants.push(edit([[i, a], [j, b]]));
    const f = await predictSequences(predict, variants, encoding, batchSize);
    let at = singleAt[width - 1]! + alts[width - 1]!.length;
    const pairValues = new Map<number, [number, number]>();
    for (let i = 0; i < width; i++) {
      for (let j = i + 1; j < width; j++) {
        let sum = 0;
        let abs = 0;
        let count = 0;
        for (let ka = 0; ka < alts[i]!.length; ka++) {
          for (let kb = 0; kb < alts[j]!.length; kb++, at++, count++) {
            const e = f[at]! - f[singleAt[i]! + ka]! - f[singleAt[j]! + kb]! + f[0]!;
            sum += e;
            abs += Math.abs(e);
          }
        }
        pairValues.set(i * width + j, [sum / count, abs / count]);
      }
    }
    for (let i = 0; i < width; i++) {
      for (let j = 0; j < width; j++) {
        if (i === j) continue;
        const [e, m] = pairValues.get(Math.min(i, j) * width + Math.max(i, j))!;
        columns.id.push(ids[s]!);
        columns.source.push(region.start + i);
        columns.target.push(region.start + j);
        columns.epistasis.push(e);
        columns.magnitude.push(m);
      }
    }
    onProgress?.(s + 1, sequences.length);
  }
  return aq.table(columns);
}
