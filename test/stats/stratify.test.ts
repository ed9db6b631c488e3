// The Camformer authors' stratified split: quantile bins equal to pandas' qcut, split sizes and per-bin shares
// equal to sklearn's StratifiedShuffleSplit (up to its random tie-breaking), on DREAM-like targets with many ties.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/stats/random';
import { approximateMode, quantileBins, stratifiedSplits } from '../../src/stats/stratify';
import { HAS_NUMPY, PYTHON, runPython } from './python';
import { spawnSync } from 'node:child_process';

const HAS_SKLEARN = HAS_NUMPY && spawnSync(PYTHON, ['-c', 'import pandas, sklearn'], { encoding: 'utf8' }).status === 0;

/** DREAM-like expression: half integer bins 0–17 (heavy ties), half continuous. */
function dreamLike(n: number, seed: number): Float64Array {
  const random = createRandom(seed);
  return Float64Array.from({ length: n }, (_, i) => (i % 2 ? Math.min(17, Math.max(0, Math.round(random.normal(9, 4)))) : random.normal(9, 4)));
}

const REFERENCE = `
import json, sys
import numpy as np, pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit
y = pd.Series(json.load(sys.stdin))
codes, edges = pd.qcut(y, q=10, labels=False, retbins=True, duplicates='drop')
X = pd.DataFrame({'i': np.arange(len(y))})
# make_stratified_splits (base/utils.py L426-451) with trProp 0.9, seed 42
tr, vt = next(StratifiedShuffleSplit(n_splits=1, test_size=1 - 0.9, random_state=42).split(X, codes))
va, te = next(StratifiedShuffleSplit(n_splits=1, test_size=0.5, random_state=42).split(X.iloc[vt], codes.iloc[vt]))
per_bin = lambda idx: np.bincount(codes.values[idx], minlength=len(edges) - 1).tolist()
print(json.dumps({'codes': codes.tolist(), 'edges': edges.tolist(), 'train': per_bin(tr), 'validation': per_bin(vt[va]), 'test': per_bin(vt[te])}))
`;

describe.skipIf(!HAS_SKLEARN)('stratified splits against pandas and sklearn', () => {
  it('quantile bins equal pd.qcut (codes and de-duplicated edges); split sizes and per-bin shares equal sklearn\'s', () => {
    for (const n of [6369, 1001]) {
      const y = dreamLike(n, n);
      const ref = JSON.parse(runPython(['-c', REFERENCE], JSON.stringify(Array.from(y)))) as Record<string, number[]>;
      const bins = quantileBins(y, 10);
      expect(Array.from(bins.edges)).toEqual(ref['edges']);
      expect(Array.from(bins.codes)).toEqual(ref['codes']);
      const split = stratifiedSplits(y, { trainFraction: 0.9, seed: 42 });
      for (const part of ['train', 'validation', 'test'] as const) {
        const counts = new Array<number>(bins.edges.length - 1).fill(0);
        for (const i of split[part]) counts[bins.codes[i]!]!++;
        const expected = ref[part]!;
        expect(counts.reduce((a, b) => a + b, 0), `${part} size, n ${n}`).toBe(expected.reduce((a, b) => a + b, 0));
        // sklearn breaks ties between equal remainders with numpy's generator: a bin may differ by one.
        counts.forEach((c, b) => expect(Math.abs(c - expected[b]!), `${part} bin ${b}, n ${n}`).toBeLessThanOrEqual(1));
      }
    }
  });
});

describe('stratified splits', () => {
  it('partition the rows: every row in exactly one part, 90 / 5 / 5', () => {
    const y = dreamLike(2000, 3);
    const { train, validation, test } = stratifiedSplits(y, { seed: 7 });
    const seen = new Uint8Array(2000);
    for (const part of [train, validation, test]) for (const i of part) seen[i]!++;
    expect(seen.every((s) => s === 1)).toBe(true);
    expect(test.length).toBe(Math.ceil(Math.ceil(0.1 * 2000) / 2));
    expect(validation.length + test.length).toBe(Math.ceil((1 - 0.9) * 2000));
    // Seeded: the same seed gives the same split, another seed another one.
    expect(Array.from(stratifiedSplits(y, { seed: 7 }).validation)).toEqual(Array.from(validation));
    expect(Array.from(stratifiedSplits(y, { seed: 8 }).validation)).not.toEqual(Array.from(validation));
  });

  it('approximateMode allots floors then the largest remainders', () => {
    expect(Array.from(approximateMode([10, 20, 30], 6, createRandom(1)))).toEqual([1, 2, 3]);
    const half = approximateMode([5, 5, 90], 10, createRandom(1)); // shares 0.5, 0.5, 9: one of the tied halves gets the tenth
    expect(half[2]).toBe(9);
    expect(half[0]! + half[1]!).toBe(1);
    const tied = approximateMode([3, 3, 3], 2, createRandom(2));
    expect(tied.reduce((a, b) => a + b, 0)).toBe(2);
    expect(Math.max(...tied)).toBe(1);
  });

  it('quantileBins: all-equal values are one bin; non-finite values are refused', () => {
    expect(Array.from(quantileBins([2, 2, 2, 2], 10).codes)).toEqual([0, 0, 0, 0]);
    expect(() => quantileBins([1, NaN], 10)).toThrow(/finite/);
  });
});
