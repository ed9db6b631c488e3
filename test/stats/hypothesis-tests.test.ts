/**
 * Rank tests and t-tests against values published in R's documentation (`?wilcox.test`, `?t.test`,
 * `example(t.test)` on the `sleep` data), each also confirmed with scipy 1.10.
 */
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors';
import {
  oneSampleTTest,
  pairedTTest,
  rankSumDistribution,
  signedRankDistribution,
  studentTTest,
  welchTTest,
  wilcoxonRankSum,
  wilcoxonSignedRank,
} from '../../src/stats';

// R ?wilcox.test: Hollander & Wolfe (1973) p. 29, depression scale before (x) and after (y) therapy.
const depressionX = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const depressionY = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
// R ?wilcox.test: Hollander & Wolfe p. 69, permeability constants of the chorioamnion.
const permeabilityX = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const permeabilityY = [1.15, 0.88, 0.9, 0.74, 1.21];
// R datasets::sleep (Student 1908): extra hours of sleep with drug 1 and drug 2, same ten patients.
const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('Wilcoxon signed-rank test', () => {
  it('reproduces R: paired depression data, V = 40, p = 0.01953 (greater), 0.03906 (two-sided), exact', () => {
    const greater = wilcoxonSignedRank(depressionX, depressionY, { alternative: 'greater' });
    expect(greater.statistic).toBe(40);
    expect(greater.exact).toBe(true);
    expect(greater.pValue).toBeCloseTo(10 / 512, 12); // 0.01953125: 10 of 2^9 sign patterns have V ≥ 40
    const two = wilcoxonSignedRank(depressionX, depressionY);
    expect(two.pValue).toBeCloseTo(0.0390625, 12);
    const less = wilcoxonSignedRank(depressionX, depressionY, { alternative: 'less' });
    expect(less.pValue).toBeCloseTo(505 / 512, 12); // P(V ≤ 40); scipy wilcoxon(alternative="less") gives 505/512
  });

  it('reproduces R on sleep (zero and tied differences): V = 0, p = 0.009091, normal approximation', () => {
    const r = wilcoxonSignedRank(sleep1, sleep2);
    expect(r.statistic).toBe(0);
    expect(r.exact).toBe(false);
    expect(r.zeros).toBe(1);
    expect(r.n).toBe(9);
    expect(r.pValue).toBeCloseTo(0.009090698015925054, 12); // scipy wilcoxon(correction=True)
    expect(r.pValue.toPrecision(4)).toBe('0.009091');
  });

  it('one-sample form with mu equals the paired form', () => {
    const d = depressionX.map((v, i) => v - depressionY[i]!);
    const a = wilcoxonSignedRank(d, undefined, { alternative: 'greater' });
    expect(a.statistic).toBe(40);
    const shifted = wilcoxonSignedRank(d.map((v) => v + 1), undefined, { mu: 1, alternative: 'greater' });
    expect(shifted.pValue).toBeCloseTo(a.pValue, 12);
  });

  it('exact null distribution sums to 1 and matches brute-force enumeration', () => {
    const n = 10;
    const dist = signedRankDistribution(n);
    const counts = new Array((n * (n + 1)) / 2 + 1).fill(0);
    for (let mask = 0; mask < 1 << n; mask++) {
      let v = 0;
      for (let i = 0; i < n; i++) if (mask & (1 << i)) v += i + 1;
      counts[v]++;
    }
    counts.forEach((c, v) => expect(dist[v]).toBeCloseTo(c / 1024, 15));
  });

  it('refuses all-zero differences and NaN', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1, 2])).toThrow(OptionError);
    expect(() => wilcoxonSignedRank([1, NaN, 3])).toThrow(/index 1/);
    expect(() => wilcoxonSignedRank([1, 2, 3], [1, 2])).toThrow(/equal lengths/);
  });
});

describe('Wilcoxon rank-sum (Mann–Whitney) test', () => {
  it('reproduces R: permeability data, W = 35, p = 0.1272 (greater, exact)', () => {
    const r = wilcoxonRankSum(permeabilityX, permeabilityY, { alternative: 'greater' });
    expect(r.statistic).toBe(35);
    expect(r.exact).toBe(true);
    expect(r.pValue).toBeCloseTo(0.1272061272061272, 12); // scipy mannwhitneyu(method='exact'): 382 of the C(15, 5) = 3003 rank subsets
    expect(r.pValue.toPrecision(4)).toBe('0.1272');
  });

  it('reproduces R on sleep (ties): W = 25.5, p = 0.06933, normal approximation with continuity correction', () => {
    const r = wilcoxonRankSum(sleep1, sleep2);
    expect(r.statistic).toBe(25.5);
    expect(r.exact).toBe(false);
    expect(r.pValue).toBeCloseTo(0.06932757543362658, 12);
  });

  it('exact distribution matches brute-force enumeration of rank subsets', () => {
    const m = 4;
    const n = 6;
    const dist = rankSumDistribution(m, n);
    const counts = new Array(m * n + 1).fill(0);
    let total = 0;
    for (let mask = 0; mask < 1 << (m + n); mask++) {
      let bits = 0;
      let sum = 0;
      for (let i = 0; i < m + n; i++) if (mask & (1 << i)) (bits++, (sum += i + 1));
      if (bits !== m) continue;
      counts[sum - (m * (m + 1)) / 2]++;
      total++;
    }
    expect(total).toBe(210);
    counts.forEach((c, k) => expect(dist[k]).toBeCloseTo(c / total, 15));
  });

  it('W + W(y, x) = n_x·n_y, and the two one-sided p-values of swapped samples agree', () => {
    const a = wilcoxonRankSum(permeabilityX, permeabilityY, { alternative: 'greater' });
    const b = wilcoxonRankSum(permeabilityY, permeabilityX, { alternative: 'less' });
    expect(a.statistic + b.statistic).toBe(50);
    expect(b.pValue).toBeCloseTo(a.pValue, 14);
  });

  it('large samples use the normal approximation and stay in [0, 1]', () => {
    const x = Array.from({ length: 60 }, (_, i) => i * 0.37 + 0.1);
    const y = Array.from({ length: 70 }, (_, i) => i * 0.33);
    const r = wilcoxonRankSum(x, y);
    expect(r.exact).toBe(false);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThanOrEqual(1);
    expect(() => wilcoxonRankSum(x, y, { alternative: 'bigger' as never })).toThrow(/alternative/);
  });
});

describe('t-tests', () => {
  it("reproduces R's Welch test on sleep: t = −1.8608, df = 17.776, p = 0.07939, CI (−3.3654832, 0.2054832)", () => {
    const r = welchTTest(sleep1, sleep2);
    expect(r.statistic).toBeCloseTo(-1.8608134674868526, 12);
    expect(r.df).toBeCloseTo(17.776, 3);
    expect(r.pValue).toBeCloseTo(0.07939414018735823, 10);
    expect(r.confInt[0]).toBeCloseTo(-3.3654832, 6);
    expect(r.confInt[1]).toBeCloseTo(0.2054832, 6);
    expect(r.estimate).toBeCloseTo(0.75 - 2.33, 12);
  });

  it("reproduces R's paired test on sleep: t = −4.0621, df = 9, p = 0.002833, CI (−2.4598858, −0.7001142)", () => {
    const r = pairedTTest(sleep1, sleep2);
    expect(r.statistic).toBeCloseTo(-4.062127683382037, 12);
    expect(r.df).toBe(9);
    expect(r.pValue).toBeCloseTo(0.00283289019738427, 12);
    expect(r.confInt[0]).toBeCloseTo(-2.4598858, 6);
    expect(r.confInt[1]).toBeCloseTo(-0.7001142, 6);
  });

  it("reproduces R's Student test on sleep: df = 18, p = 0.07919", () => {
    const r = studentTTest(sleep1, sleep2);
    expect(r.df).toBe(18);
    expect(r.statistic).toBeCloseTo(-1.8608134674868524, 12);
    expect(r.pValue).toBeCloseTo(0.07918671421593829, 10);
  });

  it('one-sided p-values are halves of the two-sided one on the observed side', () => {
    const two = pairedTTest(sleep1, sleep2);
    const less = pairedTTest(sleep1, sleep2, { alternative: 'less' });
    const greater = pairedTTest(sleep1, sleep2, { alternative: 'greater' });
    expect(less.pValue).toBeCloseTo(two.pValue / 2, 14);
    expect(greater.pValue).toBeCloseTo(1 - two.pValue / 2, 14);
    expect(less.confInt[0]).toBe(-Infinity);
    expect(greater.confInt[1]).toBe(Infinity);
  });

  it('the paired test equals the one-sample test of the differences, and mu shifts it', () => {
    const d = sleep1.map((v, i) => v - sleep2[i]!);
    const one = oneSampleTTest(d, { mu: -1 });
    const paired = pairedTTest(sleep1, sleep2, { mu: -1 });
    expect(one.statistic).toBeCloseTo(paired.statistic, 14);
    expect(one.pValue).toBeCloseTo(paired.pValue, 14);
    expect(one.statistic).toBeCloseTo((-1.58 + 1) / (1.2299955 / Math.sqrt(10)), 5);
  });

  it('refuses constant data, too few values and NaN', () => {
    expect(() => oneSampleTTest([2, 2, 2])).toThrow(/essentially constant/);
    expect(() => welchTTest([1], [1, 2])).toThrow(OptionError);
    expect(() => studentTTest([1, NaN, 2], [1, 2])).toThrow(/index 1/);
  });
});
