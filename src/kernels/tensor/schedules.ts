/**
 * Learning-rate schedules. Per-batch schedules (OneCycle, cosine with warm-up) answer `rate(step)` (and, for
 * OneCycle with momentum cycling, `momentum(step)`: the optimiser's β₁); ReduceLROnPlateau reacts to the
 * end-of-epoch validation (its score, higher is better, or its loss, lower is better). State is plain JSON so a
 * checkpoint can resume a schedule exactly.
 *
 * Exactness against PyTorch 1.13 (test/kernels/tensor/schedules.test.ts runs torch.optim.lr_scheduler on the same
 * inputs): `onecycle` is OneCycleLR (anneal_strategy 'cos', three_phase False) including its phase boundary at
 * pct_start·T − 1 and, with `cycleMomentum`, its β₁ cycle; `plateau` with TORCH_PLATEAU is ReduceLROnPlateau(mode
 * 'min') with PyTorch's defaults. The cosine schedule with `warmupStartLr` is timm's CosineLRScheduler stepped per
 * update with warmup_prefix (the Seq2Exp authors' `cosine_warmup_timm`).
 */
import { OptionError } from '../../errors';

/** A learning-rate schedule: reduce on 'plateau', 'onecycle', 'cosine' or 'constant'. */
export type ScheduleName = 'plateau' | 'onecycle' | 'cosine' | 'constant';
/** Every {@link ScheduleName}. */
export const SCHEDULES: readonly ScheduleName[] = ['plateau', 'onecycle', 'cosine', 'constant'];

/** Settings of the schedules (each field names the schedule it applies to). */
export interface ScheduleOptions {
  /** plateau: multiply the rate by this after `patience` epochs without improvement (default 0.5). */
  factor?: number;
  /** plateau: epochs without improvement tolerated; the rate drops on the next bad one (default 2). */
  patience?: number;
  /** plateau and cosine: lower bound of the rate (default 1e-6 for plateau, 0 for cosine). */
  minLr?: number;
  /** plateau: how much better a value must be to count as an improvement (default 0; see thresholdMode). */
  threshold?: number;
  /** plateau: 'abs' (default): better than best ± threshold; 'rel' (PyTorch's default): better than best · (1 ± threshold). */
  thresholdMode?: 'abs' | 'rel';
  /** plateau: what it watches: the validation 'score' (higher is better; default) or the validation 'loss' (lower is better). */
  monitor?: 'score' | 'loss';
  /** plateau: epochs after a reduction during which bad epochs are not counted (default 0). */
  cooldown?: number;
  /** plateau: a reduction smaller than this is ignored (default 1e-8, PyTorch's eps). */
  eps?: number;
  /** cosine: warm-up steps (default 5% of all steps). */
  warmupSteps?: number;
  /**
   * cosine: the rate at step 0, rising linearly to the base rate over `warmupSteps` (timm's warmup_lr_init).
   * Default: the base rate / warmupSteps at step 0, reaching the base rate at the last warm-up step.
   */
  warmupStartLr?: number;
  /** onecycle: fraction of the steps spent rising (default 0.3). */
  pctStart?: number;
  /** onecycle: the start rate is max / divFactor (default 25). */
  divFactor?: number;
  /** onecycle: the final rate is start / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** onecycle: cycle β₁ opposite to the rate, maxMomentum → baseMomentum → maxMomentum (default false; PyTorch's default is true). */
  cycleMomentum?: boolean;
  /** onecycle: β₁ at the peak rate (default 0.85). */
  baseMomentum?: number;
  /** onecycle: β₁ at the start and end (default 0.95). */
  maxMomentum?: number;
}

/**
 * ReduceLROnPlateau(optimizer, 'min') as PyTorch 1.13 defines it: on the validation loss, factor 0.1, patience
 * 10, relative threshold 1e-4, cooldown 0, min lr 0 — the Camformer authors' scheduler (base/model_utils.py L79).
 */
export const TORCH_PLATEAU: Readonly<ScheduleOptions> = Object.freeze({
  monitor: 'loss', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8,
});

/** What the end-of-epoch hook sees: the validation score (higher is better) and loss (lower is better). */
export interface EpochValues {
  score: number;
  loss: number;
}

export interface ScheduleState {
  lr: number;
  /** plateau: best monitored value so far, in "higher is better" form (a loss is stored negated). */
  best: number;
  bad: number;
  /** plateau: epochs of cooldown left (absent in checkpoints written before cooldown existed). */
  cooldown?: number;
}

/**
 * A learning-rate schedule over a run of `totalSteps` batch steps from `baseLr`: the rate (and, for OneCycle with
 * cycleMomentum, β₁) per step, the plateau rule at each epoch end, and its state for checkpoints.
 *
 * @example
 * const schedule = new Schedule('onecycle', 0.01, 1000, { pctStart: 0.3, cycleMomentum: true });
 * const lr = schedule.rate(0); // 0.01 / 25
 * const beta1 = schedule.momentum(0); // 0.95
 */
export class Schedule {
  private state: ScheduleState;
  constructor(
    /** The schedule's name. */
    readonly name: ScheduleName,
    private readonly baseLr: number,
    private readonly totalSteps: number,
    private readonly options: ScheduleOptions = {},
  ) {
    if (!SCHEDULES.includes(name)) {
      throw new OptionError(`unknown schedule '${name}'; expected ${SCHEDULES.join(', ')}`, { option: 'schedule' });
    }
    checkScheduleOptions(options);
    this.state = { lr: baseLr, best: -Infinity, bad: 0, cooldown: 0 };
  }

  /**
   * Learning rate for a 0-based global batch step.
   * @param step - The step, counted over the whole run from 0.
   * @returns The learning rate.
   */
  rate(step: number): number {
    const T = Math.max(this.totalSteps, 1);
    const o = this.options;
    switch (this.name) {
      case 'plateau':
      case 'constant':
        return this.state.lr;
      case 'onecycle': {
        const start = this.baseLr / (o.divFactor ?? 25);
        return this.oneCycle(step, [start, this.baseLr, start / (o.finalDivFactor ?? 1e4)]);
      }
      case 'cosine': {
        const warm = o.warmupSteps ?? Math.max(1, Math.round(0.05 * T));
        const floor = o.minLr ?? 0;
        if (step < warm) {
          if (o.warmupStartLr === undefined) return (this.baseLr * (step + 1)) / warm;
          return o.warmupStartLr + (step * (this.baseLr - o.warmupStartLr)) / warm;
        }
        const f = Math.min((step - warm) / Math.max(T - warm, 1), 1);
        return floor + ((this.baseLr - floor) * (1 + Math.cos(Math.PI * f))) / 2;
      }
    }
  }

  /**
   * The optimiser's β₁ for a step when the schedule cycles it (onecycle with `cycleMomentum`), else undefined
   * (the optimiser keeps its own β₁).
   * @param step - The step, counted over the whole run from 0.
   * @returns β₁ for the step, or undefined.
   */
  momentum(step: number): number | undefined {
    if (this.name !== 'onecycle' || !this.options.cycleMomentum) return undefined;
    const high = this.options.maxMomentum ?? 0.95;
    return this.oneCycle(step, [high, this.options.baseMomentum ?? 0.85, high]);
  }

  /**
   * OneCycleLR's two cosine phases through [start, peak, end] (torch/optim/lr_scheduler.py, OneCycleLR.get_lr):
   * phase 1 ends at step pct_start·T − 1, phase 2 at T − 1; pct = (step − phase start) / (phase end − phase start).
   */
  private oneCycle(step: number, [start, peak, end]: [number, number, number]): number {
    const T = Math.max(this.totalSteps, 1);
    const firstEnd = (this.options.pctStart ?? 0.3) * T - 1;
    const cos = (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * Math.min(Math.max(pct, 0), 1)) + 1);
    if (step <= firstEnd) return cos(start, peak, firstEnd > 0 ? step / firstEnd : 1);
    const span = T - 1 - firstEnd;
    return cos(peak, end, span > 0 ? (step - firstEnd) / span : 1);
  }

  /**
   * End-of-epoch hook. plateau: compares the monitored value with the best so far (ReduceLROnPlateau.step):
   * a better one resets the bad-epoch count, a worse (or NaN) one increments it; during cooldown bad epochs are
   * not counted; more than `patience` bad epochs multiply the rate by `factor` (not below `minLr`) and start
   * the cooldown.
   * @param values - The epoch's validation score and loss.
   */
  epochEnd(values: EpochValues): void {
    if (this.name !== 'plateau') return;
    const o = this.options;
    // Stored as "higher is better": a loss is negated, so one comparison serves both modes.
    const current = (o.monitor ?? 'score') === 'loss' ? -values.loss : values.score;
    const s = this.state;
    if (this.isBetter(current, s.best)) {
      s.best = current;
      s.bad = 0;
    } else {
      s.bad++;
    }
    if ((s.cooldown ?? 0) > 0) {
      s.cooldown = (s.cooldown ?? 0) - 1;
      s.bad = 0;
    }
    if (s.bad > (o.patience ?? 2)) {
      const reduced = Math.max(s.lr * (o.factor ?? 0.5), o.minLr ?? 1e-6);
      if (s.lr - reduced > (o.eps ?? 1e-8)) s.lr = reduced;
      s.cooldown = o.cooldown ?? 0;
      s.bad = 0;
    }
  }

  /**
   * PyTorch's _is_better on the stored ("higher is better") value v and best B. Scores (mode max): rel is
   * a > best·(1 + t). Losses (mode min, stored negated, v = −a): a < best·(1 − t) ⇔ v > B·(1 − t). abs: v > B + t.
   */
  private isBetter(value: number, best: number): boolean {
    if (Number.isNaN(value)) return false;
    const t = this.options.threshold ?? 0;
    if ((this.options.thresholdMode ?? 'abs') === 'abs') return value > best + t;
    return value > best * ((this.options.monitor ?? 'score') === 'loss' ? 1 - t : 1 + t);
  }

  /**
   * The schedule's state, copied out (for checkpoints).
   * @returns The current rate and the plateau counters.
   */
  getState(): ScheduleState {
    return { ...this.state };
  }

  /**
   * Restores a state `getState` returned (resuming from a checkpoint).
   * @param s - The saved state.
   */
  setState(s: ScheduleState): void {
    this.state = { cooldown: 0, ...s };
  }
}

function checkScheduleOptions(o: ScheduleOptions): void {
  const positive = (v: number | undefined, option: string) => {
    if (v !== undefined && !(v > 0)) throw new OptionError(`expected a positive number, got ${v}`, { option: `scheduleOptions.${option}` });
  };
  const nonNegative = (v: number | undefined, option: string) => {
    if (v !== undefined && !(v >= 0)) throw new OptionError(`expected a number ≥ 0, got ${v}`, { option: `scheduleOptions.${option}` });
  };
  positive(o.factor, 'factor');
  if (o.factor !== undefined && o.factor >= 1) throw new OptionError(`factor must be below 1, got ${o.factor}`, { option: 'scheduleOptions.factor' });
  nonNegative(o.patience, 'patience');
  nonNegative(o.minLr, 'minLr');
  nonNegative(o.threshold, 'threshold');
  nonNegative(o.cooldown, 'cooldown');
  nonNegative(o.warmupStartLr, 'warmupStartLr');
  positive(o.warmupSteps, 'warmupSteps');
  positive(o.divFactor, 'divFactor');
  positive(o.finalDivFactor, 'finalDivFactor');
  if (o.pctStart !== undefined && !(o.pctStart > 0 && o.pctStart < 1)) {
    throw new OptionError(`pctStart must be in (0, 1), got ${o.pctStart}`, { option: 'scheduleOptions.pctStart' });
  }
  if (o.thresholdMode !== undefined && o.thresholdMode !== 'abs' && o.thresholdMode !== 'rel') {
    throw new OptionError(`thresholdMode must be 'abs' or 'rel', got '${o.thresholdMode as string}'`, { option: 'scheduleOptions.thresholdMode' });
  }
  if (o.monitor !== undefined && o.monitor !== 'score' && o.monitor !== 'loss') {
    throw new OptionError(`monitor must be 'score' or 'loss', got '${o.monitor as string}'`, { option: 'scheduleOptions.monitor' });
  }
}
