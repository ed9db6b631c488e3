import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OptionError } from '../../src/errors';
import { createRandom, pearson, rank, rSquared, spearman } from '../../src/stats';
import { HAS_NUMPY, HAS_SCIPY, NUMPY_SKIP_REASON, runPython } from './python';

const DATA = process.env['CISLAB_DATA'] ?? resolve(__dirname, '..', '..', '..', 'shared', 'data');
const NATIVE = join(DATA, 'vaishnav2022', 'evolution', 'Native_complex.csv.gz');
const TEST_SET = join(DATA, 'dream2022', 'test.tsv.gz');

describe('rank', () => {
  it('averages ties like R rank() / scipy rankdata()', () => {
    expect(Array.from(rank([10, 20, 10, 30]))).toEqual([1.5, 3, 1.5, 4]);
    expect(Array.from(rank([3, 3, 3]))).toEqual([2, 2, 2]);
    expect(Array.from(rank([-Infinity, 5, Infinity, 5]))).toEqual([1, 2.5, 4, 2.5]);
    expect(() => rank([1, NaN])).toThrow(OptionError);
  });
});

describe('pearson and spearman', () => {
  it('small cases by hand', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBe(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
    // x = (1,2,3,4), y = (1,3,2,4): centred sums sxy = 4, sxx = syy = 5 → r = 0.8.
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 15);
    expect(rSquared([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.64, 15);
    // Monotone but not linear: ρ = 1 while r < 1.
    expect(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 1000])).toBe(1);
    // With ties, Spearman is Pearson of the average ranks: ranks (1, 2.5, 2.5, 4) vs (1, 2, 3, 4).
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(pearson([1, 2.5, 2.5, 4], [1, 2, 3, 4]), 15);
  });

  it('is accurate for large offsets where the one-pass formula cancels', () => {
    const x = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4];
    expect(pearson(x, [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
  });

  it('constant input gives NaN; mismatched lengths, NaN and too-short inputs throw OptionError', () => {
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(/equal lengths/);
    expect(() => spearman([1, NaN, 3], [1, 2, 3])).toThrow(/option 'x'.*index 1/);
    expect(() => pearson([1], [2])).toThrow(OptionError);
    expect(pearson([1, NaN, 2, 3], [1, 5, 2, 3], { omitNaN: true })).toBe(1);
  });

  it.skipIf(!HAS_NUMPY || !existsSync(NATIVE))('agrees with numpy/scipy on real data (Vaishnav native promoters, published model)', () => {
    if (!HAS_NUMPY) console.warn(NUMPY_SKIP_REASON);
    const rows = gunzipSync(readFileSync(NATIVE)).toString('utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const measured = rows.map((r) => Number(r[2]));
    const predicted = rows.map((r) => Number(r[3]));
    const code = `
import gzip, csv, json, numpy as np
rows = list(csv.reader(gzip.open(${JSON.stringify(NATIVE)}, 'rt')))[1:]
m = np.array([float(r[2]) for r in rows]); p = np.array([float(r[3]) for r in rows])
out = {'r': float(np.corrcoef(m, p)[0, 1])}
try:
    from scipy.stats import spearmanr
    out['rho'] = float(spearmanr(m, p)[0])
except ImportError:
    pass
print(json.dumps(out))`;
    const ref = JSON.parse(runPython(['-c', code]));
    expect(measured.length).toBeGreaterThan(3000);
    expect(Math.abs(pearson(measured, predicted) - ref.r)).toBeLessThan(1e-12);
    if (HAS_SCIPY) expect(Math.abs(spearman(measured, predicted) - ref.rho)).toBeLessThan(1e-12);
  });

  it.skipIf(!existsSync(TEST_SET))('Spearman on the 71,103 DREAM test values (time printed, not asserted: no test is about speed)', () => {
    const lines = gunzipSync(readFileSync(TEST_SET)).toString('utf8').trim().split('\n').slice(1);
    const measured = Float64Array.from(lines, (l) => Number(l.split('\t')[2]));
    const rng = createRandom(1);
    const predicted = Float64Array.from(measured, (m) => m + rng.normal(0, 0.3));
    spearman(measured, predicted); // warm-up (JIT)
    const start = performance.now();
    const rho = spearman(measured, predicted);
    const ms = performance.now() - start;
    console.log(`spearman on ${measured.length} values: ${ms.toFixed(1)} ms (rho = ${rho.toFixed(4)})`);
    expect(measured.length).toBe(71103);
    expect(rho).toBeGreaterThan(0.8);
  });
});
