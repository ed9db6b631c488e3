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
    out[i] = (d & 0xffff) >= threshold ? 1 : 0;
    out[i + 1] = d >>> 16 >= threshold ? 1 : 0;
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
 * largest mask (11 M values) against 160 ms for ONNX Runtime's Transpose of it on this machine.
 */
export function toGraphMaskOrder(tfjsOrder: Uint8Array, out: Uint8Array, spec: MaskSpec, n: number): Uint8Array {
  const [channels, length] = spec.shape.length === 2 ? [spec.shape[0]!, spec.shape[1]!] : [spec.shape[0]!, 1];
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
      out[spec.name] = toGraphMaskOrder(drawn, this.buffer(i, size), spec, n);
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
