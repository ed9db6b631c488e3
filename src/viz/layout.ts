/**
 * The figure standard's sizes: how wide a notebook column is, and how wide a chart may be so that it fits one
 * (JupyterLab and Notebook 6 give an output about 760 CSS px at a 1024-px window; wider charts are shrunk by
 * Notebook 6's PNG fallback into unreadable letters and clipped by JupyterLab's output area).
 */

/** Width of a notebook output column in CSS pixels: every chart's full width (axes, legend, padding) fits it. */
export const NOTEBOOK_COLUMN_WIDTH = 760;
