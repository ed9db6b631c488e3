import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as aq from 'arquero';
import { InputError } from '../../src/errors';
import {
  assembleDeepRageData, expressionMatrixTable, parseExpressionMatrix, readExpressionMatrix, readRegulatorList,
} from '../../src/data/expression-matrix';
import { parseBed, readBed } from '../../src/data/tracks/bed';
import { tempDir } from '../helpers/paths';

describe('expression matrix (genes × conditions TSV)', () => {
  it('reads values, NA cells and gzip', () => {
    const file = join(tempDir(), 'matrix.tsv.gz');
    writeFileSync(file, gzipSync('# Gasch-like\nUID\theat 5min\tcold\tH2O2\nYAL001C\t0.5\tNA\t-1.25\nYAL002W\t\t2\t0\n'));
    const m = readExpressionMatrix(file);
    expect(m.genes).toEqual(['YAL001C', 'YAL002W']);
    expect(m.conditions).toEqual(['heat 5min', 'cold', 'H2O2']);
    expect(Array.from(m.values)).toEqual([0.5, NaN, -1.25, NaN, 2, 0]);
    expect(expressionMatrixTable(m).objects()).toEqual([
      { gene: 'YAL001C', condition: 'heat 5min', expression: 0.5 },
      { gene: 'YAL001C', condition: 'H2O2', expression: -1.25 },
      { gene: 'YAL002W', condition: 'cold', expression: 2 },
      { gene: 'YAL002W', condition: 'H2O2', expression: 0 },
    ]);
  });

  it('names the file, line and field of a bad cell, and rejects duplicates', () => {
    expect(() => parseExpressionMatrix('g\ta\tb\nX\t1\tfoo\n', 'm.tsv')).toThrow(/m\.tsv:2, field 'b': expected a number or NA, found 'foo'/);
    expect(() => parseExpressionMatrix('g\ta\nX\t1\nX\t2\n', 'm.tsv')).toThrow(/m\.tsv:3: gene 'X' already on line 2/);
    expect(() => parseExpressionMatrix('g\ta\ta\nX\t1\t2\n', 'm.tsv')).toThrow(/condition 'a' appears twice/);
    expect(() => parseExpressionMatrix('g\ta\nX\t1\t2\n', 'm.tsv')).toThrow(InputError);
  });

  it('reads a regulator list (comments, first column) and assembles DeepRAGE data, reporting what it drops', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'regs.txt'), '# regulators\nYAP1\tbZIP\nMSN2\nNOPE\n');
    const regulators = readRegulatorList(join(dir, 'regs.txt'));
    expect(regulators).toEqual(['YAP1', 'MSN2', 'NOPE']);
    const matrix = parseExpressionMatrix('gene\tc1\tc2\nYAP1\t1\t-1\nMSN2\tNA\t3\nGENE1\t0.5\t0.25\nORPHAN\t1\t1\n', 'm.tsv');
    const promoters = aq.table({ id: ['YML007W', 'YMR037C', 'YGENE1'], common_name: ['YAP1', 'MSN2', 'GENE1'], sequence: ['ACGT', 'AAAA', 'CCCC'] });
    const { data, dropped } = assembleDeepRageData(matrix, regulators, promoters);
    expect(data.genes).toEqual(['YAP1', 'MSN2', 'GENE1']);
    expect(data.sequences).toEqual(['ACGT', 'AAAA', 'CCCC']);
    expect(Array.from(data.expression)).toEqual([1, -1, NaN, 3, 0.5, 0.25]);
    // conditions × regulators; a missing regulator value becomes 0 (no change)
    expect(Array.from(data.regulatorExpression)).toEqual([1, 0, -1, 3]);
    expect(dropped.objects()).toEqual([
      { kind: 'regulator', name: 'NOPE', reason: 'not a row of the expression matrix' },
      { kind: 'gene', name: 'ORPHAN', reason: 'no promoter with that name' },
    ]);
  });
});

describe('BED', () => {
  it('reads BED6 with track lines and extra columns, 0-based half-open', () => {
    const file = join(tempDir(), 'peaks.bed');
    writeFileSync(file, 'track name=x\n# c\nchrI\t100\t200\tp1\t5.5\t+\tx\nchrII\t0\t10\tp2\t.\t-\ty\n');
    const bed = readBed(file);
    expect(bed.columnNames()).toEqual(['chrom', 'start', 'end', 'name', 'score', 'strand', 'field7']);
    expect(bed.object(0)).toEqual({ chrom: 'chrI', start: 100, end: 200, name: 'p1', score: 5.5, strand: '+', field7: 'x' });
    expect(Number.isNaN(bed.get('score', 1))).toBe(true);
  });

  it('reads BED3 and rejects bad coordinates with file and line', () => {
    expect(parseBed('chr1\t5\t9\n', 'a.bed').objects()).toEqual([{ chrom: 'chr1', start: 5, end: 9 }]);
    expect(() => parseBed('chr1\t5\t9\nchr1\t-1\t3\n', 'a.bed')).toThrow(/a\.bed:2, field 'start': expected a non-negative integer/);
    expect(() => parseBed('chr1\t9\t5\n', 'a.bed')).toThrow(/a\.bed:1: end 5 is before start 9/);
    expect(() => parseBed('chr1\t1\t5\tn\t0\t*\n', 'a.bed')).toThrow(/strand must be/);
    expect(() => parseBed('chr1\t1\n', 'a.bed')).toThrow(/at least 3/);
  });
});
