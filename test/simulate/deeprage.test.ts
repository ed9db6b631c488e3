import { describe, expect, it } from 'vitest';
import { jaspar } from '../../src/motifs';
import { OptionError } from '../../src/errors';
import { simulateDeepRage } from '../../src/simulate/deeprage';
import { scanMotifHits } from '../../src/simulate/motif-hits';
import { reverseComplement } from '../../src/data/alphabet';

const motifs = jaspar('fungi');

describe('motif scan of the DeepRAGE simulator', () => {
  const reb1 = motifs.find((m) => m.altId.endsWith('REB1'))!;
  const consensus = Array.from({ length: reb1.length }, (_, j) => {
    const row = Array.from(reb1.probabilities.subarray(j * 4, j * 4 + 4));
    return 'ACGT'[row.indexOf(Math.max(...row))];
  }).join('');

  it('finds a planted consensus on either strand at its position', () => {
    const background = 'A'.repeat(40);
    const forward = background.slice(0, 10) + consensus + background.slice(10);
    const reverse = background.slice(0, 20) + reverseComplement(consensus) + background.slice(20);
    const hits = scanMotifHits([forward, reverse], [reb1]);
    expect(hits.map((h) => [h.sequence, h.start, h.strand])).toEqual([[0, 10, '+'], [1, 20, '-']]);
  });

  it('reports random-sequence hits at about the p-value rate (exact null distribution)', () => {
    let state = 7;
    const rnd = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const seqs = Array.from({ length: 200 }, () => Array.from({ length: 1000 }, () => 'ACGT'[Math.floor(rnd() * 4)]).join(''));
    const windows = 200 * (1000 - reb1.length + 1) * 2;
    const rate = scanMotifHits(seqs, [reb1], { pValue: 1e-4 }).length / windows;
    expect(rate).toBeGreaterThan(0.3e-4);
    expect(rate).toBeLessThan(1.3e-4);
  });
});

describe('DeepRAGE simulator', () => {
  const sim = simulateDeepRage({ motifs, genes: 300, conditions: 12, regulators: 4, decoys: 3, seed: 3 });
  const G = sim.genes.length;
  const C = sim.conditions.length;
  const R = sim.regulators.length;

  it('uses real promoters and draws functional regulators, alternating activators and repressors, plus decoys', () => {
    expect(sim.sequences.every((s) => s.length === 1000)).toBe(true);
    expect(sim.genes[0]).toMatch(/^Y[A-P][LR]\d{3}[WC]/);
    const roles = sim.regulatorTable.array('role') as string[];
    expect(roles).toEqual(['activator', 'repressor', 'activator', 'repressor', 'decoy', 'decoy', 'decoy']);
    expect(new Set(sim.regulators).size).toBe(R);
    const inRule = sim.regulatorTable.array('in_rule') as boolean[];
    expect(inRule.filter(Boolean).length).toBe(2);
  });

  it('the truth: a gene is a target of a functional regulator exactly when it carries a hit', () => {
    const truth = sim.truth.objects() as { regulator: string; gene: string; hits: number; target: boolean }[];
    const siteCount = new Map<string, number>();
    for (const s of sim.sites.objects() as { regulator: string; gene: string }[]) siteCount.set(`${s.regulator}|${s.gene}`, (siteCount.get(`${s.regulator}|${s.gene}`) ?? 0) + 1);
    const functional = new Set(sim.regulators.slice(0, 4));
    for (const row of truth) {
      expect(row.hits).toBe(siteCount.get(`${row.regulator}|${row.gene}`) ?? 0);
      expect(row.target).toBe(functional.has(row.regulator) && row.hits > 0);
    }
    const targets = sim.regulatorTable.array('targets') as number[];
    targets.slice(0, 4).forEach((n) => expect(n / G).toBeGreaterThanOrEqual(0.1));
  });

  it('expression follows the documented model from the latent activities', () => {
    const weights = sim.regulatorTable.array('weight') as number[];
    const occ = Float64Array.from(sim.truth.array('occupancy') as ArrayLike<number>); // regulator-major: r * G + g
    const signal = sim.table.array('signal') as Float64Array;
    for (let g = 0; g < G; g += 7) {
      for (let c = 0; c < C; c++) {
        let y = sim.baseline[g]!;
        for (let r = 0; r < 4; r++) y += weights[r]! * occ[r * G + g]! * sim.activity[c * R + r]!;
        y += 1.5 * occ[g]! * occ[G + g]! * Math.max(0, sim.activity[c * R]!) * Math.max(0, sim.activity[c * R + 1]!);
        expect(signal[g * C + c]).toBeCloseTo(y, 10);
      }
    }
    // the model's input is a noisy read-out of the activity (noise sd 0.2)
    let sq = 0;
    sim.regulatorExpression.forEach((v, i) => (sq += (v - sim.activity[i]!) ** 2));
    expect(Math.sqrt(sq / sim.regulatorExpression.length)).toBeCloseTo(0.2, 1);
  });

  it('repeats for a seed and rejects impossible requests by option name', () => {
    const again = simulateDeepRage({ motifs, genes: 300, conditions: 12, regulators: 4, decoys: 3, seed: 3 });
    expect(Array.from(again.expression)).toEqual(Array.from(sim.expression));
    expect(() => simulateDeepRage({ motifs: [] })).toThrow(OptionError);
    expect(() => simulateDeepRage({ motifs, genes: 50, regulators: 40 })).toThrow(/option 'regulators'/);
  });
});
