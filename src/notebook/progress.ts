/**
 * Progress of long work (training, ISM, scans). One interface, three renderings:
 * - in a tslab notebook: a display updated in place (display_data, then update_display_data on one display id);
 * - on a terminal (stderr is a TTY): a bar redrawn with \r;
 * - elsewhere (CI, pipes, tests, CISLAB_PROGRESS=0): silent.
 * Updates are throttled (default 250 ms) so a tight loop calling tick() costs nothing.
 */
import { randomBytes } from 'node:crypto';
import { inKernel, publishDisplay } from './kernel';

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Work units in total (epochs, batches, sequences). */
  total: number;
  /** What is being done, e.g. 'training camformer-mini'. */
  label?: string;
  /** Force a rendering instead of choosing one from the environment. */
  mode?: 'notebook' | 'terminal' | 'silent';
  /** Minimum milliseconds between redraws (default 250). */
  throttleMs?: number;
}

/** A running progress display: advance it with `tick`/`update`, close it with `done`. */
export interface Progress {
  /** Advances by `n` units (default 1); `info` (e.g. 'loss 0.31') is shown after the bar. */
  tick(n?: number, info?: string): void;
  /** Sets the absolute number of units done. */
  update(done: number, info?: string): void;
  /**
   * Marks the work finished and draws the final state: the bar full, or, with `failed`, where it stopped (so a
   * failed run does not read as a finished one).
   */
  done(info?: string, failed?: boolean): void;
}

/**
 * The rendering {@link progress} picks when not told: 'silent' under `CISLAB_PROGRESS=0`, 'notebook' in a tslab
 * kernel, 'silent' in CI, under vitest or when stderr is not a terminal (a pipe, a log file), else 'terminal'.
 * @returns The mode.
 * @example
 * if (progressMode() === 'silent') console.log('no progress will be shown');
 */
export function progressMode(): 'notebook' | 'terminal' | 'silent' {
  if (process.env.CISLAB_PROGRESS === '0') return 'silent';
  if (inKernel()) return 'notebook';
  if (process.env.CI || process.env.VITEST || !process.stderr.isTTY) return 'silent';
  return 'terminal';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatSeconds(s: number): string {
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * Starts a progress display.
 * @param options - `total` units, `label` (default ''), `mode` (default: 'notebook' in a tslab kernel, 'terminal'
 *   when stderr is a TTY outside CI, else 'silent'; `CISLAB_PROGRESS=0` silences), `throttleMs` between redraws (default 250).
 * @returns A {@link Progress}.
 * @example
 * const bar = progress({ total: 100, label: 'scanning' });
 * for (let i = 0; i < 100; i++) bar.tick(1);
 * bar.done();
 */
export function progress(options: ProgressOptions): Progress {
  const mode = options.mode ?? progressMode();
  const total = Math.max(0, options.total);
  const label = options.label ?? '';
  const throttle = options.throttleMs ?? 250;
  const start = Date.now();
  const displayId = randomBytes(8).toString('hex');
  let doneUnits = 0, lastDraw = -Infinity, shown = false, finished = false, lastInfo = '';

  const line = (width: number) => {
    const f = total > 0 ? Math.min(1, doneUnits / total) : 1;
    const secs = (Date.now() - start) / 1000;
    // No time left is shown once closed: a failed run stops short of the end and will not get there.
    const eta = f > 0 && f < 1 && !finished ? `, ${formatSeconds((secs / f) * (1 - f))} left` : '';
    const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '░');
    return { f, text: `${label ? label + ' ' : ''}${bar} ${Math.round(f * 100)}% (${doneUnits}/${total}, ${formatSeconds(secs)}${eta})${lastInfo ? ' ' + lastInfo : ''}` };
  };

  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < throttle) return;
    lastDraw = now;
    if (mode === 'notebook') {
      const { f, text } = line(20);
      const html = `<div style="font-family:monospace">${label ? `<b>${escapeHtml(label)}</b> ` : ''}<progress value="${f}" max="1" style="width:200px"></progress> ` +
        `${escapeHtml(text.slice(text.indexOf('%', label.length) - 3).replace(/^[^\d]*/, ''))}</div>`;
      publishDisplay({ data: { 'text/html': html, 'text/plain': text }, metadata: { cislab: { kind: 'progress' } }, transient: { display_id: displayId } }, shown);
      shown = true;
    } else if (mode === 'terminal') {
      process.stderr.write('\r' + line(30).text.padEnd((process.stderr.columns ?? 100) - 1).slice(0, (process.stderr.columns ?? 100) - 1));
    }
  };

  return {
    tick(n = 1, info) { this.update(doneUnits + n, info); },
    update(d, info) {
      if (finished) return;
      doneUnits = d;
      if (info !== undefined) lastInfo = info;
      draw(doneUnits >= total);
    },
    done(info, failed = false) {
      if (finished) return;
      if (info !== undefined) lastInfo = info;
      if (!failed) doneUnits = Math.max(doneUnits, total);
      finished = true;
      draw(true);
      if (mode === 'terminal') process.stderr.write('\n');
    },
  };
}
