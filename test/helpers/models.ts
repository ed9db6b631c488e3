// Tiny models and planted-signal data for the kernel tests (seconds, not minutes).
import { encode, type Encoded } from '../../src/data/encode';
import { createRandom } from '../../src/stats/random';
import type { CnnConfig } from '../../src/kernels/camformer/config';

export const TINY: Partial<CnnConfig> = {
  name: 'tiny', encoding: 'onehotWithP', inputLength: 30, inputChannels: 5,
  convs: [
    { channels: 8, kernel: 5, padding: [2, 2], dropout: 0.1 },
    { channels: 8, kernel: 4, padding: 'same', dropout: 0.1, pool: { kernel: 3, stride: 2 } },
    { channels: 8, kernel: 3, padding: 'same', dropout: 0 },
  ],
  residual: [3], dense: [8], denseDropouts: [0],
};

/** Random 30-nt sequences; expression = 1 when GATAAG is planted near position 10 (aligned, like DREAM promoters), plus noise. */
export function plantedData(n: number, seed: number): { sequences: string[]; x: Encoded; y: Float32Array } {
  const rng = createRandom(seed);
  const sequences: string[] = [];
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const bases = Array.from({ length: 30 }, () => 'ACGT'[rng.int(4)]!);
    let copies = 0;
    if (rng.float() < 0.5) { bases.splice(8 + rng.int(4), 6, ...'GATAAG'); copies++; }
    const s = bases.join('').slice(0, 30);
    sequences.push(s);
    y[i] = copies + 0.1 * rng.normal();
  }
  return { sequences, x: encode(sequences, 'onehotWithP'), y };
}
