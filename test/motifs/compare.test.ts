import { describe, expect, it } from 'vitest';
import { bestAlignment, bestMatches, compareMotifs, filterToMotif, jaspar, makeMotif, motifSimilarity, reverseComplementMatrix, reverseComplementMotif } from '../../src/motifs';
import { DATA_DIR } from '../helpers/paths';

describe('motif comparison (TOMTOM-like)', () => {
  const m = makeMotif('M', [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0.7, 0.1, 0.1, 0.1], [0, 0, 0.5, 0.5]], { nsites: 10 });

  it('aligns a motif with itself and with its reverse complement', () => {
    expect(bestAlignment(m, m)).toEqual({ score: 6, offset: 0, overlap: 6, strand: '+' });
    const rc = bestAlignment(m, reverseComplementMotif(m));
    expect(rc).toMatchObject({ offset: 0, overlap: 6, strand: '-' });
    expect(rc!.score).toBeCloseTo(6, 12);
    // A query holding only columns 2–6 aligns at offset −1.
    const part = { ...m, id: 'P', length: 5, probabilities: m.probabilities.slice(4) };
    expect(bestAlignment(part, m, { minOverlap: 3 })).toMatchObject({ offset: -1, overlap: 5, strand: '+' });
  });

  it('finds the right JASPAR motif for trimmed and noisy copies, significant after correction', () => {
    const db = jaspar('fungi', { dataDir: DATA_DIR });
    const picks = db.filter((x) => x.length >= 10).slice(0, 5);
    const queries = picks.map((x) => filterToMotif(`f_${x.id}`, Array.from(x.probabilities.slice(4, -4), (p) => Math.log(p + 0.05)), x.length - 2));
    const table = compareMotifs(queries, db, { seed: 2 });
    expect(table.numRows()).toBe(5 * 178);
    const best = bestMatches(table, { maxQ: 0.1 }).objects() as Record<string, unknown>[];
    expect(best.map((r) => r['target_id'])).toEqual(picks.map((x) => x.id));
    expect(best.every((r) => (r['p-value'] as number) <= 1 / 1780 + 1e-12)).toBe(true);
    expect(() => compareMotifs(queries, [])).toThrow(/option 'targets'/);
    expect(() => filterToMotif('f', [1, 2, 3], 1)).toThrow(/expected width × 4 = 4/);
  });

  it('motif similarity is the best alignment per motif column: 1 for itself or its reverse complement, less for a part', () => {
    expect(motifSimilarity(m, m)).toBe(1);
    expect(motifSimilarity(m, reverseComplementMotif(m))).toBeCloseTo(1, 12);
    // Two of the six columns overlap at best (any overlap is allowed): 2 / 6 of the motif.
    const two = { length: 2, probabilities: m.probabilities.slice(0, 8) };
    expect(motifSimilarity(two, m)).toBeCloseTo(2 / 6, 12);
    expect(motifSimilarity(m, two)).toBeCloseTo(1, 12);
    expect(motifSimilarity(two, m, { bothStrands: false })).toBeCloseTo(2 / 6, 12);
    expect(Array.from(reverseComplementMatrix([1, 0, 0, 0, 0, 1, 0, 0], 2))).toEqual([0, 0, 1, 0, 0, 0, 0, 1]);
  });
});
