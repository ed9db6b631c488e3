/**
 * Promoter files read as a stream of record blocks: the same formats, validation and error messages as
 * `readPromoters` (DREAM txt, TSV/CSV with a header, FASTA; plain or gzip), but a file of any size is read in
 * bounded memory. A block holds up to `blockSize` records column-wise — the letters of all its sequences in
 * one byte buffer, their offsets, line numbers and expression in typed arrays — so a million records make 250
 * blocks, not a million objects. Records can be limited to a range `[from, to)` of the file's records (0-based,
 * in file order; blank lines and a delimited file's header are not records): that is how a shard reads its
 * part. Records before `from` are skipped without being checked.
 */
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../errors';
import { isBlankLine, lineText, readLineBlocks, type LineBlock, type LineReaderOptions } from '../io/line-reader';
import { separatorHint } from '../io/text-encoding';
import { BASE_INDEX, normalizeSequence } from './alphabet';
import { FORMATS, guessFormat, parseNumber, splitFields, type Format, type ReadOptions } from './read';

/** Up to `blockSize` records, column-wise. Record k's letters are `letters[starts[k], starts[k] + lengths[k])`. */
export interface RecordBlock {
  /** 0-based index of the block's first record among all records of the file. */
  first: number;
  count: number;
  /** ASCII letters (validated: A, C, G, T, N in either case) of every record, back to back. */
  letters: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
  /** 1-based line of each record (FASTA: of its header). */
  lines: Int32Array;
  /** Measured expression of each record, when the file has an expression column. */
  expression?: Float64Array;
  /** Identifiers (the file's ids, else line numbers as text); only when `ids: true` was asked for. */
  ids?: string[];
  /** Further delimited columns asked for in `columns` that the file has, as text. */
  columns: Record<string, string[]>;
}

export interface StreamReadOptions extends ReadOptions, LineReaderOptions {
  /** Records per block (default 4096). */
  blockSize?: number;
  /** First record to return (0-based, default 0). */
  from?: number;
  /** Stop before this record (default: the end of the file). */
  to?: number;
  /** Fill `ids` (default false: ids cost a string per record). */
  ids?: boolean;
  /** Delimited files: extra columns to carry through as text, when present (e.g. `idx`). */
  columns?: readonly string[];
  /**
   * End blocks at multiples of `blockSize` in the file's record numbering (default false: every block but the
   * last holds `blockSize` records from `from` on). A shard then batches its rows as the unsharded run does.
   */
  align?: boolean;
}

/**
 * The records of a promoter file, block by block.
 *
 * @example
 * for await (const block of readRecordBlocks('train.txt.gz', { blockSize: 1024 })) {
 *   console.log(block.first, block.count, block.expression?.[0]);
 * }
 */
export async function* readRecordBlocks(path: string, options: StreamReadOptions = {}): AsyncGenerator<RecordBlock> {
  const blockSize = options.blockSize ?? 4096;
  const from = options.from ?? 0;
  const to = options.to ?? Infinity;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new OptionError(`expected a positive integer, got ${blockSize}`, { option: 'blockSize' });
  if (!(Number.isInteger(from) && from >= 0 && (to === Infinity || (Number.isInteger(to) && to >= from)))) {
    throw new OptionError(`expected 0 ≤ from ≤ to, got ${from}–${to}`, { option: 'from' });
  }
  let parser: RecordParser | undefined;
  let builder: BlockBuilder | undefined;
  const sink: Sink = (record) => {
    const first = parser!.index - 1;
    builder ??= new BlockBuilder(first, options.align ? blockSize - (first % blockSize) : blockSize, parser!.hasExpression, options.ids === true);
    builder.add(record);
  };
  reading: for await (const lines of readLineBlocks(path, options)) {
    for (let i = 0; i < lines.count; i++) {
      parser ??= isBlankLine(lines, i) ? undefined : createParser(lineText(lines, i), path, options, from, to);
      if (!parser) continue;
      if (parser.index >= to) break reading;
      parser.line(lines, i, sink);
      if (builder && builder.count === builder.capacity) {
        yield builder.finish();
        builder = undefined;
      }
    }
  }
  if (!parser) throw new InputError('file is empty', { file: path });
  parser.end(sink);
  if (builder && builder.count) yield builder.finish();
}

/** What a promoter file holds, from one pass: its format, a delimited file's columns, and its number of records. */
export interface RecordSurvey {
  format: Format;
  /** Column names of a TSV/CSV header (empty for DREAM and FASTA). */
  columns: string[];
  records: number;
}

/** Format, columns and record count of a promoter file (the records `readRecordBlocks` returns without a range). */
export async function surveyRecords(path: string, options: ReadOptions & LineReaderOptions = {}): Promise<RecordSurvey> {
  let format: Format | undefined;
  let columns: string[] = [];
  let count = 0;
  for await (const lines of readLineBlocks(path, options)) {
    for (let i = 0; i < lines.count; i++) {
      if (isBlankLine(lines, i)) continue;
      if (!format) {
        const text = lineText(lines, i);
        format = checkedFormat(options.format ?? guessFormat([text], path));
        if (format === 'tsv' || format === 'csv') {
          columns = splitFields(text, format === 'tsv' ? '\t' : ',');
          continue; // the header is no record
        }
      }
      if (format !== 'fasta') count++;
      else if (firstNonSpace(lines, i) === 0x3e) count++;
    }
  }
  if (!format) throw new InputError('file is empty', { file: path });
  return { format, columns, records: count };
}

/** Number of records in a promoter file. */
export async function countRecords(path: string, options: ReadOptions & LineReaderOptions = {}): Promise<number> {
  return (await surveyRecords(path, options)).records;
}

/**
 * The records of a block as base codes 0–4, `length` per record, for a model that takes exactly `length` nt.
 * A record of another length is an InputError naming its line (`source` names the file).
 */
export function blockCodes(block: RecordBlock, length: number, source: string, what = 'the model', fit?: BlockFit): Uint8Array {
  const codes = new Uint8Array(block.count * length);
  for (let k = 0; k < block.count; k++) {
    const have = block.lengths[k]!;
    if (have !== length && (!fit || Math.abs(have - length) > fit.margin)) {
      throw new InputError(
        fit
          ? `sequence has ${have} nt but ${what} takes ${length} and was trained on ${length - fit.margin}–${length + fit.margin} nt (padded or truncated); this row is outside that range (every output row matches one input row, so none is dropped)`
          : `sequence has ${have} nt but ${what} takes ${length}; preprocess the file to ${length} nt first (every output row matches one input row, so nothing is padded or dropped here)`,
        { file: source, line: block.lines[k]! },
      );
    }
    const start = block.starts[k]!;
    const copy = Math.min(have, length);
    for (let i = 0; i < copy; i++) codes[k * length + i] = BASE_INDEX[block.letters[start + i]!]!;
    // Camformer's preprocessing: N at the 3′ end of a short row, a long one cut to the length.
    for (let i = copy; i < length; i++) codes[k * length + i] = 4;
    if (fit && have < length) fit.padded++;
    if (fit && have > length) fit.truncated++;
  }
  return codes;
}

/** The preprocessing a model was trained with, applied per row by `blockCodes`, counting what it did. */
export interface BlockFit {
  /** Rows within length ± margin are padded with N at the 3′ end or truncated; others are refused. */
  margin: number;
  padded: number;
  truncated: number;
}

/** The rows `[from, to)` of an in-memory promoter table (`sequence`, optional `expression`, `id`, extra columns) as record blocks. */
export function* tableRecordBlocks(table: ColumnTable, options: Omit<StreamReadOptions, keyof ReadOptions | 'chunkSize'> = {}): Generator<RecordBlock> {
  const blockSize = options.blockSize ?? 4096;
  const n = table.numRows();
  const to = Math.min(options.to ?? n, n);
  const names = table.columnNames();
  const sequences = table.array('sequence') as string[];
  const expression = names.includes('expression') ? (table.array('expression') as ArrayLike<number>) : undefined;
  const ids = names.includes('id') ? (table.array('id') as ArrayLike<unknown>) : undefined;
  const extra = (options.columns ?? []).filter((c) => names.includes(c)).map((c) => [c, table.array(c) as ArrayLike<unknown>] as const);
  for (let first = options.from ?? 0; first < to;) {
    const size = options.align ? blockSize - (first % blockSize) : blockSize;
    const builder = new BlockBuilder(first, size, expression !== undefined, options.ids === true);
    for (let row = first; row < Math.min(first + size, to); row++) {
      const sequence = normalizeSequence(sequences[row]!, { field: 'sequence', line: row + 1 });
      builder.add({
        letters: Buffer.from(sequence, 'latin1'), start: 0, end: sequence.length, line: row + 1,
        expression: expression ? Number(expression[row]) : NaN,
        id: ids ? String(ids[row]) : String(row + 1),
        columns: Object.fromEntries(extra.map(([c, values]) => [c, String(values[row])])),
      });
    }
    first += size;
    yield builder.finish();
  }
}

class BlockBuilder {
  count = 0;
  /** Records this block takes before it is full. */
  readonly capacity: number;
  private letters = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private readonly lines: Int32Array;
  private readonly expression?: Float64Array;
  private readonly ids?: string[];
  private readonly columns: Record<string, string[]> = {};

  constructor(private readonly first: number, size: number, hasExpression: boolean, withIds: boolean) {
    this.capacity = size;
    this.starts = new Int32Array(size);
    this.lengths = new Int32Array(size);
    this.lines = new Int32Array(size);
    if (hasExpression) this.expression = new Float64Array(size);
    if (withIds) this.ids = [];
  }

  /** Adds one record; `id` left out means its line number (the DREAM format's id). */
  add(r: { letters: Uint8Array; start: number; end: number; line: number; expression: number; id?: string; columns?: Record<string, string> }): void {
    const length = r.end - r.start;
    if (this.used + length > this.letters.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.letters.length * 2, this.used + length));
      this.letters.copy(grown, 0, 0, this.used);
      this.letters = grown;
    }
    this.letters.set(r.letters.subarray(r.start, r.end), this.used);
    const k = this.count++;
    this.starts[k] = this.used;
    this.lengths[k] = length;
    this.lines[k] = r.line;
    this.used += length;
    if (this.expression) this.expression[k] = r.expression;
    this.ids?.push(r.id ?? String(r.line));
    for (const [name, value] of Object.entries(r.columns ?? {})) (this.columns[name] ??= []).push(value);
  }

  finish(): RecordBlock {
    const n = this.count;
    return {
      first: this.first, count: n, letters: this.letters.subarray(0, this.used),
      starts: this.starts.subarray(0, n), lengths: this.lengths.subarray(0, n), lines: this.lines.subarray(0, n),
      expression: this.expression?.subarray(0, n), ids: this.ids, columns: this.columns,
    };
  }
}

type Sink = (record: Parameters<BlockBuilder['add']>[0]) => void;

interface RecordParser {
  /** Index of the next record. */
  index: number;
  hasExpression: boolean;
  line(lines: LineBlock, i: number, sink: Sink): void;
  end(sink: Sink): void;
}

function checkedFormat(format: Format): Format {
  if (!FORMATS.includes(format)) throw new OptionError(`unknown format '${format}'; expected one of ${FORMATS.join(', ')}`, { option: 'format' });
  return format;
}

function createParser(firstLine: string, file: string, options: StreamReadOptions, from: number, to: number): RecordParser {
  const format = checkedFormat(options.format ?? guessFormat([firstLine], file));
  if (format === 'dream') return dreamParser(file, from);
  if (format === 'fasta') return fastaParser(file, from, to);
  return delimitedParser(file, format === 'tsv' ? '\t' : ',', options, from);
}

/** DREAM: `sequence \t expression`, parsed on the bytes (no string per line). */
function dreamParser(file: string, from: number): RecordParser {
  return {
    index: 0, hasExpression: true,
    line({ bytes, starts, ends, firstLine }, i, sink) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (isBlank(bytes, s, e)) return;
      if (this.index++ < from) return;
      const line = firstLine + i;
      const tab = bytes.indexOf(9, s);
      if (tab < 0 || tab >= e || (bytes.indexOf(9, tab + 1) >= 0 && bytes.indexOf(9, tab + 1) < e)) {
        const found = bytes.toString('utf8', s, e).split('\t').length;
        throw new InputError(`expected 2 tab-separated fields (sequence, expression), found ${found}`, { file, line });
      }
      let a = s;
      let b = tab;
      while (a < b && bytes[a]! <= 32) a++;
      while (b > a && bytes[b - 1]! <= 32) b--;
      checkLetters(bytes, a, b, { file, line, field: 'sequence' });
      const expression = parseNumber(bytes.toString('latin1', tab + 1, e), { file, line, field: 'expression' });
      sink({ letters: bytes, start: a, end: b, line, expression });
    },
    end() {},
  };
}

function delimitedParser(file: string, delimiter: string, options: StreamReadOptions, from: number): RecordParser {
  let header: string[] | undefined;
  let sequenceAt = -1;
  let expressionAt = -1;
  let idAt = -1;
  let extra: [string, number][] = [];
  return {
    index: 0, hasExpression: false,
    line(lines, i, sink) {
      if (isBlankLine(lines, i)) return;
      const line = lines.firstLine + i;
      const text = lineText(lines, i);
      if (!header) {
        header = splitFields(text, delimiter);
        const names = header;
        const need = (name: string, option: string) => {
          const at = names.indexOf(name);
          if (at < 0) throw new InputError(`missing column '${name}' (columns are: ${names.join(', ')}); set option '${option}'${separatorHint(names, delimiter)}`, { file, line });
          return at;
        };
        sequenceAt = need(options.sequenceColumn ?? 'sequence', 'sequenceColumn');
        expressionAt = options.expressionColumn ? need(options.expressionColumn, 'expressionColumn') : names.indexOf('expression');
        const idColumn = options.idColumn ?? (names.includes('id') ? 'id' : undefined);
        idAt = idColumn === undefined ? -1 : need(idColumn, 'idColumn');
        extra = (options.columns ?? []).map((c) => [c, names.indexOf(c)] as [string, number]).filter(([, at]) => at >= 0);
        this.hasExpression = expressionAt >= 0;
        return;
      }
      if (this.index++ < from) return;
      const fields = splitFields(text, delimiter);
      if (fields.length !== header.length) throw new InputError(`expected ${header.length} fields like the header, found ${fields.length}`, { file, line });
      const sequence = normalizeSequence(fields[sequenceAt]!.trim(), { file, line, field: header[sequenceAt] });
      const expression = expressionAt >= 0 ? parseNumber(fields[expressionAt]!, { file, line, field: header[expressionAt]! }) : NaN;
      sink({
        letters: Buffer.from(sequence, 'latin1'), start: 0, end: sequence.length, line, expression,
        id: idAt >= 0 ? fields[idAt]! : String(line),
        columns: extra.length ? Object.fromEntries(extra.map(([name, at]) => [name, fields[at]!])) : undefined,
      });
    },
    end() {},
  };
}

/** FASTA: a record spans its header line and the sequence lines up to the next header. */
function fastaParser(file: string, from: number, to: number): RecordParser {
  let pending = Buffer.allocUnsafe(1 << 12);
  let used = 0;
  let id: string | undefined;
  let headerLine = 0;
  let keep = false;
  const finish = (parser: RecordParser, sink: Sink) => {
    if (id === undefined) return;
    parser.index++; // before the sink, as in the other parsers: the sink sees index = this record + 1
    if (keep) {
      if (!used) throw new InputError(`record '${id}' has no sequence`, { file, line: headerLine });
      const recordId = id;
      sink({ letters: pending, start: 0, end: used, line: headerLine, expression: NaN, id: recordId });
    }
    id = undefined;
  };
  return {
    index: 0, hasExpression: false,
    line(lines, i, sink) {
      const { bytes } = lines;
      let s = lines.starts[i]!;
      let e = lines.ends[i]!;
      while (s < e && bytes[s]! <= 32) s++;
      while (e > s && bytes[e - 1]! <= 32) e--;
      if (s === e || bytes[s] === 0x3b) return; // blank or ';' comment
      const line = lines.firstLine + i;
      if (bytes[s] === 0x3e) {
        finish(this, sink);
        if (this.index >= to) return;
        const name = bytes.toString('utf8', s + 1, e).trim().split(/\s+/)[0] ?? '';
        if (!name) throw new InputError('FASTA header without an identifier', { file, line });
        id = name;
        headerLine = line;
        keep = this.index >= from;
        used = 0;
        return;
      }
      if (id === undefined) throw new InputError("sequence data before the first '>' header", { file, line });
      if (!keep) return;
      checkLetters(bytes, s, e, { file, line });
      if (used + e - s > pending.length) {
        const grown = Buffer.allocUnsafe(Math.max(pending.length * 2, used + e - s));
        pending.copy(grown, 0, 0, used);
        pending = grown;
      }
      bytes.copy(pending, used, s, e);
      used += e - s;
    },
    end(sink) {
      finish(this, sink);
    },
  };
}

function isBlank(bytes: Uint8Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (bytes[k]! > 32) return false;
  return true;
}

function firstNonSpace(lines: LineBlock, i: number): number {
  for (let k = lines.starts[i]!; k < lines.ends[i]!; k++) if (lines.bytes[k]! > 32) return lines.bytes[k]!;
  return -1;
}

/** Throws the same InputError as `normalizeSequence` at the first letter that is not A, C, G, T or N. */
function checkLetters(bytes: Uint8Array, s: number, e: number, place: { file: string; line: number; field?: string }): void {
  for (let k = s; k < e; k++) {
    if (BASE_INDEX[bytes[k]!] === 255) normalizeSequence(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', s, e), place);
  }
}
