// tfjs's cpu backend greets Node users with "Hi, looks like you are running TensorFlow.js in Node.js …" on its
// first tensor; cislab says itself which backend it chose, so that banner must never reach a user's terminal or
// notebook: not on the cpu or wasm backend, not when a saved model is loaded and asked to predict.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths';

describe('no tfjs banner', () => {
  it.each(['cpu', 'wasm'])('on the %s backend, building, saving, loading and predicting', (backend) => {
    const dir = tempDir('cislab-banner-');
    const code = `
      const c = require(${JSON.stringify(join(REPO_ROOT, 'src', 'index.ts'))});
      (async () => {
        await c.initBackend({ backend: ${JSON.stringify(backend)} });
        const table = await c.promoters.simulate({ n: 4, seed: 1 });
        const built = c.buildModel('camformer-mini', { seed: 1 });
        await c.saveModel(built, ${JSON.stringify(join(dir, 'model'))});
        const model = await c.loadModel(${JSON.stringify(join(dir, 'model'))});
        const p = await c.predict(model, c.encode(table.array('sequence'), model.encoding), { engine: 'tfjs' });
        process.stdout.write(String(p.length));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', code], { encoding: 'utf8', env: { ...process.env, CISLAB_ENGINE: 'tfjs' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('4');
    expect(r.stderr + r.stdout).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
  });
});
