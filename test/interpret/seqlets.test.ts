/**
 * The recursive seqlet caller and seqlet clustering on attribution matrices with known spans: background
 * noise with planted blocks of high (or low) attribution, and planted motif instances for clustering.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { callSeqlets, attributionMatrix } from '../../src/interpret/seqlets';
import { clusterSeqlets, annotateSeqlets } from '../../src/interpret/seqlet-motifs';
import { createRandom } from '../../src/stats/random';
import { makeMotif } from '../../src/motifs/motif';

function matrix(n: number, width: number, blocks: Array<{ row: number; start: number; length: number; value: number }>, seed = 1) {
  const rng = createRandom(seed);
  const values = Float64Array.from({ length: n * width }, () => 0.05 * rng.normal());
  for (const b of blocks) for (let j = 0; j < b.length; j++) values[b.row * width + b.start + j] = b.value + 0.05 * rng.normal();
  return { ids: Array.from({ length: n }, (_, i) => `s${i}`), firstPosition: 18, width, values };
}

describe('recursive seqlets', () => {
  // A seqlet may run up to minLength − 1 positions past a block into noise: every sub-span from minLength up
  // still holds enough of the block to pass (tangermeme's recursive criterion allows it).
  const covers = (r: { start: number; end: number }, start: number, end: number) => r.start <= start && r.end >= end && start - r.start <= 3 && r.end - end <= 3;

  it('finds planted positive blocks, in 1-based sequence coordinates, and nothing else at p < 1e-3', () => {
    const m = matrix(40, 80, [{ row: 3, start: 10, length: 8, value: 1 }, { row: 7, start: 50, length: 12, value: 0.8 }]);
    const rows = callSeqlets(m, { threshold: 1e-3 }).objects() as Array<{ id: string; start: number; end: number; attribution: number; p_value: number }>;
    expect(rows.map((r) => r.id)).toEqual(['s3', 's7']);
    expect(covers(rows[0]!, 28, 35)).toBe(true);
    expect(covers(rows[1]!, 68, 79)).toBe(true);
    expect(rows.every((r) => r.attribution > 5)).toBe(true);
    // At tangermeme's default 0.01 the planted blocks come first.
    expect((callSeqlets(m).array('id') as string[]).slice(0, 2).sort()).toEqual(['s3', 's7']);
  });

  it('calls negative blocks with sign negative, both signs with both, and adds flanks', () => {
    const m = matrix(40, 80, [{ row: 1, start: 20, length: 6, value: 1 }, { row: 2, start: 30, length: 6, value: -1 }]);
    const threshold = 1e-3;
    expect((callSeqlets(m, { threshold }).array('id') as string[])).toEqual(['s1']);
    expect((callSeqlets(m, { threshold, sign: 'negative' }).array('id') as string[])).toEqual(['s2']);
    const plain = callSeqlets(m, { threshold, sign: 'both' }).objects() as Array<{ id: string; start: number; end: number; attribution: number }>;
    const flanked = callSeqlets(m, { threshold, sign: 'both', flank: 2 }).objects() as Array<{ id: string; start: number; end: number; attribution: number }>;
    expect(plain.map((r) => [r.id, Math.sign(r.attribution)]).sort()).toEqual([['s1', 1], ['s2', -1]]);
    expect(covers(plain.find((r) => r.id === 's1')!, 38, 43)).toBe(true);
    expect(covers(plain.find((r) => r.id === 's2')!, 48, 53)).toBe(true);
    for (const r of flanked) {
      const p = plain.find((q) => q.id === r.id)!;
      expect([r.start, r.end]).toEqual([p.start - 2, p.end + 2]);
    }
  });

  it('reads tidy tables and rejects hypothetical ones', () => {
    const t = aq.table({ id: ['a', 'a', 'b', 'b'], position: [5, 6, 5, 6], attribution: [1, 2, 3, 4] });
    expect(attributionMatrix(t)).toEqual({ ids: ['a', 'b'], firstPosition: 5, width: 2, values: Float64Array.from([1, 2, 3, 4]) });
    const hypothetical = aq.table({ id: ['a', 'a'], position: [5, 5], attribution: [1, 2] });
    expect(() => attributionMatrix(hypothetical)).toThrow(/projected/);
    expect(() => callSeqlets(t, { minLength: 5, maxLength: 4 })).toThrow(/option 'minLength'/);
  });
});

describe('seqlet clustering and annotation', () => {
  const rng = createRandom(4);
  const random = (n: number) => Array.from({ length: n }, () => 'ACGT'[rng.int(4)]).join('');
  const reverse = (s: string) => s.split('').reverse().map((b) => ({ A: 'T', C: 'G', G: 'C', T: 'A' })[b]!).join('');
  const sequences = new Map<string, string>();
  const rows: Array<{ id: string; start: number; end: number; attribution: number }> = [];
  // 12 instances of each of two motifs (half of A on the minus strand), 6 random seqlets.
  for (let i = 0; i < 30; i++) {
    const kind = i < 12 ? 'A' : i < 24 ? 'B' : 'R';
    const site = kind === 'A' ? (i % 2 ? 'TTACCCGG' : reverse('TTACCCGG')) : kind === 'B' ? 'TAGCCGCCGA' : random(9);
    const id = `s${i}`;
    sequences.set(id, random(30) + site + random(30));
    rows.push({ id, start: 31, end: 30 + site.length, attribution: kind === 'B' ? -2 : 2 });
  }
  const seqlets = aq.from(rows);

  it('returns one pattern per motif (strand-aware), PFMs with their instances, and drops the rare', () => {
    const { motifs, patterns, instances } = clusterSeqlets(seqlets, sequences, { minInstances: 5 });
    const p = patterns.objects() as Array<{ pattern: string; sign: string; instances: number; consensus: string }>;
    expect(p.map((r) => [r.sign, r.instances])).toEqual([['positive', 12], ['negative', 12]]);
    const a = p.find((r) => r.sign === 'positive')!.consensus;
    expect([a, reverse(a)]).toContain('TTACCCGG');
    expect(p.find((r) => r.sign === 'negative')!.consensus).toBe('TAGCCGCCGA');
    expect(motifs.map((m) => m.nsites)).toEqual([12, 12]);
    expect(new Set(instances.array('strand') as string[])).toEqual(new Set(['+', '-']));
  });

  it('annotates seqlets with their database motif', () => {
    const db = [
      makeMotif('M1', 'TTACCCGG'.split('').map((b) => [0, 1, 2, 3].map((k) => (k === 'ACGT'.indexOf(b) ? 0.9 : 1 / 30)))),
      makeMotif('M2', 'TAGCCGCCGA'.split('').map((b) => [0, 1, 2, 3].map((k) => (k === 'ACGT'.indexOf(b) ? 0.9 : 1 / 30)))),
    ];
    const annotated = annotateSeqlets(seqlets.slice(0, 24), sequences, db, { nullShuffles: 20 }).objects() as Array<{ id: string; motif_id: string }>;
    expect(annotated.length).toBe(24);
    expect(annotated.filter((r, i) => r.motif_id === (i < 12 ? 'M1' : 'M2')).length).toBe(24);
  });
});
