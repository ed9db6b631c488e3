/**
 * Motif sites marked on a logo (Camformer Fig. 8h: an ISM logo with arrows over the motif instances). Each site
 * becomes a bar over its positions near the top of the logo with a label and an arrow for its strand; sites
 * that overlap are stacked on separate levels.
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

/**
 * A copy of a logo spec (from `ismLogo` or `pwmLogo`) with `sites` drawn over it.
 * @param spec - A logo spec from {@link ismLogo} or {@link pwmLogo}; it is not modified.
 * @param sites - Sites to draw: `start`, `end` (inclusive, in the logo's positions), `label`, `strand` ('+' → , '-' ←).
 * @param options - `color` of the bars and labels (default dark grey).
 * @returns A new spec with the sites layered over the logo.
 * @example
 * markSites(ismLogo(contributions, { start: 18 }), [{ start: 40, end: 47, label: 'UME6', strand: '+' }]);
 */
export function markSites(spec: VegaLiteSpec, sites: readonly SiteMark[], options: MarkSitesOptions = {}): VegaLiteSpec {
  const layers = (spec as { layer?: Array<{ encoding?: { y?: { scale?: { domain?: number[] } } } }> }).layer;
  const domain = layers?.[0]?.encoding?.y?.scale?.domain;
  if (!Array.isArray(layers) || !domain || domain.length !== 2) {
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
  const values = placed.map((s) => ({
    x0: s.start - 0.5,
    x1: s.end + 0.5,
    mid: (s.start + s.end) / 2,
    y: round(hi - (0.04 + 0.14 * s.level) * (hi - lo)),
    text: `${s.label} ${s.strand === '+' ? '→' : s.strand === '-' ? '←' : ''}`.trim(),
  }));
  const color = options.color ?? '#333';
  const y = { field: 'y', type: 'quantitative' };
  const out = {
    ...spec,
    layer: [
      ...layers,
      { data: { values }, mark: { type: 'rule', strokeWidth: 2.5, color }, encoding: { x: { field: 'x0', type: 'quantitative' }, x2: { field: 'x1' }, y } },
      { data: { values }, mark: { type: 'text', dy: -7, fontSize: 10, color }, encoding: { x: { field: 'mid', type: 'quantitative' }, y, text: { field: 'text', type: 'nominal' } } },
    ],
  } as VegaLiteSpec;
  // Keep the original's (non-enumerable) inspector, so a notebook still shows the copy as a chart.
  const inspect = Object.getOwnPropertyDescriptor(spec, INSPECT);
  if (inspect) Object.defineProperty(out, INSPECT, inspect);
  return out;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
