import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceStore } from '../../src/data/store';
import { codeRows, gatherValues, storeRows, subsetRows } from '../../src/data/store-rows';
import { encode, ENCODINGS } from '../../src/data/encode';
import { loadTrainingSet, trainingSetSummary } from '../../src/data/load-store';
import { preprocess } from '../../src/data/preprocess';
import { readPromoters } from '../../src/data/read';
import { createRandom } from '../../src/stats/random';
import { tempDir } from '../helpers/paths';

function randomSequences(n: number, length: number, seed: number): string[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length }, () => 'ACGTNacgtn'[rng.float() < 0.05 ? 4 + 5 * rng.int(2) : rng.int(4) + 5 * rng.int(2)]).join(''));
}

describe('SequenceStore', () => {
  const sequences = randomSequences(300, 37, 1);

  it('keeps 2 bits + an N bit per base across chunk borders and gives the letters back', () => {
    const store = SequenceStore.fromSequences(sequences, { rowsPerChunk: 7 });
    expect(store.count).toBe(300);
    expect(store.codeBytes).toBe(10);
    expect(store.maskBytes).toBe(5);
    sequences.forEach((s, row) => expect(store.sequence(row)).toBe(s.toUpperCase()));
    expect(() => store.readCodes(300, new Uint8Array(37))).toThrow(/row 300 is not in 0–299/);
  });

  it('pads with N at the 3′ end and truncates, as Camformer preprocessing does', () => {
    const store = new SequenceStore(6);
    const letters = Buffer.from('ACGTACGTAC', 'latin1');
    store.pushLetters(letters, 0, 4);
    store.pushLetters(letters, 2, 10);
    expect([store.sequence(0), store.sequence(1)]).toEqual(['ACGTNN', 'GTACGT']);
  });

  it('encodes requested rows exactly as encode() does, for every encoding', () => {
    const store = SequenceStore.fromSequences(sequences, { rowsPerChunk: 16 });
    const expression = sequences.map((_, i) => (i % 3 ? i : i + 0.5));
    const rows = [5, 0, 299, 17, 17, 128];
    for (const encoding of ENCODINGS) {
      const picked = rows.map((r) => sequences[r]!);
      const withValues = encode(picked, encoding, { expression: rows.map((r) => expression[r]!) });
      expect(storeRows(store, { encoding, expression }).encodeRows(rows)).toEqual(withValues.data);
      const flags = Uint8Array.from(expression, (v) => (Number.isInteger(v) ? 0 : 1));
      expect(storeRows(store, { encoding, intChannel: flags }).encodeRows(rows)).toEqual(withValues.data);
      // Without values every row is a multi-cell measurement (Int 1), like encode() without expression.
      expect(storeRows(store, { encoding }).encodeRows(rows)).toEqual(encode(picked, encoding).data);
      const codes = new Uint8Array(sequences.length * 37);
      sequences.forEach((_, r) => store.readCodes(r, codes, r * 37));
      expect(codeRows(codes, 37, { encoding, expression }).encodeRows(rows)).toEqual(withValues.data);
    }
  });

  it('subsets index into the same codes (a validation split, an epoch order)', () => {
    const rows = storeRows(SequenceStore.fromSequences(sequences), { encoding: 'onehotWithP' });
    const indices = Int32Array.from([9, 3, 250]);
    const subset = subsetRows(rows, indices);
    expect(subset.count).toBe(3);
    expect(subset.encodeRows([2, 0])).toEqual(rows.encodeRows([250, 9]));
    expect(() => subset.encodeRows([3])).toThrow(/row 3 is not in 0–2/);
    expect(() => subsetRows(rows, [300])).toThrow(/row 300 is not in 0–299/);
    expect(Array.from(gatherValues([10, 11, 12, 13], [3, 0]))).toEqual([13, 10]);
  });
});

describe('loadTrainingSet', () => {
  it('streams a DREAM file into the store with the same preprocessing as preprocess(readPromoters())', async () => {
    const rng = createRandom(4);
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const length = [110, 110, 110, 108, 112, 104, 117][rng.int(7)]!;
      let s = Array.from({ length }, () => 'ACGT'[rng.int(4)]).join('');
      if (i % 50 === 0) s = 'NNNN' + s.slice(4);
      if (i % 70 === 0) s = 'nn' + s.slice(2);
      lines.push(`${s}\t${i % 4 ? rng.int(18) : (rng.int(170) / 10).toFixed(1)}`);
      if (i % 300 === 0) lines.push('');
    }
    const file = join(tempDir('cislab-load-'), 'train.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    const expected = preprocess(readPromoters(file));
    const set = await loadTrainingSet(file, { chunkSize: 4096, rowsPerChunk: 256 });
    const table = expected.table;
    expect(set.store.count).toBe(table.numRows());
    expect(set.read).toBe(2000);
    expect(set.report.objects()).toEqual(expected.report.objects());
    const sequences = table.array('sequence') as string[];
    sequences.forEach((s, row) => expect(set.store.sequence(row)).toBe(s));
    expect(Array.from(set.expression)).toEqual(Array.from(Float32Array.from(table.array('expression') as ArrayLike<number>)));
    expect(Array.from(set.lines).map(String)).toEqual(table.array('id'));
    expect(Array.from(set.multiCell)).toEqual((table.array('expression') as number[]).map((v) => (Number.isInteger(v) ? 0 : 1)));
    expect(set.rows('onehotWithBoth').encodeRows([0, 7])).toEqual(
      encode([sequences[0]!, sequences[7]!], 'onehotWithBoth', { expression: [table.get('expression', 0), table.get('expression', 7)] }).data,
    );
    const summary = Object.fromEntries((trainingSetSummary(set).objects() as { quantity: string; value: number }[]).map((r) => [r.quantity, r.value]));
    expect(summary['rows kept']).toBe(table.numRows());
    expect(summary['dropped by length']).toBe(expected.report.get('count', 1));
  });

  it('refuses a file without expression, naming it', async () => {
    const file = join(tempDir('cislab-load-'), 'seqs.fa');
    writeFileSync(file, '>a\nACGT\n');
    await expect(loadTrainingSet(file, { length: 4 })).rejects.toThrow(/seqs\.fa: training data needs an expression/);
  });
});
