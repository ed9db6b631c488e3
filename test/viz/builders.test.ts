// Every spec builder yields a valid spec that renders headless to SVG and to a non-blank PNG.
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { Resvg } from '@resvg/resvg-js';
import {
  boxPlot, densityScatter, embeddingScatter, groupedBars, heatmap, histogram, ismLogo, lineBand, pwmLogo, radar, render, violin,
  FONT, titleText, type VegaLiteSpec,
} from '../../src/viz';
import { importEsm } from '../../src/viz/esm';

function rng(seed = 7) {
  let s = seed;
  const u = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return { u, gauss: () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) };
}

const { u, gauss } = rng();
const n = 100_000;
const measured = Float64Array.from({ length: n }, () => 8 + 2 * gauss());
const big = aq.table({ measured, predicted: measured.map((m) => m + 0.6 * gauss()), subset: Array.from({ length: n }, (_, i) => ['high', 'random', 'native'][i % 3]) });

const specs: Record<string, () => VegaLiteSpec> = {
  histogram: () => histogram(big, { x: 'measured', color: 'subset', title: 'expression' }),
  densityScatter: () => densityScatter(big, { x: 'measured', y: 'predicted', identity: true }),
  boxPlot: () => boxPlot(big, { x: 'subset', y: 'predicted' }),
  violin: () => violin(big, { x: 'subset', y: 'predicted' }),
  heatmap: () => heatmap([{ a: 'IME1', b: 'UME6', v: -0.6 }, { a: 'IME1', b: 'IME1', v: 0.8 }, { a: 'UME6', b: 'IME1', v: -0.6 }, { a: 'UME6', b: 'UME6', v: 0.1 }], { x: 'a', y: 'b', value: 'v' }),
  groupedBars: () => groupedBars(['high', 'low', 'SNVs'].flatMap((subset, i) => ['ours', 'DREAM'].map((model, j) => ({ subset, model, r: 0.5 + 0.1 * i + 0.05 * j, lo: 0.45, hi: 0.7 }))), { x: 'subset', y: 'r', color: 'model', yMin: 'lo', yMax: 'hi' }),
  lineBand: () => lineBand(Array.from({ length: 60 }, (_, i) => ({ epoch: i % 20, loss: Math.exp(-(i % 20) / 6) + 0.1 * u() })), { x: 'epoch', y: 'loss' }),
  embeddingScatter: () => embeddingScatter(aq.table({ u: measured.slice(0, 3000).map((m) => m + gauss()), v: measured.slice(0, 3000).map(() => gauss()), e: measured.slice(0, 3000) }), { x: 'u', y: 'v', color: 'e' }),
  ismLogo: () => ismLogo([[0.5, -0.1, 0, 0], [0, 0, -0.8, 0.1], [0.2, 0.3, 0.1, -0.4], [0, 1.2, 0, 0]]),
  pwmLogo: () => pwmLogo([[10, 0, 0, 0], [0, 10, 0, 0], [2, 2, 5, 1], [0, 0, 0, 10]]),
  radar: () => radar(['all', 'high', 'low', 'yeast', 'SNVs'].flatMap((subset, i) => ['Orig', 'Mini'].map((model, j) => ({ subset, model, rho: 0.5 + 0.1 * i - 0.05 * j, sd: 0.01 }))), { axis: 'subset', value: 'rho', series: 'model', error: 'sd' }),
};

/** Warnings vega-lite logs while compiling (unknown channels, bad types, dropped encodings…). */
async function compileWarnings(spec: VegaLiteSpec): Promise<string[]> {
  const vl = await importEsm('vega-lite');
  const warnings: string[] = [];
  const logger: any = { level: () => logger, warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return logger; }, info: () => logger, debug: () => logger, error: (...m: unknown[]) => { throw new Error(m.join(' ')); } };
  vl.compile(spec, { logger });
  return warnings;
}

/** Share of pixels that are not (near) white: a blank or broken figure has almost none. */
function inkFraction(svg: string): number {
  const img = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT } }).render();
  const px = img.pixels;
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 230 || px[i + 1] < 230 || px[i + 2] < 230)) ink++;
  return ink / (px.length / 4);
}

describe.each(Object.keys(specs))('%s', (name) => {
  it('builds a small spec that renders to SVG and a non-blank PNG', async () => {
    const spec = specs[name]();
    expect(spec.$schema).toContain('vega-lite');
    expect(JSON.stringify(spec).length).toBeLessThan(400_000); // binned/summarised, never 10⁵ raw points
    expect(await compileWarnings(spec)).toEqual([]);
    const svg = await render(spec, 'svg');
    expect(svg.startsWith('<svg')).toBe(true);
    const png = await render(spec, 'png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
    expect(inkFraction(svg)).toBeGreaterThan(0.02);
  });
});

describe('density scatter', () => {
  it('puts r and ρ in the subtitle and bins 10⁵ points into at most bins² rects', () => {
    const spec = densityScatter(big, { x: 'measured', y: 'predicted', bins: 30, title: 'test' });
    expect(titleText(spec)).toBe('test');
    expect((spec.title as any).subtitle).toMatch(/^r = 0\.9\d\d, ρ = 0\.9\d\d, n = 100000$/);
    const values = ((spec.layer as any[])[0].data.values as unknown[]);
    expect(values.length).toBeLessThanOrEqual(900);
  });
  it('names the missing column', () => {
    expect(() => densityScatter(big, { x: 'nope', y: 'predicted' })).toThrow(/option 'x'.*no column 'nope'/);
  });
});

describe('radar', () => {
  it('puts each value on its spoke (clockwise from the top), closes complete outlines and refuses < 3 spokes', () => {
    const rows = ['a', 'b', 'c', 'd'].map((axis, i) => ({ axis, v: [1, 0.5, 0, 0.5][i]! }));
    const spec = radar(rows, { axis: 'axis', value: 'v', domain: [0, 1] }) as any;
    const points = spec.layer[4].data.values as { axis: string; x: number; y: number; order: number }[];
    expect(points.map((p) => [p.axis, p.x, p.y])).toEqual([['a', 0, 1], ['b', 0.5, 0], ['c', 0, 0], ['d', -0.5, 0], ['a', 0, 1]]);
    expect(points[4]!.order).toBe(4);
    // A series missing a spoke is not closed (no false edge).
    const gap = radar([...rows.slice(0, 3)], { axis: 'axis', value: 'v', order: ['a', 'b', 'c', 'd'], domain: [0, 1] }) as any;
    expect(gap.layer[4].data.values).toHaveLength(3);
    expect(() => radar(rows.slice(0, 2), { axis: 'axis', value: 'v' })).toThrow(/at least 3 spokes/);
  });
});
