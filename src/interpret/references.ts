/**
 * The "what instead" of attribution: DeepLIFT/SHAP's references (dinucleotide shuffles of each sequence,
 * as tangermeme's `deep_lift_shap` defaults to, 20 per sequence) and integrated gradients' baselines, both
 * confined to the attributed region so the flanks stay as they are; and how each encoding writes a base,
 * which turns per-channel gradients into per-base values.
 *
 * Seeding: tangermeme seeds each (example, shuffle) pair with `random_state + shuffle index`
 * (deep_lift_shap.py lines 478–483), so results do not depend on batching. Here each sequence gets its own
 * stream from (seed, its 0-based index in the input), which has the same property.
 */
import { OptionError } from '../errors';
import { encode, type Encoded, type Encoding } from '../data/encode';
import { createRandom, deriveSeed } from '../stats/random';
import { dinucleotideShuffle } from '../motifs/shuffle';
import type { Region } from '../motifs/sequences';

/** 1-based inclusive region (the motif scanner's type). */
export type { Region };

/** How an encoding writes the four bases: `rows` [4 × channels] (A, C, G, T) and which channels depend on the base. */
export interface BaseEncoding {
  channels: number;
  rows: Float32Array;
  /**
   * True for channels whose value depends on the base (the one-hot channels and the purine channel); false
   * for per-sequence channels (the "integer measurement" flag), which references and baselines copy from
   * the input so they carry no attribution.
   */
  dependent: boolean[];
}

export function baseEncoding(encoding: Encoding): BaseEncoding {
  const { data, shape } = encode(['ACGT'], encoding);
  const channels = shape[2];
  const dependent = Array.from({ length: channels }, (_, c) => [1, 2, 3].some((b) => data[b * channels + c] !== data[c]));
  return { channels, rows: data, dependent };
}

/** `count` dinucleotide shuffles of the region of `sequence` (flanks kept), from the stream of (seed, index). */
export function shuffledReferences(sequence: string, region: Region, count: number, seed: number, index: number): string[] {
  const random = createRandom(deriveSeed(seed, 'references', index));
  const before = sequence.slice(0, region.start - 1);
  const middle = sequence.slice(region.start - 1, region.end);
  const after = sequence.slice(region.end);
  return Array.from({ length: count }, () => before + dinucleotideShuffle(middle, random) + after);
}

export const BASELINES = ['zeros', 'uniform'] as const;
export type BaselineKind = (typeof BASELINES)[number];

/**
 * Integrated-gradients baselines for an encoded batch: inside the region the base channels become zeros
 * (Captum's default baseline, which gReLU keeps) or the uniform 0.25 per base (the encoding of N, with the
 * purine channel at 0.5); outside it and in per-sequence channels the input is kept.
 */
export function integrationBaseline(x: Encoded, region: Region, kind: BaselineKind): Encoded {
  if (!BASELINES.includes(kind)) throw new OptionError(`unknown baseline '${kind}'; expected ${BASELINES.join(', ')}`, { option: 'baseline' });
  const [n, length, channels] = x.shape;
  const { rows, dependent } = baseEncoding(x.encoding);
  const out = Float32Array.from(x.data);
  for (let s = 0; s < n; s++) {
    for (let p = region.start - 1; p < region.end; p++) {
      const at = (s * length + p) * channels;
      for (let c = 0; c < channels; c++) {
        if (!dependent[c]) continue;
        out[at + c] = kind === 'zeros' ? 0 : (rows[c]! + rows[channels + c]! + rows[2 * channels + c]! + rows[3 * channels + c]!) / 4;
      }
    }
  }
  return { data: out, shape: x.shape, encoding: x.encoding };
}

/** Checks a 1-based inclusive region against a sequence length; names the option in the error. */
export function checkRegion(region: Region, length: number, option = 'region'): void {
  if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start || region.end > length) {
    throw new OptionError(`region ${region.start}–${region.end} must be 1-based, inclusive and within the sequences (length ${length})`, { option });
  }
}
