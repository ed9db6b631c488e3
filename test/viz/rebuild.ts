/**
 * Rebuilds a stored notebook chart with today's builders from the data inlined in it, for the kinds whose
 * inline data is the builder's input (or maps back to it exactly): heat maps (x, y, value), grouped bars
 * (x, group, y [, lo, hi]), lines with a band (x, y, lo, hi [, group]) and logos (letters → the position × base matrix; marked sites from their bars).
 * Charts whose inline data is a summary (box plots, densities) return undefined.
 *
 * This shows what a stored output will look like once its notebook is run again, without running it:
 * the browser test renders both.
 */
import { groupedBars, heatmap, ismLogo, lineBand, markSites, titleText, type SiteMark, type VegaLiteSpec } from '../../src/viz';

type View = Record<string, any>;

const titleOf = (enc: View | undefined) => (typeof enc?.title === 'string' ? enc.title : undefined);

/** Today's version of a stored chart, or undefined when its inline data is not the builder's input. */
export function rebuildStored(stored: object): VegaLiteSpec | undefined {
  const spec = stored as View;
  const title = titleText(spec as VegaLiteSpec) || undefined;
  const rows: View[] = spec.vconcat ?? [spec];
  const first = rows[0]?.layer?.[0] as View | undefined;
  if (!first) return undefined;
  const enc = first.encoding ?? {};
  const values = (first.data ?? rows[0]!.data ?? spec.data)?.values as View[] | undefined;

  if (enc.shape?.field === 'glyph') return rebuildLogo(spec, rows, title);
  if (!values?.length) return undefined;
  const type = typeof first.mark === 'string' ? first.mark : first.mark?.type;
  if (type === 'rect' && values.every((v) => 'x' in v && 'y' in v && 'value' in v && 'ink' in v)) {
    const text = spec.layer.length > 1;
    return heatmap(values, { x: 'x', y: 'y', value: 'value', text, title, xTitle: titleOf(enc.x), yTitle: titleOf(enc.y), valueTitle: titleOf(enc.color), diverging: Boolean(enc.color?.scale?.domainMid === 0) });
  }
  const second = spec.layer?.[1] as View | undefined;
  if (type === 'area' && (typeof second?.mark === 'string' ? second.mark : second?.mark?.type) === 'line' && values.every((v) => 'lo' in v && 'hi' in v)) {
    const grouped = values.every((v) => 'group' in v);
    return lineBand(values, { x: 'x', y: 'y', yMin: 'lo', yMax: 'hi', ...(grouped ? { color: 'group' } : {}), title, xTitle: titleOf(enc.x), yTitle: titleOf(enc.y) });
  }
  if (type === 'bar' && enc.xOffset) {
    const ci = values.every((v) => 'lo' in v && 'hi' in v);
    return groupedBars(values, { x: 'x', y: 'y', color: 'group', ...(ci ? { yMin: 'lo', yMax: 'hi' } : {}), title, xTitle: titleOf(enc.x), yTitle: titleOf(enc.y) });
  }
  return undefined;
}

function rebuildLogo(spec: View, rows: View[], title: string | undefined): VegaLiteSpec | undefined {
  const letters: View[] = [];
  const sites: SiteMark[] = [];
  let yTitle: string | undefined;
  for (const row of rows) {
    const layer0 = row.layer[0] as View;
    yTitle ??= titleOf(layer0.encoding?.y);
    letters.push(...((layer0.data ?? row.data ?? spec.data)?.values ?? []));
    for (const l of row.layer.slice(1) as View[]) {
      if ((typeof l.mark === 'string' ? l.mark : l.mark?.type) !== 'text') continue;
      for (const v of l.data?.values ?? []) {
        // Both site layers carry x0, x1 (the bar's ends, ±0.5) and the label text; a site split over two rows
        // of a wrapped logo comes back as two pieces, joined here.
        const [label, arrow] = String(v.text).split(' ');
        const start = Math.round(v.x0 + 0.5), end = Math.round(v.x1 - 0.5);
        const piece = sites.find((s) => s.label === label && s.end + 1 === start);
        if (piece) piece.end = end;
        else sites.push({ start, end, label: label!, strand: arrow === '→' ? '+' : arrow === '←' ? '-' : undefined });
      }
    }
  }
  if (!letters.length) return undefined;
  const lo = Math.min(...letters.map((v) => v.position)), hi = Math.max(...letters.map((v) => v.position));
  const matrix = Array.from({ length: hi - lo + 1 }, () => [0, 0, 0, 0]);
  for (const v of letters) matrix[v.position - lo]!['ACGT'.indexOf(v.base)] += v.value;
  const logo = ismLogo(matrix, { start: lo, title, yTitle });
  return sites.length ? markSites(logo, sites) : logo;
}
