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
    expect(values[1].y).toBeLessThan(values[0].y); // overlaps IME1: second level
    expect(values[2].y).toBe(values[0].y);
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

  it('rejects a spec that is not a logo and a site with end before start', () => {
    expect(() => markSites({ mark: 'point' } as any, [])).toThrow(/logo spec/);
    expect(() => markSites(logo(), [{ start: 5, end: 2, label: 'bad' }])).toThrow(/start ≤ end/);
  });
});
