import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { countConfigParameters, presetConfig, resolveConfig } from '../../../src/kernels/camformer/config';
import { buildModel, countParameters } from '../../../src/kernels/camformer/model';
import { ModelError } from '../../../src/errors';
import { TINY, plantedData } from '../../helpers/models';

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

describe('Camformer family', () => {
  it('has the published parameter counts', () => {
    expect(countConfigParameters(presetConfig('camformer'))).toBe(16_611_073);
    // camformer-small is a reconstruction that matches the authors' score board (score_board_SmallModel.csv).
    expect(countConfigParameters(presetConfig('camformer-small'))).toBe(3_402_881);
    expect(presetConfig('camformer-small').encoding).toBe('onehotWithP');
    expect(countConfigParameters(resolveConfig({ base: 'camformer-small', encoding: 'onehot' }))).toBe(3_401_601);
    // Each extra input channel adds 1,280 = 256 channels × kernel 5 of the first conv, as on the score board.
    expect(countConfigParameters(resolveConfig({ base: 'camformer-small', encoding: 'onehotWithBoth' }))).toBe(3_404_161);
    expect(countParameters(resolveConfig({ base: 'camformer-small', encoding: 'onehot' }))).toBe(3_401_601);
    expect(countConfigParameters(presetConfig('camformer-mini'))).toBe(1_446_721);
    const mini = buildModel('camformer-mini', { seed: 1 });
    expect(countParameters(mini)).toBe(1_446_721); // the built variables agree with the formula (and PyTorch)
    expect(mini.encoding).toBe('onehotWithP');
    expect(countParameters('camformer')).toBe(16_611_073);
    mini.dispose();
  });

  it('rejects inputs of the wrong length or channels, naming the option', () => {
    const m = buildModel(TINY, { seed: 1 });
    const bad = tf.zeros([2, 31, 5]) as tf.Tensor3D;
    expect(() => m.apply(bad)).toThrow(ModelError);
    try { m.toTensor({ data: new Float32Array(2 * 30 * 4), shape: [2, 30, 4], encoding: 'onehot' }); } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      expect((e as ModelError).option).toBe('x');
      expect((e as Error).message).toMatch(/expects \[n, 30, 5\]/);
    }
    expect(() => resolveConfig({ ...TINY, convs: [{ channels: 4, kernel: 40, padding: [0, 0], dropout: 0 }] })).toThrow(/inputLength/);
    expect(() => resolveConfig({ ...TINY, residual: [2] })).toThrow(ModelError);
    bad.dispose();
    m.dispose();
  });

  it('exposes layer outputs and gradients wrt input and layers', () => {
    const m = buildModel(TINY, { seed: 2 });
    const { x } = plantedData(4, 1);
    const t = m.toTensor(x);
    const acts = m.activations(t, ['conv1', 'relu2', 'block2', 'sum3', 'dense1', 'output']);
    expect(acts.conv1!.shape).toEqual([4, 30, 8]);
    expect(acts.relu2!.shape).toEqual([4, 30, 8]);
    expect(acts.block2!.shape).toEqual([4, 14, 8]);
    expect(acts.dense1!.shape).toEqual([4, 8]);
    // The fused inference path and the differentiable path give the same output.
    const fast = m.apply(t).dataSync();
    const slow = acts.output!.dataSync();
    fast.forEach((v, i) => expect(v).toBeCloseTo(slow[i]!, 4));
    const { gradient } = m.inputGradients(t);
    expect(gradient.shape).toEqual([4, 30, 5]);
    // Finite difference on one input element.
    const eps = 1e-2;
    const bump = (d: number) => tf.tidy(() => {
      const buf = t.bufferSync(); buf.set(buf.get(1, 7, 2) + d, 1, 7, 2);
      return m.apply(buf.toTensor() as tf.Tensor3D).dataSync()[1]!;
    });
    expect(gradient.bufferSync().get(1, 7, 2)).toBeCloseTo((bump(eps) - bump(-eps)) / (2 * eps), 2);
    const lg = m.layerGradients(t, 'block2');
    expect(lg.gradient.shape).toEqual([4, 14, 8]);
    tf.dispose([t, gradient, lg.activation, lg.gradient, lg.output, ...Object.values(acts)]);
    m.dispose();
  });
});
