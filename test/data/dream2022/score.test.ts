import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OptionError } from '../../../src/errors';
import { createRandom, pearson, spearman } from '../../../src/stats';
import { dreamScore, DREAM_SUBSET_WEIGHTS, unscoredMessage } from '../../../src/data/dream2022';
import type { DreamPair } from '../../../src/data/dream2022/score';
import { HAS_NUMPY, NUMPY_SKIP_REASON, runPython } from '../../stats/python';

const REPO = resolve(__dirname, '..', '..', '..');
const DREAM_DIR = join(process.env['CISLAB_DATA'] ?? resolve(REPO, '..', 'shared', 'data'), 'dream2022');
const TEST_FILE = join(DREAM_DIR, 'test.tsv.gz');
const PAIRS_FILE = join(DREAM_DIR, 'test_pairs.tsv.gz');
const HAS_DREAM = existsSync(TEST_FILE) && existsSync(PAIRS_FILE);

/** Reads test.tsv.gz and test_pairs.tsv.gz directly (zlib), independent of the data layer. */
function readTestSet() {
  const lines = gunzipSync(readFileSync(TEST_FILE)).toString('utf8').split('\n').filter(Boolean);
  const header = lines[0]!.split('\t');
  const col = (name: string) => header.indexOf(name);
  const rows = lines.slice(1).map((l) => l.split('\t'));
  const n = Math.max(...rows.map((r) => Number(r[col('idx')]))) + 1;
  const measured = new Float64Array(n).fill(NaN);
  const categories: string[] = new Array(n).fill('');
  const split: string[] = new Array(n).fill('none');
  for (const r of rows) {
    const i = Number(r[col('idx')]);
    measured[i] = Number(r[col('measured_expr')]);
    categories[i] = r[col('categories')] ?? '';
    split[i] = r[col('split')]!;
  }
  const pairLines = gunzipSync(readFileSync(PAIRS_FILE)).toString('utf8').split('\n').filter(Boolean);
  const ph = pairLines[0]!.split('\t');
  const pairs: DreamPair[] = pairLines.slice(1).map((l) => {
    const f = l.split('\t');
    return { pairType: f[ph.indexOf('pair_type')]!, altIdx: Number(f[ph.indexOf('alt_idx')]), refIdx: Number(f[ph.indexOf('ref_idx')]), split: f[ph.indexOf('split')]! };
  });
  return { measured, categories, split, pairs };
}

describe('dreamScore on hand-built data', () => {
  // Six sequences; 0–3 'high' or 'low', pairs (4 − 5) and (1 − 0) as SNVs.
  const measured = [1, 2, 3, 4, 5, 7];
  const predicted = [1.5, 1.9, 3.4, 3.8, 5.1, 6.2];
  const categories = ['high', 'high,SNVs', 'low', 'low', 'SNVs', 'SNVs'];

  it('correlates single subsets directly and pair subsets on alt − ref differences', () => {
    const pairs = [
      { pairType: 'SNVs', altIdx: 4, refIdx: 5 },
      { pairType: 'SNVs', altIdx: 1, refIdx: 0 },
      { pairType: 'SNVs', altIdx: 3, refIdx: 2 },
    ];
    const s = dreamScore({ measured, predicted, categories, pairs });
    const by = Object.fromEntries(s.subsets.map((x) => [x.subset, x]));
    expect(by.all!.n).toBe(6);
    expect(by.all!.r).toBeCloseTo(pearson(measured, predicted), 14);
    expect(by.all!.rho).toBeCloseTo(spearman(measured, predicted), 14);
    expect(by.high!.n).toBe(2);
    expect(by.high!.r).toBeCloseTo(1, 14); // two points are always perfectly correlated
    const dm = [5 - 7, 2 - 1, 4 - 3];
    const dp = [5.1 - 6.2, 1.9 - 1.5, 3.8 - 3.4];
    expect(by.SNVs!.n).toBe(3);
    expect(by.SNVs!.kind).toBe('pair');
    expect(by.SNVs!.r).toBeCloseTo(pearson(dm, dp), 14);
    expect(by.SNVs!.rho).toBeCloseTo(spearman(dm, dp), 14);
    // Empty subsets (yeast, …) are named, with the reason, and the scores are the weighted means over the rest.
    expect(by.yeast!.n).toBe(0);
    const scored = s.subsets.filter((x) => !Number.isNaN(x.r));
    expect(s.unscored.map((u) => u.subset).sort()).toEqual(s.subsets.filter((x) => Number.isNaN(x.r)).map((x) => x.subset).sort());
    expect(s.unscored.find((u) => u.subset === 'yeast')).toEqual({ subset: 'yeast', n: 0, reason: 'no sequences in the data scored' });
    const w = scored.reduce((a, x) => a + x.weight, 0);
    expect(s.scoredWeight).toBeCloseTo(w, 14);
    expect(s.pearsonScore).toBeCloseTo(scored.reduce((a, x) => a + x.weight * x.r2, 0) / w, 14);
    expect(s.spearmanScore).toBeCloseTo(scored.reduce((a, x) => a + x.weight * x.rho, 0) / w, 14);
    expect(unscoredMessage(s)).toMatch(/^DREAM scores over \d of 9 subsets \(weight [0-9.]+ of 4\.65\); not scored: .*yeast \(no sequences in the data scored\)/);
    expect(() => dreamScore({ measured: [1], predicted: [1], categories: ['high'], pairs: [] })).toThrow(/no DREAM subset can be scored: all \(only 1 of its sequences/);
  });

  it('weights sum to 4.65 and the scores are the weighted means of r² and ρ', () => {
    expect(DREAM_SUBSET_WEIGHTS.reduce((a, w) => a + w.weight, 0)).toBeCloseTo(4.65, 12);
    const rng = createRandom(3);
    const n = 400;
    const cats = ['high', 'low', 'yeast', 'random', 'challenging'];
    const m = Array.from({ length: n }, () => rng.normal());
    const p = m.map((v) => v + rng.normal(0, 0.5));
    const c = m.map((_, i) => cats[i % 5]!);
    const pairs = ['SNVs', 'motif_perturbation', 'motif_tiling'].flatMap((t, k) =>
      Array.from({ length: 30 }, (_, j) => ({ pairType: t, altIdx: (k * 100 + j * 3) % n, refIdx: (k * 100 + j * 3 + 1) % n })),
    );
    const s = dreamScore({ measured: m, predicted: p, categories: c, pairs });
    const expected = (f: (x: (typeof s.subsets)[number]) => number) => s.subsets.reduce((a, x) => a + x.weight * f(x), 0) / 4.65;
    expect(s.pearsonScore).toBeCloseTo(expected((x) => x.r * x.r), 14);
    expect(s.spearmanScore).toBeCloseTo(expected((x) => x.rho), 14);
    expect(s.subsets.every((x) => x.n > 0 && x.r > 0)).toBe(true);
  });

  it('filters by split: per-index split for sequences, the pair’s own split for pairs', () => {
    const split = ['private', 'private', 'public', 'public', 'private', 'none'];
    const pairs = [
      { pairType: 'SNVs', altIdx: 4, refIdx: 5, split: 'private' },
      { pairType: 'SNVs', altIdx: 1, refIdx: 0, split: 'private' },
      { pairType: 'SNVs', altIdx: 3, refIdx: 2, split: 'public' },
    ];
    const priv = dreamScore({ measured, predicted, categories, pairs, split }, { split: 'private' });
    const by = Object.fromEntries(priv.subsets.map((x) => [x.subset, x]));
    expect(by.all!.n).toBe(3);
    expect(by.SNVs!.n).toBe(2);
    const all = dreamScore({ measured, predicted, categories, pairs, split }, { split: 'all' });
    expect(all.subsets.find((x) => x.subset === 'all')!.n).toBe(5); // 'none' is never scored
    const subset = dreamScore({ measured, predicted, categories, pairs }, { indices: [0, 1, 2, 3] });
    expect(subset.subsets.find((x) => x.subset === 'SNVs')!.n).toBe(2);
  });

  it('rejects mismatched lengths, unknown categories and missing predictions with OptionError', () => {
    expect(() => dreamScore({ measured, predicted: predicted.slice(1), categories, pairs: [] })).toThrow(OptionError);
    expect(() => dreamScore({ measured, predicted, categories: ['hgh', '', '', '', '', ''], pairs: [] })).toThrow(/unknown category 'hgh'/);
    const withNaN = [...predicted];
    withNaN[2] = NaN;
    expect(() => dreamScore({ measured, predicted: withNaN, categories, pairs: [] })).toThrow(/test index 2 is missing/);
    expect(() => dreamScore({ measured, predicted, categories, pairs: [{ pairType: 'SNV', altIdx: 0, refIdx: 1 }] })).toThrow(
      /pair type 'SNV'/,
    );
    expect(() => dreamScore({ measured, predicted, categories, pairs: [{ pairType: 'SNVs', altIdx: 0, refIdx: 9 }] })).toThrow(
      /pair member 9/,
    );
  });
});

describe.skipIf(!HAS_DREAM)('dreamScore on the real DREAM2022 test set', () => {
  const data = HAS_DREAM ? readTestSet() : undefined;

  it.skipIf(!HAS_NUMPY)('agrees with the independent Python implementation to 1e-6 (every r, ρ and both scores)', () => {
    if (!HAS_NUMPY) console.warn(NUMPY_SKIP_REASON);
    const { measured, categories, split, pairs } = data!;
    // Synthetic predictions: measured + seeded noise, on another scale, with ties (rounded to 2 decimals) so
    // that the rank handling is exercised too.
    const rng = createRandom('dream-reference');
    const predicted = Float64Array.from(measured, (m) => Math.round((3 * m + rng.normal(0, 0.4) + 10) * 100) / 100);
    const dir = mkdtempSync(join(tmpdir(), 'cislab-dream-'));
    const file = join(dir, 'pred.tsv');
    const lines = ['idx\tprediction'];
    for (let i = 0; i < measured.length; i++) if (!Number.isNaN(measured[i]!)) lines.push(`${i}\t${predicted[i]}`);
    writeFileSync(file, lines.join('\n') + '\n');
    const script = join(REPO, 'bench', 'reference', 'dream_score.py');
    for (const which of ['private', 'public', 'all'] as const) {
      const ref = JSON.parse(runPython([script, '--test', TEST_FILE, '--pairs', PAIRS_FILE, '--predictions', file, '--split', which]));
      const ours = dreamScore({ measured, predicted, categories, split, pairs }, { split: which });
      for (const s of ours.subsets) {
        const r = ref.subsets[s.subset];
        expect(s.n, `${which} ${s.subset} n`).toBe(r.n);
        expect(Math.abs(s.r - r.r), `${which} ${s.subset} r`).toBeLessThan(1e-6);
        expect(Math.abs(s.r2 - r.r2), `${which} ${s.subset} r2`).toBeLessThan(1e-6);
        expect(Math.abs(s.rho - r.rho), `${which} ${s.subset} rho`).toBeLessThan(1e-6);
      }
      expect(Math.abs(ours.pearsonScore - ref.pearson_score)).toBeLessThan(1e-6);
      expect(Math.abs(ours.spearmanScore - ref.spearman_score)).toBeLessThan(1e-6);
      if (which === 'private') expect(ours.subsets[0]!.n).toBe(53147);
    }
  });

  it('scores perfect predictions 1 and is invariant to a monotone rescaling for ρ', () => {
    const { measured, categories, split, pairs } = data!;
    const perfect = dreamScore({ measured, predicted: measured, categories, split, pairs }, { split: 'private' });
    expect(perfect.pearsonScore).toBeCloseTo(1, 12);
    expect(perfect.spearmanScore).toBeCloseTo(1, 12);
    const rng = createRandom(11);
    const noisy = Float64Array.from(measured, (m) => m + rng.normal(0, 0.3));
    const a = dreamScore({ measured, predicted: noisy, categories, split, pairs }, { split: 'private' });
    const b = dreamScore({ measured, predicted: noisy.map((v) => 2 * v + 5), categories, split, pairs }, { split: 'private' });
    expect(b.spearmanScore).toBeCloseTo(a.spearmanScore, 12);
    expect(b.pearsonScore).toBeCloseTo(a.pearsonScore, 12);
    expect(a.pearsonScore).toBeLessThan(1);
  });
});
