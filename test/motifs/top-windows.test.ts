import { describe, expect, it } from 'vitest';
import { topWindowMatrices, type ActivationBatch } from '../../src/motifs/top-windows';
import { OptionError } from '../../src/errors';
import { createRandom } from '../../src/stats/random';

/** Brute force: every (value, sequence, start, strand) with value > 0, stable-sorted by value, first `top`. */
function bruteForce(batches: ActivationBatch[], channel: number, top: number, offset: number): Array<[number, number, number]> {
  const all: Array<[number, number, number, number]> = [];
  for (const b of batches) {
    for (let s = 0; s < b.count; s++) {
      for (let p = 0; p < b.positions; p++) {
        const v = b.values[(s * b.positions + p) * b.channels + channel]!;
        if (v > 0) all.push([v, b.first + s, p - offset, b.strand === '-' ? 1 : 0]);
      }
    }
  }
  return all.sort((a, b) => b[0] - a[0]).slice(0, top).map(([, s, start, strand]) => [s, start, strand]);
}

describe('count matrices from the top activating windows', () => {
  it('counts the window of the highest activation (the documented example)', () => {
    const [m] = topWindowMatrices([{ values: [0, 5, 0, 1, 0, 0], first: 0, count: 2, positions: 3, channels: 1, length: 4 }], ['ACGT', 'TTAA'], { width: 2, top: 1 });
    expect(Array.from(m!.matrix)).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
    expect(m!.sites).toBe(1);
  });

  it('reads reverse-strand windows reverse-complemented, and counts only real bases of padded windows', () => {
    // On the reverse complement of AACG (CGTT), position 0 with offset 1 is the window [−1, 1): padding, then C.
    const batch = { values: [2, 0, 0, 0], first: 0, count: 1, positions: 4, channels: 1, length: 4, strand: '-' as const };
    const [counted] = topWindowMatrices([batch], ['AACG'], { width: 2, offset: 1 });
    expect(Array.from(counted!.matrix)).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
    const [skipped] = topWindowMatrices([batch], ['AACG'], { width: 2, offset: 1, partial: 'skip' });
    expect(skipped!.sites).toBe(0);
    const [normalised] = topWindowMatrices([batch], ['AACG'], { width: 2, offset: 1, pseudocount: 1, normalise: true });
    expect(Array.from(normalised!.matrix)).toEqual([0.25, 0.25, 0.25, 0.25, 0.2, 0.4, 0.2, 0.2]);
  });

  it('keeps exactly the top windows (ties to the first seen) however many candidates pass through', () => {
    const rng = createRandom(4);
    const L = 30;
    const sequences = Array.from({ length: 50 }, () => Array.from({ length: L }, () => 'ACGT'[rng.int(4)]).join(''));
    // Rounded values make many ties; 2 channels, both strands, batches of 7 sequences.
    const batches: ActivationBatch[] = [];
    for (let first = 0; first < 50; first += 7) {
      const count = Math.min(7, 50 - first);
      for (const strand of ['+', '-'] as const) {
        const values = Float32Array.from({ length: count * L * 2 }, () => Math.round(rng.normal() * 4) / 4);
        batches.push({ values, first, count, positions: L, channels: 2, length: L, strand });
      }
    }
    for (const top of [3, 10, 5000]) {
      const matrices = topWindowMatrices(batches, sequences, { width: 4, top, offset: 1 });
      for (const channel of [0, 1]) {
        const expected = new Float64Array(16);
        const hits = bruteForce(batches, channel, top, 1);
        for (const [s, start, strand] of hits) {
          for (let j = 0; j < 4; j++) {
            const at = start + j;
            if (at < 0 || at >= L) continue;
            const code = 'ACGT'.indexOf(sequences[s]![strand ? L - 1 - at : at]!);
            expected[j * 4 + (strand ? 3 - code : code)]! += 1;
          }
        }
        expect(matrices[channel]!.sites).toBe(hits.length);
        expect(Array.from(matrices[channel]!.matrix)).toEqual(Array.from(expected));
      }
    }
  });

  it('gives one empty matrix per channel for no input, and names bad batches and options', () => {
    const empty = topWindowMatrices([], [], { width: 3, channels: 2 });
    expect(empty.map((m) => [m.channel, m.sites, m.matrix.length])).toEqual([[0, 0, 12], [1, 0, 12]]);
    expect(() => topWindowMatrices([{ values: [1, 2], first: 0, count: 1, positions: 3, channels: 1, length: 3 }], ['ACG'], { width: 1 })).toThrow(OptionError);
    expect(() => topWindowMatrices([{ values: [1], first: 1, count: 1, positions: 1, channels: 1, length: 1 }], ['A'], { width: 1 })).toThrow(/option 'sequences'/);
    expect(() => topWindowMatrices([], [], { width: 0 })).toThrow(/option 'width'/);
    expect(() => topWindowMatrices([], [], { width: 2, top: 1.5 })).toThrow(/option 'top'/);
  });
});
