/**
 * The core of in silico saturation mutagenesis as dense arrays: for a batch of sequences (base codes), every
 * position of a region is set to each base, all variants are predicted in one call, and the predictions come
 * back as [sequence, position, base] (the reference base's slot holds the unmutated prediction). The tidy
 * table of `ismScores`, the streamed TSV and the `.npz` store of `cislab ism` are all views of this.
 *
 * Variants are built in encoded space — the reference row is encoded once and one position's channels are
 * overwritten per variant — so they equal `encode(variant string)` exactly, in the order `ismScores` has always
 * used (the reference first, then position by position, bases A, C, G, T without the reference base; all four
 * where the reference is N), which keeps predictions identical batch for batch.
 */
import { OptionError } from '../errors';
import { channelTable, encodingChannels, intChannelOf, type Encoded, type Encoding } from '../data/encode';

/** Predicts one value per sequence of an encoded batch. */
export type BatchPredictor = (batch: Encoded) => Promise<Float32Array | Float64Array>;

/** 1-based inclusive region. */
export interface IsmRegion {
  start: number;
  end: number;
}

/** Dense ISM of `count` sequences over a region of `regionLength` positions. */
export interface DenseIsm {
  count: number;
  region: IsmRegion;
  /** [count, regionLength, 4] predictions with base A, C, G, T at each position; the reference base's slot holds `reference`. */
  predictions: Float64Array;
  /** Unmutated prediction of each sequence. */
  reference: Float64Array;
  /** [count, regionLength] reference base codes 0–4 (A, C, G, T, N) of the region. */
  refCodes: Uint8Array;
}

export interface DenseIsmOptions {
  region: IsmRegion;
  encoding: Encoding;
  /** Int channel per sequence (default 1 for every sequence, as `ismScores` has always encoded variants). */
  intChannel?: ArrayLike<number>;
}

/** Number of variants (reference excluded) of a sequence whose region has `nCount` N positions. */
export function variantsOf(regionLength: number, nCount: number): number {
  return 3 * regionLength + nCount;
}

/**
 * Dense ISM of the sequences in `codes` (`length` codes each), predicted in one call of `predict`.
 *
 * @example
 * const dense = await ismDense((batch) => predict(model, batch), codes, 110, { region: { start: 18, end: 97 }, encoding: 'onehot' });
 * dense.predictions[(0 * 80 + 5) * 4 + 2];   // sequence 0, position 18 + 5, base G
 */
export async function ismDense(predict: BatchPredictor, codes: Uint8Array, length: number, options: DenseIsmOptions): Promise<DenseIsm> {
  const { region, encoding } = options;
  if (!Number.isInteger(length) || length < 1 || codes.length % length) throw new OptionError(`${codes.length} codes are not whole sequences of ${length}`, { option: 'length' });
  if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start || region.end > length) {
    throw new OptionError(`region ${region.start}–${region.end} must be 1-based, inclusive and within the sequences (length ${length})`, { option: 'region' });
  }
  const count = codes.length / length;
  const regionLength = region.end - region.start + 1;
  const channels = encodingChannels(encoding);
  const table = channelTable(encoding);
  const intAt = intChannelOf(encoding);
  const size = length * channels;
  const refCodes = new Uint8Array(count * regionLength);
  let variants = 0;
  for (let s = 0; s < count; s++) {
    let nCount = 0;
    for (let p = 0; p < regionLength; p++) {
      const code = codes[s * length + region.start - 1 + p]!;
      refCodes[s * regionLength + p] = code;
      if (code === 4) nCount++;
    }
    variants += 1 + variantsOf(regionLength, nCount);
  }

  const data = new Float32Array(variants * size);
  let row = 0;
  for (let s = 0; s < count; s++) {
    const reference = data.subarray(row * size, row * size + size);
    for (let i = 0; i < length; i++) reference.set(table.subarray(codes[s * length + i]! * channels, codes[s * length + i]! * channels + channels), i * channels);
    if (intAt >= 0) {
      const value = options.intChannel ? (options.intChannel[s] ? 1 : 0) : 1;
      for (let i = 0; i < length; i++) reference[i * channels + intAt] = value;
    }
    row++;
    for (let p = 0; p < regionLength; p++) {
      const ref = refCodes[s * regionLength + p]!;
      const at = (region.start - 1 + p) * channels;
      for (let alt = 0; alt < 4; alt++) {
        if (alt === ref) continue;
        const variant = data.subarray(row * size, row * size + size);
        variant.set(reference);
        for (let c = 0; c < channels; c++) if (c !== intAt) variant[at + c] = table[alt * channels + c]!;
        row++;
      }
    }
  }

  const predicted = await predict({ data, shape: [variants, length, channels], encoding });
  if (predicted.length !== variants) throw new OptionError(`predictor returned ${predicted.length} values for ${variants} sequences`, { option: 'predict' });
  // Float64 keeps whatever the predictor returned (float32 or float64) exactly.
  const predictions = new Float64Array(count * regionLength * 4);
  const reference = new Float64Array(count);
  row = 0;
  for (let s = 0; s < count; s++) {
    const r = predicted[row++]!;
    reference[s] = r;
    for (let p = 0; p < regionLength; p++) {
      const ref = refCodes[s * regionLength + p]!;
      const at = (s * regionLength + p) * 4;
      for (let alt = 0; alt < 4; alt++) predictions[at + alt] = alt === ref ? r : predicted[row++]!;
    }
  }
  return { count, region, predictions, reference, refCodes };
}
