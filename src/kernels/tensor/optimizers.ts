/**
 * Optimisers over a model's tf.Variables, written out (tfjs has no AdamW or Lion): AdamW with decoupled weight
 * decay (PyTorch's order: p ← p·(1 − lr·wd), then the Adam step), Adam (AdamW without decay), Lion (Chen et al.
 * 2023) and SGD with momentum (PyTorch's form: b ← μb + g, p ← p − lr·b). The learning rate is an argument of
 * every step, so schedules need no optimiser rebuild. State is a list of named tensors so a checkpoint can save
 * and restore it exactly. A step may override β₁ (`StepOverrides.beta1`), which is how OneCycle's momentum cycle
 * (PyTorch's cycle_momentum) reaches the optimiser: AdamW and Adam use it for the first moment and its bias
 * correction (PyTorch's _single_tensor_adamw reads the group's current β₁ for both), Lion for its interpolation,
 * SGD as its momentum.
 */
import { tf } from './tf';
import { OptionError } from '../../errors';

/** The optimisers training can use: AdamW, Adam, Lion and SGD. */
export const OPTIMIZERS = ['adamw', 'adam', 'lion', 'sgd'] as const;
/** One of {@link OPTIMIZERS}. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerOptions {
  /** AdamW and Lion: decoupled weight decay (default 1e-3); Adam and SGD have none. */
  weightDecay?: number;
  /** SGD: momentum (default 0.9). */
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Per-step values that override the optimiser's own (a schedule's momentum cycle). */
export interface StepOverrides {
  /** β₁ of AdamW, Adam and Lion; the momentum of SGD. */
  beta1?: number;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** One update with the given learning rate; grads keyed like the variables. */
  step(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, overrides?: StepOverrides): void;
  /** Named state tensors (moments) and the step count, for checkpoints. */
  getState(): { step: number; tensors: Map<string, tf.Tensor> };
  setState(state: { step: number; tensors: Map<string, tf.Tensor> }): void;
  dispose(): void;
}

export function createOptimizer(name: OptimizerName, options: OptimizerOptions = {}): Optimizer {
  switch (name) {
    case 'adamw': return new AdamW(options);
    case 'adam': return new AdamW({ ...options, weightDecay: 0 }, 'adam');
    case 'lion': return new Lion(options);
    case 'sgd': return new Sgd(options);
    default: throw new OptionError(`unknown optimizer '${name as string}'; expected ${OPTIMIZERS.join(', ')}`, { option: 'optimizer' });
  }
}

abstract class Base implements Optimizer {
  abstract readonly name: OptimizerName;
  protected t = 0;
  protected moments = new Map<string, tf.Variable>();
  constructor(protected readonly wd: number) {}

  protected moment(key: string, like: tf.Tensor): tf.Variable {
    let m = this.moments.get(key);
    if (!m) {
      m = tf.variable(tf.zerosLike(like), false);
      this.moments.set(key, m);
    }
    return m;
  }

  abstract step(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, overrides?: StepOverrides): void;

  getState() {
    return { step: this.t, tensors: new Map<string, tf.Tensor>([...this.moments].map(([k, v]) => [k, v as tf.Tensor])) };
  }

  setState(state: { step: number; tensors: Map<string, tf.Tensor> }): void {
    this.dispose();
    this.t = state.step;
    for (const [k, v] of state.tensors) this.moments.set(k, tf.variable(v, false));
  }

  dispose(): void {
    for (const v of this.moments.values()) v.dispose();
    this.moments.clear();
  }
}

class AdamW extends Base {
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  constructor(o: OptimizerOptions, readonly name: 'adamw' | 'adam' = 'adamw') {
    super(o.weightDecay ?? 1e-3);
    this.b1 = o.beta1 ?? 0.9;
    this.b2 = o.beta2 ?? 0.999;
    this.eps = o.epsilon ?? 1e-8;
  }

  step(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, overrides: StepOverrides = {}): void {
    this.t++;
    const b1 = overrides.beta1 ?? this.b1;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    tf.tidy(() => {
      for (const [name, p] of vars) {
        const g = grads[name];
        if (!g) continue;
        const m = this.moment(`${name}/m`, p);
        const v = this.moment(`${name}/v`, p);
        m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        v.assign(tf.add(tf.mul(v, this.b2), tf.mul(tf.square(g), 1 - this.b2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
        p.assign(tf.sub(tf.mul(p, 1 - lr * this.wd), tf.mul(update, lr)));
      }
    });
  }
}

class Lion extends Base {
  readonly name = 'lion' as const;
  private readonly b1: number;
  private readonly b2: number;
  constructor(o: OptimizerOptions) {
    super(o.weightDecay ?? 1e-3);
    this.b1 = o.beta1 ?? 0.9;
    this.b2 = o.beta2 ?? 0.99;
  }

  step(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, overrides: StepOverrides = {}): void {
    this.t++;
    const b1 = overrides.beta1 ?? this.b1;
    tf.tidy(() => {
      for (const [name, p] of vars) {
        const g = grads[name];
        if (!g) continue;
        const m = this.moment(`${name}/m`, p);
        const direction = tf.sign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        p.assign(tf.sub(tf.mul(p, 1 - lr * this.wd), tf.mul(direction, lr)));
        m.assign(tf.add(tf.mul(m, this.b2), tf.mul(g, 1 - this.b2)));
      }
    });
  }
}

class Sgd extends Base {
  readonly name = 'sgd' as const;
  private readonly mu: number;
  constructor(o: OptimizerOptions) {
    super(0);
    this.mu = o.momentum ?? 0.9;
  }

  step(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, overrides: StepOverrides = {}): void {
    this.t++;
    const mu = overrides.beta1 ?? this.mu;
    tf.tidy(() => {
      for (const [name, p] of vars) {
        const g = grads[name];
        if (!g) continue;
        const b = this.moment(`${name}/b`, p);
        b.assign(tf.add(tf.mul(b, mu), g));
        p.assign(tf.sub(p, tf.mul(b, lr)));
      }
    });
  }
}

/**
 * Gradients scaled so that their global L2 norm is at most `maxNorm` (torch.nn.utils.clip_grad_norm_, which
 * PyTorch Lightning's gradient_clip_val calls): factor maxNorm / (norm + 1e-6) when below 1. Returns new tensors
 * (the caller disposes both sets) and the norm before clipping.
 *
 * @example
 * const { grads: clipped, norm } = clipGradNorm(grads, 1);
 */
export function clipGradNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  if (!(maxNorm > 0)) throw new OptionError(`the gradient norm bound must be positive, got ${maxNorm}`, { option: 'clipNorm' });
  const entries = Object.entries(grads);
  const norm = Math.sqrt(entries.reduce((sum, [, g]) => sum + tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]!), 0));
  const factor = Math.min(1, maxNorm / (norm + 1e-6));
  return { grads: Object.fromEntries(entries.map(([k, g]) => [k, tf.mul(g, factor)])), norm };
}
