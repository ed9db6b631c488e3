/**
 * Training data at scale: a promoter file (DREAM txt, TSV/CSV, FASTA; gzip or not) streamed straight into a
 * `SequenceStore` with Camformer preprocessing applied record by record — no table, no string per row. What is
 * kept per row: 42 bytes of codes (110 nt), the expression as float32, a multi-cell flag for the Int channel
 * and the 1-based line number (the DREAM format's only id). The 6.7 M-row DREAM training set is ~360 MB this
 * way, against ~12 GB as one float32 one-hot array.
 *
 * The Arquero table (`readPromoters`, `promoters()`) stays the front door up to `TABLE_ROWS_LIMIT` rows, where a
 * table of strings costs a few hundred MB; above it, load the store and look at `trainingSetSummary`.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError } from '../errors';
import type { LineReaderOptions } from '../io/line-reader';
import { type Encoding } from './encode';
import { preprocessOptions, preprocessReport, type PreprocessCounts, type PreprocessOptions } from './preprocess';
import { readRecordBlocks } from './read-stream';
import type { ReadOptions } from './read';
import type { SequenceRows } from './rows';
import { SequenceStore, type SequenceStoreOptions } from './store';
import { storeRows } from './store-rows';

/**
 * Rows above which cislab keeps base codes rather than an Arquero table of strings. A DREAM-format table row of
 * a 110-nt promoter holds ~700 bytes once read (its sequence and id strings, the column arrays: 173 MB for
 * 250,000 rows, measured after GC), the store 51: at 250,000 rows the table is fine to show and filter; at 6.7 M
 * it would be ~4.6 GB, and its file cannot even be read as one string (V8's ~512 MB limit).
 */
export const TABLE_ROWS_LIMIT = 250_000;

export interface LoadTrainingOptions extends ReadOptions, PreprocessOptions, LineReaderOptions, SequenceStoreOptions {
  /** Called every block of records with the rows read and kept so far. */
  onProgress?: (read: number, kept: number) => void;
}

/** A training file as compact codes plus what training needs per row. */
export interface TrainingSet {
  store: SequenceStore;
  /** Measured expression of each kept row (float32, as the model trains on it). */
  expression: Float32Array;
  /** 1 where the measured value (as read, before float32 rounding) is not an integer, else 0: the Int channel. */
  multiCell: Uint8Array;
  /** 1-based line of each kept row in the file (FASTA: its header line). */
  lines: Int32Array;
  /** Records read, and what preprocessing did with them. */
  read: number;
  counts: PreprocessCounts;
  /** The same table `preprocess` reports: `reason` (kept, length, N), `count`, `detail`. */
  report: ColumnTable;
  /** The kept rows encoded on request (the Int channel from `multiCell`). */
  rows(encoding: Encoding): SequenceRows;
}

/**
 * Streams a promoter file into a store, with Camformer preprocessing (110 ± 3 nt, ≤ 3 N; padded with N or
 * truncated to 110). Every record must carry an expression value. Invalid lines throw InputError naming file
 * and line, as `readPromoters` does.
 *
 * @example
 * const set = await loadTrainingSet('train_sequences.txt');
 * set.report.print();                        // kept / dropped by length / dropped by N
 * const rows = set.rows('onehotWithP');      // SequenceRows for the training loop
 */
export async function loadTrainingSet(path: string, options: LoadTrainingOptions = {}): Promise<TrainingSet> {
  const pre = preprocessOptions(options);
  const store = new SequenceStore(pre.length, options);
  const values = new GrowableArray(Float32Array);
  const flags = new GrowableArray(Uint8Array);
  const lines = new GrowableArray(Int32Array);
  const counts: PreprocessCounts = { kept: 0, length: 0, N: 0, padded: 0, truncated: 0 };
  let read = 0;
  for await (const block of readRecordBlocks(path, { ...options, blockSize: 8192 })) {
    if (!block.expression) throw new InputError('training data needs an expression for every sequence; this file has none (TSV/CSV: an `expression` column, or set expressionColumn)', { file: path });
    const { letters, starts, lengths } = block;
    for (let k = 0; k < block.count; k++) {
      const start = starts[k]!;
      const length = lengths[k]!;
      if (Math.abs(length - pre.length) > pre.margin) { counts.length++; continue; }
      let n = 0;
      for (let i = start; i < start + length; i++) if ((letters[i]! | 0x20) === 0x6e) n++;
      if (n > pre.maxN) { counts.N++; continue; }
      if (length < pre.length) counts.padded++;
      if (length > pre.length) counts.truncated++;
      store.pushLetters(letters, start, start + length);
      const value = block.expression[k]!;
      values.push(value);
      flags.push(Number.isInteger(value) ? 0 : 1);
      lines.push(block.lines[k]!);
      counts.kept++;
    }
    read += block.count;
    options.onProgress?.(read, counts.kept);
  }
  const multiCell = flags.finish();
  return {
    store, expression: values.finish(), multiCell, lines: lines.finish(), read, counts,
    report: preprocessReport(counts, pre),
    rows: (encoding) => storeRows(store, { encoding, intChannel: multiCell }),
  };
}

/**
 * What a training set holds, as a small table to show instead of millions of rows: rows read and kept, the
 * drops by reason, sequence length, expression range and mean, the multi-cell share and the bytes held.
 */
export function trainingSetSummary(set: TrainingSet): ColumnTable {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let multi = 0;
  for (let i = 0; i < set.expression.length; i++) {
    const v = set.expression[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    multi += set.multiCell[i]!;
  }
  const n = set.expression.length;
  const bytes = set.store.byteLength + set.expression.byteLength + set.multiCell.byteLength + set.lines.byteLength;
  return aq.table({
    quantity: ['rows read', 'rows kept', 'dropped by length', 'dropped by N', 'padded', 'truncated', 'length (nt)', 'expression min', 'expression mean', 'expression max', 'multi-cell (non-integer) share', 'bytes held'],
    value: [set.read, set.counts.kept, set.counts.length, set.counts.N, set.counts.padded, set.counts.truncated, set.store.length,
      n ? min : NaN, n ? sum / n : NaN, n ? max : NaN, n ? multi / n : NaN, bytes],
  });
}

type TypedArray = Float32Array | Uint8Array | Int32Array;

/** An append-only typed array that doubles when full; `finish()` returns an exact-length copy. */
class GrowableArray<T extends TypedArray> {
  private data: T;
  private used = 0;

  constructor(private readonly make: new (n: number) => T) {
    this.data = new make(1 << 16);
  }

  push(value: number): void {
    if (this.used === this.data.length) {
      const grown = new this.make(this.data.length * 2);
      grown.set(this.data as never);
      this.data = grown;
    }
    this.data[this.used++] = value;
  }

  finish(): T {
    return this.data.slice(0, this.used) as T;
  }
}
