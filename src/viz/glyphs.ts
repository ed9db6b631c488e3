/**
 * Letter outlines for sequence logos, as SVG paths in the unit box [-1, 1]² (y down, as in SVG).
 *
 * Vega-Lite has no logo mark. A `point` mark whose `shape` is a custom SVG path draws that path scaled by
 * sqrt(size)/2 around the point, so with `size` = (letter width in px)² a path spanning x ∈ [-1, 1] is exactly
 * one position wide; stretching the path's y coordinates per letter gives it any height. Letters are drawn
 * from our own geometry (not a font) so every renderer — vega's SVG, resvg, a browser — shows the same shape.
 */

type Glyph = readonly (readonly ['M' | 'L' | 'A', ...number[]])[];

// Arc segments: ['A', rx, ry, rotation, largeArc, sweep, x, y]. Holes wind opposite to their outline.
const GLYPHS: Record<'A' | 'C' | 'G' | 'T', readonly Glyph[]> = {
  A: [
    [['M', -1, 1], ['L', -0.18, -1], ['L', 0.18, -1], ['L', 1, 1], ['L', 0.58, 1], ['L', 0.38, 0.45], ['L', -0.38, 0.45], ['L', -0.58, 1]],
    [['M', 0, -0.55], ['L', -0.25, 0.12], ['L', 0.25, 0.12]],
  ],
  C: [
    [['M', 0.766, -0.643], ['A', 1, 1, 0, 1, 0, 0.766, 0.643], ['L', 0.475, 0.399], ['A', 0.62, 0.62, 0, 1, 1, 0.475, -0.399]],
  ],
  G: [
    [['M', 0.766, -0.643], ['A', 1, 1, 0, 1, 0, 0.999, 0.05], ['L', 0.08, 0.05], ['L', 0.08, 0.35],
      ['L', 0.512, 0.35], ['A', 0.62, 0.62, 0, 1, 1, 0.475, -0.399]],
  ],
  T: [
    [['M', -1, -1], ['L', 1, -1], ['L', 1, -0.62], ['L', 0.19, -0.62], ['L', 0.19, 1], ['L', -0.19, 1], ['L', -0.19, -0.62], ['L', -1, -0.62]],
  ],
};

export type LogoLetter = keyof typeof GLYPHS;
export const LOGO_LETTERS = Object.keys(GLYPHS) as LogoLetter[];

const r3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The path of `letter` stretched to `sy` times its width (sy = letter height / letter width, in pixels),
 * its width shrunk by `sx` to leave a gap between positions.
 */
export function glyphPath(letter: LogoLetter, sy: number, sx = 0.92): string {
  const parts: string[] = [];
  for (const contour of GLYPHS[letter]) {
    for (const [cmd, ...a] of contour) {
      if (cmd === 'A') {
        const [rx, ry, rot, large, sweep, x, y] = a;
        parts.push(`A${r3(rx * sx)},${r3(ry * sy)} ${rot} ${large} ${sweep} ${r3(x * sx)},${r3(y * sy)}`);
      } else {
        parts.push(`${cmd}${r3(a[0] * sx)},${r3(a[1] * sy)}`);
      }
    }
    parts.push('Z');
  }
  return parts.join('');
}

/** `round(c · v · 1000) / 1000` as a vega expression: the path's numbers, three decimals like {@link glyphPath}. */
function scaled(c: number, v: string): string {
  return `round(${r3(c)}*${v}*1000)/1000`;
}

/**
 * A vega expression giving `datum.base`'s path, as {@link glyphPath} does, with the height ratio read from the
 * expression `sy` and the width multiplied by the expression `k`. The logos compute their letters with it in a
 * `calculate` transform: when the x scale is zoomed by k, letters widen by k and keep their height, which a
 * fixed path (scaled by the mark's size in both directions) could not do.
 */
export function glyphExpression(sy: string, k: string, sx = 0.92): string {
  const path = (letter: LogoLetter) => {
    const parts: string[] = [];
    for (const contour of GLYPHS[letter]) {
      for (const [cmd, ...a] of contour) {
        if (cmd === 'A') {
          const [rx, ry, rot, large, sweep, x, y] = a;
          parts.push(`'A'+${scaled(rx! * sx, k)}+','+${scaled(ry!, sy)}+' ${rot} ${large} ${sweep} '+${scaled(x! * sx, k)}+','+${scaled(y!, sy)}`);
        } else {
          parts.push(`'${cmd}'+${scaled(a[0]! * sx, k)}+','+${scaled(a[1]!, sy)}`);
        }
      }
      parts.push(`'Z'`);
    }
    return parts.join('+');
  };
  // A nested choice on the base: A, C and G by name, T for the rest.
  const last = LOGO_LETTERS[LOGO_LETTERS.length - 1]!;
  return LOGO_LETTERS.slice(0, -1).reduceRight((otherwise, letter) => `datum.base === '${letter}' ? ${path(letter)} : ${otherwise}`, path(last));
}
