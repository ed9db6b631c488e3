/**
 * Optimiser updates as ONNX nodes, written to match tensor/optimizers.ts operation for operation (same
 * state, same order of the arithmetic), so a step on ONNX Runtime equals a step of the tfjs engine:
 * - AdamW with decoupled weight decay, PyTorch's order: p ← p·(1 − lr·wd) − lr · (m/c1) / (√(v/c2) + ε),
 *   with m, v the updated moments and c1 = 1 − β1^t, c2 = 1 − β2^t fed as inputs (the step count t lives
 *   with the trainer, so a checkpoint restores it exactly);
 * - Lion (Chen et al. 2023): p ← p·(1 − lr·wd) − lr · sign(β1·m + (1 − β1)·g), then m ← β2·m + (1 − β2)·g.
 */
import { OptionError } from '../../../errors';
import type { OptimizerName } from '../../tensor/optimizers';
import type { OnnxGraph } from './graph';

export interface OptimizerSettings {
  name: OptimizerName;
  weightDecay: number;
  beta1: number;
  beta2: number;
  /** AdamW only. */
  epsilon: number;
}

/** Defaults of tensor/optimizers.ts: AdamW β = (0.9, 0.999), ε = 1e-8; Lion β = (0.9, 0.99); wd 1e-3. */
export function optimizerSettings(name: OptimizerName, o: Partial<Omit<OptimizerSettings, 'name'>> = {}): OptimizerSettings {
  if (name !== 'adamw' && name !== 'lion') throw new OptionError(`unknown optimizer '${name as string}'; expected adamw or lion`, { option: 'optimizer' });
  const s = {
    name, weightDecay: o.weightDecay ?? 1e-3, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? (name === 'adamw' ? 0.999 : 0.99), epsilon: o.epsilon ?? 1e-8,
  };
  for (const [key, value] of Object.entries(s)) {
    if (key !== 'name' && !(Number.isFinite(value) && (value as number) >= 0)) throw new OptionError(`expected a non-negative number, got ${value}`, { option: key });
  }
  if (!(s.beta1 < 1 && s.beta2 < 1)) throw new OptionError(`betas must be below 1, got ${s.beta1}, ${s.beta2}`, { option: 'betas' });
  return s;
}

/** Names of the per-parameter state tensors: `${param}/m` (and `${param}/v` for AdamW), as tfjs names them. */
export function momentSuffixes(name: OptimizerName): string[] {
  return name === 'adamw' ? ['m', 'v'] : ['m'];
}

/** Scalar graph inputs the update reads: the learning rate, and AdamW's bias corrections. */
export interface OptimizerScalars {
  lr: string;
  c1?: string;
  c2?: string;
}

/** New parameter and new moments (by suffix) of one parameter. */
export function optimizerUpdate(
  g: OnnxGraph, s: OptimizerSettings, scalars: OptimizerScalars,
  param: string, grad: string, moments: Record<string, string>,
): { param: string; moments: Record<string, string> } {
  const decay = g.op('Sub', [g.scalar(1), g.op('Mul', [scalars.lr, g.scalar(s.weightDecay)])]);
  const blend = (state: string, beta: number, value: string) =>
    g.op('Add', [g.op('Mul', [state, g.scalar(beta)]), g.op('Mul', [value, g.scalar(1 - beta)])]);
  if (s.name === 'adamw') {
    const m = blend(moments.m!, s.beta1, grad);
    const v = blend(moments.v!, s.beta2, g.op('Mul', [grad, grad]));
    const update = g.op('Div', [
      g.op('Div', [m, scalars.c1!]),
      g.op('Add', [g.op('Sqrt', [g.op('Div', [v, scalars.c2!])]), g.scalar(s.epsilon)]),
    ]);
    return { param: g.op('Sub', [g.op('Mul', [param, decay]), g.op('Mul', [update, scalars.lr])]), moments: { m, v } };
  }
  const direction = g.op('Sign', [blend(moments.m!, s.beta1, grad)]);
  return {
    param: g.op('Sub', [g.op('Mul', [param, decay]), g.op('Mul', [direction, scalars.lr])]),
    moments: { m: blend(moments.m!, s.beta2, grad) },
  };
}
