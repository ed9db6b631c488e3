import { describe, expect, it } from 'vitest';
import { fimoTextScanner } from '../../src/motifs/fimo-text';
import { scanFimo } from '../../src/motifs/fimo';
import { formatG } from '../../src/motifs/fimo-tsv';
import type { Motif } from '../../src/motifs/motif';
import { parseMeme } from '../../src/motifs/formats';
import { simulatePromoters } from '../../src/simulate/promoters';

const meme = ['MEME version 4', '', 'ALPHABET= ACGT', '', 'strands: + -', '', 'Background letter frequencies', 'A 0.25 C 0.25 G 0.25 T 0.25', '',
  'MOTIF REB1like REB1', 'letter-probability matrix: alength= 4 w= 8 nsites= 20 E= 0',
  ...'TTACCCGG'.split('').map((b) => 'ACGT'.split('').map((x) => (x === b ? '0.91' : '0.03')).join(' ')), '',
  'MOTIF Ebox CACGTG', 'letter-probability matrix: alength= 4 w= 6 nsites= 20 E= 0',
  ...'CACGTG'.split('').map((b) => 'ACGT'.split('').map((x) => (x === b ? '0.85' : '0.05')).join(' ')), ''].join('\n');

describe('fimoTextScanner (FIMO --text)', () => {
  const motifs: Motif[] = parseMeme(meme);
  const { table } = simulatePromoters({ n: 120, seed: 6 });
  const sequences = (table.array('sequence') as string[]).map((sequence, i) => ({ name: `s${i}`, sequence }));

  it('finds the hits scanFimo finds, with the same scores and p-values, in scan order and without q-values', () => {
    const scanner = fimoTextScanner(motifs, { threshold: 1e-3, region: { start: 18, end: 97 } });
    const lines = scanner.scan(sequences).text.trim().split('\n');
    const reference = scanFimo(motifs, sequences, { threshold: 1e-3, region: { start: 18, end: 97 } });
    expect(lines.length).toBe(reference.numRows());
    const key = (f: string[]) => f.slice(0, 6).join(' ');
    const fromTable = new Map((reference.objects() as Record<string, unknown>[]).map((r) => [
      [r['motif_id'], r['motif_alt_id'], r['sequence_name'], r['start'], r['stop'], r['strand']].join(' '), r,
    ]));
    const order = lines.map((l) => Number(l.split('\t')[2]!.slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b)); // sequence order
    for (const line of lines) {
      const f = line.split('\t');
      const r = fromTable.get(key(f))!;
      expect(r).toBeDefined();
      expect(f[6]).toBe(formatG(r['score'] as number, 6));
      expect(f[7]).toBe(formatG(r['p-value'] as number, 3));
      expect(f[8]).toBe('');
      expect(f[9]).toBe(r['matched_sequence']);
    }
    expect(scanner.header.startsWith('motif_id\tmotif_alt_id\tsequence_name')).toBe(true);
  });

  it('gives the same text however the input is cut into blocks', () => {
    const scanner = fimoTextScanner(motifs, { threshold: 1e-3 });
    const whole = scanner.scan(sequences).text;
    const pieces = [sequences.slice(0, 1), sequences.slice(1, 50), sequences.slice(50, 50), sequences.slice(50)].map((b) => scanner.scan(b).text).join('');
    expect(pieces).toBe(whole);
  });
});
