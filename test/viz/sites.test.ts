import { describe, expect, it } from 'vitest';
import { ismLogo } from '../../src/viz';
import { markSites } from '../../src/viz/sites';
import { importEsm } from '../../src/viz/esm';

const logo = () => ismLogo(Array.from({ length: 20 }, (_, i) => [i % 4 === 0 ? 0.5 : 0, i % 4 === 1 ? -0.3 : 0, 0, 0]), { start: 1 });

describe('markSites', () => {
  it('adds a bar and a strand label per site, stacking overlapping sites', () => {
    const spec = markSites(logo(), [
      { start: 3, end: 10, label: 'IME1', strand: '+' },
      { start: 8, end: 15, label: 'UME6', strand: '-' },
      { start: 17, end: 19, label: 'X' },
    ]) as any;
    expect(spec.layer).toHaveLength((logo() as any).layer.length + 2);
    const values = spec.layer.at(-1).data.values;
    expect(values.map((v: any) => v.text)).toEqual(['IME1 →', 'UME6 ←', 'X']);
    expect(values[0].x0).toBe(2.5);
    expect(values[0].x1).toBe(10.5);
    expect(values[1].y).toBeGreaterThan(values[0].y); // overlaps IME1: second level, higher up
    expect(values[2].y).toBe(values[0].y);
    // Sites sit above the letters (never on them): the y range grows, the letters keep their pixels per unit.
    const before = (logo() as any).layer[0].encoding.y.scale.domain as [number, number];
    const after = spec.layer[0].encoding.y.scale.domain as [number, number];
    expect(Math.min(...values.map((v: any) => v.y))).toBeGreaterThan(before[1]);
    expect(after[1]).toBeGreaterThan(Math.max(...values.map((v: any) => v.y)));
    expect(spec.height / (after[1] - after[0])).toBeCloseTo((logo() as any).height / (before[1] - before[0]), 0);
    // Still displayed as a chart in a notebook: the builder's inspector comes along.
    expect(Object.getOwnPropertyDescriptor(spec, Symbol.for('nodejs.util.inspect.custom'))).toBeDefined();
  });

  it('compiles without vega-lite warnings', async () => {
    const vl = await importEsm('vega-lite');
    const warnings: string[] = [];
    const logger = { level: () => logger, warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger), info: () => logger, debug: () => logger, error: (...m: unknown[]) => { throw new Error(m.join(' ')); } };
    vl.compile(markSites(logo(), [{ start: 2, end: 6, label: 'A', strand: '+' }]), { logger });
    expect(warnings).toEqual([]);
  });

  it('draws each site on the rows of a wrapped logo that it spans, clipped to the row', () => {
    const long = ismLogo(Array.from({ length: 97 }, (_, i) => [i % 3 === 0 ? 0.4 : 0, 0, i % 5 === 0 ? -0.2 : 0, 0]));
    const rows = (long as any).vconcat as any[];
    expect(rows.length).toBeGreaterThan(1);
    const spec = markSites(long, [{ start: 30, end: 40, label: 'A', strand: '+' }, { start: 83, end: 95, label: 'B' }]) as any;
    const domains = spec.vconcat.map((r: any) => r.layer[0].encoding.x.scale.domain as [number, number]);
    const siteRows = spec.vconcat.map((r: any) => (r.layer.length > rows[0].layer.length ? r.layer.at(-1).data.values : []));
    siteRows.forEach((values: any[], i: number) => {
      for (const v of values) { expect(v.x0).toBeGreaterThanOrEqual(domains[i][0]); expect(v.x1).toBeLessThanOrEqual(domains[i][1]); }
    });
    expect(siteRows.flat().map((v: any) => v.text)).toEqual(expect.arrayContaining(['A →', 'B']));
  });

  it('rejects a spec that is not a logo and a site with end before start', () => {
    expect(() => markSites({ mark: 'point' } as any, [])).toThrow(/logo spec/);
    expect(() => markSites(logo(), [{ start: 5, end: 2, label: 'bad' }])).toThrow(/start ≤ end/);
  });
});
