/**
 * The shared look of every cislab figure: one font (DejaVu Sans, which resvg finds on Debian via
 * fonts-dejavu-core, so SVG and PNG match), one base palette, and the nucleotide colours of sequence logos.
 */

export const FONT = 'DejaVu Sans';

/** Nucleotide colours used in logos (the usual convention: A green, C blue, G orange, T red). */
export const BASE_COLORS: Readonly<Record<'A' | 'C' | 'G' | 'T', string>> = {
  A: '#109648',
  C: '#255C99',
  G: '#F7B32B',
  T: '#D62839',
};

/** Category colours (Tableau 10 order, colour-blind friendly enough and close to the papers' figures). */
export const CATEGORY_COLORS: readonly string[] = [
  '#4C78A8', '#F58518', '#54A24B', '#E45756', '#72B7B2',
  '#EECA3B', '#B279A2', '#FF9DA6', '#9D755D', '#BAB0AC',
];

/** Sequential scheme for densities and heat maps; diverging for signed values (ISM, correlations). */
export const SEQUENTIAL_SCHEME = 'viridis';
export const DIVERGING_SCHEME = 'redblue';

/** Vega-Lite `config` applied to every spec cislab builds. */
export const THEME_CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  // labelSeparation: vega drops overlapping labels, but touching ones count as apart; 6 px keeps them legible.
  axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12, grid: false, tickColor: '#888', domainColor: '#888', labelSeparation: 6 },
  legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12 },
  header: { labelFont: FONT, titleFont: FONT },
  title: { font: FONT, fontSize: 13, fontWeight: 'normal', anchor: 'start', subtitleFont: FONT, subtitleFontSize: 11, subtitleColor: '#555' },
  text: { font: FONT },
  range: { category: [...CATEGORY_COLORS] },
} as const;

/** Schema URL of the specs we emit: v5 keeps them renderable by JupyterLab's bundled Vega-Lite 5. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
