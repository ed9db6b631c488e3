/**
 * Fresh weights of a config without tfjs, identical to `buildModel(config, { seed })`: He-normal kernels
 * (fan-in, sd √(2 / fan-in)) drawn from one `createRandom(seed)` stream in model.ts's order, zero biases and
 * β, unit γ, zero running means and unit running variances. In cislab's names and tfjs layouts.
 */
import { createRandom } from '../../../stats/random';
import type { CnnConfig } from '../config';
import { paramSpecs, stateSpecs } from './layout';

/** Parameters and running statistics by name (tfjs layouts). */
export function initialWeights(c: CnnConfig, seed = 0): Map<string, Float32Array> {
  const rng = createRandom(seed);
  const out = new Map<string, Float32Array>();
  for (const p of paramSpecs(c)) {
    const values = new Float32Array(p.size);
    if (p.kind === 'convKernel' || p.kind === 'denseKernel') {
      const fanIn = p.kind === 'convKernel' ? p.tfjsShape[1]! * p.tfjsShape[2]! : p.tfjsShape[0]!;
      const sd = Math.sqrt(2 / fanIn);
      for (let i = 0; i < values.length; i++) values[i] = rng.normal() * sd;
    } else if (p.kind === 'gamma') {
      values.fill(1);
    }
    out.set(p.name, values);
  }
  for (const s of stateSpecs(c)) out.set(s.name, new Float32Array(s.shape[0]!).fill(s.name.endsWith('movingVariance') ? 1 : 0));
  return out;
}
