// Public API of src/viz: Vega-Lite spec builders, the shared theme and headless rendering.
// Explicit names (no `export *`) so helpers like kde or pearson never clash with src/stats in cislab's index.
export { NOTEBOOK_COLUMN_WIDTH } from './layout';
export { FONT, BASE_COLORS, CATEGORY_COLORS, SEQUENTIAL_SCHEME, DIVERGING_SCHEME, THEME_CONFIG, VEGA_LITE_SCHEMA } from './theme';
export { isVegaLiteSpec, titleText, type VegaLiteSpec, type FigureOptions } from './spec';
export { MAX_PLOT_WIDTH, words, robustDomain, categoryColors, type RobustDomain } from './layout';
export { textWidth, wrapText } from './text-width';
export { histogram, boxPlot, violin, type HistogramOptions, type CategoryOptions, type ViolinOptions } from './distribution';
export { densityScatter, embeddingScatter, type DensityScatterOptions, type EmbeddingScatterOptions } from './scatter';
export { heatmap, groupedBars, lineBand, type HeatmapOptions, type GroupedBarsOptions, type LineBandOptions } from './categorical';
export { ismLogo, pwmLogo, informationContent as pwmLetterHeights, type MotifLike, type LogoMatrix, type LogoOptions, type PwmLogoOptions } from './logo';
export { render, renderSync, saveFigure, loadRenderer, rendererLoaded, compileVegaLite, svgToPng, type RenderFormat, type RenderOptions } from './render';
export type { TableLike } from './data';
export { markSites, type SiteMark, type MarkSitesOptions } from './sites';
export { radar, type RadarOptions } from './radar';
