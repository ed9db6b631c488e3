// Learning-rate schedules, Huber's δ, gradient clipping and AdamW's per-step β₁ against PyTorch 1.13 run on the same
// inputs (schedule_fixture.py), and the loop handing the schedule's β₁ and the validation loss through.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Schedule, TORCH_PLATEAU, type ScheduleOptions } from '../../../src/kernels/tensor/schedules';
import { loss } from '../../../src/kernels/tensor/losses';
import { clipGradNorm, createOptimizer } from '../../../src/kernels/tensor/optimizers';
import { trainLoop, type StepSettings, type TrainingRun } from '../../../src/kernels/tensor/loop';
import { OptionError } from '../../../src/errors';
import { HAS_NUMPY, PYTHON, runPython } from '../../stats/python';
import { spawnSync } from 'node:child_process';

const HAS_TORCH = HAS_NUMPY && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

interface PlateauCase { metrics: (number | null)[]; lr: number; options: Record<string, number | string>; lrs: number[] }
interface OneCycleCase { optimizer: string; total_steps: number; max_lr: number; options: Record<string, number>; lrs: number[]; momenta: number[] }
type Cases = Record<string, unknown> & {
  adamw_cycle: { start: number[]; grads: number[][]; params: number[][]; steps: number };
  huber: { pred: number[]; target: number[]; delta09: number; delta1: number; smooth_l1: number };
  clip: { grads: number[][]; norm: number; clipped: number[][] };
};
let cases: Cases;

/** PyTorch's ReduceLROnPlateau keyword arguments as cislab schedule options. */
function plateauOptions(o: Record<string, number | string>): ScheduleOptions {
  const mode = (o['mode'] as string) ?? 'min';
  return {
    ...(mode === 'min' ? TORCH_PLATEAU : {}),
    monitor: mode === 'min' ? 'loss' : 'score',
    factor: (o['factor'] as number) ?? 0.1, patience: (o['patience'] as number) ?? 10, threshold: (o['threshold'] as number) ?? 1e-4,
    thresholdMode: ((o['threshold_mode'] as string) ?? 'rel') as 'rel' | 'abs', cooldown: (o['cooldown'] as number) ?? 0, minLr: (o['min_lr'] as number) ?? 0,
  };
}

describe.skipIf(!HAS_TORCH)('schedules match torch.optim.lr_scheduler', () => {
  beforeAll(() => {
    tf.setBackend('cpu');
    cases = JSON.parse(runPython([join(__dirname, 'schedule_fixture.py')])) as Cases;
  }, 60_000);

  it('ReduceLROnPlateau: the rate after every epoch, three configurations (default on the loss, max/abs/cooldown, min/rel on negative losses)', () => {
    for (const name of ['plateau_torch_default', 'plateau_max_abs_cooldown', 'plateau_min_rel_negative']) {
      const c = cases[name] as PlateauCase;
      const options = plateauOptions(c.options);
      const schedule = new Schedule('plateau', c.lr, 100, options);
      c.metrics.forEach((m, epoch) => {
        const value = m ?? NaN; // the fixture's NaN epoch (JSON null)
        schedule.epochEnd(options.monitor === 'loss' ? { loss: value, score: NaN } : { score: value, loss: NaN });
        expect(Math.abs(schedule.rate(0) - c.lrs[epoch]!), `${name}, epoch ${epoch + 1}`).toBeLessThan(1e-9 * Math.max(1, c.lr));
      });
    }
    // The default case really reduces (3 times or more), so the comparison is not of constants.
    const d = cases['plateau_torch_default'] as PlateauCase;
    expect(new Set(d.lrs).size).toBeGreaterThan(3);
  });

  it('OneCycleLR: the rate and β₁ (SGD: momentum) at every step, including the phase boundary at pct_start·T − 1', () => {
    for (const name of ['onecycle_adamw', 'onecycle_adamw_long', 'onecycle_sgd_short']) {
      const c = cases[name] as OneCycleCase;
      const o = c.options;
      const schedule = new Schedule('onecycle', c.max_lr, c.total_steps, {
        pctStart: o['pct_start'], divFactor: o['div_factor'], finalDivFactor: o['final_div_factor'],
        baseMomentum: o['base_momentum'], maxMomentum: o['max_momentum'], cycleMomentum: true,
      });
      for (let step = 0; step < c.total_steps; step++) {
        expect(Math.abs(schedule.rate(step) - c.lrs[step]!), `${name} lr, step ${step}`).toBeLessThan(1e-9);
        expect(Math.abs(schedule.momentum(step)! - c.momenta[step]!), `${name} β₁, step ${step}`).toBeLessThan(1e-9);
      }
    }
    // Without cycleMomentum (cislab's default) the optimiser keeps its own β₁.
    expect(new Schedule('onecycle', 0.01, 10).momentum(3)).toBeUndefined();
  });

  it('AdamW takes the per-step β₁: parameters equal PyTorch\'s AdamW under OneCycleLR (float32)', () => {
    const c = cases.adamw_cycle;
    const schedule = new Schedule('onecycle', 0.01, c.steps, { cycleMomentum: true });
    const optimizer = createOptimizer('adamw', { weightDecay: 1e-3 });
    const p = tf.variable(tf.tensor1d(c.start));
    const vars = new Map([['p', p]]);
    c.grads.forEach((g, step) => {
      const grad = tf.tensor1d(g);
      optimizer.step(vars, { p: grad }, schedule.rate(step), { beta1: schedule.momentum(step) });
      grad.dispose();
      Array.from(p.dataSync()).forEach((v, i) => expect(Math.abs(v - c.params[step]![i]!), `step ${step}, element ${i}`).toBeLessThan(2e-6));
    });
    optimizer.dispose();
    p.dispose();
  });

  it('Huber δ (0.9 and 1 = smooth L1) and gradient clipping equal PyTorch\'s', () => {
    const h = cases.huber;
    const value = (delta?: number) => loss('huber', tf.tensor1d(h.pred), tf.tensor1d(h.target), { huberDelta: delta }).dataSync()[0]!;
    expect(Math.abs(value(0.9) - h.delta09)).toBeLessThan(1e-6);
    expect(Math.abs(value() - h.delta1)).toBeLessThan(1e-6);
    expect(Math.abs(value(1) - h.smooth_l1)).toBeLessThan(1e-6);
    expect(() => loss('huber', tf.tensor1d([0]), tf.tensor1d([0]), { huberDelta: 0 })).toThrow(OptionError);
    const k = cases.clip;
    const { grads, norm } = clipGradNorm({ a: tf.tensor(k.grads[0]!, [2, 2]), b: tf.tensor1d(k.grads[1]!) }, 1);
    expect(norm).toBeCloseTo(k.norm, 5);
    Array.from(grads['a']!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(k.clipped[0]![i]!, 6));
    Array.from(grads['b']!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(k.clipped[1]![i]!, 6));
  });
});

describe('schedule options', () => {
  it('timm-style cosine with warm-up: linear from warmupStartLr, cosine down to minLr', () => {
    // timm CosineLRScheduler(t_initial = T − warmup, warmup_prefix=True, warmup_lr_init=1e-5, lr_min=1e-4), base 5e-4.
    const s = new Schedule('cosine', 5e-4, 100, { warmupSteps: 10, warmupStartLr: 1e-5, minLr: 1e-4 });
    expect(s.rate(0)).toBeCloseTo(1e-5, 12);
    expect(s.rate(5)).toBeCloseTo(1e-5 + (5 * (5e-4 - 1e-5)) / 10, 12);
    expect(s.rate(10)).toBeCloseTo(5e-4, 12);
    expect(s.rate(55)).toBeCloseTo(1e-4 + 0.5 * (5e-4 - 1e-4) * (1 + Math.cos(Math.PI * 0.5)), 12);
    expect(s.rate(99)).toBeGreaterThan(1e-4);
    // Today's default is unchanged: base · (step + 1) / warm-up, then cosine to 0.
    const d = new Schedule('cosine', 1e-3, 100, { warmupSteps: 10 });
    expect(d.rate(0)).toBeCloseTo(1e-4, 12);
    expect(d.rate(100)).toBeCloseTo(0, 12);
  });

  it('rejects bad options with the option named', () => {
    expect(() => new Schedule('plateau', 1e-3, 10, { factor: 1.5 })).toThrow(/scheduleOptions.factor/);
    expect(() => new Schedule('onecycle', 1e-3, 10, { pctStart: 1 })).toThrow(/scheduleOptions.pctStart/);
    expect(() => new Schedule('plateau', 1e-3, 10, { thresholdMode: 'x' as 'abs' })).toThrow(OptionError);
  });
});

describe('the loop hands the schedule through', () => {
  /** A run that records what each step and validation received; its validation loss is scripted. */
  function recordingRun(valLosses: number[]): TrainingRun & { settings: StepSettings[]; validations: number[] } {
    let epoch = 0;
    const run = {
      examples: 8, settings: [] as StepSettings[], validations: [] as number[],
      step(_rows: Int32Array, settings: StepSettings) {
        run.settings.push(settings);
        return { loss: 1 };
      },
      validate(context: { epoch: number }) {
        run.validations.push(context.epoch);
        return { loss: valLosses[epoch++] ?? 1, score: 0 };
      },
      weights: () => [], setWeights() {}, optimizerState: () => ({ step: 0, arrays: [] }), setOptimizerState() {},
      describe: () => ({ family: 'recording' }),
    };
    return run;
  }

  it('OneCycle with cycleMomentum: every step gets the schedule\'s β₁; the history records it', async () => {
    const run = recordingRun([]);
    const history = await trainLoop(run, { epochs: 3, batchSize: 4, learningRate: 0.01, schedule: 'onecycle', scheduleOptions: { cycleMomentum: true } });
    const schedule = new Schedule('onecycle', 0.01, 6, { cycleMomentum: true });
    expect(run.settings.map((s) => s.beta1)).toEqual([0, 1, 2, 3, 4, 5].map((t) => schedule.momentum(t)));
    expect(run.settings.map((s) => s.learningRate)).toEqual([0, 1, 2, 3, 4, 5].map((t) => schedule.rate(t)));
    expect(history[2]!['beta1']).toBe(schedule.momentum(5));
    expect(run.validations).toEqual([1, 2, 3]);
  });

  it('ReduceLROnPlateau on the validation loss (TORCH_PLATEAU) reacts to the loss, not the score', async () => {
    // patience 10: the 12th epoch without a better loss reduces the rate by 10×.
    const run = recordingRun([1, ...Array.from({ length: 12 }, () => 2)]);
    await trainLoop(run, { epochs: 13, batchSize: 8, learningRate: 1e-3, schedule: 'plateau', scheduleOptions: TORCH_PLATEAU });
    const rates = run.settings.map((s) => s.learningRate);
    expect(rates.slice(0, 12).every((r) => r === 1e-3)).toBe(true);
    expect(rates[12]).toBeCloseTo(1e-4, 12);
    expect(run.settings.every((s) => s.beta1 === undefined)).toBe(true);
  });
});
