import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { countRecords, readRecordBlocks, tableRecordBlocks, type RecordBlock, type StreamReadOptions } from '../../src/data/read-stream';
import { readPromoters } from '../../src/data/read';
import { createRandom } from '../../src/stats/random';
import { tempDir } from '../helpers/paths';

interface Flat { ids: string[]; sequences: string[]; expression: number[]; lines: number[]; firsts: number[]; idx: string[] }

async function flatten(blocks: AsyncIterable<RecordBlock> | Iterable<RecordBlock>): Promise<Flat> {
  const out: Flat = { ids: [], sequences: [], expression: [], lines: [], firsts: [], idx: [] };
  for await (const b of blocks) {
    out.firsts.push(b.first);
    for (let k = 0; k < b.count; k++) {
      out.sequences.push(Buffer.from(b.letters.subarray(b.starts[k]!, b.starts[k]! + b.lengths[k]!)).toString('latin1').toUpperCase());
      out.lines.push(b.lines[k]!);
      if (b.expression) out.expression.push(b.expression[k]!);
      if (b.ids) out.ids.push(b.ids[k]!);
    }
    if (b.columns['idx']) out.idx.push(...b.columns['idx']);
  }
  return out;
}

const read = (file: string, options: StreamReadOptions = {}) => flatten(readRecordBlocks(file, { ids: true, chunkSize: 512, blockSize: 37, ...options }));

describe('readRecordBlocks', () => {
  const dir = tempDir('cislab-stream-');
  const rng = createRandom(8);
  const seq = () => Array.from({ length: 20 + rng.int(10) }, () => 'ACGTNacgt'[rng.int(9)]).join('');
  const dream = join(dir, 'train.txt');
  writeFileSync(dream, Array.from({ length: 500 }, (_, i) => (i % 41 === 0 ? '\n' : '') + `${seq()}\t${i % 3 ? i : i / 7}`).join('\r\n'));
  const tsv = join(dir, 'set.tsv.gz');
  writeFileSync(tsv, gzipSync(['name\tsequence\tidx\texpression', ...Array.from({ length: 300 }, (_, i) => `s${i}\t${seq()}\t${i * 2}\t${i / 4}`)].join('\n') + '\n'));
  const fasta = join(dir, 'set.fa');
  writeFileSync(fasta, Array.from({ length: 200 }, (_, i) => `>r${i} description\n${seq()}\n${i % 2 ? seq() + '\n' : ''}${i % 9 ? '' : '; comment\n\n'}`).join(''));

  it('returns what readPromoters returns, block by block (DREAM, TSV with gzip, FASTA)', async () => {
    for (const [file, options] of [[dream, {}], [tsv, { idColumn: 'name' }], [fasta, {}]] as const) {
      const table = readPromoters(file, options);
      const got = await read(file, options);
      expect(got.sequences).toEqual(table.array('sequence'));
      expect(got.ids).toEqual(table.array('id'));
      if (table.columnNames().includes('expression')) expect(got.expression).toEqual(Array.from(table.array('expression') as ArrayLike<number>));
      expect(await countRecords(file, options)).toBe(table.numRows());
    }
    expect((await read(tsv, { idColumn: 'name', columns: ['idx', 'absent'] })).idx.slice(0, 3)).toEqual(['0', '2', '4']);
    expect((await read(dream)).firsts.slice(0, 3)).toEqual([0, 37, 74]);
  });

  it('reads a range of records [from, to) in file order, for shards', async () => {
    for (const file of [dream, tsv, fasta]) {
      const all = await read(file);
      const part = await read(file, { from: 45, to: 160 });
      expect(part.sequences).toEqual(all.sequences.slice(45, 160));
      expect(part.lines).toEqual(all.lines.slice(45, 160));
      expect(part.firsts[0]).toBe(45);
      expect((await read(file, { from: 10, to: 10 })).sequences).toEqual([]);
    }
  });

  it('reports bad lines as readPromoters does: file, line, field', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'ACGT\t1\nACGT\t2\n\nACXT\t3\n');
    await expect(read(bad)).rejects.toThrow(/bad\.txt:4, field 'sequence': invalid letter 'X' at position 3/);
    expect(() => readPromoters(bad)).toThrow(/bad\.txt:4, field 'sequence': invalid letter 'X' at position 3/);
    writeFileSync(bad, 'ACGT\t1\nACGT\tone\n');
    await expect(read(bad)).rejects.toThrow(/bad\.txt:2, field 'expression': expected a number, found 'one'/);
    writeFileSync(bad, 'ACGT\t1\nACGT\t2\t3\n');
    await expect(read(bad)).rejects.toThrow(/bad\.txt:2: expected 2 tab-separated fields \(sequence, expression\), found 3/);
    writeFileSync(bad, '  \n\n');
    await expect(read(bad)).rejects.toThrow(/bad\.txt: file is empty/);
    const badFasta = join(dir, 'bad.fa');
    writeFileSync(badFasta, 'ACGT\n>a\nAC\n');
    await expect(read(badFasta, { format: 'fasta' })).rejects.toThrow(/bad\.fa:1: sequence data before the first '>' header/);
    writeFileSync(badFasta, '>a\n>b\nAC\n');
    await expect(read(badFasta)).rejects.toThrow(/bad\.fa:1: record 'a' has no sequence/);
  });

  it('gives an in-memory table the same block shape', async () => {
    const table = readPromoters(tsv, { idColumn: 'name' });
    const got = await flatten(tableRecordBlocks(table, { ids: true, blockSize: 64, from: 5, to: 100, columns: ['idx'] }));
    expect(got.sequences).toEqual((table.array('sequence') as string[]).slice(5, 100));
    expect(got.ids).toEqual((table.array('id') as string[]).slice(5, 100));
    expect(got.idx[0]).toBe('10');
  });
});
