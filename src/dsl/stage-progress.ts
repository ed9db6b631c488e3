/**
 * Progress of the DSL's long calls — training, prediction and evaluation, ISM, attributions, motif scans, pairwise
 * influence. Each drives one display of notebook/progress.ts: updated in place in a notebook, a bar on a
 * terminal, nothing in CI, tests, pipes or under `CISLAB_PROGRESS=0`. The kernels only take callbacks; this is
 * where a callback becomes a display, so there is one progress implementation and the kernels stay below it.
 */
import { progress, type Progress } from '../notebook/progress';
import type { ProgressEvent } from '../kernels/tensor/loop';

/** The `progress` option of every long DSL call. */
export interface ProgressOption {
  /**
   * Show this call's progress (default true, unless an `onProgress` of your own is given; it is called either
   * way): in a notebook a display updated in place, on a terminal a bar on stderr, in CI, tests and pipes
   * nothing. `false` silences it; `CISLAB_PROGRESS=0` silences every call.
   */
  progress?: boolean;
}

/** Whether a stage draws a display of its own: when asked, or when not refused and the caller has no callback. */
export function showsProgress(option: boolean | undefined, callback: unknown): boolean {
  return option ?? callback === undefined;
}

/** One call's display: opened with its total (or at the first report, when the total is known only then), closed once. */
export class StageProgress {
  private bar?: Progress;
  private closed = false;

  constructor(private readonly label: string, private readonly enabled: boolean, total?: number) {
    if (total !== undefined) this.report(0, total);
  }

  /** `done` of `total` units, with `info` after the bar (e.g. 'epoch 3/20 · loss 0.41'). */
  report(done: number, total: number, info?: string): void {
    if (!this.enabled || this.closed) return;
    this.bar ??= progress({ total, label: this.label });
    this.bar.update(done, info);
  }

  /** Closes the display (once): full, or where it stopped when `failed`. */
  finish(info?: string, failed = false): void {
    if (this.closed) return;
    this.closed = true;
    this.bar?.done(info, failed);
  }
}

/**
 * Runs `work` with a {@link StageProgress} and closes it on every path; a failure shows where it stopped and why.
 * @param label - What is being done, e.g. 'ISM 1,000 sequences'.
 * @param enabled - Whether to draw (see {@link showsProgress}).
 * @param total - Units in all when known before the work starts (the display then opens at once).
 * @param work - The work, reporting to the display it is given.
 */
export async function withProgress<T>(label: string, enabled: boolean, total: number | undefined, work: (p: StageProgress) => Promise<T>): Promise<T> {
  const p = new StageProgress(label, enabled, total);
  let failed = false;
  let failure: unknown;
  try {
    return await work(p);
  } catch (error) {
    failed = true;
    failure = error;
    throw error;
  } finally {
    if (!failed) p.finish();
    else p.finish(`failed: ${failure instanceof Error ? failure.message : String(failure)}`, true);
  }
}

/** A kernel's progress callback: `done` of `total` units. */
export type ProgressCallback = (done: number, total: number) => void;

/**
 * {@link withProgress} for a kernel that takes an `onProgress(done, total)`: `work` gets one callback that
 * updates the display and calls the caller's own `onProgress` as well.
 * @param label - What is being done.
 * @param options - The call's `progress` and `onProgress`.
 * @param total - Units in all when known before the work starts.
 * @param work - The work, given the callback to hand to the kernel.
 */
export function withReportedProgress<T>(label: string, options: ProgressOption & { onProgress?: ProgressCallback }, total: number | undefined, work: (onProgress: ProgressCallback) => Promise<T>): Promise<T> {
  return withProgress(label, showsProgress(options.progress, options.onProgress), total, (p) =>
    work((done, all) => { p.report(done, all); options.onProgress?.(done, all); }));
}

/** `1,000 sequences` (thousands separated, as the notebooks print counts). */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

const METRIC_LABELS: Record<string, string> = { valPearson: 'val r', valSpearman: 'val ρ', valMse: 'val MSE', kl: 'KL' };

function metricText(value: number): string {
  return Math.abs(value) >= 1000 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : value.toFixed(3);
}

/**
 * A training loop's events as the display's state: steps done of the run's steps, the epoch and its loss after
 * each batch, and the last epoch's validation (loss, the family's metrics, whether it was the best) after it.
 * @param p - The display.
 * @returns An `onProgress` for any family's training.
 */
export function trainingReporter(p: StageProgress): (event: ProgressEvent) => void {
  let lastEpoch = '';
  return (e) => {
    if (e.type === 'epoch') {
      const metrics = Object.entries(e.metrics).map(([k, v]) => `${METRIC_LABELS[k] ?? k} ${metricText(v)}`);
      const val = e.valLoss !== undefined && Number.isFinite(e.valLoss) ? [`val loss ${metricText(e.valLoss)}`] : [];
      lastEpoch = [...val, ...metrics].join(' · ') + (e.best ? ' (best)' : '');
    }
    const info = [`epoch ${e.epoch}/${e.epochs}`, `loss ${metricText(e.loss)}`, ...(lastEpoch ? [lastEpoch] : [])].join(' · ');
    if (e.type !== 'end') return p.report(e.step, e.steps, info);
    const why = e.stopped === 'early-stopping' ? ` · stopped early after epoch ${e.epoch}` : e.stopped === 'max-steps' ? ` · stopped at step ${e.step} (maxSteps)` : '';
    p.report(e.step, e.steps, info + why);
    p.finish();
  };
}
