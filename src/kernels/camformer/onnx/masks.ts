/**
 * Dropout keep masks for the compiled training graph, drawn from one seed per step: layer i's mask comes
 * from the i-th 32-bit draw of `createRandom(seed)` (the order in which model.ts draws its layer seeds),
 * expanded by the same xorshift128 stream and 16-bit threshold as tensor/ops.ts `dropoutMask` (keep when
 * the 16 bits are ≥ round(rate · 65536), so rates are exact to 1/65536), in the tfjs engine's element order
 * ([n, Lo, C], [n, size]), then transposed to the graph's ([C, Lo, n], [size, n]): for the same step seed both engines drop the same
 * units, so a seeded run trains the same model on either. Masks are graph inputs because ONNX Runtime removes
 * `Dropout` nodes from inference sessions, and so that a resumed run draws exactly the masks the
 * uninterrupted run would have drawn.
 */
import { createRandom } from '../../../stats/random';
import { OptionError } from '../../../errors';
import { maskDims, type MaskSpec } from './train-graph';

/** Fills `out` with keep flags (1 keep, 0 drop) from xorshift128 seeded by `seed`. */
export function fillKeepMask(out: Uint8Array, rate: number, seed: number): void {
  const threshold = Math.round(rate * 65536);
  // State set-up and step as tensor/ops.ts dropoutMask (xorshift128, Marsaglia 2003).
  let a = seed | 0 || 0x9e3779b9;
  let b = Math.imul(a ^ 0x85ebca6b, 0xc2b2ae35) | 0 || 1;
  let c = Math.imul(b ^ 0x27d4eb2f, 0x165667b1) | 0 || 2;
  let d = Math.imul(c ^ 0x9e3779b9, 0x85ebca6b) | 0 || 3;
  const size = out.length;
  const even = size - (size % 2);
  for (let i = 0; i < even; i += 2) {
    const t = a ^ (a << 11);
    a = b; b = c; c = d;
    d = d ^ (d >>> 19) ^ (t ^ (t >>> 8));
    // keep = (bits ≥ threshold), branch-free: a third of the comparisons go each way at random, and the
    // mispredicted branches made this loop 2× slower.
    out[i] = (((d & 0xffff) - threshold) >>> 31) ^ 1;
    out[i + 1] = (((d >>> 16) - threshold) >>> 31) ^ 1;
  }
  if (even < size) {
    const t = a ^ (a << 11);
    a = b; b = c; c = d;
    d = d ^ (d >>> 19) ^ (t ^ (t >>> 8)); // the last value of an odd-sized mask uses the low half only
    out[even] = (d & 0xffff) >= threshold ? 1 : 0;
  }
}

/**
 * A mask in the tfjs engine's order ([n, inner], inner = Lo · C or size) written into `out` in the graph's
 * ([C, Lo, n] or [size, n]). Blocks of 32 sequences keep both sides in cache: 37 ms for camformer-mini's
 * largest mask (11 M values) against 160 ms for ONNX Runtime's Transpose of it on this machine. `binary`:
 * every value is 0 or 1 (the masks `draw` makes), which allows the word-wise path where shapes are aligned.
 */
export function toGraphMaskOrder(tfjsOrder: Uint8Array, out: Uint8Array, spec: MaskSpec, n: number, binary = false): Uint8Array {
  const [channels, length] = spec.shape.length === 2 ? [spec.shape[0]!, spec.shape[1]!] : [spec.shape[0]!, 1];
  const aligned = channels % 4 === 0 && n % 4 === 0 && tfjsOrder.byteOffset % 4 === 0 && out.byteOffset % 4 === 0;
  if (binary && aligned && LITTLE_ENDIAN) return transposeBinaryMask(tfjsOrder, out, channels, length, n);
  const inner = channels * length;
  const block = 32;
  for (let s0 = 0; s0 < n; s0 += block) {
    const s1 = Math.min(n, s0 + block);
    for (let l = 0; l < length; l++) {
      for (let c = 0; c < channels; c++) {
        const o = (c * length + l) * n;
        let i = s0 * inner + l * channels + c;
        for (let s = s0; s < s1; s++, i += inner) out[o + s] = tfjsOrder[i]!;
      }
    }
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * `toGraphMaskOrder` for masks of 0s and 1s when channels and n are multiples of 4: 4 × 4 bytes at a time in
 * 32-bit words (the four rows' words OR-ed into 4-bit nibbles, each nibble spread back to four bytes by one
 * multiply: bits at 0, 7, 14, 21 apart never carry). 5× faster than byte by byte (20 → 4 ms for a
 * [256, 110, 256] mask), which matters because the trainer draws 30–65 M mask values per step.
 */
function transposeBinaryMask(tfjsOrder: Uint8Array, out: Uint8Array, channels: number, length: number, n: number): Uint8Array {
  const src = new Uint32Array(tfjsOrder.buffer, tfjsOrder.byteOffset, tfjsOrder.length >> 2);
  const dst = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  const c4 = channels >> 2;
  const n4 = n >> 2;
  const rowIn = length * c4; // words per sequence
  const rowOut = length * n4; // words per channel
  for (let l = 0; l < length; l++) {
    for (let s = 0; s < n4; s++) {
      const i = 4 * s * rowIn + l * c4;
      let o = l * n4 + s;
      for (let c = 0; c < c4; c++, o += 4 * rowOut) {
        const x = src[i + c]! | (src[i + rowIn + c]! << 1) | (src[i + 2 * rowIn + c]! << 2) | (src[i + 3 * rowIn + c]! << 3);
        dst[o] = Math.imul(x & 15, 0x204081) & 0x01010101;
        dst[o + rowOut] = Math.imul((x >>> 8) & 15, 0x204081) & 0x01010101;
        dst[o + 2 * rowOut] = Math.imul((x >>> 16) & 15, 0x204081) & 0x01010101;
        dst[o + 3 * rowOut] = Math.imul((x >>> 24) & 15, 0x204081) & 0x01010101;
      }
    }
  }
  return out;
}

/** The number of values of a mask for a batch of n. */
export const maskSize = (spec: MaskSpec, n: number): number => spec.shape.reduce((x, y) => x * y, 1) * n;

/** Reusable mask buffers for a trainer, grown to the largest batch seen. */
export class MaskSource {
  private buffers: Uint8Array[] = [];
  private scratch = new Uint8Array(0);

  constructor(private readonly specs: readonly MaskSpec[]) {}

  /**
   * The keep masks of one step, by input name, each in the graph's layout (train-graph.ts `graphMaskDims`)
   * flattened. The arrays are reused by the next call.
   */
  draw(seed: number, n: number): Record<string, Uint8Array> {
    const rng = createRandom(seed);
    const out: Record<string, Uint8Array> = {};
    this.specs.forEach((spec, i) => {
      const size = maskSize(spec, n);
      if (this.scratch.length < size) this.scratch = new Uint8Array(size);
      const drawn = this.scratch.subarray(0, size);
      fillKeepMask(drawn, spec.rate, rng.uint32());
      out[spec.name] = toGraphMaskOrder(drawn, this.buffer(i, size), spec, n, true);
    });
    return out;
  }

  /** Masks given in the tfjs engine's order (`maskDims`), checked and put in the graph's; reuses the buffers. */
  fromTfjsOrder(masks: Readonly<Record<string, Uint8Array>>, n: number): Record<string, Uint8Array> {
    const out: Record<string, Uint8Array> = {};
    this.specs.forEach((spec, i) => {
      const m = masks[spec.name];
      const size = maskSize(spec, n);
      if (!m || m.length !== size) throw new OptionError(`mask ${spec.name}: expected ${size} values ([${maskDims(spec, n).join(', ')}])`, { option: 'masks' });
      out[spec.name] = toGraphMaskOrder(m, this.buffer(i, size), spec, n);
    });
    return out;
  }

  private buffer(i: number, size: number): Uint8Array {
    if (!this.buffers[i] || this.buffers[i]!.length < size) this.buffers[i] = new Uint8Array(size);
    return this.buffers[i]!.subarray(0, size);
  }
}
