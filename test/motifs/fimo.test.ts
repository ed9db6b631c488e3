import { describe, expect, it } from 'vitest';
import {
  buildFimoPssm, estimatePi0, fimoBackground, fimoQValues, formatG, makeMotif, NRDB_DNA, rawScore, scanFimo,
  scanFimoDetailed, scoreThreshold, toFimoTsv,
} from '../../src/motifs';
import { createRandom } from '../../src/stats';

// Two positions: A, then G or T. With 3 sites, pseudocount 1 and a uniform background the pseudocounted
// frequencies are (p·3 + 0.25)/4: 0.8125 / 0.0625 and 0.4375 / 0.0625.
const motif = makeMotif('T1', [[1, 0, 0, 0], [0, 0, 0.5, 0.5]], { altId: 'TINY', nsites: 3 });
const options = { background: 'uniform' as const, pseudocount: 1 };

describe('FIMO PSSM and p-values, by hand', () => {
  it('scales log-odds as FIMO: offset floor(min), scale floor(1000 / (max − offset))', () => {
    const pssm = buildFimoPssm(motif, options);
    // log2(3.25) = 1.70044, log2(1.75) = 0.80735, log2(0.25) = −2 → offset −2, scale floor(1000/3.70044) = 270.
    expect(pssm.offset).toBe(-2);
    expect(pssm.scale).toBe(270);
    // nint(3.70044·270) = 999, nint(2.80735·270) = 758, zero for the −2 entries.
    expect(Array.from(pssm.forward)).toEqual([999, 0, 0, 0, 0, 0, 758, 758]);
    // Reverse complement: [A|C] then T.
    expect(Array.from(pssm.reverse)).toEqual([758, 758, 0, 0, 0, 0, 0, 999]);
    expect(rawScore(pssm, 999 + 758)).toBeCloseTo(1757 / 270 - 4, 12);
  });

  it('p-values are the exact tail probabilities of the integer score', () => {
    const pssm = buildFimoPssm(motif, options);
    // Uniform letters: P(S ≥ 1757) = P(A)·P(G|T) = 1/8; P(S ≥ 999) = P(A) = 1/4; P(S ≥ 758) = 1/4 + 3/4·1/2.
    expect(pssm.pvalues[1757]).toBeCloseTo(0.125, 6);
    expect(pssm.pvalues[999]).toBeCloseTo(0.25, 6);
    expect(pssm.pvalues[758]).toBeCloseTo(0.625, 6);
    expect(pssm.pvalues[0]).toBe(1);
    expect(scoreThreshold(pssm, 0.2)).toBe(1000);
  });

  it('uses the strand-symmetric NRDB background by default', () => {
    const bg = fimoBackground();
    const at = (NRDB_DNA[0] + NRDB_DNA[3]) / 2;
    expect(bg[0]).toBeCloseTo((at + 5e-7) / (1 + 2e-6), 12);
    expect(bg[0]).toBe(bg[3]);
    expect(bg[1]).toBe(bg[2]);
    expect(bg[0]! + bg[1]! + bg[2]! + bg[3]!).toBeCloseTo(1, 15);
  });

  it('finds forward and reverse-strand hits with FIMO coordinates and q-values', () => {
    // Windows of GGCTAGGG: CT at 3–4 reads AG on the minus strand; AG at 5–6 on the plus strand.
    const hits = scanFimo([motif], [{ name: 's1', sequence: 'GGCTAGGG' }], { ...options, threshold: 0.125 });
    const rows = hits.objects() as Record<string, unknown>[];
    expect(rows.map((r) => [r['start'], r['stop'], r['strand'], r['matched_sequence']])).toEqual([
      [3, 4, '-', 'AG'],
      [5, 6, '+', 'AG'],
    ]);
    expect(rows[0]!['motif_id']).toBe('T1');
    expect(rows[0]!['motif_alt_id']).toBe('TINY');
    expect(rows[0]!['score']).toBeCloseTo(1757 / 270 - 4, 12);
    // 7 windows × 2 strands = 14 tests, fewer than 101 sampled p-values so π0 = 1: q = 0.125·14/2.
    expect(rows[0]!['p-value']).toBeCloseTo(0.125, 6);
    expect(rows[0]!['q-value']).toBeCloseTo(0.875, 6);
  });

  it('the consensus scores best and windows with N are not tests', () => {
    const result = scanFimoDetailed([motif], [{ name: 'n', sequence: 'AGNAT' }], { ...options, threshold: 1 });
    // Windows AG, GN, NA, AT: the two with N are skipped, as FIMO skips them.
    expect(result.summary.objects()[0]).toMatchObject({ tests: 4, stored: 4 });
    const best = result.hits.objects()[0] as Record<string, unknown>;
    expect([best['start'], best['strand'], best['matched_sequence']]).toEqual([1, '+', 'AG']);
  });

  it('keeps at most maxStoredScores matches, dropping the least significant as FIMO does', () => {
    const sequence = 'AGATACAGTTAGCCAGGATGAAGTAGAG';
    const all = scanFimoDetailed([motif], [{ name: 's', sequence }], { ...options, threshold: 1 });
    const capped = scanFimoDetailed([motif], [{ name: 's', sequence }], { ...options, threshold: 1, maxStoredScores: 10 });
    const summary = capped.summary.objects()[0] as Record<string, number>;
    expect(summary['stored']).toBeLessThanOrEqual(10);
    expect(summary['stored'] + summary['dropped']).toBe(all.hits.numRows());
    // Every kept match is more significant than every dropped one.
    const kept = new Set((capped.hits.objects() as Record<string, unknown>[]).map((r) => `${r['start']}${r['strand']}`));
    const keptP = (all.hits.objects() as Record<string, number | string>[]).filter((r) => kept.has(`${r['start']}${r['strand']}`)).map((r) => r['p-value'] as number);
    const droppedP = (all.hits.objects() as Record<string, number | string>[]).filter((r) => !kept.has(`${r['start']}${r['strand']}`)).map((r) => r['p-value'] as number);
    expect(droppedP.length).toBeGreaterThan(0);
    expect(Math.max(...keptP)).toBeLessThan(Math.min(...droppedP));
  });

  it('scans a region with coordinates relative to it', () => {
    const hits = scanFimo([motif], [{ name: 'r', sequence: 'CCCCAGCCCC' }], { ...options, threshold: 0.125, region: { start: 4, end: 7 } });
    expect((hits.objects() as Record<string, unknown>[]).map((r) => [r['start'], r['stop'], r['strand']])).toEqual([[2, 3, '+']]);
    expect(() => scanFimo([motif], [{ name: 'r', sequence: 'CCX' }])).toThrow(/invalid letter 'X' at position 3 of sequence 'r'/);
    expect(() => scanFimo([motif], [{ name: 'r', sequence: 'CC' }], { threshold: 0 })).toThrow(/option 'threshold'/);
  });

  it('q-values: BH over all tests scaled by π0, monotone; π0 ≈ 1 for uniform p-values', () => {
    const q = fimoQValues(Float64Array.from([1e-6, 1e-6, 1e-5]), 1000, 1);
    expect(Array.from(q).map((x) => +x.toPrecision(6))).toEqual([5e-4, 5e-4, 3.33333e-3]);
    const random = createRandom(3);
    const uniform = Float64Array.from({ length: 10000 }, () => random.float());
    expect(estimatePi0(uniform, random)).toBeGreaterThan(0.95);
    // Half of the p-values from signal near 0: π0 near one half.
    const mixed = Float64Array.from({ length: 10000 }, (_, i) => (i % 2 ? random.float() : random.float() * 1e-4));
    expect(estimatePi0(mixed, random)).toBeGreaterThan(0.4);
    expect(estimatePi0(mixed, random)).toBeLessThan(0.6);
  });

  it('prints numbers as FIMO does (%g, %.3g)', () => {
    expect(formatG(15.914285714, 6)).toBe('15.9143');
    expect(formatG(8.127367e-6, 3)).toBe('8.13e-06');
    expect(formatG(0.00169, 3)).toBe('0.00169');
    expect(formatG(22.15714285, 6)).toBe('22.1571');
    expect(formatG(21.8, 6)).toBe('21.8');
    const tsv = toFimoTsv(scanFimo([motif], [{ name: 's1', sequence: 'AG' }], { ...options, threshold: 0.2 }));
    expect(tsv.split('\n')[1]).toBe('T1\tTINY\ts1\t1\t2\t+\t2.50741\t0.125\t0.25\tAG');
  });
});
