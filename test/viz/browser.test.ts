/**
 * Figures in a real browser: every Vega-Lite output stored in notebooks/*.ipynb, the main job's figure and one
 * spec per builder are rendered with vega-embed in headless Chromium inside a notebook-column-wide container.
 * A chart fails on any Vega warning or error, a blank canvas, no data marks, a width beyond the column, an item
 * outside the canvas or text cut short. Screenshots (one per notebook) go to out/browser/ (git-ignored).
 *
 * Skipped, saying why, where Chromium is missing (Debian: `apt-get install chromium`; or set CHROMIUM_PATH).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { densityScatter, embeddingScatter, ismLogo, NOTEBOOK_COLUMN_WIDTH } from '../../src/viz';
import { browserUnavailable, startBrowser, vegaLiteOutputs, type BrowserChecker } from '../helpers/browser';
import { REPO_ROOT } from '../helpers/paths';
import { gallery, mainJobFigure } from './gallery';
import { rebuildStored } from './rebuild';

const why = browserUnavailable();
if (why) console.log(`browser test skipped: ${why}`);

const SHOTS = join(REPO_ROOT, 'out', 'browser');
const NOTEBOOKS = join(REPO_ROOT, 'notebooks');
const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort();

describe.skipIf(why !== undefined)('figures in headless Chromium (vega-embed)', () => {
  let browser: BrowserChecker;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await startBrowser({ columnWidth: NOTEBOOK_COLUMN_WIDTH });
  });
  afterAll(async () => { await browser?.close(); });

  /** Checks each spec, screenshots the lot, and fails listing every chart that has problems. */
  async function checkAll(name: string, specs: Array<{ label: string; spec: object }>): Promise<void> {
    await browser.clear();
    const failures: string[] = [];
    for (const { label, spec } of specs) {
      const r = await browser.check(spec, `${name}: ${label}`);
      if (r.problems.length) failures.push(`${label} (${Math.round(r.width)}×${Math.round(r.height)} px): ${r.problems.join(' | ')}`);
    }
    await browser.screenshot(join(SHOTS, `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}.png`));
    expect(failures, `${name}: ${failures.length} of ${specs.length} charts fail`).toEqual([]);
  }

  it('flags what a reader would stumble on (the check itself)', async () => {
    await browser.clear();
    const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json' };
    const points = { values: [{ a: 1, b: 2, c: 'x' }, { a: 2, b: 3, c: 'y' }] };
    const problems = async (spec: object) => (await browser.check({ ...base, ...spec }, 'self-test')).problems.join(' | ');
    expect(await problems({ data: points, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } })).toBe('');
    expect(await problems({ width: 1200, data: points, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } })).toMatch(/wide, its container 760 px/);
    expect(await problems({ data: points, mark: 'point', encoding: { x: { field: 'nope', type: 'quantitative' }, y: { field: 'b', type: 'temporal', timeUnit: 'bogus' } } })).toMatch(/Vega (warning|error)|embed failed/);
    expect(await problems({ data: { values: [] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } })).toMatch(/no data marks/);
    expect(await problems({ data: points, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, color: { field: 'c', type: 'nominal', title: 'a legend title far longer than the one hundred and eighty pixels vega allows' } } })).toMatch(/cut short by Vega/);
    expect(await problems({ autosize: 'none', width: 200, height: 100, title: 'a title', data: points, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative', title: 'x' }, y: { field: 'b', type: 'quantitative' } } })).toMatch(/clipped by the canvas edge/);
  });

  it('lists the ids of the points brushed on an embedding', async () => {
    await browser.clear();
    const rows = Array.from({ length: 200 }, (_, i) => ({ u: (i % 20) / 2, v: Math.floor(i / 20), id: `seq_${i}` }));
    const r = await browser.check(embeddingScatter(rows, { x: 'u', y: 'v', title: 'brush me' }), 'brushing');
    expect(r.problems).toEqual([]);
    const before = await browser.dragOnLast([0.5, 0.5], [0.5, 0.5]);
    expect(before).toEqual([]);
    const listed = await browser.dragOnLast([0.2, 0.12], [0.8, 0.5]);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(10);
    for (const t of listed) expect(t).toMatch(/^seq_\d+$/);
  });

  it('lists the names in the cells brushed on a binned scatter', async () => {
    await browser.clear();
    const rows = Array.from({ length: 2000 }, (_, i) => ({ u: (i % 40) / 4, v: Math.floor(i / 40) / 5, id: `seq_${i}` }));
    const r = await browser.check(densityScatter(rows, { x: 'u', y: 'v', label: 'id', title: 'brush me' }), 'brushing cells');
    expect(r.problems).toEqual([]);
    const listed = await browser.dragOnLast([0.2, 0.15], [0.8, 0.5]);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(10);
    for (const t of listed) expect(t).toMatch(/^seq_\d+$/);
  });

  it('zooms a logo along the sequence with Ctrl + wheel, and lets the plain wheel scroll the page', async () => {
    await browser.clear();
    const matrix = Array.from({ length: 20 }, (_, i) => [Math.sin(i), 0.3, -Math.cos(i) / 2, 0]);
    const r = await browser.check(ismLogo(matrix, { title: 'zoom me' }), 'zoom');
    expect(r.problems).toEqual([]);
    expect(await browser.wheelOnLast([0.5, 0.5], -300, false, 'zoom_position')).toBeNull();
    const shown = (await browser.wheelOnLast([0.5, 0.5], -300, true, 'zoom_position')) as number[];
    expect(shown).toHaveLength(2);
    expect(shown[1]! - shown[0]!).toBeLessThan(20);
  });

  it('renders one spec per builder cleanly', async () => {
    await checkAll('builders', gallery());
  });

  it("renders the main job's figure cleanly", async () => {
    const specs = [{ label: 'densityScatter as src/cli/main-job.ts calls it', spec: mainJobFigure() as object }];
    const stored = join(REPO_ROOT, 'out', 'main', 'figure.vl.json');
    if (existsSync(stored)) specs.push({ label: 'out/main/figure.vl.json', spec: JSON.parse(readFileSync(stored, 'utf8')) });
    await checkAll('main-job', specs);
  });

  it.each(notebooks)('renders every Vega-Lite output of %s cleanly', async (file) => {
    const specs = vegaLiteOutputs(JSON.parse(readFileSync(join(NOTEBOOKS, file), 'utf8')));
    await checkAll(file.replace(/\.ipynb$/, ''), specs);
  });

  // What the stored charts become when their notebooks run again: each one whose inline data is its builder's
  // input (heat maps, grouped bars, logos) rebuilt with today's builders.
  it.each(notebooks)('renders the rebuildable outputs of %s cleanly when rebuilt with the current builders', async (file) => {
    const specs = vegaLiteOutputs(JSON.parse(readFileSync(join(NOTEBOOKS, file), 'utf8')))
      .flatMap(({ label, spec }) => { const rebuilt = rebuildStored(spec); return rebuilt ? [{ label: `${label} rebuilt`, spec: rebuilt as object }] : []; });
    await checkAll(`${file.replace(/\.ipynb$/, '')}.rebuilt`, specs);
  });
});
