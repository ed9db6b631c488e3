import { describe, expect, it } from 'vitest';
import { ismLogo, render, renderSync, loadRenderer } from '../../src/viz';

describe('render', () => {
  it('renders svg and png, sync and async agree', async () => {
    const spec = ismLogo([[1, 0, 0, -0.5], [0, 0.4, 0.2, 0]]);
    const svg = await render(spec, 'svg');
    expect(svg).toMatch(/^<svg/);
    await loadRenderer();
    expect(renderSync(spec, 'svg')).toBe(svg);
    const png = await render(spec, 'png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
