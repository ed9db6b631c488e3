/**
 * Headless rendering: Vega-Lite → Vega (vega-lite `compile`) → scenegraph (vega View, renderer 'none') →
 * SVG string → PNG (resvg, with DejaVu Sans so text looks the same in both).
 *
 * vega and vega-lite are ES modules loaded lazily (see esm.ts), so importing cislab stays synchronous and
 * vega-free. `renderSync` exists for the notebook's auto-display, which runs inside a synchronous
 * `console.log`; it works once `loadRenderer()` has resolved.
 */
import { importEsm, importedEsm } from './esm';
import { FONT } from './theme';
import { vegaTextWidth } from './text-width';
import { NOTEBOOK_COLUMN_WIDTH } from './layout';
import { OptionError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import type { VegaLiteSpec } from './spec';

/** Output format of {@link render}: an SVG string or PNG bytes. */
export type RenderFormat = 'svg' | 'png';

export interface RenderOptions {
  /** Pixel ratio of the PNG (default 2: crisp in notebooks and papers). */
  scale?: number;
}

/** Starts loading vega and vega-lite; resolves when `renderSync` can be used. */
export async function loadRenderer(): Promise<void> {
  const [vega] = await Promise.all([importEsm('vega'), importEsm('vega-lite')]);
  measureTextWithTheFont(vega);
}

/**
 * Without a canvas (Node), vega guesses every character 0.8 em wide, so a long title makes the canvas up to
 * twice the chart's width (half of the PNG empty). vega lets a host supply `textMetrics.width` (vl-convert does
 * the same); we give it DejaVu Sans's real advance widths. A browser keeps its own canvas measurement.
 */
function measureTextWithTheFont(vega: any): void {
  const metrics = vega.textMetrics;
  if (metrics && metrics.width === metrics.estimateWidth) metrics.width = vegaTextWidth;
}

/** True when vega and vega-lite are loaded (so synchronous rendering is possible). */
export function rendererLoaded(): boolean {
  return importedEsm('vega') !== undefined && importedEsm('vega-lite') !== undefined;
}

/** Compiles a Vega-Lite spec to a Vega spec (async because vega-lite is loaded on demand). */
export async function compileVegaLite(spec: VegaLiteSpec): Promise<Record<string, unknown>> {
  await loadRenderer();
  return compileVegaLiteSync(spec);
}

export function compileVegaLiteSync(spec: VegaLiteSpec): Record<string, unknown> {
  const vl = importedEsm('vega-lite');
  if (!vl) throw new Error('cislab: vega-lite not loaded yet (await loadRenderer() first)');
  return vl.compile(headless(spec)).spec;
}

/**
 * A spec as a static image shows it: without a page there is no container to fill (a `'container'`-wide spec
 * renders as wide as a notebook column), and views that only work interactively (`usermeta.interactiveOnly`,
 * e.g. the list of brushed points) are left out.
 */
function headless(spec: VegaLiteSpec): VegaLiteSpec {
  let out = spec;
  if (out.width === 'container') out = { ...out, width: NOTEBOOK_COLUMN_WIDTH };
  const views = out.vconcat;
  if (Array.isArray(views) && views.some(interactiveOnly)) {
    const kept = views.filter((v) => !interactiveOnly(v));
    out = { ...out, vconcat: kept };
  }
  return out;
}

const interactiveOnly = (view: unknown): boolean =>
  typeof view === 'object' && view !== null && (view as { usermeta?: { interactiveOnly?: unknown } }).usermeta?.interactiveOnly === true;

/**
 * Renders a Vega-Lite spec to an SVG string or PNG bytes.
 * @param spec - A Vega-Lite spec (any of the builders' results).
 * @param format - 'svg' or 'png'.
 * @param options - `scale`: pixel ratio of the PNG (default 2).
 * @returns The SVG text, or the PNG as a Buffer.
 * @example
 * const svg = await render(histogram(train, { x: 'expression' }), 'svg');
 */
export async function render(spec: VegaLiteSpec, format: 'svg', options?: RenderOptions): Promise<string>;
export async function render(spec: VegaLiteSpec, format: 'png', options?: RenderOptions): Promise<Buffer>;
export async function render(spec: VegaLiteSpec, format: RenderFormat, options: RenderOptions = {}): Promise<string | Buffer> {
  await loadRenderer();
  const svg = await renderVegaToSvg(compileVegaLiteSync(spec));
  return format === 'svg' ? svg : svgToPng(svg, options.scale);
}

/** Synchronous twin of `render`; throws if the renderer is not loaded yet. */
export function renderSync(spec: VegaLiteSpec, format: 'svg'): string;
export function renderSync(spec: VegaLiteSpec, format: 'png', options?: RenderOptions): Buffer;
export function renderSync(spec: VegaLiteSpec, format: RenderFormat, options: RenderOptions = {}): string | Buffer {
  const vega = importedEsm('vega');
  if (!vega || !rendererLoaded()) throw new Error('cislab: vega not loaded yet (await loadRenderer() first)');
  const view = new vega.View(vega.parse(compileVegaLiteSync(spec)), { renderer: 'none' });
  // With inline data the dataflow evaluates synchronously inside run(); this mirrors vega's own
  // renderHeadless minus its awaits (which only wait for external images and data we never use).
  view.run();
  const pad = view.padding();
  const origin = view._origin ?? [0, 0];
  const r = new vega.SVGStringRenderer(view.loader()).initialize(
    null,
    Math.max(0, view._viewWidth + pad.left + pad.right),
    Math.max(0, view._viewHeight + pad.top + pad.bottom),
    [pad.left + origin[0], pad.top + origin[1]],
    1,
  ).background(view.background());
  r.render(view.scenegraph().root);
  const svg: string = r.svg();
  view.finalize();
  return format === 'svg' ? svg : svgToPng(svg, options.scale);
}

async function renderVegaToSvg(vegaSpec: Record<string, unknown>): Promise<string> {
  const vega = await importEsm('vega');
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG → PNG with resvg; system fonts loaded, DejaVu Sans as the default and sans-serif family. */
export function svgToPng(svg: string, scale = 2): Buffer {
  // resvg is CommonJS with a native binding: a plain lazy require keeps it out of cislab's import graph.
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return resvg.render().asPng();
}

/**
 * Writes a figure to `file`: `.svg`, `.png` (2× by default) or `.json`/`.vl.json` (the spec itself).
 * @param spec - A Vega-Lite spec.
 * @param file - Target path; its extension picks the format (an OptionError for any other).
 * @param options - `scale`: pixel ratio of a PNG (default 2).
 * @returns The path written.
 * @example
 * await saveFigure(densityScatter(predictions, { x: 'measured', y: 'predicted' }), 'out/scatter.png');
 */
export async function saveFigure(spec: VegaLiteSpec, file: string, options: RenderOptions = {}): Promise<string> {
  // Atomic like every cislab write: a reader (or a kill) never sees half a figure.
  const lower = file.toLowerCase();
  if (lower.endsWith('.svg')) writeFileAtomic(file, await render(spec, 'svg'));
  else if (lower.endsWith('.png')) writeFileAtomic(file, await render(spec, 'png', options));
  else if (lower.endsWith('.json')) writeFileAtomic(file, JSON.stringify(spec, null, 1) + '\n');
  else throw new OptionError(`cannot tell the format of '${file}': use .svg, .png or .json`, { option: 'file' });
  return file;
}
