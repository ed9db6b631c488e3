import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { fit } from '../../../src/kernels/camformer/train';
import { inferenceEngine, predict } from '../../../src/kernels/camformer/predict';
import { onnxRuntime } from '../../../src/kernels/camformer/onnx/runtime';
import { varint } from '../../../src/kernels/camformer/onnx/protobuf';
import { encode } from '../../../src/data/encode';
import { OptionError } from '../../../src/errors';
import { createRandom } from '../../../src/stats/random';
import { TINY, plantedData } from '../../helpers/models';

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

// onnxruntime-node is optional for users, but CI installs it: there a missing runtime is a failure, not a skip.
const haveOrt = onnxRuntime() !== undefined;
if (process.env.CI && !haveOrt) throw new Error('onnxruntime-node did not install (optional dependency; CI expects it)');

function randomSequences(n: number, length: number, seed: number): string[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length }, () => 'ACGTN'[rng.int(rng.float() < 0.02 ? 5 : 4)]!).join(''));
}

describe('protobuf varints', () => {
  it('encodes as the wire format says', () => {
    expect(Array.from(varint(1))).toEqual([1]);
    expect(Array.from(varint(300))).toEqual([0xac, 0x02]);
    expect(varint(-1).length).toBe(10); // int64 −1: ten bytes of two's complement
  });
});

describe.runIf(haveOrt)('ONNX Runtime engine', () => {
  it('predicts what tfjs predicts for a trained model (residual, same/explicit padding, pooling)', async () => {
    const data = plantedData(160, 3);
    const model = buildModel(TINY, { seed: 4 });
    await fit(model, { x: data.x, y: data.y }, { epochs: 2, batchSize: 32 }); // non-trivial batch-norm statistics
    const x = encode(randomSequences(300, 30, 9), 'onehotWithP');
    const viaTfjs = await predict(model, x, { engine: 'tfjs' });
    const viaOnnx = await predict(model, x, { engine: 'onnx', batchSize: 64 });
    let worst = 0;
    viaTfjs.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - viaOnnx[i]!) / Math.max(1, Math.abs(v))); });
    expect(worst).toBeLessThan(1e-5);
    model.dispose();
  });

  it('matches tfjs for the camformer-mini and camformer-small presets', async () => {
    for (const name of ['camformer-mini', 'camformer-small'] as const) {
      const model = buildModel(name, { seed: 2 });
      const x = encode(randomSequences(8, 110, 5), model.encoding);
      const a = await predict(model, x, { engine: 'tfjs' });
      const b = await predict(model, x, { engine: 'onnx' });
      a.forEach((v, i) => expect(Math.abs(v - b[i]!) / Math.max(1, Math.abs(v))).toBeLessThan(1e-4));
      model.dispose();
    }
  });

  it('re-exports after the weights change (a cached session never serves stale weights)', async () => {
    const data = plantedData(64, 8);
    const model = buildModel(TINY, { seed: 5 });
    const before = await predict(model, data.x, { engine: 'onnx' });
    await fit(model, { x: data.x, y: data.y }, { epochs: 1, batchSize: 32 });
    const after = await predict(model, data.x, { engine: 'onnx' });
    const tfjs = await predict(model, data.x, { engine: 'tfjs' });
    expect(after[0]).not.toBeCloseTo(before[0]!, 4);
    after.forEach((v, i) => expect(v).toBeCloseTo(tfjs[i]!, 4));
    model.dispose();
  });

  it('is what auto chooses on wasm', () => {
    expect(inferenceEngine('auto')).toBe('onnx');
  });
});

describe('engine option', () => {
  it('rejects an unknown engine, naming the option', () => {
    expect(() => inferenceEngine('fast' as never)).toThrow(OptionError);
    expect(() => inferenceEngine('fast' as never)).toThrow(/engine 'fast'; expected auto, onnx, tfjs/);
    expect(inferenceEngine('tfjs')).toBe('tfjs');
  });
});
