/**
 * Readers for promoter files: the DREAM training format (`sequence \t expression`, no header), delimited
 * tables with a header (TSV/CSV, column names as options) and FASTA (multi-line). Each returns an Arquero
 * table with `id`, `sequence` (upper case, validated) and, where the file has one, `expression`, plus any
 * other columns of a delimited file. Every problem is reported with file and line.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../errors';
import { normalizeSequence } from './alphabet';
import { readTextFile, splitLines } from '../io/text-file';
import { separatorHint } from '../io/text-encoding';

export const FORMATS = ['dream', 'tsv', 'csv', 'fasta'] as const;
export type Format = (typeof FORMATS)[number];

/** Options of {@link readPromoters}. */
export interface ReadOptions {
  /** File format; guessed from the content and name when left out. */
  format?: Format;
  /** Delimited files: the column holding sequences (default `sequence`). */
  sequenceColumn?: string;
  /** Delimited files: the column holding measured expression (default `expression`, optional). */
  expressionColumn?: string;
  /** Delimited files: the column holding identifiers (default `id` when present, else the line number). */
  idColumn?: string;
}

/**
 * Reads a promoter file (plain or gzip) into a table of `id`, `sequence`, `expression`, ….
 * @param path - A DREAM txt (two headerless columns), TSV/CSV with a header, or FASTA file; plain or gzip.
 * @param options - `format` ('dream', 'tsv', 'csv', 'fasta'; default guessed from content and name),
 *   `sequenceColumn` (default 'sequence'), `expressionColumn` (default 'expression', optional), `idColumn`
 *   (default 'id' when present, else the line number).
 * @returns A table with `id`, `sequence` and, when the file has it, `expression` (other columns kept).
 * @example
 * const train = readPromoters('train_sequences.txt');
 */
export function readPromoters(path: string, options: ReadOptions = {}): ColumnTable {
  return parsePromoters(readTextFile(path), path, options);
}

/** Parses promoter text; `source` names the file in errors. */
export function parsePromoters(text: string, source: string, options: ReadOptions = {}): ColumnTable {
  const lines = splitLines(text);
  if (!lines.some((line) => line.trim() !== '')) throw new InputError('file is empty', { file: source });
  const format = options.format ?? guessFormat(lines, source);
  if (!FORMATS.includes(format)) {
    throw new OptionError(`unknown format '${format}'; expected one of ${FORMATS.join(', ')}`, { option: 'format' });
  }
  switch (format) {
    case 'fasta':
      return parseFasta(lines, source);
    case 'dream':
      return parseDream(lines, source);
    case 'tsv':
    case 'csv':
      return parseDelimited(lines, source, format === 'tsv' ? '\t' : ',', options);
  }
}

/** FASTA by a leading `>`, CSV/TSV by name, else DREAM's two headerless columns when the first field is DNA. */
export function guessFormat(lines: readonly string[], source: string): Format {
  const first = lines.find((line) => line.trim() !== '') ?? '';
  if (first.startsWith('>')) return 'fasta';
  const name = source.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (/\.(fa|fasta|fna)$/.test(name)) return 'fasta';
  const fields = first.split('\t');
  if (fields.length === 2 && /^[ACGTNacgtn]+$/.test(fields[0]!)) return 'dream';
  return 'tsv';
}

function parseFasta(lines: readonly string[], source: string): ColumnTable {
  const ids: string[] = [];
  const sequences: string[] = [];
  let parts: string[] = [];
  let headerLine = 0;
  const finish = () => {
    if (!ids.length) return;
    const sequence = parts.join('');
    if (!sequence) throw new InputError(`record '${ids[ids.length - 1]}' has no sequence`, { file: source, line: headerLine });
    sequences.push(sequence);
  };
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) return;
    if (line.startsWith('>')) {
      finish();
      const id = line.slice(1).trim().split(/\s+/)[0] ?? '';
      if (!id) throw new InputError('FASTA header without an identifier', { file: source, line: index + 1 });
      ids.push(id);
      headerLine = index + 1;
      parts = [];
    } else {
      if (!ids.length) throw new InputError("sequence data before the first '>' header", { file: source, line: index + 1 });
      parts.push(normalizeSequence(line, { file: source, line: index + 1 }));
    }
  });
  finish();
  return aq.table({ id: ids, sequence: sequences });
}

function parseDream(lines: readonly string[], source: string): ColumnTable {
  const ids: string[] = [];
  const sequences: string[] = [];
  const expression = new Float64Array(lines.length);
  let n = 0;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const place = { file: source, line: index + 1 };
    const fields = line.split('\t');
    if (fields.length !== 2) {
      throw new InputError(`expected 2 tab-separated fields (sequence, expression), found ${fields.length}`, place);
    }
    sequences.push(normalizeSequence(fields[0]!.trim(), { ...place, field: 'sequence' }));
    expression[n++] = parseNumber(fields[1]!, { ...place, field: 'expression' });
    ids.push(String(index + 1));
  });
  return aq.table({ id: ids, sequence: sequences, expression: expression.slice(0, n) });
}

function parseDelimited(lines: readonly string[], source: string, delimiter: string, options: ReadOptions): ColumnTable {
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  const header = splitFields(lines[headerIndex]!, delimiter);
  const sequenceColumn = options.sequenceColumn ?? 'sequence';
  const expressionColumn = options.expressionColumn ?? 'expression';
  const idColumn = options.idColumn ?? (header.includes('id') ? 'id' : undefined);
  const need = (name: string, option: string) => {
    const at = header.indexOf(name);
    if (at < 0) {
      throw new InputError(`missing column '${name}' (columns are: ${header.join(', ')}); set option '${option}'${separatorHint(header, delimiter)}`, {
        file: source,
        line: headerIndex + 1,
      });
    }
    return at;
  };
  const sequenceAt = need(sequenceColumn, 'sequenceColumn');
  const expressionAt = options.expressionColumn ? need(expressionColumn, 'expressionColumn') : header.indexOf(expressionColumn);
  const idAt = idColumn === undefined ? -1 : need(idColumn, 'idColumn');

  const columns: Record<string, unknown[]> = {};
  header.forEach((name) => (columns[name] = []));
  const ids: string[] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    const place = { file: source, line: index + 1 };
    const fields = splitFields(line, delimiter);
    if (fields.length !== header.length) {
      throw new InputError(`expected ${header.length} fields like the header, found ${fields.length}`, place);
    }
    fields.forEach((value, at) => {
      const name = header[at]!;
      if (at === sequenceAt) columns[name]!.push(normalizeSequence(value.trim(), { ...place, field: name }));
      else if (at === expressionAt) columns[name]!.push(parseNumber(value, { ...place, field: name }));
      else columns[name]!.push(value);
    });
    ids.push(idAt >= 0 ? fields[idAt]! : String(index + 1));
  }
  const { [sequenceColumn]: sequence, ...rest } = columns;
  const named: Record<string, unknown[]> = { id: ids, sequence: sequence! };
  for (const [name, values] of Object.entries(rest)) {
    if (name === idColumn) continue;
    named[name === expressionColumn ? 'expression' : name] = values;
  }
  return aq.table(named);
}

/** Splits one delimited line; double-quoted CSV fields may contain the delimiter and "" escapes. */
export function splitFields(line: string, delimiter: string): string[] {
  if (delimiter === '\t' || !line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) fields.push(field), (field = '');
    else field += ch;
  }
  fields.push(field);
  return fields;
}

export function parseNumber(text: string, place: { file: string; line: number; field: string }): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) {
    throw new InputError(`expected a number, found '${trimmed}'`, place);
  }
  return value;
}
