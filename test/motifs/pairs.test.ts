import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { ismByCooccurrence, makeMotif, motifCorrelations, motifOccurrences, motifOverlap, pairDifference, pairLogic, scanFimo } from '../../src/motifs';

// Hits as scanFimo gives them, written by hand: A in s1, s2, s3; B in s2, s3, s4; s5 has neither.
const hits = aq.from([
  { motif_id: 'A', sequence_name: 's1', start: 3, stop: 8, strand: '+', score: 10 },
  { motif_id: 'A', sequence_name: 's1', start: 20, stop: 25, strand: '-', score: 12 },
  { motif_id: 'A', sequence_name: 's2', start: 5, stop: 10, strand: '+', score: 9 },
  { motif_id: 'A', sequence_name: 's3', start: 1, stop: 6, strand: '+', score: 11 },
  { motif_id: 'B', sequence_name: 's2', start: 8, stop: 12, strand: '+', score: 7 },
  { motif_id: 'B', sequence_name: 's3', start: 30, stop: 34, strand: '-', score: 8 },
  { motif_id: 'B', sequence_name: 's4', start: 2, stop: 6, strand: '+', score: 6 },
]);
const names = ['s1', 's2', 's3', 's4', 's5'];
const expression = aq.table({ sequence_name: names, measured: [1, 0.2, 0.4, 0.5, 0], predicted: [2, 0, 1, 0.5, 0.1] });

describe('pair logic', () => {
  it('per sequence presence, count, best score and position, absences included', () => {
    const occ = motifOccurrences(hits, names).objects() as Record<string, unknown>[];
    expect(occ).toHaveLength(10);
    expect(occ[0]).toEqual({ sequence_name: 's1', motif_id: 'A', present: true, count: 2, best_score: 12, best_start: 20, best_strand: '-' });
    expect(occ[1]).toMatchObject({ sequence_name: 's1', motif_id: 'B', present: false, count: 0, best_strand: '' });
  });

  it('pairs: both motifs, diagonal = motif alone; difference = pair − alone', () => {
    const pairs = pairLogic(hits, expression, { motifs: ['A', 'B'] });
    const get = (a: string, b: string) => (pairs.objects() as Record<string, number | string>[]).find((r) => r['motif_a'] === a && r['motif_b'] === b)!;
    expect(get('A', 'A')).toMatchObject({ n: 1, measured_mean: 1, predicted_mean: 2 });
    expect(get('A', 'B')).toMatchObject({ n: 2 });
    expect(get('A', 'B')['measured_mean']).toBeCloseTo(0.3, 12);
    expect(get('A', 'B')['measured_sd']).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(get('B', 'B')).toMatchObject({ n: 1, measured_mean: 0.5 });
    const diff = pairDifference(pairs).objects() as Record<string, number | string>[];
    const ab = diff.find((r) => r['motif_a'] === 'A')!;
    expect(ab['measured_difference']).toBeCloseTo(0.3 - 1, 12);
    expect(ab['predicted_difference']).toBeCloseTo(0.5 - 2, 12);
    expect(() => pairLogic(hits, expression, { motifs: [] })).toThrow(/option 'motifs'/);
  });

  it('correlations of predicted expression with count, score and position', () => {
    const corr = motifCorrelations(motifOccurrences(hits, names), expression).objects() as Record<string, number | string>[];
    const countA = corr.find((r) => r['motif_id'] === 'A' && r['feature'] === 'count')!;
    // Counts of A over s1..s5: 2, 1, 1, 0, 0 against predicted 2, 0, 1, 0.5, 0.1.
    const x = [2, 1, 1, 0, 0], y = [2, 0, 1, 0.5, 0.1];
    const mx = 0.8, my = 0.72;
    const r = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) * y.reduce((s, v) => s + (v - my) ** 2, 0));
    expect(countA['pearson']).toBeCloseTo(r, 12);
    expect(countA['n']).toBe(5);
    expect(corr.find((r) => r['motif_id'] === 'A' && r['feature'] === 'best_score')!['n']).toBe(3);
  });

  it('Venn counts and overlapping sites', () => {
    const venn = motifOverlap(hits, names, 'A', 'B').objects() as Array<{ set: string; sequences: number }>;
    expect(venn.map((v) => v.sequences)).toEqual([1, 1, 2, 1, 1, 4]);
    expect(venn[4]!.set).toBe('A sites overlapping B');
  });

  it('ISM over A sites grouped by B presence', () => {
    const ism = aq.table({ sequence_name: ['s1', 's1', 's2', 's2', 's3'], position: [3, 4, 5, 6, 1], contribution: [1, 2, -1, -3, 0.5] });
    const rows = ismByCooccurrence(ism, hits, 'A', 'B').objects() as Record<string, unknown>[];
    expect(rows.map((r) => [r['sequence_name'], r['b_present'], r['ism_sum'], r['positions']])).toEqual([
      ['s1', false, 3, 2], ['s1', false, 0, 0], ['s2', true, -4, 2], ['s3', true, 0.5, 1],
    ]);
    // Overlap (the paper's Fig. 8g grouping): s2's A site 5–10 overlaps B 8–12; s3's A 1–6 does not touch B 30–34.
    expect(rows.map((r) => r['b_overlaps'])).toEqual([false, false, true, false]);
    expect(() => ismByCooccurrence(aq.table({ x: [1] }), hits, 'A', 'B')).toThrow(/lacks column 'sequence_name'/);
  });

  it('works on a real scan table', () => {
    const m = makeMotif('M', [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], { nsites: 10 });
    const scan = scanFimo([m], [{ name: 'x', sequence: 'TTACGTT' }, { name: 'y', sequence: 'TTTTTTT' }], { threshold: 0.02, background: 'uniform' });
    const occ = motifOccurrences(scan, ['x', 'y']).objects() as Record<string, unknown>[];
    // ACG at 3–5 on '+', and CGT at 4–6 reads ACG on '-': two sites with the same score, the first kept as best.
    expect(occ.map((o) => o['count'])).toEqual([2, 0]);
    expect([occ[0]!['best_start'], occ[0]!['best_strand']]).toEqual([3, '+']);
  });
});
