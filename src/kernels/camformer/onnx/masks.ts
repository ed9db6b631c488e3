/**
 * Dropout keep masks for the compiled training graph, drawn from one seed per step: layer i's mask comes
 * from the i-th 32-bit draw of `createRandom(seed)` (the order in which model.ts draws its layer seeds),
 * expanded by the same xorshift128 stream and 16-bit threshold as tensor/ops.ts `dropoutMask` (keep when
 * the 16 bits are ≥ round(rate · 65536), so rates are exact to 1/65536), in the tfjs engine's element order
 * ([n, Lo, C], [n, size]; the graph transposes them): for the same step seed both engines drop the same
 * units, so a seeded run trains the same model on either. Masks are graph inputs because ONNX Runtime removes
 * `Dropout` nodes from inference sessions, and so that a resumed run draws exactly the masks the
 * uninterrupted run would have drawn.
 */
import { createRandom } from '../../../stats/random';
import type { MaskSpec } from './train-graph';

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

/** Reusable mask buffers for a trainer, grown to the largest batch seen. */
export class MaskSource {
  private buffers: Uint8Array[] = [];

  constructor(private readonly specs: readonly MaskSpec[]) {}

  /**
   * The keep masks of one step, by input name, each `maskDims(spec, n)` flattened. The arrays are reused by
   * the next call.
   */
  draw(seed: number, n: number): Record<string, Uint8Array> {
    const rng = createRandom(seed);
    const out: Record<string, Uint8Array> = {};
    this.specs.forEach((spec, i) => {
      const size = spec.shape.reduce((x, y) => x * y, 1) * n;
      if (!this.buffers[i] || this.buffers[i]!.length < size) this.buffers[i] = new Uint8Array(size);
      const view = this.buffers[i]!.subarray(0, size);
      fillKeepMask(view, spec.rate, rng.uint32());
      out[spec.name] = view;
    });
    return out;
  }
}
