// Outside a kernel: bundles are built, show() prints text, nothing is patched, progress is silent.
import { describe, expect, it, vi } from 'vitest';
import * as aq from 'arquero';
import { inspect } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { displayBundle, enableAutoDisplay, inKernel, progress, show, tableHtml, VEGA_LITE_MIME } from '../../src/notebook';
import { histogram, loadRenderer } from '../../src/viz';

const t = aq.table({ name: Array.from({ length: 30 }, (_, i) => `s${i}`), score: Float64Array.from({ length: 30 }, (_, i) => i / 7) });

describe('display outside a kernel', () => {
  it('is not a kernel and patches nothing', () => {
    expect(inKernel()).toBe(false);
    expect(enableAutoDisplay()).toBe(false);
    expect(inspect(histogram([{ x: 1 }], { x: 'x' }))).toContain('$schema');
  });

  it('shows tables as HTML with shape, column types, head and tail', () => {
    const html = tableHtml(t);
    expect(html).toContain('30 rows × 2 columns');
    expect(html).toContain('number');
    expect(html).toContain('s0');
    expect(html).toContain('s29');
    expect(html).toContain('20 more rows');
  });

  it('bundles a spec with Vega-Lite JSON, a PNG fallback and a text line', async () => {
    await loadRenderer();
    const spec = histogram(t, { x: 'score', title: 'scores' });
    const b = displayBundle(spec);
    expect(b.data[VEGA_LITE_MIME]).toBe(spec);
    expect(Buffer.from(String(b.data['image/png']), 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(b.data['text/plain']).toMatch(/Vega-Lite chart "scores" \(bar; \d+ data rows\)/);
    expect(Object.keys(displayBundle(spec, { fallback: 'both' }).data)).toContain('image/svg+xml');
  });

  it('show() prints the text view', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      show(t);
      expect(String(write.mock.calls[0][0])).toMatch(/^30 rows × 2 columns\nname +score\n<string> +<number>/);
    } finally {
      write.mockRestore();
    }
  });

  it('progress is silent here and tolerates any call order', () => {
    const p = progress({ total: 5, label: 'x' });
    p.tick(); p.update(4, 'loss 0.1'); p.done(); p.tick();
  });
});

describe('the built package in plain node', () => {
  const dist = join(__dirname, '..', '..', 'dist', 'index.js');
  it.skipIf(!existsSync(dist))('requires synchronously without loading vega, and renders a fallback in a child process', () => {
    const code = `const c = require(${JSON.stringify(dist)});
      const { displayBundle } = require(${JSON.stringify(join(dirname(dist), 'notebook', 'index.js'))});
      const vega = Object.keys(require.cache).filter((k) => /node_modules[\\/\\\\]vega/.test(k)).length;
      const b = displayBundle(c.histogram([{ x: 1 }, { x: 2 }], { x: 'x' }));
      console.log(JSON.stringify({ vega, keys: Object.keys(b.data), png: String(b.data['image/png']).slice(0, 8) }));`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ vega: 0, keys: [VEGA_LITE_MIME, 'image/png', 'text/plain'], png: 'iVBORw0K' });
  });
});
