/**
 * A small seeded generator for the motif layer's own sampling (p-value reservoirs, shuffles, null columns).
 * mulberry32: 32-bit state, exact in JavaScript integer arithmetic, so a seed gives the same stream
 * everywhere. Kept local so src/motifs builds on its own; src/stats/random.ts (xoshiro128**) can replace it
 * once it is exported from src/stats.
 */
export interface MotifRandom {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function motifRandom(seed: number | string = 1): MotifRandom {
  let state = typeof seed === 'string' ? hash(seed) : Math.trunc(seed) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { float: next, int: (n: number) => Math.floor(next() * n) };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
