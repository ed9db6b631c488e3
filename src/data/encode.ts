/**
 * Sequence encodings of the Camformer paper, as flat Float32Arrays in [n, length, channels] order
 * (channels last, as tfjs conv1d expects). Every sequence must already have the target length
 * (see `preprocess`); encoding is one table lookup per base, so a million sequences take seconds.
 */
import { OptionError } from '../errors';
import { BASE_INDEX } from './alphabet';

/** The input encodings of the Camformer paper: one-hot (4 channels) and its 5- and 6-channel variants. */
export const ENCODINGS = ['onehot', 'onehotWithN', 'onehotWithP', 'onehotWithInt', 'onehotWithBoth'] as const;
/** One of {@link ENCODINGS}. */
export type Encoding = (typeof ENCODINGS)[number];

export interface EncodeOptions {
  /**
   * Measured expression of each sequence, needed by `onehotWithInt` and `onehotWithBoth`: the extra
   * channel is 1 where the value is not an integer (a mean of several cells), else 0. Left out, every
   * sequence is treated as a multi-cell measurement (1), as the paper does for test sequences.
   */
  expression?: ArrayLike<number>;
}

/** Encoded sequences: a flat Float32Array of shape [n, length, channels]. */
export interface Encoded {
  /** The values, row-major [n, length, channels]. */
  data: Float32Array;
  /** [number of sequences, sequence length, channels]. */
  shape: [n: number, length: number, channels: number];
  /** The encoding that produced `data`. */
  encoding: Encoding;
}

/** Number of input channels an encoding produces. */
export function encodingChannels(encoding: Encoding): number {
  switch (encoding) {
    case 'onehot':
    case 'onehotWithN':
      return 4;
    case 'onehotWithP':
    case 'onehotWithInt':
      return 5;
    case 'onehotWithBoth':
      return 6;
  }
}

// Per letter index (A, C, G, T, N): the four base channels and the purine channel.
const BASE_CHANNELS: Record<'zeroN' | 'quarterN', number[][]> = {
  zeroN: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
  quarterN: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0.25, 0.25, 0.25, 0.25]],
};
const PURINE = [1, 0, 1, 0, 0.5];

/** Channel of the Int value (1 = not a single-cell integer measurement) in `onehotWithInt`/`onehotWithBoth`, or -1. */
export function intChannelOf(encoding: Encoding): number {
  return encoding === 'onehotWithInt' || encoding === 'onehotWithBoth' ? 4 : -1; // Int comes before P
}

/**
 * The `channels` values of each base code 0–4 (A, C, G, T, N) under `encoding`, as one [5, channels] table;
 * the Int channel is left 0 (it belongs to the measurement, not the base). Every encoder reads this table.
 */
export function channelTable(encoding: Encoding): Float32Array {
  if (!ENCODINGS.includes(encoding)) {
    throw new OptionError(`unknown encoding '${encoding}'; expected one of ${ENCODINGS.join(', ')}`, { option: 'encoding' });
  }
  const channels = encodingChannels(encoding);
  const withP = encoding === 'onehotWithP' || encoding === 'onehotWithBoth';
  const base = encoding === 'onehot' ? BASE_CHANNELS.zeroN : BASE_CHANNELS.quarterN;
  const table = new Float32Array(5 * channels);
  for (let code = 0; code < 5; code++) {
    table.set(base[code]!, code * channels);
    if (withP) table[code * channels + channels - 1] = PURINE[code]!;
  }
  return table;
}

/**
 * Encodes equal-length sequences. Letters must be A, C, G, T or N (any case): validate on read.
 * Base channels: `onehot` sets N to 0000; the others set N to 0.25 each (the paper's `onehotWithN`
 * convention, which the 5- and 6-channel variants build on).
 * @param sequences - Equal-length sequences of A, C, G, T, N (any case).
 * @param encoding - One of {@link ENCODINGS}.
 * @param options - `expression`: measured values for the Int channel of `onehotWithInt`/`onehotWithBoth`
 *   (default: every sequence counts as a multi-cell measurement, 1).
 * @returns The encoded batch.
 * @example
 * const x = encode(['ACGTN', 'TTGCA'], 'onehot'); // x.shape: [2, 5, 4]
 */
export function encode(sequences: readonly string[], encoding: Encoding, options: EncodeOptions = {}): Encoded {
  if (!ENCODINGS.includes(encoding)) {
    throw new OptionError(`unknown encoding '${encoding}'; expected one of ${ENCODINGS.join(', ')}`, { option: 'encoding' });
  }
  const n = sequences.length;
  const length = n ? sequences[0]!.length : 0;
  const channels = encodingChannels(encoding);
  const withInt = encoding === 'onehotWithInt' || encoding === 'onehotWithBoth';
  const { expression } = options;
  if (withInt && expression && expression.length !== n) {
    throw new OptionError(`expression has ${expression.length} values for ${n} sequences`, { option: 'expression' });
  }

  // Row of `channels` values per letter code, built once.
  const table = channelTable(encoding);
  const rows = new Float32Array(256 * channels);
  for (let code = 0; code < 256; code++) {
    const idx = BASE_INDEX[code]!;
    if (idx !== 255) rows.set(table.subarray(idx * channels, idx * channels + channels), code * channels);
  }

  const data = new Float32Array(n * length * channels);
  const intChannel = intChannelOf(encoding);
  for (let s = 0; s < n; s++) {
    const seq = sequences[s]!;
    if (seq.length !== length) {
      throw new OptionError(
        `sequence ${s + 1} has length ${seq.length}, expected ${length} like the first; preprocess to one length first`,
        { option: 'sequences' },
      );
    }
    const intValue = withInt ? (expression ? (Number.isInteger(expression[s]) ? 0 : 1) : 1) : 0;
    let offset = s * length * channels;
    for (let i = 0; i < length; i++, offset += channels) {
      const code = seq.charCodeAt(i);
      const rowStart = (code & 255) * channels;
      for (let c = 0; c < channels; c++) data[offset + c] = rows[rowStart + c]!;
      if (withInt) data[offset + intChannel] = intValue;
    }
  }
  return { data, shape: [n, length, channels], encoding };
}

/** Rows [first, first + count) of an encoded batch, without copying. */
export function sliceEncoded(encoded: Encoded, first: number, count: number): Encoded {
  const [, length, channels] = encoded.shape;
  const size = length * channels;
  return { data: encoded.data.subarray(first * size, (first + count) * size), shape: [count, length, channels], encoding: encoded.encoding };
}

/**
 * Consecutive slices of at most `batchSize` sequences (views, not copies), with the index of each slice's
 * first sequence and its size: the one batching loop of everything that runs a model over encoded rows.
 *
 * @example
 * for (const { first, count, batch } of encodedBatches(encoded, 256)) predictions.set(run(batch), first);
 */
export function* encodedBatches(x: Encoded, batchSize: number): Generator<{ first: number; count: number; batch: Encoded }> {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new OptionError(`batch size must be a positive integer, got ${batchSize}`, { option: 'batchSize' });
  const n = x.shape[0];
  for (let first = 0; first < n; first += batchSize) {
    const count = Math.min(batchSize, n - first);
    yield { first, count, batch: sliceEncoded(x, first, count) };
  }
}

/** `fn` on consecutive slices of at most `batchSize` sequences, its one value per sequence gathered in order; `onRows` after each slice with the rows done. */
export async function mapBatches(
  x: Encoded, batchSize: number, fn: (batch: Encoded) => ArrayLike<number> | Promise<ArrayLike<number>>,
  onRows?: (done: number) => void,
): Promise<Float32Array> {
  const out = new Float32Array(x.shape[0]);
  for (const { first, batch } of encodedBatches(x, batchSize)) {
    out.set(await fn(batch), first);
    onRows?.(first + batch.shape[0]);
  }
  return out;
}

/**
 * Reverse complement of an encoded batch: positions reversed, A↔T and C↔G swapped; the purine channel
 * becomes 1 − P (the complement of a purine is a pyrimidine); the integer channel is a property of the
 * measurement and stays.
 * @returns The reverse-complemented batch, same shape and encoding.
 * @example
 * const rc = reverseComplementEncoded(encode(['AACGT'], 'onehotWithN')); // decodes to ACGTT
 */
export function reverseComplementEncoded({ data, shape, encoding }: Encoded): Encoded {
  const [n, length, channels] = shape;
  const purineAt = encoding === 'onehotWithP' || encoding === 'onehotWithBoth' ? channels - 1 : -1;
  const out = new Float32Array(data.length);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < length; i++) {
      const from = (s * length + i) * channels;
      const to = (s * length + (length - 1 - i)) * channels;
      out[to] = data[from + 3]!;
      out[to + 1] = data[from + 2]!;
      out[to + 2] = data[from + 1]!;
      out[to + 3] = data[from]!;
      for (let c = 4; c < channels; c++) out[to + c] = c === purineAt ? 1 - data[from + c]! : data[from + c]!;
    }
  }
  return { data: out, shape, encoding };
}
