import { describe, expect, it } from 'vitest';
import { dinucleotideCounts, dinucleotideShuffle, makeMotif, motifEnrichment, shuffleSequences } from '../../src/motifs';
import { createRandom } from '../../src/stats';

describe('dinucleotide shuffle', () => {
  it('keeps every dinucleotide count and both end letters, and actually shuffles', () => {
    const random = createRandom(11);
    const seq = 'ACGTTGCAACGGATCCATGCAAGTTTACGNNACGT';
    let changed = 0;
    for (let k = 0; k < 50; k++) {
      const s = dinucleotideShuffle(seq, random);
      expect(s).toHaveLength(seq.length);
      expect(dinucleotideCounts(s)).toEqual(dinucleotideCounts(seq));
      expect(s[0]).toBe(seq[0]);
      expect(s[s.length - 1]).toBe(seq[seq.length - 1]);
      if (s !== seq) changed++;
    }
    expect(changed).toBeGreaterThan(45);
  });

  it('is reproducible from the seed and names the copies', () => {
    const seqs = [{ name: 'a', sequence: 'ACGTACGGTACCA' }];
    const one = shuffleSequences(seqs, { copies: 2, seed: 5 });
    expect(one.map((s) => s.name)).toEqual(['a_shuf1', 'a_shuf2']);
    expect(shuffleSequences(seqs, { copies: 2, seed: 5 })).toEqual(one);
    expect(() => shuffleSequences(seqs, { copies: 0 })).toThrow(/option 'copies'/);
  });

  it('samples all arrangements uniformly (ACAGA has 2 with the same dinucleotides)', () => {
    // AC, CA, AG, GA: the Eulerian walks from A ending in A are ACAGA and AGACA.
    const random = createRandom(2);
    const counts: Record<string, number> = {};
    for (let k = 0; k < 4000; k++) {
      const s = dinucleotideShuffle('ACAGA', random);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['ACAGA', 'AGACA']);
    expect(counts['ACAGA']! / 4000).toBeGreaterThan(0.45);
    expect(counts['ACAGA']! / 4000).toBeLessThan(0.55);
  });
});

describe('motif enrichment', () => {
  it('finds a planted motif enriched against shuffled and explicit controls', () => {
    const random = createRandom(9);
    const randomSeq = (n: number): string => Array.from({ length: n }, () => 'ACGT'[random.int(4)]).join('');
    const planted = makeMotif('PLANT', [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]], { nsites: 50 });
    const other = makeMotif('OTHER', [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 1, 0, 0], [0, 1, 0, 0]], { nsites: 50 });
    const primary = Array.from({ length: 60 }, (_, i) => ({ name: `p${i}`, sequence: randomSeq(30) + (i % 2 ? 'CGATCGAT' : 'ATCGATCG') + randomSeq(30) }));
    const control = Array.from({ length: 60 }, (_, i) => ({ name: `c${i}`, sequence: randomSeq(68) }));
    const table = motifEnrichment([other, planted], primary, { control, seed: 3 });
    const rows = table.objects() as Record<string, number | string>[];
    expect(rows[0]!['motif_id']).toBe('PLANT');
    // Every primary sequence holds CGATCGAT on one strand; random 68-mers almost never do.
    expect(rows[0]!['tp']).toBe(60);
    expect(rows[0]!['fp']).toBeLessThan(3);
    expect(rows[0]!['p-value']).toBeLessThan(1e-25);
    expect(rows[0]!['q-value']).toBeLessThan(1e-25);
    expect(rows[0]!['E-value']).toBeCloseTo((rows[0]!['p-value'] as number) * 2, 30);
    expect(rows[1]!['p-value']).toBeGreaterThan(0.01);
    const shuffled = motifEnrichment([planted], primary, { shuffles: 1, seed: 4 }).objects()[0] as Record<string, number>;
    expect(shuffled['n_control']).toBe(60);
    expect(shuffled['p-value']).toBeLessThan(1e-10);
  });
});
