/**
 * Talking to the tslab kernel we may be running in, without depending on it.
 *
 * tslab's public `display.raw` sends one MIME type per message. Its internal `dist/jupyter.js` keeps the
 * function that publishes a display message for the running cell (`lastWriteDisplayData(content, update)`),
 * which accepts a whole bundle `{ data: { mime: … }, metadata, transient: { display_id } }`. We find that
 * module in Node's require cache (whichever tslab copy started the kernel), so a multi-MIME bundle reaches
 * Jupyter as one display_data message and `update` sends update_display_data for progress displays.
 * Outside a kernel none of this exists and every function here says so instead of throwing.
 */

export interface DisplayContent {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
}

type WriteDisplayData = (content: DisplayContent, update: boolean) => void;

interface TslabJupyterModule { lastWriteDisplayData: WriteDisplayData | null }

function tslabJupyterModule(): TslabJupyterModule | undefined {
  const cache: Record<string, NodeJS.Module | undefined> = typeof require === 'function' ? require.cache : {};
  for (const [file, mod] of Object.entries(cache)) {
    if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file) && mod?.exports && 'lastWriteDisplayData' in mod.exports) {
      return mod.exports as TslabJupyterModule;
    }
  }
  return undefined;
}

/** True when this process is a tslab kernel (a cell is or was executing). */
export function inKernel(): boolean {
  return typeof tslabJupyterModule()?.lastWriteDisplayData === 'function';
}

/** Publishes a display bundle in the current cell; returns false (and does nothing) outside a kernel. */
export function publishDisplay(content: DisplayContent, update = false): boolean {
  const write = tslabJupyterModule()?.lastWriteDisplayData;
  if (typeof write !== 'function') return false;
  write({ metadata: {}, transient: {}, ...content }, update);
  return true;
}
