/**
 * `SequenceRows` over compact base codes: a `SequenceStore` (2 bits + N mask per base) or a plain array of
 * codes 0–4 (one streamed batch). Rows are encoded only when asked for, into the caller's buffer, with the
 * same channel table as `encode`, so `storeRows(store).encodeRows(rows)` equals `encode(sequences of rows)`
 * value for value. Subsets (`subsetRows`) are index arrays over the same codes: a validation split or an
 * epoch's shuffled order costs 4 bytes per row, never a copy of the sequences.
 */
import { OptionError } from '../errors';
import { channelTable, encodingChannels, intChannelOf, type Encoding } from './encode';
import type { SequenceRows } from './rows';
import type { SequenceStore } from './store';

export interface CodeRowsOptions {
  encoding: Encoding;
  /**
   * The Int channel of each row (1 where the measurement is not a single-cell integer, else 0), as
   * `loadTrainingSet` returns it in `multiCell`. Takes precedence over `expression`.
   */
  intChannel?: ArrayLike<number>;
  /** Measured expression of each row; the Int channel is 1 where it is not an integer. */
  expression?: ArrayLike<number>;
  /** Neither given: every row is treated as a multi-cell measurement (Int 1), as the paper does for test sequences. */
}

/**
 * The rows of a store as a model reads them, encoded on request.
 *
 * @example
 * const { store, multiCell } = await loadTrainingSet('train.txt');
 * const rows = storeRows(store, { encoding: 'onehotWithP', intChannel: multiCell });
 * const batch = rows.encodeRows([0, 5, 9]);   // Float32Array of 3 × 110 × 5
 */
export function storeRows(store: SequenceStore, options: CodeRowsOptions): SequenceRows {
  const codes = new Uint8Array(store.length);
  return makeRows(store.count, store.length, options, (row) => store.readCodes(row, codes));
}

/** Rows of a flat array of base codes 0–4 (`count` × `length`), e.g. one streamed batch. */
export function codeRows(codes: Uint8Array, length: number, options: CodeRowsOptions): SequenceRows {
  if (!Number.isInteger(length) || length < 1 || codes.length % length) {
    throw new OptionError(`${codes.length} codes are not whole rows of ${length}`, { option: 'length' });
  }
  const count = codes.length / length;
  return makeRows(count, length, options, (row) => codes.subarray(row * length, row * length + length));
}

/** The rows of `source` at `indices` (in that order) as rows 0…indices.length−1; nothing is copied. */
export function subsetRows(source: SequenceRows, indices: ArrayLike<number>): SequenceRows {
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!(Number.isInteger(r) && r >= 0 && r < source.count)) throw new OptionError(`row ${r} is not in 0–${source.count - 1}`, { option: 'indices' });
  }
  const size = source.length * source.channels;
  let mapped = new Int32Array(0);
  return {
    count: indices.length, length: source.length, encoding: source.encoding, channels: source.channels,
    encodeRows(rows, out = new Float32Array(rows.length * size)) {
      if (mapped.length < rows.length) mapped = new Int32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        if (!(r >= 0 && r < indices.length)) throw new OptionError(`row ${r} is not in 0–${indices.length - 1}`, { option: 'rows' });
        mapped[i] = indices[r]!;
      }
      return source.encodeRows(mapped.subarray(0, rows.length), out);
    },
  };
}

/** Values of `values` at `indices`, e.g. the expression of a subset (`Float32Array`). */
export function gatherValues(values: ArrayLike<number>, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]!]!;
  return out;
}

function makeRows(count: number, length: number, options: CodeRowsOptions, codesOf: (row: number) => Uint8Array): SequenceRows {
  const { encoding } = options;
  const table = channelTable(encoding);
  const channels = encodingChannels(encoding);
  const intAt = intChannelOf(encoding);
  const perRow = options.intChannel ?? options.expression;
  if (intAt >= 0 && perRow && perRow.length !== count) {
    throw new OptionError(`${perRow.length} values for ${count} rows`, { option: options.intChannel ? 'intChannel' : 'expression' });
  }
  const intOf = (row: number): number => {
    if (options.intChannel) return options.intChannel[row] ? 1 : 0;
    if (options.expression) return Number.isInteger(options.expression[row]) ? 0 : 1;
    return 1;
  };
  const size = length * channels;
  return {
    count, length, encoding, channels,
    encodeRows(rows, out = new Float32Array(rows.length * size)) {
      if (out.length < rows.length * size) throw new OptionError(`output holds ${out.length} values, ${rows.length * size} needed`, { option: 'out' });
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (!(row >= 0 && row < count)) throw new OptionError(`row ${row} is not in 0–${count - 1}`, { option: 'rows' });
        const codes = codesOf(row);
        let offset = i * size;
        for (let p = 0; p < length; p++, offset += channels) {
          const from = codes[p]! * channels;
          for (let c = 0; c < channels; c++) out[offset + c] = table[from + c]!;
        }
        if (intAt >= 0) {
          const value = intOf(row);
          for (let p = 0, o = i * size + intAt; p < length; p++, o += channels) out[o] = value;
        }
      }
      return out;
    },
  };
}
