/**
 * Training and prediction of a Camformer-family model on ONNX Runtime: the compiled training step
 * (train-graph.ts) and the matching inference graph in two sessions, with the model's whole state —
 * parameters, optimiser moments, batch-norm running statistics, step count — held here between steps.
 *
 * State moves by double buffering: each step reads the current tensors and ONNX Runtime writes the next
 * ones into a second, preallocated set, then the two swap; nothing is allocated per step but the loss and
 * the masks' views. Everything that leaves the trainer (weights, optimiser state) is in cislab's parameter
 * names and tfjs layouts, so a model trained here is saved with the existing persistence and a tfjs
 * checkpoint resumes here (bridge.ts moves weights to and from a tfjs `Model`).
 *
 * Engine-neutral API for the one training loop: `step(x, y, learningRate, seed) → loss`, `predict(x)`,
 * `weights()` / `setWeights()`, `optimizerState()` / `setOptimizerState()`, `dispose()`.
 */
import { ModelError, OptionError } from '../../../errors';
import type { OptimizerName } from '../../tensor/optimizers';
import { resolveConfig, type CnnConfig, type PresetName } from '../config';
import { initialWeights } from './initial-weights';
import { toGraphLayout, toTfjsLayout, type ParamSpec } from './layout';
import { MaskSource } from './masks';
import { momentSuffixes } from './optimizer-graph';
import { createSession, requireOrt, type OrtApi, type OrtData, type OrtSession, type OrtTensor, type SessionOptions } from './session';
import { compileInference, compileTraining, graphMaskDims, patchBytes, type CompileOptions, type CompiledTraining } from './train-graph';

export interface OnnxTrainerOptions extends CompileOptions, SessionOptions {
  /** Seed of fresh He-normal weights when no `weights` are given (default 0; as buildModel). */
  seed?: number;
  /** Starting weights by cislab name, tfjs layouts (e.g. `modelWeights(model)`); default: fresh ones. */
  weights?: ReadonlyMap<string, Float32Array>;
  /** Sequences per inference run in `predict` (default: what keeps one patch matrix near 256 MiB, 16–1024). */
  predictBatchSize?: number;
}

/** Optimiser state in tfjs names (`${param}/m`, `${param}/v`) and layouts, plus the step count. */
export interface OptimizerState {
  optimizer: OptimizerName;
  step: number;
  tensors: Map<string, Float32Array>;
}

export interface StepOptions {
  /** Keep masks by input name (1 keep, 0 drop; the tfjs engine's order, `maskDims`) instead of drawing them from the seed. */
  masks?: Readonly<Record<string, Uint8Array>>;
}

type ModelInput = CnnConfig | PresetName | (Partial<CnnConfig> & { base?: PresetName });

export class OnnxTrainer {
  private readonly ort: OrtApi;
  private readonly current = new Map<string, OrtTensor>();
  private readonly spare = new Map<string, OrtTensor>();
  /** Names whose `.next` output the training graph writes. */
  private readonly updated: string[];
  private readonly masks: MaskSource;
  private readonly specs: Map<string, ParamSpec>;
  private predictSession?: Promise<OrtSession>;
  private t = 0;
  private disposed = false;
  /** Runs one operation at a time: a step swaps the state buffers a prediction in flight may be reading. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly compiled: CompiledTraining,
    private readonly session: OrtSession,
    private readonly options: OnnxTrainerOptions,
  ) {
    this.ort = requireOrt();
    this.specs = new Map(compiled.params.map((p) => [p.name, p]));
    this.masks = new MaskSource(compiled.masks);
    const suffixes = momentSuffixes(compiled.optimizer.name);
    this.updated = [
      ...compiled.params.filter((p) => p.trained).flatMap((p) => [p.name, ...suffixes.map((s) => `${p.name}/${s}`)]),
      ...compiled.state.map((s) => s.name),
    ];
  }

  /**
   * A trainer for a config (or preset name) with fresh weights from `seed`, or with `weights`.
   *
   * @example
   * const trainer = await OnnxTrainer.create('camformer-mini', { seed: 1, loss: 'l1', optimizer: 'adamw' });
   * const loss = await trainer.step(x, y, 1e-3, 42);   // x: [n, 110, 5] float32, y: [n]
   * const predictions = await trainer.predict(x);
   * trainer.dispose();
   */
  static async create(model: ModelInput, options: OnnxTrainerOptions = {}): Promise<OnnxTrainer> {
    const config = resolveConfig(model as never);
    const compiled = compileTraining(config, options);
    const session = await createSession(compiled.model, options);
    const trainer = new OnnxTrainer(compiled, session, options);
    trainer.setWeights(options.weights ?? initialWeights(config, options.seed ?? 0));
    trainer.zeroMoments();
    return trainer;
  }

  get config(): CnnConfig {
    return this.compiled.config;
  }

  /** Optimiser steps taken (AdamW's t). */
  get stepCount(): number {
    return this.t;
  }

  /**
   * One optimisation step on a batch: `x` [n, length, channels] (cislab's encoding layout), `y` [n]; any
   * n ≥ 1, so a last partial batch needs nothing special. Dropout masks come from `seed` (the same seed
   * gives the same masks, so a seeded run repeats exactly). Resolves to the batch's mean loss.
   */
  async step(x: Float32Array, y: Float32Array, learningRate: number, seed: number, options: StepOptions = {}): Promise<number> {
    const out = await this.exclusive(() => this.run(x, y, learningRate, seed, options, false));
    return out.loss;
  }

  /**
   * Loss and gradients of a batch (tfjs layouts, by parameter name) without changing any state; needs a
   * trainer created with `gradients: true`. For checks against other implementations.
   */
  async gradients(x: Float32Array, y: Float32Array, seed: number, options: StepOptions = {}): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
    if (!this.session.outputNames.some((n) => n.endsWith('.grad'))) {
      throw new OptionError('gradients() needs a trainer created with { gradients: true }', { option: 'gradients' });
    }
    const out = await this.exclusive(() => this.run(x, y, 0, seed, options, true));
    return { loss: out.loss, grads: out.grads! };
  }

  /** Eval-mode predictions (running statistics, no dropout) for `x` [n, length, channels]. */
  predict(x: Float32Array): Promise<Float32Array> {
    return this.exclusive(() => this.predictNow(x));
  }

  private async predictNow(x: Float32Array): Promise<Float32Array> {
    this.checkAlive();
    const c = this.config;
    const row = c.inputLength * c.inputChannels;
    if (x.length % row !== 0) throw new ModelError(`input has ${x.length} values, not a multiple of ${c.inputLength} × ${c.inputChannels}`, { option: 'x' });
    const n = x.length / row;
    this.predictSession ??= createSession(compileInference(c, { precision: this.compiled.precision }), this.options);
    const session = await this.predictSession;
    const batch = this.options.predictBatchSize ?? defaultPredictBatch(c);
    const out = new Float32Array(n);
    const feeds: Record<string, OrtTensor> = {};
    for (const { name } of [...this.compiled.params, ...this.compiled.state]) feeds[name] = this.current.get(name)!;
    for (let first = 0; first < n; first += batch) {
      const count = Math.min(batch, n - first);
      feeds.x = this.tensor(x.subarray(first * row, (first + count) * row), [count, c.inputLength, c.inputChannels]);
      const result = await session.run(feeds);
      out.set(result.y!.data as Float32Array, first);
    }
    return out;
  }

  /** Parameters and running statistics by cislab name, in tfjs layouts (copies). */
  weights(): Map<string, Float32Array> {
    this.checkAlive();
    const out = new Map<string, Float32Array>();
    for (const p of this.compiled.params) out.set(p.name, toTfjsLayout(this.config, p, this.read(p.name)));
    for (const s of this.compiled.state) out.set(s.name, Float32Array.from(this.read(s.name)));
    return out;
  }

  /** Replaces every parameter and running statistic (names and tfjs layouts as `weights()` returns). */
  setWeights(weights: ReadonlyMap<string, Float32Array>): void {
    this.checkAlive();
    for (const p of this.compiled.params) this.write(p.name, toGraphLayout(this.config, p, need(weights, p.name)), p.graphShape);
    for (const s of this.compiled.state) {
      const v = need(weights, s.name);
      if (v.length !== s.shape[0]) throw new ModelError(`${s.name}: expected ${s.shape[0]} values, got ${v.length}`, { option: s.name });
      this.write(s.name, v, s.shape);
    }
  }

  /** Optimiser moments (tfjs names `${param}/m`, `/v`; tfjs layouts) and the step count. */
  optimizerState(): OptimizerState {
    this.checkAlive();
    const tensors = new Map<string, Float32Array>();
    for (const name of this.momentNames()) tensors.set(name, toTfjsLayout(this.config, this.paramOf(name), this.read(name)));
    return { optimizer: this.compiled.optimizer.name, step: this.t, tensors };
  }

  /** Restores what `optimizerState()` (or the tfjs optimiser's getState) returned. */
  setOptimizerState(state: { step: number; tensors: ReadonlyMap<string, Float32Array>; optimizer?: OptimizerName }): void {
    this.checkAlive();
    if (state.optimizer && state.optimizer !== this.compiled.optimizer.name) {
      throw new OptionError(`optimizer state is ${state.optimizer}'s, this trainer runs ${this.compiled.optimizer.name}`, { option: 'optimizer' });
    }
    if (!(Number.isInteger(state.step) && state.step >= 0)) throw new OptionError(`step must be a non-negative integer, got ${state.step}`, { option: 'step' });
    for (const name of this.momentNames()) {
      const spec = this.paramOf(name);
      const v = state.tensors.get(name);
      // A tfjs optimiser creates a moment only once it has seen a gradient: absent means zero.
      this.write(name, v ? toGraphLayout(this.config, spec, v) : new Float32Array(spec.size), spec.graphShape);
    }
    this.t = state.step;
  }

  /** Releases both sessions. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.session.release();
    void this.predictSession?.then((s) => s.release());
    this.current.clear();
    this.spare.clear();
  }

  private async run(x: Float32Array, y: Float32Array, learningRate: number, seed: number, options: StepOptions, probe: boolean) {
    this.checkAlive();
    const c = this.config;
    const n = y.length;
    if (!(n >= 1) || x.length !== n * c.inputLength * c.inputChannels) {
      throw new ModelError(`x has ${x.length} values for ${n} targets; expected [${n}, ${c.inputLength}, ${c.inputChannels}]`, { option: 'x' });
    }
    if (!Number.isFinite(learningRate) || learningRate < 0) throw new OptionError(`learning rate must be a non-negative number, got ${learningRate}`, { option: 'learningRate' });
    const feeds: Record<string, OrtTensor> = Object.fromEntries(this.current);
    feeds.x = this.tensor(x, [n, c.inputLength, c.inputChannels]);
    feeds.y = this.tensor(y, [n]);
    feeds.lr = this.scalar(learningRate);
    const t = this.t + 1;
    if (this.compiled.optimizer.name === 'adamw') {
      feeds.c1 = this.scalar(1 - this.compiled.optimizer.beta1 ** t);
      feeds.c2 = this.scalar(1 - this.compiled.optimizer.beta2 ** t);
    }
    const masks = options.masks ? this.masks.fromTfjsOrder(options.masks, n) : this.masks.draw(seed, n);
    for (const spec of this.compiled.masks) feeds[spec.name] = new this.ort.Tensor('bool', masks[spec.name]!, graphMaskDims(spec, n) as number[]);
    const fetches: Record<string, OrtTensor | null> = { loss: null };
    for (const name of this.updated) fetches[`${name}.next`] = probe ? null : this.spare.get(name)!;
    if (probe) for (const p of this.compiled.params) if (p.trained) fetches[`${p.name}.grad`] = null;
    const out = await this.session.run(feeds, fetches);
    const loss = Number(out.loss!.data[0]);
    if (probe) {
      const grads = new Map<string, Float32Array>();
      for (const p of this.compiled.params) {
        grads.set(p.name, p.trained ? toTfjsLayout(c, p, Float32Array.from(out[`${p.name}.grad`]!.data as Float32Array)) : new Float32Array(p.size));
      }
      return { loss, grads };
    }
    for (const name of this.updated) {
      const next = this.spare.get(name)!;
      this.spare.set(name, this.current.get(name)!);
      this.current.set(name, next);
    }
    this.t = t;
    return { loss };
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private zeroMoments(): void {
    for (const name of this.momentNames()) {
      const spec = this.paramOf(name);
      this.write(name, new Float32Array(spec.size), spec.graphShape);
    }
  }

  private momentNames(): string[] {
    const suffixes = momentSuffixes(this.compiled.optimizer.name);
    return this.compiled.params.filter((p) => p.trained).flatMap((p) => suffixes.map((s) => `${p.name}/${s}`));
  }

  private paramOf(momentName: string): ParamSpec {
    return this.specs.get(momentName.slice(0, momentName.lastIndexOf('/')))!;
  }

  /** Current value in graph layout, as float32. */
  private read(name: string): Float32Array {
    const data = this.current.get(name)!.data as Float32Array | Float64Array;
    return Float32Array.from(data);
  }

  /** Sets the current value (graph layout) and makes sure a spare buffer of the same shape exists. */
  private write(name: string, values: Float32Array, dims: readonly number[]): void {
    this.current.set(name, this.tensor(values, dims, true));
    if (this.updated.includes(name) && !this.spare.has(name)) this.spare.set(name, this.tensor(new Float32Array(values.length), dims, true));
  }

  private tensor(values: Float32Array, dims: readonly number[], own = false): OrtTensor {
    const data: OrtData = this.compiled.precision === 'double' ? Float64Array.from(values) : own ? Float32Array.from(values) : values;
    return new this.ort.Tensor(this.compiled.precision === 'double' ? 'float64' : 'float32', data, dims);
  }

  /** A scalar input, exact in the graph's precision. */
  private scalar(value: number): OrtTensor {
    return this.compiled.precision === 'double' ? new this.ort.Tensor('float64', Float64Array.of(value), []) : new this.ort.Tensor('float32', Float32Array.of(value), []);
  }

  private checkAlive(): void {
    if (this.disposed) throw new ModelError('this ONNX Runtime trainer was disposed', { option: 'trainer' });
  }
}

function need(weights: ReadonlyMap<string, Float32Array>, name: string): Float32Array {
  const v = weights.get(name);
  if (!v) throw new ModelError(`weights have no '${name}'`, { option: 'weights' });
  return v;
}

/** A predict batch whose largest patch matrix stays near 256 MiB (camformer: 256, camformer-mini: 1024). */
function defaultPredictBatch(c: CnnConfig): number {
  const perSequence = Math.max(...patchBytes(c, 1));
  return Math.max(16, Math.min(1024, 2 ** Math.floor(Math.log2((256 * 2 ** 20) / perSequence))));
}
