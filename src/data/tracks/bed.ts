/**
 * BED reader (BED3 to BED6, extra columns kept): `chrom, start` (0-based), `end` (exclusive), and where
 * present `name, score, strand`, then `field7…`. `track`, `browser` and `#` lines are skipped. Coordinates
 * are checked (integers, 0 ≤ start ≤ end) and every problem names the file and line.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError } from '../../errors';
import { readTextFile, splitLines } from '../../io/text-file';

const NAMED = ['chrom', 'start', 'end', 'name', 'score', 'strand'] as const;

/** Reads a BED file (plain or gzip). */
export function readBed(path: string): ColumnTable {
  return parseBed(readTextFile(path), path);
}

export function parseBed(text: string, source: string): ColumnTable {
  const columns: unknown[][] = [];
  let width = -1;
  splitLines(text).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('track') || line.startsWith('browser')) return;
    const place = { file: source, line: index + 1 };
    const fields = line.split('\t');
    if (fields.length < 3) throw new InputError(`expected at least 3 tab-separated fields (chrom, start, end), found ${fields.length}`, place);
    if (width < 0) {
      width = fields.length;
      for (let i = 0; i < width; i++) columns.push([]);
    } else if (fields.length !== width) {
      throw new InputError(`expected ${width} fields like the first record, found ${fields.length}`, place);
    }
    const start = coordinate(fields[1]!, { ...place, field: 'start' });
    const end = coordinate(fields[2]!, { ...place, field: 'end' });
    if (end < start) throw new InputError(`end ${end} is before start ${start}`, place);
    fields.forEach((value, i) => {
      if (i === 1) columns[i]!.push(start);
      else if (i === 2) columns[i]!.push(end);
      else if (i === 4 && width > 4) columns[i]!.push(value === '.' ? NaN : number(value, { ...place, field: 'score' }));
      else if (i === 5 && !['+', '-', '.'].includes(value)) throw new InputError(`strand must be +, - or ., found '${value}'`, { ...place, field: 'strand' });
      else columns[i]!.push(value);
    });
  });
  if (width < 0) return aq.table({ chrom: [], start: new Int32Array(0), end: new Int32Array(0) });
  const named: Record<string, unknown[] | Int32Array | Float64Array> = {};
  columns.forEach((values, i) => {
    const name = i < NAMED.length ? NAMED[i]! : `field${i + 1}`;
    named[name] = i === 1 || i === 2 ? Int32Array.from(values as number[]) : i === 4 ? Float64Array.from(values as number[]) : values;
  });
  return aq.table(named);
}

function coordinate(text: string, place: { file: string; line: number; field: string }): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new InputError(`expected a non-negative integer, found '${text}'`, place);
  return value;
}

function number(text: string, place: { file: string; line: number; field: string }): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InputError(`expected a number, found '${text}'`, place);
  return value;
}
