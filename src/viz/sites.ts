/**
 * Motif sites marked on a logo (Camformer Fig. 8h: an ISM logo with arrows over the motif instances). Each site
 * becomes a bar over its positions above the letters with a label and an arrow for its strand; sites that
 * overlap are stacked on separate levels. The logo's y range (and height, in proportion) grows to make room,
 * so labels never sit on letters. Wrapped logos (rows) get each site on the row(s) it spans.
 */
import { OptionError } from '../errors';
import { round } from './data';
import type { VegaLiteSpec } from './spec';

export interface SiteMark {
  /** First and last position (inclusive), in the logo's position coordinates. */
  start: number;
  end: number;
  label: string;
  /** '+' draws →, '-' draws ←; anything else no arrow. */
  strand?: string;
}

export interface MarkSitesOptions {
  /** Colour of the bars and labels (default dark grey). */
  color?: string;
}

type Layer = { mark?: unknown; encoding?: { x?: { scale?: { domain?: number[] } }; y?: { scale?: { domain?: number[] } } } };
type Row = { layer?: Layer[]; height?: number; [key: string]: unknown };

/** Share of the letters' y range each level of sites takes above them. */
const LEVEL = 0.16;

/**
 * A copy of a logo spec (from `ismLogo` or `pwmLogo`, one row or wrapped) with `sites` drawn above its letters.
 * @param spec - A logo spec from {@link ismLogo} or {@link pwmLogo}; it is not modified.
 * @param sites - Sites to draw: `start`, `end` (inclusive, in the logo's positions), `label`, `strand` ('+' → , '-' ←).
 * @param options - `color` of the bars and labels (default dark grey).
 * @returns A new spec with the sites layered over the logo (on every row a site spans).
 * @example
 * markSites(ismLogo(contributions, { start: 18 }), [{ start: 40, end: 47, label: 'UME6', strand: '+' }]);
 */
export function markSites(spec: VegaLiteSpec, sites: readonly SiteMark[], options: MarkSitesOptions = {}): VegaLiteSpec {
  const rows: Row[] = Array.isArray((spec as { vconcat?: unknown }).vconcat) ? ((spec as unknown as { vconcat: Row[] }).vconcat) : [spec as Row];
  const first = rows[0]?.layer?.[0]?.encoding;
  const domain = first?.y?.scale?.domain;
  if (!rows.every((r) => Array.isArray(r.layer)) || !domain || domain.length !== 2) {
    throw new OptionError('expected a logo spec (from ismLogo or pwmLogo) with a fixed y domain', { option: 'spec' });
  }
  const [lo, hi] = domain as [number, number];
  const placed: Array<SiteMark & { level: number }> = [];
  for (const s of [...sites].sort((a, b) => a.start - b.start)) {
    if (!(Number.isFinite(s.start) && Number.isFinite(s.end) && s.end >= s.start)) {
      throw new OptionError(`site '${s.label}' has start ${s.start} and end ${s.end}; expected start ≤ end`, { option: 'sites' });
    }
    let level = 0;
    while (placed.some((p) => p.level === level && p.start <= s.end && s.start <= p.end)) level++;
    placed.push({ ...s, level });
  }
  const levels = placed.reduce((m, p) => Math.max(m, p.level + 1), 0);
  const top = round(hi + (LEVEL * levels + 0.02) * (hi - lo));
  const grow = (top - lo) / (hi - lo);
  const color = options.color ?? '#333';
  const y = { field: 'y', type: 'quantitative' };
  const marked = rows.map((r) => {
    const x = (r.layer![0]!.encoding?.x?.scale?.domain ?? [-Infinity, Infinity]) as [number, number];
    const values = placed
      .filter((s) => s.end + 0.5 > x[0] && s.start - 0.5 < x[1])
      .map((s) => {
        const x0 = Math.max(x[0], s.start - 0.5), x1 = Math.min(x[1], s.end + 0.5);
        return {
          x0, x1, mid: (x0 + x1) / 2,
          y: round(hi + (LEVEL * s.level + 0.03) * (hi - lo)),
          text: `${s.label} ${s.strand === '+' ? '→' : s.strand === '-' ? '←' : ''}`.trim(),
          site: `${s.label} ${s.start}–${s.end}${s.strand ? ` (${s.strand})` : ''}`,
        };
      });
    // The letters keep their pixels per unit: the y range grows by `grow`, and so does the height.
    const layer = r.layer!.map((l, i) => (i === 0 ? withYDomain(l, [lo, top]) : l));
    const tooltip = [{ field: 'site', title: 'site' }];
    return {
      ...r,
      ...(typeof r.height === 'number' ? { height: Math.round(r.height * grow) } : {}),
      layer: values.length ? [
        ...layer,
        { data: { values }, mark: { type: 'rule', strokeWidth: 2.5, color }, encoding: { x: { field: 'x0', type: 'quantitative' }, x2: { field: 'x1' }, y, tooltip } },
        { data: { values }, mark: { type: 'text', dy: -7, fontSize: 10, color }, encoding: { x: { field: 'mid', type: 'quantitative' }, y, text: { field: 'text', type: 'nominal' }, tooltip } },
      ] : layer,
    };
  });
  const out = (rows.length === 1 && !('vconcat' in spec) ? { ...spec, ...marked[0] } : { ...spec, vconcat: marked }) as VegaLiteSpec;
  // Keep the original's (non-enumerable) inspector, so a notebook still shows the copy as a chart.
  const inspect = Object.getOwnPropertyDescriptor(spec, INSPECT);
  if (inspect) Object.defineProperty(out, INSPECT, inspect);
  return out;
}

function withYDomain(layer: Layer, domain: [number, number]): Layer {
  const enc = layer.encoding!;
  return { ...layer, encoding: { ...enc, y: { ...enc.y, scale: { ...enc.y!.scale, domain } } } } as Layer;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
