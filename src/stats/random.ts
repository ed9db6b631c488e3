/**
 * Seeded pseudo-random numbers for everything in cislab that must be reproducible: bootstrap resampling,
 * simulators, shuffles, weight initialisation seeds.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 128-bit state, period 2^128 − 1, passes BigCrush. It uses
 * only 32-bit integer arithmetic, which JavaScript does exactly (Math.imul, >>> 0), so a seed gives the same
 * stream on every platform and Node version. The state is filled from the seed with splitmix32, which
 * decorrelates nearby seeds (seed 1 and seed 2 give unrelated streams).
 *
 * ```ts
 * const rng = createRandom(7);
 * rng.float();          // uniform [0, 1)
 * rng.int(10);          // uniform integer 0..9, unbiased
 * rng.normal();         // standard normal
 * const child = rng.fork('bootstrap');   // independent stream, reproducible from (seed, label)
 * ```
 */
import { OptionError } from '../errors';

/** A seed: a finite number (its integer part modulo 2^32 is used) or a string (hashed). */
export type Seed = number | string;

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_26 = 67108864;

/** 32-bit FNV-1a of a string: turns text seeds and fork labels into integers. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Normalises a seed to an unsigned 32-bit integer, rejecting what cannot be a seed. */
export function seedToUint32(seed: Seed, option = 'seed'): number {
  if (typeof seed === 'string') return hashString(seed);
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new OptionError(`expected a finite number or a string as seed, got ${String(seed)}`, { option });
  }
  // Modulo of the integer part keeps negative and large seeds usable instead of rejecting them.
  const int = Math.trunc(seed);
  return ((int % TWO_POW_32) + TWO_POW_32) % TWO_POW_32 >>> 0;
}

/**
 * Combines a seed with labels into a new 32-bit seed, e.g. `deriveSeed(7, 'fold', 3)`. Use it to give each
 * model, fold or worker its own stream that is still reproducible from the user's single seed.
 */
export function deriveSeed(seed: Seed, ...labels: Array<string | number>): number {
  let h = seedToUint32(seed);
  for (const label of labels) {
    const l = typeof label === 'string' ? hashString(label) : seedToUint32(label, 'label');
    h = splitmix32Step(h ^ Math.imul(l, 0x9e3779b9)).value;
  }
  return h;
}

function splitmix32Step(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return { state: next, value: (z ^ (z >>> 16)) >>> 0 };
}

/** A seeded stream of random numbers. Not cryptographic. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Second value of the last polar-method pair, kept so that no draw is wasted. */
  private spareNormal = NaN;
  /** The 32-bit seed this stream was created from. */
  readonly seed: number;

  constructor(seed: Seed) {
    this.seed = seedToUint32(seed);
    let sm = this.seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const step = splitmix32Step(sm);
      sm = step.state;
      words.push(step.value);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // xoshiro's only bad state is all zeros; splitmix32 cannot produce four zeros, but guard anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A stream started from an explicit xoshiro128** state (four 32-bit words, not all zero), bypassing the
   * seeding. For checking the generator against the reference implementation's published outputs.
   */
  static fromState(state: readonly [number, number, number, number]): Random {
    if (state.every((w) => w >>> 0 === 0)) throw new OptionError('the xoshiro128** state must not be all zeros', { option: 'state' });
    const rng = new Random(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((w) => w >>> 0) as [number, number, number, number];
    return rng;
  }

  /** Next unsigned 32-bit integer (xoshiro128**). */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits (two 32-bit draws). */
  float(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * TWO_POW_26 + lo) / TWO_POW_53;
  }

  /**
   * Uniform integer in [0, n), exactly unbiased: draws falling in the incomplete last block of 2^32 are
   * rejected (at most one retry in two, on average far fewer).
   */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) {
      throw new OptionError(`expected an integer in 1..2^32, got ${n}`, { option: 'n' });
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** Standard normal draw (Marsaglia polar method), scaled: mean + sd · Z. */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + sd * z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /**
   * Gamma(shape, scale) draw by Marsaglia & Tsang (2000). Shapes below 1 use the boost
   * Gamma(a) = Gamma(a + 1) · U^(1/a), since the squeeze method needs a ≥ 1.
   */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) {
      throw new OptionError(`gamma needs shape > 0 and scale > 0, got shape ${shape}, scale ${scale}`, {
        option: 'shape',
      });
    }
    if (shape < 1) {
      const u = this.float();
      return this.gamma(shape + 1, scale) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.float();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /**
   * An independent stream derived from this stream's seed and a label. Forking does not advance this
   * stream, so adding a fork elsewhere never changes the numbers drawn here.
   */
  fork(...labels: Array<string | number>): Random {
    return new Random(deriveSeed(this.seed, ...labels));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Creates a seeded random stream.
 * @param seed - A number or a string (hashed to 32 bits).
 * @returns A `Random` stream: `float()`, `int(n)`, `normal(mean, sd)`, `gamma`, `beta`, `fork(label)`.
 * @example
 * const rng = createRandom(7);
 * const u = rng.float(); // [0, 1)
 * const k = rng.int(4); // 0..3
 */
export function createRandom(seed: Seed): Random {
  return new Random(seed);
}
