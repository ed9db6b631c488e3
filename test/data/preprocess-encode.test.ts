import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { preprocess } from '../../src/data/preprocess';
import { encode, encodedBatches, encodingChannels, mapBatches, reverseComplementEncoded } from '../../src/data/encode';
import { readDream2022 } from '../../src/data/dream2022/read';
import { reverseComplement, normalizeSequence } from '../../src/data/alphabet';
import { OptionError } from '../../src/errors';

const seq = (length: number, fill = 'A') => fill.repeat(length);

describe('Camformer preprocessing', () => {
  it('keeps 110 ± 3 with ≤ 3 N, pads with N at the 3′ end, truncates, and reports why rows went', () => {
    const table = aq.table({
      sequence: [seq(110), seq(107), seq(113, 'C'), seq(106), seq(114), 'NNNN' + seq(106), 'NNN' + seq(107)],
      expression: [1, 2, 3, 4, 5, 6, 7],
    });
    const { table: kept, report } = preprocess(table);
    expect(kept.array('expression')).toEqual([1, 2, 3, 7]);
    const sequences = kept.array('sequence') as string[];
    expect(sequences.every((s) => s.length === 110)).toBe(true);
    expect(sequences[1]).toBe(seq(107) + 'NNN');
    expect(sequences[2]).toBe(seq(110, 'C'));
    const rows = report.objects() as { reason: string; count: number }[];
    expect(rows.map((r) => [r.reason, r.count])).toEqual([['kept', 4], ['length', 2], ['N', 1]]);
  });

  it('takes target length, margin and N tolerance as options and checks them', () => {
    const table = aq.table({ sequence: [seq(20), seq(25), 'N' + seq(19)] });
    expect(preprocess(table, { length: 20, margin: 5, maxN: 0 }).table.numRows()).toBe(2);
    expect(() => preprocess(table, { margin: -1 })).toThrow(OptionError);
  });

  it('on real demo_train keeps 6,238 of 6,370 (108 dropped by length, 24 by N)', () => {
    const { report } = preprocess(readDream2022('demo_train'));
    expect((report.objects() as { count: number }[]).map((r) => r.count)).toEqual([6238, 108, 24]);
  });
});

describe('encodings', () => {
  it('one-hot variants follow the paper: N as 0000 or 0.25s, purine channel, integer channel', () => {
    const one = encode(['ACGTN'], 'onehot');
    expect(one.shape).toEqual([1, 5, 4]);
    expect(Array.from(one.data)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(encode(['N'], 'onehotWithN').data)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(encode(['AGCTN'], 'onehotWithP').data.filter((_, i) => i % 5 === 4))).toEqual([1, 1, 0, 0, 0.5]);
    const withInt = encode(['A', 'A'], 'onehotWithInt', { expression: [12, 11.5] });
    expect(Array.from(withInt.data)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(encode(['G'], 'onehotWithInt').data)).toEqual([0, 0, 1, 0, 1]); // test sequences: 1
    const both = encode(['G'], 'onehotWithBoth', { expression: [3] });
    expect(Array.from(both.data)).toEqual([0, 0, 1, 0, 0, 1]); // Int then P
    expect([encodingChannels('onehot'), encodingChannels('onehotWithBoth')]).toEqual([4, 6]);
  });

  it('reverse complement of an encoding equals the encoding of the reverse complement', () => {
    const sequence = normalizeSequence('acgtnaagcttg');
    const rc = reverseComplementEncoded(encode([sequence], 'onehotWithP'));
    expect(Array.from(rc.data)).toEqual(Array.from(encode([reverseComplement(sequence)], 'onehotWithP').data));
  });

  it('rejects mixed lengths, an unknown encoding and a wrong expression count', () => {
    expect(() => encode(['AC', 'ACG'], 'onehot')).toThrow(/sequence 2 has length 3, expected 2/);
    expect(() => encode(['AC'], 'twohot' as never)).toThrow(/option 'encoding': unknown encoding 'twohot'/);
    expect(() => encode(['AC'], 'onehotWithInt', { expression: [1, 2] })).toThrow(OptionError);
  });

  it('loads and one-hot encodes the 71,103 DREAM test sequences (time printed, not asserted)', () => {
    const started = performance.now();
    const test = readDream2022('test');
    const { shape } = encode(test.array('sequence') as string[], 'onehot');
    const seconds = (performance.now() - started) / 1000;
    console.log(`DREAM test set: read + one-hot encode ${shape[0]} sequences in ${seconds.toFixed(2)} s`);
    expect(shape).toEqual([71103, 110, 4]);
  });
});

describe('batches of encoded rows', () => {
  it('slices every row once, in order, as views of the encoded data', async () => {
    const x = encode(['AAAA', 'CCCC', 'GGGG', 'TTTT', 'ACGT'], 'onehot');
    const batches = [...encodedBatches(x, 2)];
    expect(batches.map(({ first, count, batch }) => [first, count, batch.shape[0]])).toEqual([[0, 2, 2], [2, 2, 2], [4, 1, 1]]);
    expect(batches[2]!.batch.data.buffer).toBe(x.data.buffer);
    expect(Array.from(batches[1]!.batch.data.subarray(0, 4))).toEqual([0, 0, 1, 0]); // row 3 starts with G
    const firstChannel = await mapBatches(x, 2, (batch) => Float32Array.from({ length: batch.shape[0] }, (_, i) => batch.data[i * 16]!));
    expect(Array.from(firstChannel)).toEqual([1, 0, 0, 0, 1]);
    expect(() => [...encodedBatches(x, 0)]).toThrow(OptionError);
  });
});
