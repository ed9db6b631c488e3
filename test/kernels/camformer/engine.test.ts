// Without onnxruntime-node (mocked away here), 'auto' trains and predicts on tfjs and says why, once, with the
// install command (npm leaves the optional package out when its own CUDA download fails), and 'onnx' is refused.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OptionError } from '../../../src/errors';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { fit, type ProgressEvent } from '../../../src/kernels/camformer/train';
import { chooseTrainingEngine } from '../../../src/kernels/camformer/engine';
import { inferenceEngine } from '../../../src/kernels/camformer/predict';
import { TINY, plantedData } from '../../helpers/models';

vi.mock('../../../src/kernels/camformer/onnx/runtime', async (original) => ({ ...(await original<object>()), onnxRuntime: () => undefined }));

const INSTALL = 'npm install onnxruntime-node --onnxruntime-node-install=skip';

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

describe('training engine without onnxruntime-node', () => {
  it('auto falls back to tfjs with a message; onnx is an OptionError', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(chooseTrainingEngine({ engine: 'auto', optimizer: 'adamw' })).toEqual({
      engine: 'tfjs', reason: `auto: onnxruntime-node did not load (${INSTALL}); training on tfjs`,
    });
    expect(inferenceEngine('auto')).toBe('tfjs');
    expect(inferenceEngine('auto')).toBe('tfjs');
    const warnings = stderr.mock.calls.map((c) => String(c[0])).filter((t) => t.includes('onnxruntime-node is not installed'));
    stderr.mockRestore();
    expect(warnings).toEqual([`cislab: onnxruntime-node is not installed, so training and prediction run on tfjs, several times slower; install it with: ${INSTALL}\n`]);
    expect(() => chooseTrainingEngine({ engine: 'onnx', optimizer: 'adamw' })).toThrow(OptionError);
    expect(() => inferenceEngine('onnx')).toThrow(INSTALL);

    const data = plantedData(40, 1);
    const model = buildModel(TINY, { seed: 1 });
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const events: ProgressEvent[] = [];
    const history = await fit(model, { x: data.x, y: data.y }, { epochs: 1, batchSize: 16, workers: 1, onProgress: (e) => events.push(e) });
    expect(said).toHaveBeenCalledWith(`cislab: auto: onnxruntime-node did not load (${INSTALL}); training on tfjs`);
    said.mockRestore();
    expect(history).toHaveLength(1);
    expect(new Set(events.map((e) => e.engine))).toEqual(new Set(['tfjs']));
    model.dispose();
  });
});
