/**
 * Text widths in DejaVu Sans (the theme's font), so figures can be laid out without a browser: vega's own
 * headless estimate (0.8 em per character) makes long titles twice their real width and the canvas with them.
 * Advance widths are the font's own (units of 1/2048 em), read from Debian's fonts-dejavu-core with
 *   /usr/bin/python3 -c "from fontTools.ttLib import TTFont; t = TTFont('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'); \
 *     print([t['hmtx'][t.getBestCmap()[ord(c)]][0] for c in CHARS])"
 * (and DejaVuSans-Bold.ttf); kerning is ignored (it changes a title's width by well under 1 %).
 */

const CHARS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ρ≥≤→←–—×±·…αβγδμσθλπΔ²³⁴⁵⁶⁷⁸⁹⁰¹₀₁₂·°″′−√≈≠∞";
const REGULAR = [651,821,942,1716,1303,1946,1597,563,799,799,1024,1716,651,739,651,690,1303,1303,1303,1303,1303,1303,1303,1303,1303,1303,690,690,1716,1716,1716,1087,2048,1401,1405,1430,1577,1294,1178,1587,1540,604,604,1343,1141,1767,1532,1612,1235,1612,1423,1300,1251,1499,1401,2025,1403,1251,1403,799,690,799,1716,1024,1024,1255,1300,1126,1300,1260,721,1300,1298,569,569,1186,569,1995,1298,1253,1300,1300,842,1067,803,1298,1212,1675,1212,1212,1075,1303,690,1303,1716,1300,1716,1716,1716,1716,1024,2048,1716,1716,651,2048,1350,1307,1212,1253,1303,1298,1253,1212,1233,1401,821,821,821,821,821,821,821,821,821,821,821,821,821,651,1024,765,465,1716,1305,1716,1716,1706];
const BOLD = [713,934,1067,1716,1425,2052,1786,627,936,936,1071,1716,778,850,778,748,1425,1425,1425,1425,1425,1425,1425,1425,1425,1425,819,819,1716,1716,1716,1188,2048,1585,1561,1503,1700,1399,1399,1681,1714,762,762,1587,1305,2038,1714,1741,1501,1741,1577,1475,1397,1663,1585,2259,1579,1483,1485,936,748,936,1716,1024,1024,1382,1466,1214,1466,1389,891,1466,1458,702,702,1362,702,2134,1458,1407,1466,1466,1010,1219,979,1458,1335,1892,1321,1335,1192,1458,748,1458,1716,1466,1716,1716,1716,1716,1024,2048,1716,1716,778,2048,1407,1466,1395,1407,1507,1595,1407,1296,1620,1585,897,897,897,897,897,897,897,897,897,897,897,897,897,778,1024,915,540,1716,1366,1716,1716,1706];
const UNITS_PER_EM = 2048;

const regular = new Map<string, number>();
const bold = new Map<string, number>();
[...CHARS].forEach((c, i) => { regular.set(c, REGULAR[i]!); bold.set(c, BOLD[i]!); });
// Characters outside the table count as a wide lowercase letter ('n'), erring on the wide side.
const FALLBACK_REGULAR = regular.get('n')! * 1.1;
const FALLBACK_BOLD = bold.get('n')! * 1.1;

/** Width in pixels of `text` set in DejaVu Sans at `fontSize` px (`bold` for weights ≥ 600). */
export function textWidth(text: string, fontSize: number, options: { bold?: boolean } = {}): number {
  const table = options.bold ? bold : regular;
  const fallback = options.bold ? FALLBACK_BOLD : FALLBACK_REGULAR;
  let units = 0;
  for (const c of text) units += table.get(c) ?? fallback;
  return (units / UNITS_PER_EM) * fontSize;
}

/**
 * Breaks `text` at spaces into lines no wider than `maxWidth` px (a single word wider than that keeps its own
 * line). Returns one string when it fits, so specs stay simple.
 *
 * @example
 * wrapText('camformer-mini, 3 epochs on demo_train (r = 0.61, ρ = 0.62, n = 71103)', 300, 13)
 * // → ['camformer-mini, 3 epochs on demo_train', '(r = 0.61, ρ = 0.62, n = 71103)']
 */
export function wrapText(text: string, maxWidth: number, fontSize: number, options: { bold?: boolean } = {}): string | string[] {
  if (textWidth(text, fontSize, options) <= maxWidth) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize, options) > maxWidth) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines.length === 1 ? lines[0]! : lines;
}

/**
 * A vega `textMetrics.width` replacement for headless rendering: measures `item.text` in DejaVu Sans at the
 * item's font size and weight. Only used where vega has no canvas to measure with (Node).
 */
export function vegaTextWidth(item: { fontSize?: number; fontWeight?: string | number; limit?: number }, text: unknown): number {
  const weight = item.fontWeight;
  const isBold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  const width = textWidth(text == null ? '' : String(text).trim(), item.fontSize != null ? Number(item.fontSize) || 0 : 11, { bold: isBold });
  // vega truncates text longer than `limit` to fit it: such text is at most `limit` wide.
  return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
}
