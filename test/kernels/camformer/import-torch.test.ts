import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { encode, type Encoding } from '../../../src/data/encode';
import { predict } from '../../../src/kernels/camformer/predict';
import { importTorch } from '../../../src/kernels/camformer/torch/import-torch';
import { loadWeights } from '../../../src/kernels/camformer/torch/weights';
import { loadModel } from '../../../src/kernels/camformer/persistence';
import { countParameters, type Model } from '../../../src/kernels/camformer/model';
import type { CnnConfig } from '../../../src/kernels/camformer/config';
import { InputError, ModelError, OptionError } from '../../../src/errors';
import { runCli } from '../../../src/cli/main';
import { PYTHON, runPython } from '../../stats/python';
import { tempDir } from '../../helpers/paths';
import { captureConsole } from '../../helpers/console';

/**
 * PyTorch networks trained a few steps by torch_fixture.py (Debian's python3-torch), saved as state dicts, pickled
 * modules, legacy files, checkpoint dicts and the authors' tar layout, imported here and predicted with tfjs.
 */
const HAS_TORCH = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const dir = tempDir('cislab-torch-');

interface Manifest { sequences: string[]; models: Record<string, { encoding: Encoding; predictions: number[]; files: string[]; parameters: number }> }
let manifest: Manifest;

const TINY_RESIDUAL: Partial<CnnConfig> = {
  name: 'tiny-residual', encoding: 'onehotWithP', inputLength: 110, residual: [2, 4], dense: [16, 8], denseDropouts: [0, 0],
  convs: [0, 1, 2, 3].map((i) => ({ channels: 12, kernel: 10, padding: 'same' as const, dropout: 0.3, ...(i === 2 ? { pool: { kernel: 10, stride: 4 } } : {}) })),
};
const TINY_CONV1D: Partial<CnnConfig> = {
  name: 'tiny-conv1d', encoding: 'onehot', inputLength: 110, residual: [], dense: [8], denseDropouts: [0],
  convs: [0, 1].map((i) => ({ channels: 16, kernel: 6, padding: [2, 2] as [number, number], dropout: 0.1, ...(i === 0 ? { pool: { kernel: 4, stride: 2 } } : {}) })),
};

async function expectSamePredictions(model: Model, name: string): Promise<void> {
  const expected = manifest.models[name]!.predictions;
  const got = await predict(model, encode(manifest.sequences, model.encoding), { engine: 'tfjs' });
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-4));
}

describe.skipIf(!HAS_TORCH)('importTorch (PyTorch checkpoints → cislab models)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    runPython([join(__dirname, 'torch_fixture.py'), dir]);
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  });

  it('imports camformer-mini as a state dict, legacy file, pickled module and checkpoint dict: same predictions to 1e-4', async () => {
    for (const file of manifest.models['mini']!.files) {
      const { model, report } = await importTorch(join(dir, file));
      expect(report.structure).toBe('camformer-mini'); // detected from the shapes
      expect(report.encoding).toBe('onehotWithP');
      expect(report.skipped).toHaveLength(6); // one num_batches_tracked per batch norm
      expect(countParameters(model)).toBe(manifest.models['mini']!.parameters);
      await expectSamePredictions(model, 'mini');
      model.dispose();
    }
  });

  it('reads the authors\' tar layout: one checkpoint by member, its config.json for the encoding, or all of them', async () => {
    const bundle = join(dir, 'Camformer_219.tar.gz');
    await expect(importTorch(bundle)).rejects.toThrow(/holds 2 checkpoints.*\/42\/model\.pt/s);
    const { model, report } = await importTorch(bundle, { member: '/42/' });
    expect(report.member).toMatch(/219_onehotWithP_MSE_AdamW_ReduceLROnPlateau\/42\/model\.pt$/);
    expect(report.encodingFrom).toBe('config.json');
    await expectSamePredictions(model, 'mini');
    model.dispose();
    const all = await loadWeights(bundle);
    expect(all.map((w) => w.source.replace(/^.*\/(\d+)\/model\.pt$/, '$1'))).toEqual(['42', '23']);
    for (const w of all) { await expectSamePredictions(w.model, 'mini'); w.model.dispose(); }
    await expect(importTorch(bundle, { member: '/7/' })).rejects.toThrow(InputError);
  });

  it('imports the authors\' residual class into the camformer-small reconstruction (3,401,601 parameters with onehot)', async () => {
    const file = join(dir, 'small_onehot_module.pt');
    // The preset's own encoding (onehotWithP, 5 channels) does not fit a 4-channel first conv: asked, not guessed.
    await expect(importTorch(file, { preset: 'camformer-small' })).rejects.toThrow(/4 input channels.*onehot or onehotWithN/);
    const { model } = await importTorch(file, { preset: 'camformer-small', encoding: 'onehot' });
    expect(countParameters(model)).toBe(3_401_601);
    expect(manifest.models['small-onehot']!.parameters).toBe(3_401_601); // PyTorch's own count agrees
    await expectSamePredictions(model, 'small-onehot');
    model.dispose();
  });

  it('maps by structure: even-kernel residual networks and a Conv1d re-implementation without conv bias', async () => {
    const residual = await importTorch(join(dir, 'tiny_residual_state.pt'), { config: TINY_RESIDUAL });
    await expectSamePredictions(residual.model, 'tiny-residual');
    expect(residual.report.tensors[0]).toMatchObject({ torch: 'CNN_layers.0.0.conv.weight', torchShape: [12, 5, 10, 1], cislab: 'conv1/kernel', cislabShape: [1, 10, 5, 12] });
    const conv1d = await importTorch(join(dir, 'tiny_conv1d_state.pt'), { config: TINY_CONV1D });
    expect(conv1d.report.convBias).toBe(false);
    expect(conv1d.report.tensors[0]!.torch).toBe('features.0.conv.weight');
    await expectSamePredictions(conv1d.model, 'tiny-conv1d');
    residual.model.dispose();
    conv1d.model.dispose();
  });

  it('refuses a structure that does not match, naming the first tensor that does not fit', async () => {
    const file = join(dir, 'mini_state.pt');
    const refusal = await importTorch(file, { preset: 'camformer' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ModelError);
    expect((refusal as Error).message).toMatch(/structure of camformer: tensor 1 of \d+ \('CNN_layers\.0\.0\.weight', shape \[384, 5, 5, 1\]\) should be conv1's weight \[512, 5, 10\]/);
    // A different residual layout: the wrong dense width is named with the flatten it expects.
    const wrongDense = { ...TINY_RESIDUAL, dense: [32, 8] };
    await expect(importTorch(join(dir, 'tiny_residual_state.pt'), { config: wrongDense })).rejects.toThrow(/'linear_layers\.0\.0\.weight', shape \[16, 312\]\) should be dense1's weight \[32, 312\] \(the flattened 26 positions × 12 channels/);
    // No preset fits a custom network: each preset's first mismatch is listed.
    await expect(importTorch(join(dir, 'tiny_conv1d_state.pt'))).rejects.toThrow(/fits none of the presets[\s\S]*camformer-mini: tensor 1/);
  });

  it('refuses files that are not torch checkpoints, with typed errors', async () => {
    const truncated = join(dir, 'truncated.pt');
    writeFileSync(truncated, readFileSync(join(dir, 'mini_state.pt')).subarray(0, 4000));
    await expect(importTorch(truncated)).rejects.toThrow(InputError);
    const plain = join(dir, 'plain.pkl');
    runPython(['-c', `import pickle; pickle.dump({'a': [1, 2.5, 'x']}, open(${JSON.stringify(plain)}, 'wb'), protocol=2)`]);
    await expect(importTorch(plain)).rejects.toThrow(/plain pickle/);
    const noModel = join(dir, 'no-model.pt');
    runPython(['-c', `import torch; torch.save({'epoch': 3, 'lr': 0.1}, ${JSON.stringify(noModel)})`]);
    await expect(importTorch(noModel)).rejects.toThrow(/no state dict or nn.Module found.*epoch, lr/);
    await expect(importTorch(join(dir, 'missing.pt'))).rejects.toThrow(/no such file/);
    await expect(importTorch(join(dir, 'mini_state.pt'), { member: 'x' })).rejects.toThrow(OptionError);
  });

  describe('cislab import-torch', () => {
    const { out } = captureConsole();
    it('writes a cislab model directory that predicts as PyTorch does', async () => {
      const target = join(dir, 'mini.cislab');
      expect(await runCli(['import-torch', '--preset', 'camformer-mini', '--weights', join(dir, 'mini_module.pt'), '--out', target])).toBe(0);
      expect(out.join('\n')).toMatch(/imported 40 tensors .* as camformer-mini \(onehotWithP, from preset; 6 counters skipped\)/);
      const model = loadModel(target);
      await expectSamePredictions(model, 'mini');
      model.dispose();
      expect(await runCli(['import-torch', '--weights', join(dir, 'Camformer_219.tar.gz'), '--member', '/23/', '--out', join(dir, 'm23')])).toBe(0);
      expect(await runCli(['import-torch', '--preset', 'camformer', '--weights', join(dir, 'mini_state.pt'), '--out', join(dir, 'bad')])).toBe(1); // weights that do not fit the preset: a bad input file (exit 1), not a usage error
      expect(existsSync(join(dir, 'bad'))).toBe(false);
    });
  });
});
