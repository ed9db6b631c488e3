import { describe, expect, it } from 'vitest';
import { readDream2022, readDream2022Pairs, dreamSubsetMembers, DREAM_FLANK_5, DREAM_FLANK_3 } from '../../src/data/dream2022/read';
import { simulatePromoters } from '../../src/simulate/promoters';
import { OptionError } from '../../src/errors';
import { tempDir } from '../helpers/paths';

describe('DREAM2022 loaders', () => {
  const test = readDream2022('test');

  it('reads the test set with idx, split, categories and tags', () => {
    expect(test.numRows()).toBe(71103);
    expect(test.columnNames()).toEqual(['id', 'idx', 'sequence', 'expression', 'split', 'categories', 'tags']);
    expect(test.object(0)).toMatchObject({ id: 'sequence_0', idx: 0, split: 'private', categories: 'SNVs' });
    const splits = new Map<string, number>();
    for (const s of test.array('split') as string[]) splits.set(s, (splits.get(s) ?? 0) + 1);
    expect(Object.fromEntries(splits)).toEqual({ private: 53147, public: 9045, none: 8911 });
  });

  it('groups test indices by scored subset; split none is in no subset', () => {
    const members = dreamSubsetMembers(test);
    expect(members.get('all')!.length).toBe(71103 - 8911);
    expect(members.get('high')!.length).toBe(968);
    expect(members.get('yeast')!.length).toBe(578);
    expect(members.get('motif_tiling')!.length).toBe(2626);
  });

  it('reads the 52,978 alt/ref pairs', () => {
    const pairs = readDream2022Pairs();
    expect(pairs.numRows()).toBe(52978);
    expect(pairs.object(0)).toMatchObject({ pair_type: 'motif_perturbation', alt_idx: 10232, ref_idx: 10388, split: 'private' });
  });

  it('says where it looked when the data is missing', () => {
    expect(() => readDream2022('test', { dataDir: tempDir() })).toThrow(/option 'dataDir': cannot find 'dream2022' in .*CISLAB_DATA/);
    expect(() => readDream2022('train' as never)).toThrow(/unknown DREAM2022 set 'train'/);
  });
});

describe('simulator', () => {
  it('is repeatable for a seed and uses the DREAM flanks', () => {
    const a = simulatePromoters({ n: 50, seed: 3 });
    const b = simulatePromoters({ n: 50, seed: 3 });
    expect(a.table.objects()).toEqual(b.table.objects());
    const sequences = a.table.array('sequence') as string[];
    expect(sequences.every((s) => s.length === 110 && s.startsWith(DREAM_FLANK_5) && s.endsWith(DREAM_FLANK_3))).toBe(true);
  });

  it('plants motifs where the ground truth says and computes expression from them, interaction included', () => {
    const { table, sites } = simulatePromoters({ n: 400, seed: 9, noise: 0 });
    const rows = table.objects() as Record<string, number & string>[];
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    for (const site of sites.objects() as { id: string; motif: string; start: number; end: number }[]) {
      const planted = (byId.get(site.id)!.sequence as string).slice(site.start - 1, site.end);
      expect(planted).toBe({ REB1: 'TTACCCGG', CBF1: 'TCACGTGA', UME6: 'TAGCCGCCGA' }[site.motif]);
    }
    for (const r of rows) {
      const expected = 8 + 1.5 * r.REB1 + 1.0 * r.CBF1 - 0.5 * r.UME6 - 2.5 * r.REB1 * r.UME6;
      expect(r.expression).toBeCloseTo(expected, 12);
    }
    // REB1 activates alone but represses together with UME6.
    const mean = (f: (r: (typeof rows)[number]) => boolean) => {
      const xs = rows.filter(f).map((r) => r.expression as number);
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    expect(mean((r) => !!r.REB1 && !r.UME6 && !r.CBF1)).toBeGreaterThan(9);
    expect(mean((r) => !!r.REB1 && !!r.UME6 && !r.CBF1)).toBeLessThan(7);
  });

  it('checks its options', () => {
    expect(() => simulatePromoters({ n: 0 })).toThrow(OptionError);
    expect(() => simulatePromoters({ logic: [{ when: ['XYZ'], effect: 1 }] })).toThrow(/rule names motif 'XYZ'/);
    expect(() => simulatePromoters({ motifs: [{ name: 'A', consensus: 'ACGQ', effect: 1 }] })).toThrow(/invalid letter 'Q'/);
  });
});
