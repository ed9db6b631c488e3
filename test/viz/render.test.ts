import { describe, expect, it } from 'vitest';
import { ismLogo, render, renderSync, loadRenderer, saveFigure } from '../../src/viz';

describe('render', () => {
  it('renders svg and png, sync and async agree', async () => {
    const spec = ismLogo([[1, 0, 0, -0.5], [0, 0.4, 0.2, 0]]);
    const svg = await render(spec, 'svg');
    expect(svg).toMatch(/^<svg/);
    await loadRenderer();
    // vega numbers clip paths across the process (so SVGs inlined on one page never share an id): compare
    // the two renders with the numbers taken out. The logo's letters are clipped, so it has clip paths.
    const unnumbered = (s: string) => s.replace(/clip\d+/g, 'clip');
    expect(svg).toMatch(/clip-path="url\(#clip\d+\)"/);
    expect(unnumbered(renderSync(spec, 'svg'))).toBe(unnumbered(svg));
    const png = await render(spec, 'png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('saveFigure', () => {
  it('writes svg, png and json by extension and refuses unknown ones', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cislab-fig-'));
    const spec = ismLogo([[1, 0, 0, 0]]);
    expect(readFileSync(await saveFigure(spec, join(dir, 'a.svg')), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(await saveFigure(spec, join(dir, 'a.png'))).subarray(1, 4).toString()).toBe('PNG');
    expect(JSON.parse(readFileSync(await saveFigure(spec, join(dir, 'a.vl.json')), 'utf8')).$schema).toContain('vega-lite');
    await expect(saveFigure(spec, join(dir, 'a.pdf'))).rejects.toThrow(/option 'file'/);
  });
});
