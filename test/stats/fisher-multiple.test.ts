/**
 * Fisher's exact test against R's `?fisher.test` examples (tea tasting, convictions of twins), confirmed with
 * scipy; multiple-testing corrections against hand-computed values and Benjamini & Hochberg's (1995) own
 * worked example.
 */
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors';
import { benjaminiHochberg, bonferroni, fisherExact, holm } from '../../src/stats';

describe('fisherExact', () => {
  // R: TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2): guessed milk first (rows) vs truly milk first (cols).
  it('reproduces R on the tea-tasting table: p = 0.4857 two-sided, 0.2429 greater, odds ratio 6.408', () => {
    const two = fisherExact(3, 1, 1, 3);
    expect(two.pValue).toBeCloseTo(34 / 70, 12); // tables with prob ≤ 16/70: 1+16+16+1 of C(8,4) = 70
    expect(two.pValue.toPrecision(4)).toBe('0.4857');
    const greater = fisherExact(3, 1, 1, 3, 'greater');
    expect(greater.pValue).toBeCloseTo(17 / 70, 12);
    expect(greater.pValue.toPrecision(4)).toBe('0.2429');
    // R prints 6.408309 (uniroot's default tolerance); scipy's exact root is 6.408319658.
    expect(two.oddsRatio).toBeCloseTo(6.408319658199662, 6);
    expect(Math.abs(two.oddsRatio / 6.408309 - 1)).toBeLessThan(1e-5);
    expect(two.sampleOddsRatio).toBe(9);
  });

  // R: Convictions <- matrix(c(2, 10, 15, 3), nrow = 2): dizygotic/monozygotic twins vs convicted or not.
  it("reproduces R's convictions example: p = 0.0004652 (less), odds ratio 0.04693661", () => {
    const less = fisherExact(2, 15, 10, 3, 'less');
    expect(less.pValue).toBeCloseTo(0.00046518094336290503, 14);
    expect(less.oddsRatio).toBeCloseTo(0.04693663904968004, 6);
    expect(fisherExact(2, 15, 10, 3).pValue).toBeCloseTo(0.0005367241191434358, 14);
  });

  it('handles tables at the edge of the support and large counts', () => {
    const edge = fisherExact(0, 5, 5, 0);
    expect(edge.oddsRatio).toBe(0);
    expect(edge.pValue).toBeCloseTo(2 / 252, 14); // only the two extreme tables, each 1/C(10,5)
    expect(fisherExact(5, 0, 0, 5).oddsRatio).toBe(Infinity);
    // Enrichment-sized table: 120 of 7,000 top-decile sequences vs 700 of 64,000 others carry a motif.
    // Reference values: scipy.stats.fisher_exact and contingency.odds_ratio (conditional MLE).
    const big = fisherExact(120, 6880, 700, 63300, 'greater');
    expect(Math.abs(big.pValue / 8.469946327577042e-6 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(fisherExact(120, 6880, 700, 63300).pValue / 1.2163562176986656e-5 - 1)).toBeLessThan(1e-9);
    expect(big.oddsRatio).toBeCloseTo(1.5772304460443571, 8);
  });

  it('refuses non-integer or negative counts', () => {
    expect(() => fisherExact(1.5, 2, 3, 4)).toThrow(OptionError);
    expect(() => fisherExact(1, -2, 3, 4)).toThrow(/option 'b'/);
  });
});

describe('multiple-testing corrections', () => {
  it('Benjamini–Hochberg by hand: [0.01, 0.04, 0.03, 0.005] → [0.02, 0.04, 0.04, 0.02]', () => {
    // Sorted: 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04; running minimum from the top.
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    [0.02, 0.04, 0.04, 0.02].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 15));
  });

  it("Benjamini & Hochberg (1995), section 4: 15 p-values, 4 discoveries at q = 0.05", () => {
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];
    const q = benjaminiHochberg(p);
    expect(q.filter((v) => v <= 0.05).length).toBe(4);
    // Monotone in p, never below p, capped at 1.
    for (let i = 1; i < p.length; i++) expect(q[i]!).toBeGreaterThanOrEqual(q[i - 1]!);
    p.forEach((v, i) => expect(q[i]!).toBeGreaterThanOrEqual(v));
    expect(q[14]).toBe(1);
    expect(q[3]).toBeCloseTo((0.0095 * 15) / 4, 15);
  });

  it('keeps NaN in place and does not count it as a test (R p.adjust with NA)', () => {
    const q = benjaminiHochberg([0.01, NaN, 0.02]);
    expect(Number.isNaN(q[1]!)).toBe(true);
    expect(q[0]).toBeCloseTo(0.02, 15);
    expect(q[2]).toBeCloseTo(0.02, 15);
    expect(Array.from(bonferroni([0.01, NaN, 0.6]))).toEqual([0.02, NaN, 1]);
  });

  it('Holm by hand: [0.01, 0.04, 0.03, 0.005] → [0.03, 0.06, 0.06, 0.02]', () => {
    const h = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(h[i]).toBeCloseTo(v, 15));
  });

  it('rejects values outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.5, 1.2])).toThrow(/index 1/);
  });
});
