/**
 * Sequences as a model reads them: rows asked for by index, encoded just then. Training (every batch of every
 * epoch), validation, prediction and ISM go through this interface, so a data set can be held compactly (base
 * codes, one byte per base) and is never materialised as one float array of n × length × channels.
 */
import { OptionError } from '../errors';
import type { Encoded, Encoding } from './encode';

/** Sequences that encode themselves per batch of rows, so a large set is never encoded whole. */
export interface SequenceRows {
  /** Number of sequences. */
  readonly count: number;
  /** Length of every sequence, in nucleotides. */
  readonly length: number;
  /** The encoding rows are produced in. */
  readonly encoding: Encoding;
  /** Values per position of `encoding`. */
  readonly channels: number;
  /** Rows `rows` (indices into 0…count−1) encoded as [rows.length, length, channels]; into `out` when given. */
  encodeRows(rows: ArrayLike<number>, out?: Float32Array): Float32Array;
}

/** True for a `SequenceRows` (as opposed to an already encoded array). */
export function isSequenceRows(x: SequenceRows | Encoded): x is SequenceRows {
  return typeof (x as SequenceRows).encodeRows === 'function';
}

/**
 * An already encoded array seen as rows (copies rows on request; the array itself is not copied).
 * @param x - An encoded batch.
 * @returns The same data as a {@link SequenceRows}.
 * @example
 * const rows = encodedRows(encode(sequences, 'onehot'));
 * rows.encodeRows([0, 5, 9]); // three rows, [3, length, 4]
 */
export function encodedRows(x: Encoded): SequenceRows {
  const [count, length, channels] = x.shape;
  const size = length * channels;
  return {
    count, length, channels, encoding: x.encoding,
    encodeRows(rows, out = new Float32Array(rows.length * size)) {
      if (out.length < rows.length * size) throw new OptionError(`output holds ${out.length} values, ${rows.length * size} needed`, { option: 'out' });
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        if (!(r >= 0 && r < count)) throw new OptionError(`row ${r} is not in 0–${count - 1}`, { option: 'rows' });
        out.set(x.data.subarray(r * size, r * size + size), i * size);
      }
      return out;
    },
  };
}

/** `rows` of a source as a plain `Encoded` batch. */
export function encodeBatch(source: SequenceRows, rows: ArrayLike<number>): Encoded {
  return { data: source.encodeRows(rows), shape: [rows.length, source.length, source.channels], encoding: source.encoding };
}
