// Zoom on logos and tracks, brushing on binned scatters, and the papers' encodings the builders take
// (marginal histograms, a heat map's own colours, named category colours). The browser test checks that the
// interactive specs render without a Vega warning; here, the specs themselves and the headless view.
import { describe, expect, it } from 'vitest';
import { boxPlot, categoryColors, compileVegaLite, densityScatter, heatmap, ismLogo, lineBand, markSites, radar, render, violin, type VegaLiteSpec } from '../../src/viz';
import { importEsm } from '../../src/viz/esm';
import { OptionError } from '../../src/errors';

type View = Record<string, any>;

const contributions = [[1, 0, 0, -0.5], [0, 0.4, 0.2, 0], [0.3, 0, 0, 0], [0, 0, 0, 0.7]];

/** A headless vega view of a spec, run once. */
async function viewOf(spec: VegaLiteSpec): Promise<any> {
  const vega = await importEsm('vega');
  const view = new vega.View(vega.parse(await compileVegaLite(spec)), { renderer: 'none' });
  await view.runAsync();
  return view;
}

/** The glyph of the letters' data set as the view holds it now. */
const glyphs = (view: any, name = 'data_0'): string[] => view.data(name).map((d: View) => d.glyph as string);

describe('zoom on sequence positions', () => {
  it('puts a Ctrl/⌘ + wheel zoom bound to the x scale on a logo, with clipped letters', () => {
    const spec = ismLogo(contributions) as View;
    const letters = spec.layer[0];
    expect(letters.params).toEqual([{ name: 'zoom', select: { type: 'interval', encodings: ['x'], zoom: 'wheel![event.ctrlKey || event.metaKey]' }, bind: 'scales' }]);
    expect(letters.mark.clip).toBe(true);
    expect(letters.transform.map((t: View) => t.as)).toEqual(['zoom_k', 'glyph']);
    // The data carry each letter's height ratio, not its outline (which the transform computes).
    expect(spec.data.values[0]).toHaveProperty('sy');
    expect(spec.data.values[0]).not.toHaveProperty('glyph');
  });

  it('gives each row of a wrapped logo its own zoom, and markSites keeps them', () => {
    const long = Array.from({ length: 97 }, (_, i) => [Math.sin(i), 0, Math.cos(i), 0]);
    const spec = markSites(ismLogo(long), [{ start: 30, end: 40, label: 'REB1', strand: '+' }]) as View;
    const names = spec.vconcat.map((row: View) => row.layer[0].params[0].name);
    expect(names.length).toBeGreaterThan(1);
    expect(new Set(names).size).toBe(names.length);
  });

  it('widens the letters by the zoom factor and keeps their height', async () => {
    const view = await viewOf(ismLogo(contributions));
    const before = glyphs(view);
    expect(before[0]).toMatch(/^M-0\.92,/);
    // Show 2 of the 4 positions: k = 2, so x coordinates double and y coordinates stay.
    view.signal('zoom_position', [0.5, 2.5]);
    await view.runAsync();
    const after = glyphs(view);
    expect(after[0]).toMatch(/^M-1\.84,/);
    const ys = (path: string) => [...path.matchAll(/,(-?[\d.]+)/g)].map((m) => m[1]);
    expect(ys(after[0]!)).toEqual(ys(before[0]!));
    expect(view.scale('x').domain()).toEqual([0.5, 2.5]);
    view.finalize();
  });

  it('zooms tracks along a sequence by default, and other lines only when asked', () => {
    const track = [1, 2, 3, 4].map((position) => ({ position, value: position % 2 }));
    const zoomed = lineBand(track, { x: 'position', y: 'value' }) as View;
    expect(zoomed.layer[1].params[0]).toMatchObject({ name: 'zoom', bind: 'scales' });
    expect(zoomed.layer.every((l: View) => l.mark.clip === true)).toBe(true);
    const curve = [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch }));
    expect((lineBand(curve, { x: 'epoch', y: 'loss' }) as View).layer[1].params).toBeUndefined();
    expect((lineBand(curve, { x: 'epoch', y: 'loss', zoom: true }) as View).layer[1].params[0].name).toBe('zoom');
    expect((lineBand(track, { x: 'position', y: 'value', zoom: false }) as View).layer[1].params).toBeUndefined();
  });
});

describe('binned scatter: marginal histograms and brushing', () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({ id: `seq_${i}`, measured: i % 20, predicted: (i % 20) + ((i * 7) % 5) }));

  it('draws grey histograms of x above and y beside the cells, each summing to n', () => {
    const spec = densityScatter(rows, { x: 'measured', y: 'predicted', marginals: true, bins: 12 }) as View;
    const [top, middle] = spec.vconcat;
    const right = middle.hconcat[1];
    expect(top.mark).toMatchObject({ type: 'rect', color: '#CCCCCC' });
    const total = (bars: View[]) => bars.reduce((s, b) => s + b.count, 0);
    expect(top.data.values).toHaveLength(12);
    expect(total(top.data.values)).toBe(400);
    expect(total(right.data.values)).toBe(400);
    // The bars share the cells' domains, so they line up with the columns and rows of the plot.
    expect(top.encoding.x.scale.domain).toEqual(middle.hconcat[0].layer[0].encoding.x.scale.domain);
    expect(right.encoding.y.scale.domain).toEqual(middle.hconcat[0].layer[0].encoding.y.scale.domain);
  });

  it('lists names from the brushed cells, and static images leave the list out', async () => {
    const spec = densityScatter(rows, { x: 'measured', y: 'predicted', label: 'id', examples: 2, bins: 12 }) as View;
    const cells = spec.data.values as View[];
    expect(cells.every((c) => c.names.length >= 1 && c.names.length <= 2)).toBe(true);
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(400);
    const [plot, list] = spec.vconcat;
    expect(plot.layer[0].params[0]).toMatchObject({ name: 'brush', select: { type: 'interval', encodings: ['x', 'y'] } });
    expect(list.usermeta).toEqual({ interactiveOnly: true });
    expect(list.transform[0]).toEqual({ filter: { param: 'brush', empty: false } });
    expect(list.transform[1]).toEqual({ flatten: ['names'], as: ['name'] });
    const withList = await render(spec as VegaLiteSpec, 'svg');
    const plain = await render(densityScatter(rows, { x: 'measured', y: 'predicted', bins: 12, width: 300 }), 'svg');
    expect(Number(/height="([\d.]+)"/.exec(withList)![1])).toBe(Number(/height="([\d.]+)"/.exec(plain)![1]));
    expect(() => densityScatter(rows, { x: 'measured', y: 'predicted', label: 'nope' })).toThrow(/label/);
    expect(() => densityScatter(rows, { x: 'measured', y: 'predicted', label: 'id', examples: 0 })).toThrow(OptionError);
  });
});

describe("the papers' colours", () => {
  const cells = [{ a: 'X', b: 'Y', d: -2 }, { a: 'Y', b: 'X', d: 1 }, { a: 'X', b: 'X', d: 0 }];

  it("takes a heat map's colours: [negative, 0, positive] when diverging, low to high otherwise", () => {
    const div = heatmap(cells, { x: 'b', y: 'a', value: 'd', colors: ['darkblue', 'white', 'darkorange'] }) as View;
    expect(div.layer[0].encoding.color.scale).toEqual({ domain: [-2, 0, 2], range: ['darkblue', 'white', 'darkorange'], interpolate: 'rgb' });
    const seq = heatmap(cells, { x: 'b', y: 'a', value: 'd', diverging: false, scheme: 'inferno' }) as View;
    expect(seq.layer[0].encoding.color.scale.scheme).toBe('inferno');
    expect(() => heatmap(cells, { x: 'b', y: 'a', value: 'd', colors: ['blue', 'red'] })).toThrow(/3 colours/);
  });

  it('gives named categories their colours and the rest the theme colours of their place', () => {
    const { scale } = categoryColors(['DeepSEA', 'Camformer', 'other'], { DeepSEA: '#4D4D4D', Camformer: '#B276B2' });
    expect(scale.range.slice(0, 2)).toEqual(['#4D4D4D', '#B276B2']);
    expect(scale.range[2]).toBe(categoryColors(['a', 'b', 'c']).scale.range[2]);
    const values = [1, 2, 3, 4].flatMap((v) => [{ m: 'Vaishnav et al.', r: v }, { m: 'Camformer', r: v + 1 }]);
    const colors = { 'Vaishnav et al.': '#60BD68', Camformer: '#B276B2' };
    const v = violin(values, { x: 'm', y: 'r', order: ['Vaishnav et al.', 'Camformer'], colors }) as View;
    expect(v.layer[0].encoding.color.scale).toEqual({ domain: ['Vaishnav et al.', 'Camformer'], range: ['#60BD68', '#B276B2'] });
    const b = boxPlot(values, { x: 'm', y: 'r', colors }) as View;
    expect(b.layer.find((l: View) => l.encoding?.color)!.encoding.color.scale.range).toEqual(['#60BD68', '#B276B2']);
    const spokes = ['all', 'high', 'low'].flatMap((axis) => ['Orig', 'Mini'].map((model) => ({ axis, model, value: 0.5 })));
    const r = radar(spokes, { axis: 'axis', value: 'value', series: 'model', colors: { Orig: 'blue', Mini: 'green' } }) as View;
    expect(r.layer.find((l: View) => l.encoding?.color)!.encoding.color.scale).toEqual({ domain: ['Orig', 'Mini'], range: ['blue', 'green'] });
  });
});
