/**
 * nbval-style comparison of a notebook's stored outputs with freshly computed ones.
 *
 * Per code cell, outputs are reduced to comparable items:
 * - stdout streams (merged) and text/plain of displays, after `sanitize` (timings, paths, data folder, hex ids, dates
 *   masked; every decimal number rounded to `precision` significant digits, default 3);
 * - Vega-Lite displays by their compiled Vega spec: data values (rounded the same way), marks with their
 *   encodings, and scales — so a changed figure fails while a re-rendered PNG never does;
 * - ignored: stderr (warnings, backend notices), images (font rasterising varies), progress displays.
 * Cell tags: `skip-execution` (not run, not compared), `cislab-ignore-output` / `nbval-ignore-output` (run, not
 * compared), `cislab-loose` (only the kinds of outputs and the marks/encodings of charts are compared).
 * Cell metadata `cislab.precision` (or notebook metadata `cislab.precision`) sets the digits.
 */
import { compileVegaLite } from '../viz/render';
import { isVegaLiteSpec } from '../viz/spec';
import { VEGA_LITE_MIME } from './display';

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[]; cislab?: { precision?: number } };
  outputs?: NotebookOutput[];
}
export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, any>;
  ename?: string;
  evalue?: string;
}
export interface NotebookJson { cells: NotebookCell[]; metadata?: { cislab?: { precision?: number } } & Record<string, unknown> }

export const DEFAULT_PRECISION = 3;

const joinText = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

/** Masks what legitimately changes between runs and rounds numbers to `precision` significant digits. */
export function sanitize(text: string, precision = DEFAULT_PRECISION, roots: readonly string[] = []): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes, which start with ESC
  let s = text.replace(/\x1b\[[0-9;]*m/g, '');
  // The reference data may sit anywhere (CISLAB_DATA, ../shared/data, ../../shared/data from notebooks/).
  const dataDir = process.env['CISLAB_DATA']?.replace(/\/+$/, '');
  if (dataDir && dataDir.length > 1) s = s.split(dataDir + '/').join('<data>/');
  s = s.replace(/(?:\/|\.{1,2}\/)?(?:[\w.-]+\/)*shared\/data\//g, '<data>/');
  for (const r of roots) if (r.length > 1) s = s.split(r).join('<root>');
  return s
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '<date>')
    .replace(/(\/tmp|\/var\/folders)\/[^\s'"`)]+/g, '<tmp>')
    .replace(/\b(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/g, '<hex>')
    .replace(/(\d+(\.\d+)?)\s?(ms|s|sec|secs|seconds|min|minutes|µs|us)\b/g, '<time>')
    .replace(/(\d+(\.\d+)?)\s?(it|seq|sequences|samples|batches)\/s\b/g, '<rate>')
    .replace(/-?\d+\.\d+(e[-+]?\d+)?/gi, (m) => roundNumber(Number(m), precision))
    .replace(/[ \t]+$/gm, '')
    .trimEnd();
}

function roundNumber(x: number, precision: number): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toPrecision(precision));
  return Object.is(r, -0) ? '0' : String(r);
}

function roundDeep(x: unknown, precision: number): unknown {
  if (typeof x === 'number') return Number.isInteger(x) ? x : Number(roundNumber(x, precision));
  if (typeof x === 'string') return sanitize(x, precision);
  if (Array.isArray(x)) return x.map((v) => roundDeep(v, precision));
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, roundDeep(v, precision)]));
  return x;
}

/** What of a Vega-Lite spec must stay the same: compiled data, marks (with encodings) and scales. */
export async function chartSignature(spec: unknown, precision: number, loose: boolean): Promise<unknown> {
  if (!isVegaLiteSpec(spec)) return { invalid: 'not a Vega-Lite spec' };
  const vega = (await compileVegaLite(spec)) as Record<string, any>;
  const marks = (m: any[] = []): unknown[] => m.map((x) => ({ type: x.type, name: x.name, encode: x.encode, marks: marks(x.marks) }));
  if (loose) return { marks: marks(vega.marks) };
  const data = (vega.data ?? []).map((d: any) => ({ name: d.name, values: d.values, transform: d.transform }));
  return roundDeep({ data, marks: marks(vega.marks), scales: vega.scales }, precision);
}

/** Whether an output is a progress display (notebook/progress.ts marks its displays `cislab.kind: 'progress'`). */
export function isProgressOutput(o: NotebookOutput): boolean {
  return o.metadata?.['cislab']?.kind === 'progress';
}

export interface ComparableItem { kind: 'text' | 'chart' | 'display' | 'error'; value: unknown }

/** Reduces one cell's outputs to the items that are compared. */
export async function comparableOutputs(outputs: readonly NotebookOutput[], precision: number, loose: boolean, roots: readonly string[] = []): Promise<ComparableItem[]> {
  const items: ComparableItem[] = [];
  let stdout = '';
  const flush = () => {
    if (stdout.trim()) items.push({ kind: 'text', value: loose ? 'text' : sanitize(stdout, precision, roots) });
    stdout = '';
  };
  for (const o of outputs) {
    if (o.output_type === 'stream') {
      if (o.name === 'stdout') stdout += joinText(o.text);
      continue;
    }
    // A progress display (timings, rates, how far a run got) is skipped on either side, before the stdout around
    // it is flushed: text printed before and after it still compares as one stream, as when there was none.
    if (isProgressOutput(o)) continue;
    flush();
    if (o.output_type === 'error') { items.push({ kind: 'error', value: `${o.ename}: ${o.evalue}` }); continue; }
    const data = o.data ?? {};
    if (VEGA_LITE_MIME in data || 'application/vnd.vegalite.v6+json' in data) {
      const spec = data[VEGA_LITE_MIME] ?? data['application/vnd.vegalite.v6+json'];
      items.push({ kind: 'chart', value: await chartSignature(typeof spec === 'string' ? JSON.parse(spec) : spec, precision, loose) });
    } else if ('text/plain' in data || 'text/html' in data) {
      items.push({ kind: 'display', value: loose ? Object.keys(data).sort() : sanitize(joinText((data['text/plain'] ?? data['text/html']) as string | string[]), precision, roots) });
    }
  }
  flush();
  return items;
}

export interface Mismatch { cell: number; message: string }

function firstDifference(a: string, b: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: expected ${JSON.stringify(la[i] ?? '<nothing>')}, got ${JSON.stringify(lb[i] ?? '<nothing>')}`;
  }
  return 'differs';
}

function describeDiff(expected: ComparableItem, got: ComparableItem): string {
  if (expected.kind !== got.kind) return `expected a ${expected.kind} output, got a ${got.kind} output`;
  if (typeof expected.value === 'string' && typeof got.value === 'string') return `${expected.kind} output ${firstDifference(expected.value, got.value)}`;
  const a = JSON.stringify(expected.value, null, 1), b = JSON.stringify(got.value, null, 1);
  return `${expected.kind === 'chart' ? 'chart data/encoding' : expected.kind} ${firstDifference(a, b)}`;
}

/** Compares stored and fresh notebooks cell by cell; returns every mismatch (empty when equal). */
export async function compareNotebooks(stored: NotebookJson, fresh: NotebookJson, roots: readonly string[] = []): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  const nbPrecision = stored.metadata?.cislab?.precision ?? DEFAULT_PRECISION;
  for (let i = 0; i < stored.cells.length; i++) {
    const s = stored.cells[i], f = fresh.cells[i];
    if (s.cell_type !== 'code') continue;
    const tags = s.metadata?.tags ?? [];
    if (tags.includes('skip-execution') || tags.includes('cislab-ignore-output') || tags.includes('nbval-ignore-output')) continue;
    if (!f || f.cell_type !== 'code') { mismatches.push({ cell: i, message: 'cell missing from the executed notebook' }); continue; }
    const precision = s.metadata?.cislab?.precision ?? nbPrecision;
    const loose = tags.includes('cislab-loose');
    const a = await comparableOutputs(s.outputs ?? [], precision, loose, roots);
    const b = await comparableOutputs(f.outputs ?? [], precision, loose, roots);
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      if (!a[k]) { mismatches.push({ cell: i, message: `unexpected extra ${b[k].kind} output #${k + 1}` }); break; }
      if (!b[k]) { mismatches.push({ cell: i, message: `missing ${a[k].kind} output #${k + 1}` }); break; }
      if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) { mismatches.push({ cell: i, message: describeDiff(a[k], b[k]) }); break; }
    }
  }
  return mismatches;
}
