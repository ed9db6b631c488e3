/**
 * Rich display of cislab results in tslab: tables as HTML (with a text twin), Vega-Lite specs as
 * `application/vnd.vegalite.v5+json` (interactive in JupyterLab) with a static PNG/SVG fallback in the same
 * bundle (for GitHub, nbconvert, VS Code without the Vega renderer).
 *
 * Auto-display: tslab prints a cell's last expression with `console.log(value)` (a text stream); see
 * `enableAutoDisplay` for how that becomes a rich display. Outside a kernel nothing is patched.
 */
import { execFileSync } from 'node:child_process';
import { inspect } from 'node:util';
import { isTable } from '../viz/data';
import { isVegaLiteSpec, setSpecInspector, titleText, type VegaLiteSpec } from '../viz/spec';
import { ColumnTable } from 'arquero';
import { loadRenderer, rendererLoaded, renderSync } from '../viz/render';
import { inKernel, publishDisplay, type DisplayContent } from './kernel';
import { tableHtml, tableText, type TableViewOptions } from './table-html';
import { plural } from './number-format';

/** Objects may define `[DISPLAY]()` returning a MIME bundle to display themselves. */
export const DISPLAY = Symbol.for('cislab.display');

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/**
 * How {@link show} and a notebook's rich display render values: table rows and digits, and a chart's static fallback.
 */
export interface DisplayOptions extends TableViewOptions {
  /** Static fallback sent with a chart: 'png' (default: small, shown everywhere), 'svg', 'both' or 'none'. */
  fallback?: 'png' | 'svg' | 'both' | 'none';
}

const defaults: DisplayOptions = { fallback: 'png' };

/**
 * Changes display defaults for this session (e.g. `setDisplayOptions({ fallback: 'svg', head: 10 })`).
 * @param options - The defaults to change: `fallback` ('png' (default), 'svg', 'both', 'none'), `head`/`tail`
 *   (rows shown at each end, default 5 and `head`), `digits` (significant digits, default 4).
 * @example
 * setDisplayOptions({ fallback: 'svg', head: 10 });
 */
export function setDisplayOptions(options: DisplayOptions): void {
  Object.assign(defaults, options);
}

/** True for values cislab displays richly. */
export function isDisplayable(x: unknown): boolean {
  return isTable(x) || isVegaLiteSpec(x) || (typeof x === 'object' && x !== null && typeof (x as any)[DISPLAY] === 'function');
}

/** Static images of a spec, rendered synchronously (in-process once vega is loaded, else in a child node). */
function staticImages(spec: VegaLiteSpec, fallback: DisplayOptions['fallback']): Record<string, string> {
  if (fallback === 'none') return {};
  const want = fallback === 'both' ? ['svg', 'png'] : [fallback ?? 'png'];
  const out: Record<string, string> = {};
  try {
    for (const f of want) {
      if (rendererLoaded()) {
        out[f === 'svg' ? 'image/svg+xml' : 'image/png'] = f === 'svg' ? renderSync(spec, 'svg') : renderSync(spec, 'png', { scale: PNG_SCALE }).toString('base64');
      } else {
        const img = renderInChild(spec, f as 'svg' | 'png');
        if (img !== undefined) out[f === 'svg' ? 'image/svg+xml' : 'image/png'] = img;
      }
    }
  } catch (e) {
    out['text/plain'] = `(static rendering failed: ${(e as Error).message})`;
  }
  return out;
}

/**
 * Pixel ratio of the PNG fallback. It is only what Notebook 6 and nbconvert show (JupyterLab and VS Code draw the
 * Vega-Lite spec itself), and it is stored in every notebook: at 2× a scatter's PNG was ~380 KB, a quarter of that
 * at 1×.
 */
const PNG_SCALE = 1;

/** This metadata makes Jupyter show a PNG at its CSS size whatever its pixel ratio. */
function pngSizeMetadata(base64: string | undefined): Record<string, unknown> {
  if (!base64) return {};
  const head = Buffer.from(base64.slice(0, 44), 'base64'); // IHDR: width and height at bytes 16–23
  if (head.length < 24) return {};
  return { 'image/png': { width: Math.round(head.readUInt32BE(16) / PNG_SCALE), height: Math.round(head.readUInt32BE(20) / PNG_SCALE) } };
}

/** Renders in a short-lived node process (only from the compiled build, where render.js exists). */
function renderInChild(spec: VegaLiteSpec, format: 'svg' | 'png'): string | undefined {
  const renderJs = require.resolve('../viz/render');
  if (!renderJs.endsWith('.js')) return undefined;
  const code = `require(${JSON.stringify(renderJs)}).render(JSON.parse(require('fs').readFileSync(0, 'utf8')), ${JSON.stringify(format)}, { scale: ${PNG_SCALE} })` +
    `.then((r) => process.stdout.write(typeof r === 'string' ? r : r.toString('base64')))`;
  return execFileSync(process.execPath, ['-e', code], { input: JSON.stringify(spec), maxBuffer: 256 << 20, encoding: 'utf8' });
}

/** A one-line description of a spec for text/plain (what a terminal shows). */
export function describeSpec(spec: VegaLiteSpec): string {
  const marks = new Set<string>();
  let rows = 0;
  const walk = (s: any) => {
    if (s.mark) marks.add(typeof s.mark === 'string' ? s.mark : s.mark.type);
    if (Array.isArray(s.data?.values)) rows += s.data.values.length;
    for (const k of ['layer', 'hconcat', 'vconcat', 'concat']) if (Array.isArray(s[k])) s[k].forEach(walk);
    if (s.spec) walk(s.spec);
  };
  walk(spec);
  const text = titleText(spec);
  const title = text ? ` "${text}"` : '';
  return `Vega-Lite chart${title} (${[...marks].join(' + ') || 'no mark'}; ${plural(rows, 'data row')})`;
}

/** The MIME bundle for a value: what `show` and auto-display send. */
export function displayBundle(x: unknown, options: DisplayOptions = {}): DisplayContent {
  const o = { ...defaults, ...options };
  if (typeof x === 'object' && x !== null && typeof (x as any)[DISPLAY] === 'function') return (x as any)[DISPLAY](o);
  if (isVegaLiteSpec(x)) {
    const images = staticImages(x, o.fallback);
    return { data: { [VEGA_LITE_MIME]: x, ...images, 'text/plain': describeSpec(x) }, metadata: pngSizeMetadata(images['image/png']) };
  }
  if (isTable(x) || (Array.isArray(x) && x.length > 0 && x.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r)))) {
    return { data: { 'text/html': tableHtml(x as any, o), 'text/plain': tableText(x as any, o) }, metadata: {} };
  }
  return { data: { 'text/plain': typeof x === 'string' ? x : inspect(x, { depth: 3 }) }, metadata: {} };
}

/**
 * Shows a value: in a notebook as a rich display (chart, HTML table), elsewhere as text on stdout.
 * Works without `await`; in a kernel charts render synchronously.
 * @param x - A table, an array of row objects, a Vega-Lite spec or any value.
 * @param options - Overrides of the session's {@link DisplayOptions} for this value.
 * @example
 * show(histogram(train, { x: 'expression' }));
 * show(train, { head: 3 });
 */
export function show(x: unknown, options: DisplayOptions = {}): void {
  if (inKernel()) {
    enableAutoDisplay();
    if (!publishDisplay(displayBundle(x, options))) console.log(x);
    return;
  }
  const bundle = displayBundle(x, { ...options, fallback: 'none' });
  process.stdout.write(String(bundle.data['text/plain']) + '\n');
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
let autoDisplay = false;

/** Swallows the '\n' console.log writes after an inspect hook returned '' (so no empty stream output remains). */
function swallowNextNewline(): void {
  const out = process.stdout;
  const original = out.write;
  out.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    out.write = original;
    if (chunk === '\n') return true;
    return (original as (...a: unknown[]) => boolean).call(out, chunk, ...rest);
  } as typeof out.write;
}

/** util.inspect hook: a top-level inspect (what tslab does with a cell's value) publishes a display instead. */
export function inspectAsDisplay(value: unknown, depth: number, options: { depth?: number | null }): unknown {
  const topLevel = options?.depth === undefined || options.depth === null || depth === options.depth;
  if (topLevel && inKernel()) {
    try {
      if (publishDisplay(displayBundle(value))) {
        swallowNextNewline();
        return '';
      }
    } catch (e) {
      return `(cislab display failed: ${(e as Error).message})`;
    }
  }
  return isTable(value) ? tableText(value) : value;
}

/**
 * Makes tables and specs display themselves as a cell's value in tslab. tslab prints that value with the
 * `console.log` it captured at start-up (so patching console.log cannot help); console.log formats with
 * util.inspect, which calls `[util.inspect.custom]`: our specs carry one (see viz/spec.ts) and Arquero's
 * ColumnTable gets one here — the one prototype cislab patches, and only when asked: by the cislab kernel at
 * start-up, or by the first `show()` in a kernel. (DSL results carry their own hook and need no patch.)
 * Idempotent.
 * @param options - `beforeKernelStart` (default false): install even when no kernel is detected yet.
 * @returns True when auto-display is on (false outside a notebook kernel).
 * @example
 * enableAutoDisplay(); // then a cell ending in a table or a spec shows it richly
 */
export function enableAutoDisplay(options: { beforeKernelStart?: boolean } = {}): boolean {
  if (autoDisplay) return true;
  if (!options.beforeKernelStart && !inKernel()) return false;
  setSpecInspector((spec, depth, options) => inspectAsDisplay(spec, depth, options));
  const proto = ColumnTable.prototype as unknown as Record<symbol, unknown>;
  if (!Object.prototype.hasOwnProperty.call(proto, INSPECT)) {
    Object.defineProperty(proto, INSPECT, {
      configurable: true,
      value(this: unknown, depth: number, options: { depth?: number | null }) { return inspectAsDisplay(this, depth, options); },
    });
  }
  autoDisplay = true;
  // Start loading vega now so charts in later cells render in-process (the first one may use a child node).
  loadRenderer().catch(() => undefined);
  return true;
}
