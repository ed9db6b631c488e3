// Without onnxruntime-node (mocked away here), 'auto' trains on tfjs and says why, and 'onnx' is refused.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OptionError } from '../../../src/errors';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { fit, type ProgressEvent } from '../../../src/kernels/camformer/train';
import { chooseTrainingEngine } from '../../../src/kernels/camformer/engine';
import { TINY, plantedData } from '../../helpers/models';

vi.mock('../../../src/kernels/camformer/onnx/runtime', () => ({ onnxRuntime: () => undefined }));

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

describe('training engine without onnxruntime-node', () => {
  it('auto falls back to tfjs with a message; onnx is an OptionError', async () => {
    expect(chooseTrainingEngine({ engine: 'auto', optimizer: 'adamw' })).toEqual({
      engine: 'tfjs', reason: 'auto: onnxruntime-node did not load (npm install onnxruntime-node); training on tfjs',
    });
    expect(() => chooseTrainingEngine({ engine: 'onnx', optimizer: 'adamw' })).toThrow(OptionError);

    const data = plantedData(40, 1);
    const model = buildModel(TINY, { seed: 1 });
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const events: ProgressEvent[] = [];
    const history = await fit(model, { x: data.x, y: data.y }, { epochs: 1, batchSize: 16, workers: 1, onProgress: (e) => events.push(e) });
    expect(said).toHaveBeenCalledWith('cislab: auto: onnxruntime-node did not load (npm install onnxruntime-node); training on tfjs');
    said.mockRestore();
    expect(history).toHaveLength(1);
    expect(new Set(events.map((e) => e.engine))).toEqual(new Set(['tfjs']));
    model.dispose();
  });
});
