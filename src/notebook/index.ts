// src/notebook: rich display in tslab, progress, kernel set-up, the notebook runner. Loading it patches nothing;
// the cislab kernel turns auto-display on at start-up (kernel-main.ts), `show()` on first use.

export { show, displayBundle, enableAutoDisplay, inspectAsDisplay, setDisplayOptions, isDisplayable, describeSpec, DISPLAY, VEGA_LITE_MIME, type DisplayOptions } from './display';
export { inKernel, publishDisplay, type DisplayContent } from './kernel';
export { tableHtml, tableText, shapeLine, TABLE_CSS, type TableViewOptions } from './table-html';
export { formatNumber, plural, isPValueColumn, columnFormatter, MISSING, NOT_A_NUMBER, type NumberFormatOptions } from './number-format';
export { progress, progressMode, type Progress, type ProgressOptions } from './progress';
export { installKernel, hasJupyterClient, userJupyterDataDir, findTslab, KERNEL_NAME, KERNEL_DISPLAY_NAME, JUPYTER_APT_PACKAGES, BROWSER_APT_PACKAGES, ensureChromium, type InstallKernelOptions, type InstalledKernel } from './install';
export { runNotebooks, runNotebook, notebooksTestCommand, findNotebooks, formatNotebookResult, ensureKernel, defaultKernelPrefix, canWrite, type RunNotebooksOptions, type NotebookResult, type NotebookError } from './runner';
export { sanitize, compareNotebooks, DEFAULT_PRECISION, type Mismatch } from './compare';
