/**
 * A real-browser check of Vega-Lite specs: Debian's `chromium`, driven headless by puppeteer-core, renders each
 * spec with vega-embed (the npm package, loaded from node_modules) inside a container as wide as a notebook
 * column, and reports what a reader would stumble on: Vega warnings and errors, an empty canvas, a chart wider
 * than its container, marks outside the canvas, and text that Vega cut short (`limit` truncation).
 *
 * One browser and one page serve every spec (a chart is removed once checked); `screenshot` captures what the
 * page shows for a human to look at. Text is measured with the page's real fonts (the canvas's `measureText`),
 * which is exactly how vega-embed lays it out in JupyterLab.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';
import { ensureChromium } from '../../src/notebook/install';

/** Where Chromium is looked for: $CHROMIUM_PATH, else Debian's `chromium` package. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Why the browser check cannot run here, or undefined when it can. Installs Debian's `chromium` first when it
 * is missing and we are root (like the notebook test installs Jupyter).
 */
export function browserUnavailable(): string | undefined {
  if (!ensureChromium({ verbose: true })) return `no Chromium at ${CHROMIUM} and it could not be installed here (apt-get install chromium as root, or set CHROMIUM_PATH)`;
  for (const p of ['puppeteer-core', 'vega-embed']) {
    if (!existsSync(join(REPO_ROOT, 'node_modules', p, 'package.json'))) return `npm package ${p} is not installed`;
  }
  return undefined;
}

/** What the browser saw of one chart. */
export interface ChartReport {
  /** Everything wrong with it, in words; empty when the chart passes. */
  problems: string[];
  /** Warnings vega-embed printed about the Vega-Lite version (not the spec): reported, not failures. */
  notices: string[];
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  /** Items drawn by data marks (not axes, legends or titles). */
  markItems: number;
}

export interface BrowserChecker {
  /** Renders one spec in a fresh cell of the column and checks it; the cell stays until `clear()`. */
  check(spec: object, label: string): Promise<ChartReport>;
  /**
   * Drags the mouse over the last chart checked, between two points given as fractions of its canvas, and
   * returns the texts its data text marks show afterwards (what a brush selected, for example).
   */
  dragOnLast(from: [number, number], to: [number, number]): Promise<string[]>;
  /**
   * Turns the wheel over the last chart checked (at a point given as fractions of its canvas), with Ctrl held
   * or not, and returns the value of `signal` afterwards (e.g. the x interval a zoom shows).
   */
  wheelOnLast(at: [number, number], deltaY: number, ctrl: boolean, signal: string): Promise<unknown>;
  /** Writes a PNG of the whole page (every chart checked since the last `clear()`). */
  screenshot(file: string): Promise<void>;
  /** Removes every cell. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

const VEGA_SCRIPTS = ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js'];

/** Starts Chromium with one page holding an empty notebook column `columnWidth` CSS pixels wide. */
export async function startBrowser(options: { columnWidth: number }): Promise<BrowserChecker> {
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: options.columnWidth + 80, height: 900, deviceScaleFactor: 1 });
    const pageErrors: string[] = [];
    page.on('pageerror', (e: unknown) => pageErrors.push(String((e as Error).message ?? e)));
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
      body { margin: 16px; font-family: 'DejaVu Sans', sans-serif; background: white; }
      #column { width: ${options.columnWidth}px; box-sizing: border-box; }
      .cell { margin: 0 0 24px 0; }
      .label { font: 12px monospace; color: #666; margin-bottom: 4px; }
    </style></head><body><div id="column"></div></body></html>`);
    for (const p of VEGA_SCRIPTS) await page.addScriptTag({ path: join(REPO_ROOT, 'node_modules', p) });

    return {
      async check(spec, label) {
        pageErrors.length = 0;
        const report = (await page.evaluate(inPage, spec, label)) as ChartReport;
        report.problems.push(...pageErrors.map((e) => `page error: ${e}`));
        return report;
      },
      async dragOnLast(from, to) {
        const box = await page.evaluate(() => {
          const r = (globalThis as any).__lastCanvas.getBoundingClientRect();
          return { x: r.left, y: r.top, w: r.width, h: r.height };
        });
        await page.mouse.move(box.x + from[0] * box.w, box.y + from[1] * box.h);
        await page.mouse.down();
        await page.mouse.move(box.x + to[0] * box.w, box.y + to[1] * box.h, { steps: 8 });
        await page.mouse.up();
        return page.evaluate(async () => {
          const view = (globalThis as any).__lastView;
          await view.runAsync();
          const texts: string[] = [];
          const walk = (mark: any) => {
            for (const it of mark.items ?? []) {
              if (mark.marktype === 'text' && mark.role === 'mark' && it.text != null && String(it.text) !== '') texts.push(String(it.text));
              if (mark.marktype === 'group') for (const child of it.items ?? []) walk(child);
            }
          };
          walk(view.scenegraph().root);
          return texts;
        });
      },
      async wheelOnLast(at, deltaY, ctrl, signal) {
        const box = await page.evaluate(() => {
          const r = (globalThis as any).__lastCanvas.getBoundingClientRect();
          return { x: r.left, y: r.top, w: r.width, h: r.height };
        });
        await page.mouse.move(box.x + at[0] * box.w, box.y + at[1] * box.h);
        if (ctrl) await page.keyboard.down('Control');
        await page.mouse.wheel({ deltaY });
        if (ctrl) await page.keyboard.up('Control');
        return page.evaluate(async (name: string) => {
          const view = (globalThis as any).__lastView;
          await view.runAsync();
          return view.signal(name) ?? null;
        }, signal);
      },
      async screenshot(file) {
        await page.screenshot({ path: file as `${string}.png`, fullPage: true });
      },
      async clear() {
        await page.evaluate(() => { (globalThis as any).document.getElementById('column').innerHTML = ''; });
      },
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Runs inside the page (serialised by puppeteer): no closures over Node values. */
async function inPage(spec: any, label: string): Promise<ChartReport> {
  // Typed loosely: the project compiles without the DOM library, and this code only ever runs in the page.
  const w = globalThis as any;
  const doc = w.document;
  const column = doc.getElementById('column');
  const cell = doc.createElement('div');
  cell.className = 'cell';
  const caption = doc.createElement('div');
  caption.className = 'label';
  caption.textContent = label;
  const host = doc.createElement('div');
  cell.append(caption, host);
  column.appendChild(cell);

  const problems: string[] = [];
  const notices: string[] = [];
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  let level = 3; // vega.Debug: see everything, decide here what counts
  const logger: any = {
    level(l?: number) { if (l === undefined) return level; level = l; return logger; },
    error(...a: unknown[]) { problems.push(`Vega error: ${text(a)}`); return logger; },
    warn(...a: unknown[]) {
      const m = text(a);
      // vega-embed notes that a spec's $schema names another version than the Vega-Lite it bundles (cislab
      // emits v5 for JupyterLab's renderer; node_modules has v6): about the harness, not the figure.
      if (/^The (input|compiled) spec uses Vega(-Lite)? v?[\d.]+, but (the )?current version/.test(m)) notices.push(m);
      else problems.push(`Vega warning: ${m}`);
      return logger;
    },
    info() { return logger; },
    debug() { return logger; },
  };
  let view: any;
  try {
    const result = await w.vegaEmbed(host, spec, { renderer: 'canvas', actions: false, logger, tooltip: false });
    view = result.view;
    await view.runAsync();
  } catch (e) {
    problems.push(`embed failed: ${(e as Error).message}`);
    return { problems, notices, width: 0, height: 0, markItems: 0 };
  }

  const canvas = host.querySelector('canvas');
  w.__lastView = view;
  w.__lastCanvas = canvas;
  if (!canvas) {
    problems.push('no canvas rendered');
    return { problems, notices, width: 0, height: 0, markItems: 0 };
  }
  const box = canvas.getBoundingClientRect();
  const width = box.width, height = box.height;
  const room = column.clientWidth;
  if (width > room + 0.5) problems.push(`chart is ${Math.round(width)} px wide, its container ${room} px`);
  if (host.scrollWidth > room + 0.5) problems.push(`embed element overflows its container (${host.scrollWidth} > ${room} px)`);
  if (width < 1 || height < 1) problems.push(`canvas is ${width}×${height} px`);

  // Empty canvas: no pixel differs from the background.
  const ctx = canvas.getContext('2d');
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < img.length; i += 4) if (img[i + 3] > 0 && (img[i] < 250 || img[i + 1] < 250 || img[i + 2] < 250)) inked++;
  if (inked === 0) problems.push('canvas is blank');

  // Walk the scenegraph in absolute (canvas) coordinates.
  const origin = view.origin ? view.origin() : [0, 0];
  const pad = view.padding();
  const measure = doc.createElement('canvas').getContext('2d');
  let markItems = 0;
  const outside: string[] = [];
  const truncated: string[] = [];
  const fontOf = (it: any) => `${it.fontStyle ?? 'normal'} ${it.fontWeight ?? 'normal'} ${it.fontSize ?? 11}px ${it.font ?? 'sans-serif'}`;
  const walk = (mark: any, dx: number, dy: number, inGuide: boolean) => {
    const guide = inGuide || ['axis', 'legend', 'title', 'legend-title', 'axis-title'].some((r) => String(mark.role ?? '').startsWith(r));
    for (const it of mark.items ?? []) {
      if (mark.marktype !== 'group' && !guide && mark.role === 'mark' && it.opacity !== 0) markItems++;
      const b = it.bounds;
      if (b && Number.isFinite(b.x1) && mark.marktype !== 'group' && !(b.x2 - b.x1 === 0 && b.y2 - b.y1 === 0)) {
        const x1 = b.x1 + dx, x2 = b.x2 + dx, y1 = b.y1 + dy, y2 = b.y2 + dy;
        if (x1 < -1 || y1 < -1 || x2 > width + 1 || y2 > height + 1) {
          outside.push(`${mark.marktype}${mark.name ? ' ' + mark.name : ''}${it.text !== undefined ? ` '${it.text}'` : ''} at [${Math.round(x1)}, ${Math.round(y1)}, ${Math.round(x2)}, ${Math.round(y2)}]`);
        }
      }
      if (mark.marktype === 'text' && it.limit > 0 && it.text != null) {
        measure.font = fontOf(it);
        for (const line of Array.isArray(it.text) ? it.text : [it.text]) {
          const s = String(line);
          if (measure.measureText(s).width > it.limit + 0.5) truncated.push(`'${s}' (limit ${it.limit} px)`);
        }
      }
      if (mark.marktype === 'group') for (const child of it.items ?? []) walk(child, dx + (it.x ?? 0), dy + (it.y ?? 0), guide);
    }
  };
  walk(view.scenegraph().root, origin[0] + pad.left, origin[1] + pad.top, false);
  if (markItems === 0) problems.push('no data marks drawn');
  if (outside.length) problems.push(`${outside.length} item(s) clipped by the canvas edge, e.g. ${outside.slice(0, 3).join('; ')}`);
  if (truncated.length) problems.push(`${truncated.length} text(s) cut short by Vega, e.g. ${truncated.slice(0, 3).join('; ')}`);
  return { problems, notices, width, height, markItems };
}

/** Vega-Lite outputs of a stored notebook, in order, labelled by cell. */
export function vegaLiteOutputs(notebook: { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> }): Array<{ label: string; spec: object }> {
  const out: Array<{ label: string; spec: object }> = [];
  notebook.cells.forEach((cell, c) => {
    (cell.outputs ?? []).forEach((o, k) => {
      for (const [mime, value] of Object.entries(o.data ?? {})) {
        if (/^application\/vnd\.vegalite\.v\d+\+json$/.test(mime)) out.push({ label: `cell ${c} output ${k}`, spec: value as object });
      }
    });
  });
  return out;
}
