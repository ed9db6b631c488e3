/**
 * Where one training step's time goes: `tf.profile` of a camformer-mini step (AdamW, L1) on the tfjs backend in
 * use, kernel time summed by kernel name, then every Conv2D call with its shapes and time. Not a throughput
 * benchmark (see train.bench.ts): it says which kernels to make faster.
 *   npx tsx bench/train-profile.ts [--batch 128]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/kernels/tensor/backend';
import { buildModel } from '../src/kernels/camformer/model';
import { createOptimizer } from '../src/kernels/tensor/optimizers';
import { trainStep } from '../src/kernels/camformer/step';

async function main() {
  const args = process.argv.slice(2);
  const n = args.includes('--batch') ? Number(args[args.indexOf('--batch') + 1]) : 128;
  console.log(`backend ${await initBackend()}, camformer-mini, batch ${n}`);
  const model = buildModel('camformer-mini', { seed: 1 });
  const optimizer = createOptimizer('adamw', {});
  const x = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([n, 110], 0, 4, 'int32'), 5), 'float32')) as tf.Tensor3D;
  const y = tf.randomNormal([n]) as tf.Tensor1D;
  await trainStep(model, optimizer, x, y, { lr: 1e-3, dropoutSeed: 1 }); // warm-up: kernels compiled, buffers allocated
  const info = await tf.profile(async () => {
    await trainStep(model, optimizer, x, y, { lr: 1e-3, dropoutSeed: 2 });
  });
  const byName = new Map<string, number>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = Number(k.kernelTimeMs) || 0;
    byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
    total += ms;
  }
  console.log(`kernel time ${total.toFixed(0)} ms`);
  for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / total).toFixed(1)} %`);
  }
  console.log('Conv2D calls (input, filter → output): ms');
  for (const k of info.kernels) {
    if (k.name === 'Conv2D') console.log(`  ${JSON.stringify(k.inputShapes)} → ${JSON.stringify(k.outputShapes)}: ${Number(k.kernelTimeMs).toFixed(0)}`);
  }
}

void main();
