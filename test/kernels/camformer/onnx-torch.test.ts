import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { resolveConfig, type CnnConfig } from '../../../src/kernels/camformer/config';
import type { LossName } from '../../../src/kernels/tensor/losses';
import type { OptimizerName } from '../../../src/kernels/tensor/optimizers';
import { onnxRuntime } from '../../../src/kernels/camformer/onnx/runtime';
import { OnnxTrainer } from '../../../src/kernels/camformer/onnx/trainer';
import { initialWeights } from '../../../src/kernels/camformer/onnx/initial-weights';
import { TINY, plantedData } from '../../helpers/models';
import { GRID, relativeError, tfjsMasks } from '../../helpers/onnx-training';
import { PYTHON, runPython } from '../../stats/python';
import { spawnSync } from 'node:child_process';

// The PyTorch reference (bench/reference/torch_step_check.py) builds the same network with
// torch.nn.functional from the same weights and masks, in float64.
const haveTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const haveOrt = onnxRuntime() !== undefined;
if (!haveTorch) console.log(`${PYTHON} cannot import torch: the PyTorch comparisons of the ONNX training step are skipped`);

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

interface TorchReply { loss: number; grads: Record<string, number[]>; next: Record<string, number[]> }


function data(c: CnnConfig, n: number) {
  if (c.name === 'tiny') { const d = plantedData(n, 3); return { x: d.x.data, y: d.y }; }
  const x = new Float32Array(n * c.inputLength * c.inputChannels);
  for (let i = 0; i < n * c.inputLength; i++) x[i * c.inputChannels + ((i * 5 + 1) % c.inputChannels)] = 1;
  return { x, y: Float32Array.from({ length: n }, (_, i) => Math.sin(i)) };
}

const cases: Array<[string, LossName, OptimizerName, 'float' | 'double']> = [
  ['tiny', 'l1', 'adamw', 'float'], ['grid', 'huber', 'lion', 'float'], ['grid', 'mse', 'adamw', 'float'],
  ['grid', 'l1', 'adamw', 'double'], ['tiny', 'huber', 'lion', 'double'],
];

/** Everything one case needs, the same for both implementations. */
function setup(which: string, loss: LossName, optimizer: OptimizerName) {
  const c = resolveConfig(which === 'tiny' ? TINY : GRID);
  const n = 9;
  const { x, y } = data(c, n);
  const weights = initialWeights(c, 4);
  const recipe = { loss, huberDelta: 0.7, optimizer, lr: 2e-3, weightDecay: 0.01, beta1: 0.9, beta2: optimizer === 'adamw' ? 0.999 : 0.99, epsilon: 1e-8 };
  return { c, x, y, weights, recipe, masks: tfjsMasks(c, 31, n) };
}

describe.runIf(haveTorch && haveOrt)('ONNX training step vs PyTorch (float64 reference, same weights and masks)', () => {
  let replies: TorchReply[] = [];
  beforeAll(() => {
    const requests = cases.map(([which, loss, optimizer]) => {
      const s = setup(which, loss, optimizer);
      return { config: s.c, weights: Object.fromEntries([...s.weights].map(([k, v]) => [k, Array.from(v)])), x: Array.from(s.x), y: Array.from(s.y), masks: s.masks.tfjs, ...s.recipe };
    });
    replies = JSON.parse(runPython(['bench/reference/torch_step_check.py'], JSON.stringify(requests))) as TorchReply[];
  });

  it.each(cases.map((c, i) => [...c, i] as const))('%s config, %s loss, %s, %s graph: gradients and one update agree', async (which, loss, optimizer, precision, i) => {
    const { c, x, y, weights, recipe, masks } = setup(which, loss, optimizer);
    const ref = replies[i]!;
    const trainer = await OnnxTrainer.create(c, { weights, gradients: true, precision, ...recipe });
    // float32 graph vs float64 PyTorch: rounding of float32 sums. float64 graph: the same arithmetic, whose
    // results the trainer hands out as float32 (cislab's weights are float32), so agreement to float32 rounding.
    const tolerance = precision === 'float' ? 1e-5 : 1e-7;
    const ours = await trainer.gradients(x, y, 0, { masks: masks.graph });
    expect(Math.abs(ours.loss - ref.loss) / ref.loss).toBeLessThan(tolerance);
    for (const [name, g] of Object.entries(ref.grads)) expect(relativeError(ours.grads.get(name)!, g), name).toBeLessThan(tolerance);
    await trainer.step(x, y, recipe.lr, 0, { masks: masks.graph });
    const w = trainer.weights();
    const moments = trainer.optimizerState().tensors;
    for (const [name, v] of Object.entries(ref.next)) {
      const mine = w.get(name) ?? moments.get(name)!;
      expect(relativeError(mine, v), name).toBeLessThan(precision === 'float' ? 1e-5 : 1e-6);
    }
    trainer.dispose();
  });
});
