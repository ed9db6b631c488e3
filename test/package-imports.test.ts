// Importing cislab has no side effects: no tfjs backend and no umbrella bundle load, nothing patched on Arquero.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('import cislab', () => {
  it('loads tfjs core (and layers) only, registers no backend but the lazy cpu fallback, and patches no table prototype', () => {
    const src = join(__dirname, '..', 'src', 'index.ts');
    const code = `
      require(${JSON.stringify(src)});
      const loaded = Object.keys(require.cache).filter((k) => k.includes('@tensorflow')).map((k) => k.split('node_modules/')[1].split('/').slice(0, 2).join('/'));
      const tf = require('@tensorflow/tfjs-core');
      const { ColumnTable } = require('arquero');
      console.log(JSON.stringify({
        packages: [...new Set(loaded)].sort(),
        backends: Object.keys(tf.engine().registryFactory),
        initialised: tf.engine().backendInstance !== null && tf.engine().backendInstance !== undefined,
        patched: Object.getOwnPropertySymbols(ColumnTable.prototype).map(String),
      }));`;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', code], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      packages: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'], backends: ['cpu'], initialised: false, patched: [],
    });
  });
});
