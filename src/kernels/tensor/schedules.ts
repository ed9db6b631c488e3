/**
 * Learning-rate schedules. Per-batch schedules (OneCycle, cosine with warm-up) answer `rate(step)`;
 * ReduceLROnPlateau reacts to the end-of-epoch validation score (r + ρ, higher is better). State is plain JSON
 * so a checkpoint can resume a schedule exactly.
 */
import { OptionError } from '../../errors';

/** A learning-rate schedule: reduce on 'plateau', 'onecycle', 'cosine' or 'constant'. */
export type ScheduleName = 'plateau' | 'onecycle' | 'cosine' | 'constant';

export interface ScheduleOptions {
  /** plateau: multiply the rate by this after `patience` epochs without improvement (default 0.5). */
  factor?: number;
  /** plateau: epochs without improvement before reducing (default 2). */
  patience?: number;
  /** plateau: lower bound of the rate (default 1e-6). */
  minLr?: number;
  /** plateau: a score counts as better only when it beats the best by more than this (default 0). */
  threshold?: number;
  /** cosine: warm-up steps (default 5% of all steps); onecycle: fraction of steps rising (default 0.3). */
  warmupSteps?: number;
  pctStart?: number;
}

export interface ScheduleState {
  lr: number;
  best: number;
  bad: number;
}

export class Schedule {
  private state: ScheduleState;
  constructor(
    readonly name: ScheduleName,
    private readonly baseLr: number,
    private readonly totalSteps: number,
    private readonly options: ScheduleOptions = {},
  ) {
    if (!['plateau', 'onecycle', 'cosine', 'constant'].includes(name)) {
      throw new OptionError(`unknown schedule '${name}'; expected plateau, onecycle, cosine or constant`, { option: 'schedule' });
    }
    this.state = { lr: baseLr, best: -Infinity, bad: 0 };
  }

  /** Learning rate for a 0-based global batch step. */
  rate(step: number): number {
    const T = Math.max(this.totalSteps, 1);
    switch (this.name) {
      case 'plateau':
      case 'constant':
        return this.state.lr;
      case 'onecycle': {
        // PyTorch OneCycleLR defaults: start at max/25, cosine up for pctStart, cosine down to start/1e4.
        const up = Math.max(1, Math.round((this.options.pctStart ?? 0.3) * T));
        const start = this.baseLr / 25;
        const end = start / 1e4;
        const cos = (a: number, b: number, f: number) => b + ((a - b) * (1 + Math.cos(Math.PI * Math.min(f, 1)))) / 2;
        return step < up ? cos(start, this.baseLr, step / up) : cos(this.baseLr, end, (step - up) / Math.max(T - up, 1));
      }
      case 'cosine': {
        const warm = this.options.warmupSteps ?? Math.max(1, Math.round(0.05 * T));
        if (step < warm) return (this.baseLr * (step + 1)) / warm;
        const f = Math.min((step - warm) / Math.max(T - warm, 1), 1);
        return (this.baseLr * (1 + Math.cos(Math.PI * f))) / 2;
      }
    }
  }

  /** End-of-epoch hook with the validation score (higher is better). */
  epochEnd(score: number): void {
    if (this.name !== 'plateau') return;
    if (score > this.state.best + (this.options.threshold ?? 0)) {
      this.state.best = score;
      this.state.bad = 0;
    } else if (++this.state.bad > (this.options.patience ?? 2)) {
      this.state.lr = Math.max(this.state.lr * (this.options.factor ?? 0.5), this.options.minLr ?? 1e-6);
      this.state.bad = 0;
    }
  }

  getState(): ScheduleState {
    return { ...this.state };
  }

  setState(s: ScheduleState): void {
    this.state = { ...s };
  }
}
