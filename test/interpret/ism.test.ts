import { describe, expect, it } from 'vitest';
import { CAMFORMER_ENTROPY_THRESHOLD, ismContributions, ismEntropy, ismScores, type BatchPredictor } from '../../src/interpret/ism';
import { simulatePromoters } from '../../src/simulate/promoters';
import type { Encoded } from '../../src/data/encode';

/** An additive model with known weights: prediction = Σ_i w[i, base_i]; ISM effects are exact differences. */
function additiveModel(length: number, seed = 1): { predict: BatchPredictor; weight: (i: number, base: number) => number; calls: number[] } {
  const w = Float64Array.from({ length: length * 4 }, (_, k) => Math.sin(seed * 1000 + k * 1.618));
  const calls: number[] = [];
  const predict: BatchPredictor = async ({ data, shape: [n, L, C] }: Encoded) => {
    calls.push(n);
    const out = new Float64Array(n);
    for (let s = 0; s < n; s++) for (let i = 0; i < L; i++) for (let b = 0; b < 4; b++) out[s]! += w[i * 4 + b]! * data[(s * L + i) * C + b]!;
    return out;
  };
  return { predict, weight: (i, b) => w[i * 4 + b]!, calls };
}

describe('ismScores', () => {
  const sequences = simulatePromoters({ n: 5, seed: 11 }).table.array('sequence') as string[];

  it('makes 240 variants per 110-nt sequence over positions 18–97 and gets exact effects', async () => {
    const model = additiveModel(110);
    const table = await ismScores(model.predict, sequences, { sequencesPerBatch: 2 });
    expect(table.numRows()).toBe(5 * 240);
    expect(model.calls).toEqual([2 * 241, 2 * 241, 241]);
    const rows = table.objects() as { id: string; position: number; ref: string; alt: string; effect: number }[];
    expect(Math.min(...rows.map((r) => r.position))).toBe(18);
    expect(Math.max(...rows.map((r) => r.position))).toBe(97);
    expect(rows.every((r) => r.ref !== r.alt)).toBe(true);
    for (const r of rows) {
      const i = r.position - 1;
      const expected = model.weight(i, 'ACGT'.indexOf(r.alt)) - model.weight(i, 'ACGT'.indexOf(r.ref));
      expect(r.effect).toBeCloseTo(expected, 9);
    }
  });

  it('agrees with brute-force single predictions of each variant', async () => {
    const model = additiveModel(110, 3);
    const { encode } = await import('../../src/data/encode');
    const table = await ismScores(model.predict, sequences.slice(0, 1), { region: { start: 40, end: 42 }, encoding: 'onehotWithP' });
    for (const r of table.objects() as { position: number; alt: string; prediction: number }[]) {
      const variant = sequences[0]!.slice(0, r.position - 1) + r.alt + sequences[0]!.slice(r.position);
      const [single] = await model.predict(encode([variant], 'onehotWithP'));
      expect(Math.abs(r.prediction - single!)).toBeLessThan(1e-9);
    }
  });

  it('contributions are minus the mean effect; entropy ranks a focused logo below a spread one', async () => {
    const model = additiveModel(110);
    const contributions = ismContributions(await ismScores(model.predict, sequences.slice(0, 1)));
    const first = contributions.object(0) as { position: number; ref: string; contribution: number };
    const i = first.position - 1;
    const ref = 'ACGT'.indexOf(first.ref);
    const others = [0, 1, 2, 3].filter((b) => b !== ref).map((b) => model.weight(i, b) - model.weight(i, ref));
    expect(first.contribution).toBeCloseTo(-(others[0]! + others[1]! + others[2]!) / 3, 9);

    const focused = { id: 'a', values: [5, 0.01, 0.01, 0.01] };
    const spread = { id: 'b', values: [1, 1, 1, 1] };
    const aq = await import('arquero');
    const table = aq.from([focused, spread].flatMap(({ id, values }) => values.map((v, p) => ({ id, position: p, contribution: v }))));
    const entropy = ismEntropy(table).objects() as { id: string; entropy: number }[];
    expect(entropy.map((e) => e.id)).toEqual(['a', 'b']);
    expect(entropy[1]!.entropy).toBeCloseTo(2, 12);
    // The authors' threshold keeps logos below it: here a 2-bit one passes 5 bits, fails 1.5.
    expect((ismEntropy(table, { threshold: CAMFORMER_ENTROPY_THRESHOLD }).array('id') as string[])).toEqual(['a', 'b']);
    expect((ismEntropy(table, { threshold: 1.5 }).array('id') as string[])).toEqual(['a']);
    expect(ismEntropy(table, { threshold: 0.01 }).numRows()).toBe(0);
    expect(() => ismEntropy(table, { threshold: 0 })).toThrow(/option 'threshold'/);
  });

  it('offers the authors\' sign (their code plots + mean effect; their text − mean effect), same entropy', async () => {
    const model = additiveModel(110);
    const ism = await ismScores(model.predict, sequences.slice(0, 2));
    const text = ismContributions(ism).array('contribution') as number[];
    const code = ismContributions(ism, { sign: 'authors-code' }).array('contribution') as number[];
    code.forEach((v, i) => expect(v).toBeCloseTo(-text[i]!, 12));
    const bits = (t: ReturnType<typeof ismContributions>) => ismEntropy(t).array('entropy') as number[];
    expect(bits(ismContributions(ism, { sign: 'authors-code' }))).toEqual(bits(ismContributions(ism)));
    expect(() => ismContributions(ism, { sign: 'minus' as never })).toThrow(/option 'sign'/);
  });

  it('checks region, ids and the predictor output size', async () => {
    const model = additiveModel(110);
    await expect(ismScores(model.predict, sequences, { region: { start: 0, end: 10 } })).rejects.toThrow(/option 'region'/);
    await expect(ismScores(model.predict, sequences, { region: { start: 100, end: 120 } })).rejects.toThrow(/within the sequences/);
    await expect(ismScores(model.predict, sequences, { ids: ['x'] })).rejects.toThrow(/option 'ids': 1 ids for 5 sequences/);
    await expect(ismScores(async () => new Float32Array(1), sequences)).rejects.toThrow(/predictor returned 1 values/);
  });
});

describe('ismScores with a real CNN', () => {
  it('agrees with brute-force single predictions to 1e-5', async () => {
    const { buildModel } = await import('../../src/kernels/camformer/model');
    const { predict } = await import('../../src/kernels/camformer/predict');
    const { encode } = await import('../../src/data/encode');
    const model = buildModel({ base: 'camformer-mini', name: 'mini-narrow', convs: [
      { channels: 24, kernel: 5, padding: [5, 5], dropout: 0.1 },
      { channels: 16, kernel: 6, padding: [5, 5], dropout: 0.1, pool: { kernel: 7, stride: 2 } },
    ], dense: [8] }, { seed: 4 });
    const sequences = simulatePromoters({ n: 3, seed: 21 }).table.array('sequence') as string[];
    const table = await ismScores((batch) => predict(model, batch), sequences, { encoding: model.encoding, sequencesPerBatch: 2 });
    const rows = table.objects() as { id: string; position: number; alt: string; prediction: number; reference: number }[];
    for (const r of rows.filter((_, i) => i % 17 === 0)) {
      const s = Number(r.id.slice(4)) - 1;
      const variant = sequences[s]!.slice(0, r.position - 1) + r.alt + sequences[s]!.slice(r.position);
      const [single] = await predict(model, encode([variant], model.encoding));
      const [reference] = await predict(model, encode([sequences[s]!], model.encoding));
      expect(Math.abs(r.prediction - single!)).toBeLessThan(1e-5);
      expect(Math.abs(r.reference - reference!)).toBeLessThan(1e-5);
    }
  });
});
