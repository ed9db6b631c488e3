/**
 * Sequence logos: ISM contribution logos (letters scaled by signed contribution, positive stacked above the
 * axis and negative below) and PWM information-content logos (letters scaled by p × IC, in bits).
 * Letters are `point` marks with per-letter SVG path shapes (see glyphs.ts for why this scales correctly).
 */
import { OptionError } from '../errors';
import { BASE_COLORS } from './theme';
import { figure, type FigureOptions, type VegaLiteSpec } from './spec';
import { INTEGER_AXIS, MAX_PLOT_WIDTH, xZoom } from './layout';
import { glyphExpression, LOGO_LETTERS, type LogoLetter } from './glyphs';
import { round, rowsOf, type TableLike } from './data';
import { informationContent as motifInformation, type PwmLike } from '../motifs/motif';

/** A position × letter matrix (rows = positions, columns A, C, G, T) or a long table. */
export type LogoMatrix = readonly (readonly number[])[];

export interface LogoOptions extends FigureOptions {
  /** Position of the first row (default 1). */
  start?: number;
  /** Pixels per position (default 18) — used when `width` is not given. */
  step?: number;
  /** For long tables: column names (defaults 'position', 'base', 'value'). */
  position?: string;
  base?: string;
  value?: string;
  /** y axis title. */
  yTitle?: string;
  /**
   * Positions per row: long logos wrap into rows that fit a notebook column (default: as many as fit 520 px at
   * `step`), `false` keeps one row (give `width` and let the page scroll). An explicit numeric `width` means one row.
   */
  wrap?: number | false;
}

interface Letter { position: number; letter: LogoLetter; y0: number; y1: number; value: number }

/** Stacks letters per position: positives upward (largest on top), negatives downward (largest at bottom). */
export function stackLetters(matrix: LogoMatrix, start = 1): Letter[] {
  const out: Letter[] = [];
  matrix.forEach((row, i) => {
    if (row.length !== 4) throw new OptionError(`logo row ${i} has ${row.length} values, expected 4 (A, C, G, T)`, { option: 'matrix' });
    const entries = row.map((v, j) => ({ letter: LOGO_LETTERS[j], v: Number.isFinite(v) ? v : 0 }));
    let up = 0, down = 0;
    for (const e of [...entries].filter((e) => e.v > 0).sort((a, b) => a.v - b.v)) {
      out.push({ position: start + i, letter: e.letter, y0: up, y1: up + e.v, value: e.v });
      up += e.v;
    }
    for (const e of [...entries].filter((e) => e.v < 0).sort((a, b) => b.v - a.v)) {
      out.push({ position: start + i, letter: e.letter, y0: down + e.v, y1: down, value: e.v });
      down += e.v;
    }
  });
  return out;
}

/** A cislab motif (src/motifs), duck-typed so viz does not depend on the motifs layer. */
/** A motif as the logos read it: src/motifs' matrix type, with its counts and background when it has them. */
export interface MotifLike extends PwmLike {
  counts?: ArrayLike<number>;
  background?: readonly number[];
}

export function isMotifLike(x: unknown): x is MotifLike {
  return typeof x === 'object' && x !== null && typeof (x as MotifLike).length === 'number' &&
    typeof (x as MotifLike).id === 'string' && ArrayBuffer.isView((x as MotifLike).probabilities);
}

function motifRows(flat: ArrayLike<number>, length: number): number[][] {
  return Array.from({ length }, (_, i) => [flat[4 * i], flat[4 * i + 1], flat[4 * i + 2], flat[4 * i + 3]]);
}

/** Accepts a matrix, a motif or a long table (position, base, value); returns the matrix and its first position. */
export function toLogoMatrix(data: LogoMatrix | TableLike | MotifLike, options: LogoOptions = {}): { matrix: number[][]; start: number } {
  if (isMotifLike(data)) return { matrix: motifRows(data.counts ?? data.probabilities, data.length), start: options.start ?? 1 };
  if (Array.isArray(data) && (data.length === 0 || Array.isArray(data[0]))) {
    return { matrix: (data as LogoMatrix).map((r) => [...r]), start: options.start ?? 1 };
  }
  const rows = rowsOf(data as TableLike);
  const pf = options.position ?? 'position', bf = options.base ?? 'base', vf = options.value ?? 'value';
  if (rows.length && !(pf in rows[0] && bf in rows[0] && vf in rows[0])) {
    throw new OptionError(`logo table needs columns '${pf}', '${bf}', '${vf}' (has ${Object.keys(rows[0]).join(', ')})`, { option: 'data' });
  }
  const positions = rows.map((r) => Number(r[pf]));
  const lo = Math.min(...positions), hi = Math.max(...positions);
  const matrix = Array.from({ length: hi - lo + 1 }, () => [0, 0, 0, 0]);
  for (const r of rows) {
    const j = LOGO_LETTERS.indexOf(String(r[bf]).toUpperCase() as LogoLetter);
    if (j >= 0) matrix[Number(r[pf]) - lo][j] += Number(r[vf]) || 0;
  }
  return { matrix, start: lo };
}

/**
 * Logo of signed contributions (e.g. ISM: per position, the effect of each base).
 * @param data - A position × base matrix (columns A, C, G, T) or a long table (`position`, `base`, `value`).
 * @param options - `start` (position of the first row, default 1), `step` (pixels per position, default 18,
 *   used without `width`), `position`/`base`/`value` (long-table column names), `yTitle`, and
 *   `title`/`width`/`height`.
 * @returns A Vega-Lite spec.
 * @example
 * ismLogo([[0.1, -0.4, 0, 0.2], [0, 0.9, -0.1, 0]], { start: 18, title: 'ISM' });
 */
export function ismLogo(data: LogoMatrix | TableLike, options: LogoOptions = {}): VegaLiteSpec {
  const { matrix, start } = toLogoMatrix(data, options);
  return logoSpec(stackLetters(matrix, start), matrix.length, start, { yTitle: 'contribution', ...options }, true);
}

export interface PwmLogoOptions extends LogoOptions {
  /** Background base frequencies (default uniform). */
  background?: readonly number[];
  /** Added to every count/probability before normalising (default 0). */
  pseudocount?: number;
}

/** Information content (bits) of each position of a PWM given as counts or probabilities. */
export function informationContent(pwm: LogoMatrix, options: PwmLogoOptions = {}): number[][] {
  const bg = options.background ?? [0.25, 0.25, 0.25, 0.25];
  const pc = options.pseudocount ?? 0;
  return pwm.map((row, i) => {
    if (row.length !== 4 || row.some((v) => !(v >= 0))) {
      throw new OptionError(`PWM row ${i} must be 4 non-negative numbers (A, C, G, T), got [${row.join(', ')}]`, { option: 'pwm' });
    }
    const total = row.reduce((s, v) => s + v + pc, 0);
    const p = row.map((v) => (v + pc) / total);
    const [ic] = motifInformation({ length: 1, probabilities: p }, bg);
    return p.map((q) => q * ic!);
  });
}

/**
 * Information-content logo of a PWM: a matrix of counts or probabilities (rows = positions, columns A, C, G, T),
 * a long table, or a cislab motif (its counts when it has them, its background, its name as the title).
 * @param pwm - A matrix of counts or probabilities (columns A, C, G, T), a long table, or a cislab {@link Motif}.
 * @param options - As {@link ismLogo}, plus `background` (default uniform) and `pseudocount` (default 0).
 * @returns A Vega-Lite spec in bits of information content.
 * @example
 * pwmLogo(jaspar('fungi').find((m) => m.altId === 'UME6')!);
 */
export function pwmLogo(pwm: LogoMatrix | TableLike | MotifLike, options: PwmLogoOptions = {}): VegaLiteSpec {
  const { matrix, start } = toLogoMatrix(pwm, options);
  const motif = isMotifLike(pwm) ? pwm : undefined;
  const heights = informationContent(matrix, { background: motif?.background, ...options });
  const title = options.title ?? (motif ? [motif.altId, motif.id].filter(Boolean).join(' ') : undefined);
  return logoSpec(stackLetters(heights, start), heights.length, start, { yTitle: 'bits', ...options, title }, false, [0, 2]);
}

/**
 * Positions per row when a logo is wrapped: as many as fit `MAX_PLOT_WIDTH` at `step` px each, balanced so the
 * rows are about equally long (97 positions at 18 px → 3 rows of 33). `wrap: false` keeps one row.
 */
export function logoRows(length: number, step: number, wrap: number | false | undefined): number {
  if (wrap === false) return length;
  if (wrap !== undefined) {
    if (!(Number.isInteger(wrap) && wrap >= 1)) throw new OptionError(`wrap must be a whole number of positions ≥ 1 or false, got ${wrap}`, { option: 'wrap' });
    return wrap;
  }
  if (length * step <= MAX_PLOT_WIDTH) return length;
  const rows = Math.ceil((length * step) / MAX_PLOT_WIDTH);
  return Math.ceil(length / rows);
}

function logoSpec(letters: Letter[], length: number, start: number, options: LogoOptions, signed: boolean, yFixed?: [number, number]): VegaLiteSpec {
  // An explicit numeric width is one row of that width; otherwise rows of `step` px per position, wrapped.
  const fixed = typeof options.width === 'number';
  // Letters are drawn at a fixed size per position, so a logo cannot stretch with its container: `'container'`
  // wraps it to the column like the default.
  const step = fixed ? (options.width as number) / length : options.step ?? 18;
  const perRow = fixed ? length : logoRows(length, step, options.wrap);
  const height = options.height ?? 160;
  let lo = 0, hi = 0;
  for (const l of letters) { lo = Math.min(lo, l.y0); hi = Math.max(hi, l.y1); }
  if (yFixed) { lo = Math.min(lo, yFixed[0]); hi = Math.max(hi, yFixed[1]); }
  if (hi - lo === 0) hi = 1;
  const pxPerPosition = step;
  const pxPerUnit = height / (hi - lo);
  const values = letters
    .filter((l) => (l.y1 - l.y0) * pxPerUnit >= 0.25) // sub-pixel letters are invisible; drop them to keep specs small
    .map((l) => ({
      position: l.position,
      base: l.letter,
      value: round(l.value),
      y: round((l.y0 + l.y1) / 2),
      // The letter's height over its width in pixels; its outline is computed from it (see `letterTransforms`).
      sy: round(((l.y1 - l.y0) * pxPerUnit) / pxPerPosition, 4),
    }));
  const rowCount = perRow >= length ? 1 : Math.ceil(length / perRow);
  const row = (first: number, count: number, last: boolean, index: number): Record<string, unknown> => {
    const xScale = { domain: [first - 0.5, first + count - 0.5], nice: false, zero: false };
    const zoom = rowCount === 1 ? 'zoom' : `zoom_row${index + 1}`;
    const layers: Record<string, unknown>[] = [
      {
        params: [xZoom(zoom)],
        transform: letterTransforms(zoom, count),
        // clip: letters panned or zoomed past the plot's edge are cut there, not drawn over the axis.
        mark: { type: 'point', filled: true, opacity: 1, strokeWidth: 0, clip: true },
        encoding: {
          x: { field: 'position', type: 'quantitative', scale: xScale, title: last ? 'position' : null, axis: { ...INTEGER_AXIS } },
          y: { field: 'y', type: 'quantitative', scale: { domain: [round(lo), round(hi)], nice: false, zero: false }, title: options.yTitle },
          shape: { field: 'glyph', type: 'nominal', scale: null, legend: null },
          size: { value: round(pxPerPosition * pxPerPosition) },
          color: { field: 'base', type: 'nominal', scale: { domain: [...LOGO_LETTERS], range: LOGO_LETTERS.map((b) => BASE_COLORS[b]) }, legend: null },
          tooltip: [{ field: 'position', type: 'quantitative' }, { field: 'base', type: 'nominal' }, { field: 'value', type: 'quantitative' }],
        },
      },
    ];
    if (signed) layers.push({ mark: { type: 'rule', color: '#555', strokeWidth: 0.75, tooltip: null }, encoding: { y: { datum: 0, type: 'quantitative' } } });
    const mine = perRow === length ? values : values.filter((v) => v.position >= first && v.position < first + count);
    return { data: { values: mine }, width: round(count * pxPerPosition), height, layer: layers };
  };
  if (perRow >= length) {
    const { width: w, height: h, ...body } = row(start, length, true, 0);
    return figure(body, { ...options, width: w as number, height: h as number });
  }
  const rows: Record<string, unknown>[] = [];
  for (let first = start; first < start + length; first += perRow) {
    rows.push(row(first, Math.min(perRow, start + length - first), first + perRow >= start + length, rows.length));
  }
  // Rows share the y scale (one contribution scale for the whole sequence); each has its own positions.
  return figure({ vconcat: rows, spacing: 6, resolve: { scale: { x: 'independent' } } }, { ...options, width: undefined }, { width: perRow * pxPerPosition, height });
}

/**
 * The transforms that draw a row's letters. The zoom parameter holds the x interval shown (empty: the whole
 * row), so k = positions in the row / positions shown; the outline of each letter is computed for it, k times
 * as wide at the same height (the point's size stays one position of the unzoomed row). Static images and an
 * unzoomed chart have k = 1: the letters are exactly one position wide.
 */
function letterTransforms(zoom: string, count: number): Record<string, unknown>[] {
  const shown = `${zoom}.position`;
  return [
    { calculate: `isArray(${shown}) && ${shown}[1] > ${shown}[0] ? ${count} / (${shown}[1] - ${shown}[0]) : 1`, as: 'zoom_k' },
    { calculate: glyphExpression('datum.sy', 'datum.zoom_k'), as: 'glyph' },
  ];
}
