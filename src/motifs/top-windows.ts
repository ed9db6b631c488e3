/**
 * A count matrix from the windows that activate a convolution filter most — the classic way to read a
 * first-layer CNN filter as a motif (Alipanahi et al. 2015, DeepBind; used by DeepRAGE and the Camformer
 * analyses): over all sequences and positions, keep each channel's `top` largest positive activations, cut
 * out the input window each one saw, align the windows and count the bases per column.
 *
 * This module holds only that idea, on plain numbers: the activations arrive in batches from a small
 * adapter in each model family (which knows its layer, its padding and whether it also reads the reverse
 * strand), so memory stays at one batch plus `4 · top` candidates per channel whatever the data size.
 * Ties in activation go to the window seen first (batch order, then sequence, then position).
 */
import { OptionError } from '../errors';
import { BASE_INDEX } from '../data/alphabet';

/** One batch of a layer's activations, row-major [count, positions, channels]. */
export interface ActivationBatch {
  values: ArrayLike<number>;
  /** Index in `sequences` of the batch's first sequence. */
  first: number;
  count: number;
  positions: number;
  channels: number;
  /** Length of the input the model read (the encoded length); windows are cut within it. */
  length: number;
  /**
   * '+' (default): the sequences as given. '-': the model read their reverse complements, so position p
   * counts from the sequence's end and the window is read reverse-complemented.
   */
  strand?: '+' | '-';
}

export interface TopWindowOptions {
  /** Window width: the filter's kernel size. */
  width: number;
  /** Channels of the layer, so that an empty input still gives one (empty) matrix each (default: from the batches). */
  channels?: number;
  /** Windows kept per channel (default 100). */
  top?: number;
  /** Output position p sees the window starting at p − offset (the layer's left padding; default 0). */
  offset?: number;
  /**
   * Windows reaching past the ends of the input (padding): `'count'` (default) counts their real bases,
   * `'skip'` never considers those positions.
   */
  partial?: 'count' | 'skip';
  /** Added to every cell before counting (default 0). */
  pseudocount?: number;
  /** Divide each column by its total, giving letter probabilities (default false: counts). */
  normalise?: boolean;
}

export interface WindowMatrix {
  /** 0-based channel of the layer. */
  channel: number;
  width: number;
  /** Row-major [width, 4] (A, C, G, T): counts (plus pseudocount), or probabilities when normalised. */
  matrix: Float64Array;
  /** Windows counted (≤ top: only positive activations are kept). */
  sites: number;
}

interface Candidate {
  value: number;
  sequence: number;
  /** Window start in the coordinates of the strand the model read. */
  start: number;
  strand: 0 | 1;
}

/**
 * Per channel, the [width, 4] matrix of the `top` windows with the largest positive activation.
 *
 * @returns one WindowMatrix per channel, in channel order.
 * @example
 * // One batch of activations [2 sequences, 3 positions, 1 channel] of a width-2 filter without padding:
 * const [m] = topWindowMatrices([{ values: [0, 5, 0, 1, 0, 0], first: 0, count: 2, positions: 3, channels: 1, length: 4 }],
 *   ['ACGT', 'TTAA'], { width: 2, top: 1 });
 * m.matrix; // CG counted: [0, 1, 0, 0,  0, 0, 1, 0]
 */
export function topWindowMatrices(batches: Iterable<ActivationBatch>, sequences: readonly string[], options: TopWindowOptions): WindowMatrix[] {
  const { width, top = 100, offset = 0, partial = 'count', pseudocount = 0, normalise = false } = options;
  if (!(Number.isInteger(width) && width >= 1)) throw new OptionError(`window width must be a positive integer, got ${width}`, { option: 'width' });
  if (!(Number.isInteger(top) && top >= 1)) throw new OptionError(`top must be a positive integer, got ${top}`, { option: 'top' });
  if (!(pseudocount >= 0)) throw new OptionError(`pseudocount must be ≥ 0, got ${pseudocount}`, { option: 'pseudocount' });
  let best: Candidate[][] = Array.from({ length: options.channels ?? 0 }, () => []);
  let floor = new Float64Array(best.length);
  const lengths: number[] = [];
  for (const batch of batches) {
    const { values, first, count, positions, channels, length } = batch;
    if (values.length !== count * positions * channels) {
      throw new OptionError(`an activation batch holds ${values.length} values, expected ${count} × ${positions} × ${channels}`, { option: 'batches' });
    }
    if (first < 0 || first + count > sequences.length) {
      throw new OptionError(`activations for sequences ${first + 1}–${first + count}, but ${sequences.length} sequences were given`, { option: 'sequences' });
    }
    if (!best.length) (best = Array.from({ length: channels }, () => [])), (floor = new Float64Array(channels));
    if (channels !== best.length) throw new OptionError(`a batch has ${channels} channels, expected ${best.length}`, { option: 'batches' });
    const strand = batch.strand === '-' ? 1 : 0;
    for (let s = 0; s < count; s++) {
      lengths[first + s] = length;
      for (let p = 0; p < positions; p++) {
        const start = p - offset;
        if (partial === 'skip' && (start < 0 || start + width > length)) continue;
        const row = (s * positions + p) * channels;
        for (let c = 0; c < channels; c++) {
          // Only positive activations are windows the filter responds to; the floor is the top-th value so far.
          const value = values[row + c]!;
          if (!(value > floor[c]!)) continue;
          const list = best[c]!;
          list.push({ value, sequence: first + s, start, strand });
          if (list.length > 4 * top) floor[c] = keepTop(list, top);
        }
      }
    }
  }
  return best.map((list, channel) => {
    keepTop(list, top);
    const matrix = new Float64Array(width * 4).fill(pseudocount);
    for (const hit of list) countWindow(matrix, sequences[hit.sequence]!, lengths[hit.sequence]!, hit, width);
    if (normalise) {
      for (let j = 0; j < width; j++) {
        const total = matrix[j * 4]! + matrix[j * 4 + 1]! + matrix[j * 4 + 2]! + matrix[j * 4 + 3]!;
        if (total > 0) for (let a = 0; a < 4; a++) matrix[j * 4 + a]! /= total;
      }
    }
    return { channel, width, matrix, sites: list.length };
  });
}

/** Sorts by activation, highest first (stable, so ties keep the order seen), cuts to `top`; returns the floor. */
function keepTop(list: Candidate[], top: number): number {
  list.sort((a, b) => b.value - a.value);
  if (list.length > top) list.length = top;
  return list.length === top ? list[top - 1]!.value : 0;
}

/** Adds one window's bases to the matrix; bases outside the input (padding) or not A/C/G/T add nothing. */
function countWindow(matrix: Float64Array, sequence: string, length: number, hit: Candidate, width: number): void {
  for (let j = 0; j < width; j++) {
    const at = hit.start + j; // on the strand the model read
    if (at < 0 || at >= length) continue;
    // Position at of the reverse complement is base length−1−at of the sequence, complemented.
    const code = BASE_INDEX[sequence.charCodeAt(hit.strand ? length - 1 - at : at)] ?? 255;
    if (code < 4) matrix[j * 4 + (hit.strand ? 3 - code : code)]! += 1;
  }
}
