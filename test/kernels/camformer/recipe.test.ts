// The Camformer authors' recipe (`recipe: 'paper'`): what it sets per preset, what it refuses, and a smoke run of
// each schedule on tiny data through fit, the DSL and the CLI.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel, countParameters } from '../../../src/kernels/camformer/model';
import { fit, validationIndices, type ProgressEvent } from '../../../src/kernels/camformer/train';
import { PAPER_RUNS, recipeFitOptions } from '../../../src/kernels/camformer/recipe';
import { TORCH_PLATEAU } from '../../../src/kernels/tensor/schedules';
import { OptionError } from '../../../src/errors';
import { runCli } from '../../../src/cli/main';
import { promoters } from '../../../src/dsl/promoters';
import { simulatePromoters } from '../../../src/simulate/promoters';
import { plantedData, TINY } from '../../helpers/models';
import { tempDir } from '../../helpers/paths';
import { captureConsole } from '../../helpers/console';

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

/** TINY under a preset's name (a config over `base` keeps the preset's name), so the preset's recipe applies. */
function tinyAs(base: 'camformer' | 'camformer-mini', encoding: 'onehot' | 'onehotWithP') {
  const { name: _name, inputChannels: _channels, ...rest } = TINY;
  return { ...rest, base, encoding };
}

describe('recipe: what it sets', () => {
  it('per preset: the published run\'s loss, schedule and encoding, with the shared settings', () => {
    const expected = { 'camformer': ['l1', 'plateau', 9], 'camformer-small': ['huber', 'plateau', 141], 'camformer-mini': ['mse', 'plateau', 219] } as const;
    for (const [preset, [loss, schedule, run]] of Object.entries(expected)) {
      const model = buildModel(preset as keyof typeof expected);
      const o = recipeFitOptions(model, 'paper');
      expect({ loss: o.loss, schedule: o.schedule, run: PAPER_RUNS[preset as keyof typeof expected].run }).toEqual({ loss, schedule, run });
      expect(o).toMatchObject({
        epochs: 50, patience: 10, batchSize: 256, optimizer: 'adamw', lr: 1e-3, weightDecay: 1e-3, huberDelta: 0.9,
        validation: 0.05, split: 'stratified', dropLast: true, validationDropLast: true, initialBest: -1, workers: 1,
      });
      expect(o.scheduleOptions).toEqual({ ...TORCH_PLATEAU });
      model.dispose();
    }
    const large = buildModel('camformer');
    expect(recipeFitOptions(large, 'paper-large')).toMatchObject({ loss: 'huber', schedule: 'onecycle', lr: 0.01, scheduleOptions: { cycleMomentum: true } });
    large.dispose();
  });

  it('refuses models the recipe does not describe, naming the option', () => {
    const wrongEncoding = buildModel({ base: 'camformer-mini', encoding: 'onehot' });
    expect(() => recipeFitOptions(wrongEncoding, 'paper')).toThrow(/run 219 .* used the 'onehotWithP' encoding/);
    const custom = buildModel(TINY);
    expect(() => recipeFitOptions(custom, 'paper')).toThrow(OptionError);
    expect(() => recipeFitOptions(buildModel(tinyAs('camformer-mini', 'onehotWithP')), 'paper-large')).toThrow(/run 14/);
    wrongEncoding.dispose();
    custom.dispose();
  });

  it('PyTorch default initialisation: weights and biases within ±1/√fan_in, not He-normal', () => {
    const torchInit = buildModel('camformer-mini', { seed: 1, init: 'pytorch' });
    const he = buildModel('camformer-mini', { seed: 1 });
    const largest = (name: string) => Array.from(torchInit.params.get(name)!.dataSync()).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const bound = 1 / Math.sqrt(6 * 384); // conv2: kernel 6 over 384 input channels
    expect(largest('conv2/kernel')).toBeLessThanOrEqual(bound);
    expect(largest('conv2/kernel')).toBeGreaterThan(0.99 * bound);
    expect(largest('conv2/bias')).toBeGreaterThan(0.5 * bound);
    expect(largest('conv2/bias')).toBeLessThanOrEqual(bound);
    expect(Array.from(he.params.get('conv2/bias')!.dataSync()).every((b) => b === 0)).toBe(true);
    expect(countParameters(torchInit)).toBe(countParameters(he));
    expect(() => buildModel('camformer-mini', { init: 'xavier' as 'he' })).toThrow(/unknown init/);
    torchInit.dispose();
    he.dispose();
  });
});

describe('recipe: smoke runs on tiny data', () => {
  const data = plantedData(1400, 11);
  const { out, err } = captureConsole();

  it('paper (ReduceLROnPlateau on the loss): stratified 5 % validation, dropped partial batches, the loss of the run', async () => {
    const model = buildModel(tinyAs('camformer-mini', 'onehotWithP'), { seed: 3, init: 'pytorch' });
    const events: ProgressEvent[] = [];
    // Explicit options override the recipe's (a few epochs of small batches on tiny data).
    const history = await fit(model, { x: data.x, y: data.y }, { recipe: 'paper', epochs: 3, batchSize: 32, seed: 5, onProgress: (e) => events.push(e) });
    const split = validationIndices(1400, 0.05, 5, { split: 'stratified', y: data.y });
    expect(split.validation.length + split.test.length).toBe(Math.ceil(0.1 * 1400));
    const batch = events.find((e) => e.type === 'batch')!;
    expect(batch.batches).toBe(Math.floor(split.train.length / 32)); // drop_last, test rows excluded
    expect(history).toHaveLength(3);
    expect(history.every((r) => r.learningRate === 1e-3)).toBe(true); // patience 10: no reduction in 3 epochs
    expect(history[2]!.trainLoss).toBeLessThan(history[0]!.trainLoss);
    expect(history.every((r) => Number.isFinite(r.valLoss) && Number.isFinite(r.score))).toBe(true);
    expect(history[0]!['beta1']).toBeUndefined();
    model.dispose();
  });

  it('paper-large (OneCycle, max lr 0.01, β₁ cycling) on the camformer structure; too few validation rows is an error', async () => {
    const onehot = plantedData(1400, 12);
    const { encode } = await import('../../../src/data/encode');
    const model = buildModel(tinyAs('camformer', 'onehot'), { seed: 4 });
    const history = await fit(model, { x: encode(onehot.sequences, 'onehot'), y: onehot.y }, { recipe: 'paper-large', epochs: 2, batchSize: 32, seed: 2 });
    expect(history).toHaveLength(2);
    expect(history[0]!['beta1']).toBeLessThan(0.95);
    expect(history[0]!['beta1']).toBeGreaterThan(0.85);
    expect(Math.max(...history.map((r) => r.learningRate))).toBeLessThanOrEqual(0.01);
    await expect(fit(model, { x: encode(onehot.sequences, 'onehot'), y: onehot.y }, { recipe: 'paper-large', epochs: 1, batchSize: 256 }))
      .rejects.toMatchObject({ option: 'validationDropLast' });
    model.dispose();
  });

  it('the DSL (.fit({ recipe })) and the CLI (--recipe paper) train with it', async () => {
    const stage = promoters.simulate({ n: 700, seed: 3 });
    const dsl = await stage.model({ base: 'camformer-mini', inputLength: 110, convs: [{ channels: 8, kernel: 6, padding: 'same', dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [8], denseDropouts: [0] }, { seed: 1 })
      .fit({ recipe: 'paper', epochs: 1, batchSize: 16 });
    expect(dsl.history).toHaveLength(1);

    const dir = tempDir('cislab-recipe-');
    const file = join(dir, 'train.txt');
    const { table } = simulatePromoters({ n: 700, seed: 4 });
    writeFileSync(file, (table.objects() as { sequence: string; expression: number }[]).map((r) => `${r.sequence}\t${r.expression}`).join('\n'));
    writeFileSync(join(dir, 'mini-like.json'), JSON.stringify({ base: 'camformer-mini', convs: [{ channels: 8, kernel: 6, padding: 'same', dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [8], denseDropouts: [0] }));
    const code = await runCli(['train', '--model', join(dir, 'mini-like.json'), '--data', file, '--out', join(dir, 'model'), '--recipe', 'paper', '--epochs', '1', '--batch-size', '16']);
    expect(code, err.join('\n')).toBe(0);
    expect(err.join('\n')).toMatch(/the authors' recipe \(paper\)/);
    expect(out.join('\n')).toMatch(/saved camformer-mini .*\(1 epochs/);
    expect(existsSync(join(dir, 'model', 'config.json'))).toBe(true);
    expect(await runCli(['train', '--model', 'camformer-mini', '--data', file, '--out', join(dir, 'x'), '--recipe', 'paper2'])).toBe(2);
    expect(err.pop()).toMatch(/unknown recipe 'paper2'; expected paper, paper-large/);
  });
});
