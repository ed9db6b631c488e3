import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError, OptionError } from '../../src/errors';
import { guessFormat, parsePromoters, readPromoters } from '../../src/data/read';
import { DATA_DIR, tempDir } from '../helpers/paths';

describe('DREAM training format', () => {
  it('reads the real demo_train file: 6,370 records (6,369 newlines, no final one)', () => {
    const table = readPromoters(join(DATA_DIR, 'dream2022', 'demo_train.txt'));
    expect(table.numRows()).toBe(6370);
    expect(table.columnNames()).toEqual(['id', 'sequence', 'expression']);
    const first = table.object(0) as { sequence: string; expression: number };
    expect(first.sequence.startsWith('TGCATTTTTTTCACATC')).toBe(true);
    expect(first.expression).toBeCloseTo(15.1823836007871, 12);
  });

  it('accepts lower case and gzip, and names file and line of a bad letter', () => {
    const dir = tempDir();
    const file = join(dir, 'seqs.txt.gz');
    writeFileSync(file, gzipSync('acgtn\t1.5\nACGTX\t2\n'));
    expect(() => readPromoters(file, { format: 'dream' })).toThrow(/seqs\.txt\.gz:2, field 'sequence': invalid letter 'X' at position 5/);
    writeFileSync(file, gzipSync('acgtn\t1.5\n'));
    expect(readPromoters(file).object(0)).toEqual({ id: '1', sequence: 'ACGTN', expression: 1.5 });
  });

  it('rejects a non-numeric expression and a wrong field count with the line', () => {
    expect(() => parsePromoters('ACGT\t1\nACGT\tabc\n', 'x.txt')).toThrow(/x\.txt:2, field 'expression': expected a number, found 'abc'/);
    expect(() => parsePromoters('ACGT\t1\nACGT\t1\t3\n', 'x.txt', { format: 'dream' })).toThrow(/x\.txt:2: expected 2 tab-separated fields/);
  });

  it('rejects an empty file', () => {
    expect(() => parsePromoters('\n\n', 'empty.txt')).toThrow(InputError);
    expect(() => parsePromoters('', 'empty.txt')).toThrow(/empty\.txt: file is empty/);
  });
});

describe('delimited tables', () => {
  it('reads TSV with named columns and keeps the others', () => {
    const table = parsePromoters('name\tseq\tyfp\tgroup\nA\tACGT\t1.5\tx\nB\tTTGA\t-2\ty\n', 't.tsv', {
      format: 'tsv', sequenceColumn: 'seq', expressionColumn: 'yfp', idColumn: 'name',
    });
    expect(table.objects()).toEqual([
      { id: 'A', sequence: 'ACGT', expression: 1.5, group: 'x' },
      { id: 'B', sequence: 'TTGA', expression: -2, group: 'y' },
    ]);
  });

  it('reads CSV with quoted fields', () => {
    const table = parsePromoters('sequence,expression,note\nACGT,3,"a, b"\n', 'q.csv');
    expect(table.object(0)).toEqual({ id: '2', sequence: 'ACGT', expression: 3, note: 'a, b' });
  });

  it('names a missing column and lists the ones there are', () => {
    expect(() => parsePromoters('seq\tx\nACGT\t1\n', 'm.tsv', { format: 'tsv' })).toThrow(
      /m\.tsv:1: missing column 'sequence' \(columns are: seq, x\); set option 'sequenceColumn'/,
    );
  });

  it('reports a ragged row', () => {
    expect(() => parsePromoters('sequence\texpression\nACGT\t1\nACGT\n', 'r.tsv', { format: 'tsv' })).toThrow(
      /r\.tsv:3: expected 2 fields like the header, found 1/,
    );
  });
});

describe('FASTA', () => {
  it('joins multi-line records and keeps the first word of the header as id', () => {
    const table = parsePromoters('>g1 some gene\nACGT\nacgt\n\n>g2\nNNAC\n', 'p.fa');
    expect(table.objects()).toEqual([
      { id: 'g1', sequence: 'ACGTACGT' },
      { id: 'g2', sequence: 'NNAC' },
    ]);
  });

  it('reads the real gzip yeast promoters (5,870; all but 6 near chromosome ends are 1,000 nt)', () => {
    const table = readPromoters(join(DATA_DIR, 'yeast', 'Scer_promoters_1kb_upstream_ATG_nondubiousORFs.fa.gz'));
    expect(table.numRows()).toBe(5870);
    expect((table.array('sequence') as string[]).filter((s) => s.length === 1000).length).toBe(5864);
  });

  it('rejects sequence before a header and an empty record', () => {
    expect(() => parsePromoters('ACGT\n>a\nAC\n', 'b.fa', { format: 'fasta' })).toThrow(/b\.fa:1: sequence data before the first '>'/);
    expect(() => parsePromoters('>a\n>b\nAC\n', 'c.fa')).toThrow(/c\.fa:1: record 'a' has no sequence/);
  });
});

describe('format guessing and options', () => {
  it('guesses from content and name', () => {
    expect(guessFormat(['>x'], 'a.txt')).toBe('fasta');
    expect(guessFormat(['ACGT\t1'], 'a.txt')).toBe('dream');
    expect(guessFormat(['sequence\texpression'], 'a.txt')).toBe('tsv');
    expect(guessFormat(['sequence,expression'], 'a.csv.gz')).toBe('csv');
  });

  it('rejects an unknown format option', () => {
    expect(() => parsePromoters('ACGT\t1', 'a', { format: 'bam' as never })).toThrow(OptionError);
  });

  it('names a missing file', () => {
    expect(() => readPromoters('/no/such/file.txt')).toThrow(/\/no\/such\/file\.txt: file not found/);
  });
});
