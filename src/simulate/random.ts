/**
 * The seeded random stream of the DeepRAGE and Seq2Exp simulators. src/data sits below src/stats in the
 * layering, so it cannot use `createRandom` from there; this is a small local stream (mulberry32, the
 * generator simulate.ts uses) with the few draws the simulators need. Simulations repeat exactly for a seed.
 */

export interface SimulationRandom {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Normal draw (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** Poisson draw (Knuth's product method below 30, a rounded normal approximation above). */
  poisson(lambda: number): number;
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[];
}

export function simulationRandom(seed: number): SimulationRandom {
  let state = seed >>> 0;
  const float = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(float() * n);
  const normal = (mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - float())) * Math.cos(2 * Math.PI * float());
  const poisson = (lambda: number) => {
    if (!(lambda > 0)) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = float();
    while (p > limit) (p *= float()), k++;
    return k;
  };
  const shuffle = <T>(items: T[]) => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  return { float, int, normal, poisson, shuffle };
}
