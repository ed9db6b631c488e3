import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors';
import { DEFAULT_ENHANCER_MOTIFS, simulateSeq2Exp } from '../../src/simulate/seq2exp';
import { reverseComplement } from '../../src/data/alphabet';

describe('Seq2Exp simulator', () => {
  const sim = simulateSeq2Exp({ n: 120, length: 800, seed: 4 });
  const seqs = sim.table.array('sequence') as string[];
  const elements = sim.elements.objects() as { id: string; kind: string; motif: string; start: number; end: number; height: number }[];
  const index = (id: string) => Number(id.slice(4)) - 1;

  it('repeats exactly for a seed and has the documented shapes', () => {
    const again = simulateSeq2Exp({ n: 120, length: 800, seed: 4 });
    expect(again.table.array('sequence')).toEqual(seqs);
    expect(Array.from(again.tracks)).toEqual(Array.from(sim.tracks));
    expect(sim.tracks.length).toBe(120 * 800 * 2);
    expect(sim.causal.length).toBe(120 * 800);
    expect(new Set(elements.map((e) => e.kind))).toEqual(new Set(['active', 'decoy', 'closed']));
  });

  it('causal positions are exactly the motif bases of active elements, and the motif is there', () => {
    const expected = new Uint8Array(sim.causal.length);
    for (const e of elements) {
      const seq = seqs[index(e.id)]!.slice(e.start, e.end);
      if (e.kind !== 'decoy') {
        const consensus = DEFAULT_ENHANCER_MOTIFS.find((m) => m.name === e.motif)!.consensus;
        expect([consensus, reverseComplement(consensus)]).toContain(seq);
      }
      if (e.kind === 'active') for (let i = e.start; i < e.end; i++) expected[index(e.id) * 800 + i] = 1;
    }
    expect(Array.from(sim.causal)).toEqual(Array.from(expected));
  });

  it('expression is the sum of active elements\' effects (noise-free signal), plus noise', () => {
    const signal = sim.table.array('signal') as Float64Array;
    const expression = sim.table.array('expression') as Float64Array;
    const expected = new Float64Array(120);
    for (const e of elements) if (e.kind === 'active') expected[index(e.id)] += DEFAULT_ENHANCER_MOTIFS.find((m) => m.name === e.motif)!.effect;
    expected.forEach((v, i) => expect(signal[i]).toBeCloseTo(v, 12));
    const residual = Array.from(expression, (v, i) => v - signal[i]!);
    const sd = Math.sqrt(residual.reduce((a, v) => a + v * v, 0) / residual.length);
    expect(sd).toBeGreaterThan(0.15);
    expect(sd).toBeLessThan(0.25);
  });

  it('peaks mark active and decoy elements alike; closed motifs have background signal only', () => {
    const dnaseAround = (e: { id: string; start: number; end: number }) => {
      let sum = 0;
      for (let i = e.start; i < e.end; i++) sum += sim.tracks[(index(e.id) * 800 + i) * 2]!;
      return sum / (e.end - e.start);
    };
    const mean = (kind: string) => {
      const xs = elements.filter((e) => e.kind === kind).map(dnaseAround);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean('active')).toBeGreaterThan(3);
    expect(mean('decoy')).toBeGreaterThan(3);
    expect(Math.abs(mean('active') - mean('decoy'))).toBeLessThan(1.5);
    expect(mean('closed')).toBeLessThan(1);
  });

  it('rejects bad options by name', () => {
    expect(() => simulateSeq2Exp({ length: 50 })).toThrow(OptionError);
    expect(() => simulateSeq2Exp({ decoys: -1 })).toThrow(/option 'decoys'/);
  });
});
