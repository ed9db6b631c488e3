/**
 * In-silico experiments, pairwise influence and design against predictors whose answers are known exactly:
 * an additive model (every effect is a sum of weights, every interaction 0), a motif-logic model (A adds 1,
 * B adds 0.5, A with B subtracts 2), and a composition model (counts of G, which shuffles cannot change).
 */
import { describe, expect, it } from 'vitest';
import type { Encoded } from '../../src/data/encode';
import type { BatchPredictor } from '../../src/interpret/ism';
import { ablate, marginalize, summarizeEffects } from '../../src/interpret/experiments';
import { space, spaceSummary, spacingInShuffledBackgrounds, findMotif, asInserted } from '../../src/interpret/spacing';
import { pairwiseInfluence } from '../../src/interpret/pairwise';
import { evolveDesign, greedyDesign } from '../../src/interpret/design';
import { centeredStart, substitute } from '../../src/interpret/sequence-edits';
import { simulatePromoters } from '../../src/simulate/promoters';
import { makeMotif } from '../../src/motifs/motif';
import { dinucleotideCounts } from '../../src/motifs/shuffle';

/** Encoded batch → strings again (one-hot argmax; all-zero or uniform rows are N). */
function decode({ data, shape: [n, length, channels] }: Encoded): string[] {
  return Array.from({ length: n }, (_, s) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      const at = (s * length + i) * channels;
      const v = [0, 1, 2, 3].map((b) => data[at + b]!);
      const max = Math.max(...v);
      out += max === 1 ? 'ACGT'[v.indexOf(1)] : 'N';
    }
    return out;
  });
}

const fromStrings = (f: (s: string) => number): BatchPredictor => async (batch) => Float64Array.from(decode(batch), f);

function additive(length: number): { predict: BatchPredictor; w: (i: number, b: string) => number; f: (s: string) => number } {
  const w = (i: number, b: string) => ('ACGT'.includes(b) ? Math.sin(7 * i + 'ACGT'.indexOf(b) * 1.7) : 0);
  const f = (s: string) => { let t = 0; for (let i = 0; i < length; i++) t += w(i, s[i]!); return t; };
  return { predict: fromStrings(f), w, f };
}

const A = 'TTACCCGG';
const B = 'TAGCCGCCGA';
const logic = fromStrings((s) => {
  const a = s.includes(A) || s.includes('CCGGGTAA');
  const b = s.includes(B) || s.includes('TCGGCGGCTA');
  return (a ? 1 : 0) + (b ? 0.5 : 0) - (a && b ? 2 : 0);
});

describe('marginalize and ablate', () => {
  const backgrounds = simulatePromoters({ n: 20, seed: 3, motifs: [], logic: [] }).table.array('sequence') as string[];

  it('marginal effects of an additive model are the weight differences, at the centred start (tangermeme)', async () => {
    const m = additive(110);
    const t = await marginalize(m.predict, backgrounds, [{ name: 'A', sequence: A }, { name: 'N-masked', sequence: 'GGNNGG' }]);
    expect(t.numRows()).toBe(40);
    const start = centeredStart(110, A.length);
    expect(start).toBe(52); // 0-based 110 // 2 − 8 // 2 = 51
    for (const r of t.objects() as Array<{ motif: string; id: string; start: number; effect: number }>) {
      const bg = backgrounds[Number(r.id.slice(4)) - 1]!;
      const edited = substitute(bg, r.motif === 'A' ? A : 'GGNNGG', r.start);
      expect(r.effect).toBeCloseTo(m.f(edited) - m.f(bg), 10);
      if (r.motif !== 'A') expect(edited.slice(r.start + 1, r.start + 3)).toBe(bg.slice(r.start + 1, r.start + 3));
    }
    const logicEffects = summarizeEffects(await marginalize(logic, backgrounds, [{ name: 'A', sequence: A }, { name: 'B', sequence: B }]), ['motif']).objects() as Array<{ motif: string; mean: number; sd: number }>;
    expect(logicEffects.map((r) => [r.motif, r.mean, r.sd])).toEqual([['A', 1, 0], ['B', 0.5, 0]]);
  });

  it('shuffles keep composition (mono) and dinucleotides (di); replacement is exact', async () => {
    const gCount = fromStrings((s) => s.slice(29, 60).split('').filter((c) => c === 'G').length);
    for (const method of ['shuffle', 'dinucleotide'] as const) {
      const t = await ablate(gCount, backgrounds.slice(0, 5), { start: 30, end: 60, method, shuffles: 7 });
      expect(t.numRows()).toBe(35);
      expect((t.array('effect') as Float64Array).every((e) => e === 0)).toBe(true);
    }
    const seen: string[] = [];
    await ablate(fromStrings((s) => (seen.push(s), 0)), backgrounds.slice(0, 1), { start: 30, end: 60, method: 'dinucleotide', shuffles: 3, seed: 4 });
    for (const s of seen.slice(1)) {
      expect(dinucleotideCounts(s.slice(29, 60))).toEqual(dinucleotideCounts(backgrounds[0]!.slice(29, 60)));
      expect(s.slice(0, 29) + s.slice(60)).toBe(backgrounds[0]!.slice(0, 29) + backgrounds[0]!.slice(60));
    }
    const m = additive(110);
    const t = await ablate(m.predict, backgrounds.slice(0, 3), { start: 40, end: 43, method: 'replace', replacement: 'ACGT' });
    (t.objects() as Array<{ id: string; effect: number }>).forEach((r, i) => expect(r.effect).toBeCloseTo(m.f(substitute(backgrounds[i]!, 'ACGT', 40)) - m.f(backgrounds[i]!), 10));
    await expect(ablate(m.predict, backgrounds, { start: 40, end: 43, method: 'replace', replacement: 'AC' })).rejects.toThrow(/option 'replacement'/);
    await expect(ablate(m.predict, backgrounds, { start: 0, end: 4 })).rejects.toThrow(/option 'start'/);
  });
});

describe('space and the shuffled-native spacing experiment', () => {
  const backgrounds = simulatePromoters({ n: 10, seed: 4, motifs: [], logic: [] }).table.array('sequence') as string[];

  it('recovers an exact interaction of −2 at every spacing and orientation, and 0 for an additive model', async () => {
    const t = await space(logic, backgrounds, { name: 'A', sequence: A }, { name: 'B', sequence: B });
    const summary = spaceSummary(t).objects() as Array<{ spacing: number; orientation: string; a: number; b: number; both: number; interaction: number; se: number }>;
    expect(new Set(summary.map((r) => r.orientation))).toEqual(new Set(['++', '+-', '-+', '--']));
    const spacings = summary.filter((r) => r.orientation === '++').map((r) => r.spacing);
    // A (8 nt) centred in 18–97 covers 54–61; B (10 nt) fits 18–53 upstream or 62–97 downstream: gaps −26 … 26.
    expect(Math.min(...spacings)).toBe(-26);
    expect(Math.max(...spacings)).toBe(26);
    for (const r of summary) {
      expect(r.interaction).toBeCloseTo(-2, 12);
      expect(r.se).toBeCloseTo(0, 12);
    }
    const m = additive(110);
    const flat = await space(m.predict, backgrounds, { name: 'A', sequence: A }, { name: 'B', sequence: B }, { spacings: [-5, 0, 3], orientations: ['+-'] });
    for (const v of flat.array('interaction') as number[]) expect(Math.abs(v)).toBeLessThan(1e-9);
    await expect(space(m.predict, backgrounds, { name: 'A', sequence: A }, { name: 'B', sequence: B }, { spacings: [40] })).rejects.toThrow(/option 'spacings'/);
  });

  it('writes PWM consensus sequences into shuffled natives (flanks kept, seeded)', async () => {
    const ime1 = makeMotif('MA0320.1', A.split('').map((b) => [0, 1, 2, 3].map((k) => (k === 'ACGT'.indexOf(b) ? 0.97 : 0.01))), { altId: 'IME1' });
    const ume6 = makeMotif('MA0412.3', B.split('').map((b) => [0, 1, 2, 3].map((k) => (k === 'ACGT'.indexOf(b) ? 0.97 : 0.01))), { altId: 'UME6' });
    expect(findMotif([ime1, ume6], 'ume6').id).toBe('MA0412.3');
    expect(asInserted(ime1)).toEqual({ name: 'IME1', sequence: A });
    const natives = backgrounds.slice(0, 4);
    const seen: string[] = [];
    const recording: BatchPredictor = async (batch) => { seen.push(...decode(batch)); return logic(batch); };
    const result = await spacingInShuffledBackgrounds(recording, natives, ime1, ume6, { shuffles: 2, spacings: [0, 10], orientations: ['++'] });
    expect(result.table.numRows()).toBe(4 * 2 * 2);
    expect((result.summary.array('interaction') as number[]).every((v) => Math.abs(v + 2) < 1e-12)).toBe(true);
    for (const s of seen.slice(0, 8)) expect(s.slice(0, 17) + s.slice(97)).toBe(natives[0]!.slice(0, 17) + natives[0]!.slice(97));
    const again = await spacingInShuffledBackgrounds(logic, natives, ime1, ume6, { shuffles: 2, spacings: [0, 10], orientations: ['++'] });
    expect(again.table.array('background')).toEqual(result.table.array('background'));
    expect(again.table.array('id')).toEqual(result.table.array('id'));
  });
});

describe('pairwise influence', () => {
  const sequence = simulatePromoters({ n: 1, seed: 8, motifs: [], logic: [] }).table.get('sequence', 0) as string;

  it('is zero for an additive model and exactly w at the one interacting pair', async () => {
    const region = { start: 30, end: 37 };
    const m = additive(110);
    const flat = await pairwiseInfluence(m.predict, [sequence], { region });
    expect(flat.numRows()).toBe(8 * 7);
    for (const v of flat.array('magnitude') as number[]) expect(v).toBeLessThan(1e-9);
    const i = 31, j = 35;
    const pair = fromStrings((s) => (s[i - 1] === sequence[i - 1] && s[j - 1] === sequence[j - 1] ? 0.7 : 0));
    const t = await pairwiseInfluence(pair, [sequence], { region });
    for (const r of t.objects() as Array<{ source: number; target: number; epistasis: number }>) {
      const expected = (r.source === i && r.target === j) || (r.source === j && r.target === i) ? 0.7 : 0;
      expect(r.epistasis).toBeCloseTo(expected, 12);
    }
  });
});

describe('design', () => {
  const start = simulatePromoters({ n: 1, seed: 9, motifs: [], logic: [] }).table.get('sequence', 0) as string;
  const region = { start: 18, end: 97 };

  it('greedy design of an additive model reaches the best base at every position, flanks kept', async () => {
    const m = additive(110);
    const path = await greedyDesign(m.predict, [start], { maxIterations: 200 });
    const rows = path.objects() as Array<{ step: number; prediction: number; loss: number; sequence: string; edit: string }>;
    const last = rows.at(-1)!;
    let best = m.f(start);
    for (let i = region.start - 1; i < region.end; i++) best += Math.max(...'ACGT'.split('').map((b) => m.w(i, b))) - m.w(i, start[i]!);
    expect(last.prediction).toBeCloseTo(best, 9);
    expect(last.sequence.slice(0, 17) + last.sequence.slice(97)).toBe(start.slice(0, 17) + start.slice(97));
    for (let k = 1; k < rows.length; k++) expect(rows[k]!.loss).toBeLessThan(rows[k - 1]!.loss);
    // Toward a target: stops within reach of it.
    const target = m.f(start) + 2;
    const towards = (await greedyDesign(m.predict, [start], { target, maxIterations: 50 })).objects() as Array<{ prediction: number }>;
    expect(Math.abs(towards.at(-1)!.prediction - target)).toBeLessThan(0.2);
    const motifPath = await greedyDesign(logic, [start], { motifs: [{ name: 'A', sequence: A }], maxIterations: 3 });
    expect((motifPath.array('edit') as string[])[1]).toMatch(/^A[+-]@\d+$/);
  });

  it('the genetic algorithm is seeded, improves its best, and keeps the flanks', async () => {
    const m = additive(110);
    const one = await evolveDesign(m.predict, { population: 200, generations: 6, seed: 5 });
    const two = await evolveDesign(m.predict, { population: 200, generations: 6, seed: 5 });
    expect(one.trajectory.array('best')).toEqual(two.trajectory.array('best'));
    const best = one.trajectory.array('best') as number[];
    expect(best.at(-1)!).toBeGreaterThan(best[0]!);
    const mean = one.trajectory.array('mean') as number[];
    expect(mean.at(-1)!).toBeGreaterThan(mean[0]!);
    for (const s of one.designs.array('sequence') as string[]) expect(s.slice(0, 17) + s.slice(97)).toBe('TGCATTTTTTTCACATC' + 'GGTTACGGCTGTT');
    await expect(evolveDesign(m.predict, { population: 0 })).rejects.toThrow(/option 'population'/);
  });
});
