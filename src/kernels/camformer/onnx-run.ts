/**
 * The Camformer family's side of the one training loop (../tensor/loop.ts) on ONNX Runtime: each step is one
 * run of the compiled training graph (onnx/trainer.ts), fed a batch encoded straight from `SequenceRows`, and
 * validation runs the matching inference graph on the trainer's current state. Weights and optimiser state
 * leave in the same names, shapes and layouts as the tfjs run's (train.ts), so checkpoints have one format
 * (tensor/checkpoint.ts) and a checkpoint written by either engine resumes on the other. The tfjs `Model` is
 * left as it was until `finish()` copies the trained weights into it (onnx/bridge.ts); from then on saving,
 * prediction and everything downstream use the model as after a tfjs run.
 */
import type { NamedArray } from '../tensor/checkpoint';
import { ModelError } from '../../errors';
import type { StepResult, StepSettings, TrainingRun, Validation, ValidationContext } from '../tensor/loop';
import type { LossName } from '../tensor/losses';
import type { OptimizerName } from '../tensor/optimizers';
import type { Model } from './model';
import { assignWeights, modelWeights } from './onnx/bridge';
import type { ParamSpec } from './onnx/layout';
import { OnnxTrainer, type OnnxTrainerOptions } from './onnx/trainer';
import { predictSubset, scoreValidation, validationSubset, type Subset } from './validation';

export interface OnnxRunOptions {
  loss: LossName;
  /** Huber's δ (default 1). */
  huberDelta?: number;
  optimizer: OptimizerName;
  weightDecay: number;
  /** Validation batch size (default 256): with `validationDropLast`, only the rows of full batches are scored. */
  batchSize?: number;
  /** Score only the full batches of each epoch's shuffled validation order (default false; the authors' drop_last). */
  validationDropLast?: boolean;
  /** Session settings passed to the trainer (threads, provider, …); default: every core, CPU provider. */
  session?: Pick<OnnxTrainerOptions, 'threads' | 'provider' | 'spin' | 'keepPatches'>;
}

/** A `TrainingRun` whose steps run on ONNX Runtime; create with `OnnxCamformerRun.create`. */
export class OnnxCamformerRun implements TrainingRun {
  readonly examples: number;
  private readonly shapes: Map<string, number[]>;

  private constructor(
    private readonly model: Model,
    private readonly trainer: OnnxTrainer,
    private readonly train: Subset,
    private readonly validation: Subset,
    private readonly options: OnnxRunOptions,
  ) {
    this.examples = train.index.length;
    const { params, state } = trainer.compiled;
    this.shapes = new Map<string, number[]>([
      ...params.map((p: ParamSpec) => [p.name, p.tfjsShape] as [string, number[]]),
      ...state.map((s) => [s.name, s.shape] as [string, number[]]),
    ]);
  }

  /** Compiles the training step for the model's config and starts from the model's current weights. */
  static async create(model: Model, train: Subset, validation: Subset, options: OnnxRunOptions): Promise<OnnxCamformerRun> {
    const trainer = await OnnxTrainer.create(model.config, {
      ...options.session, loss: options.loss, huberDelta: options.huberDelta, optimizer: options.optimizer, weightDecay: options.weightDecay,
      weights: modelWeights(model),
    });
    return new OnnxCamformerRun(model, trainer, train, validation, options);
  }

  /**
   * One compiled step at the step's learning rate, dropout masks from its seed. A per-step β₁ (OneCycle with
   * cycleMomentum) cannot reach the compiled update, so it is refused rather than ignored (engine.ts sends such
   * runs to tfjs).
   */
  async step(rows: Int32Array, settings: StepSettings): Promise<StepResult> {
    if (settings.beta1 !== undefined && settings.beta1 !== this.trainer.compiled.optimizer.beta1) {
      throw new ModelError(`the ONNX training step holds β₁ at ${this.trainer.compiled.optimizer.beta1}; this schedule sets β₁ ${settings.beta1} (train with engine 'tfjs')`, { option: 'engine' });
    }
    const picked = Int32Array.from(rows, (r) => this.train.index[r]!);
    const x = this.train.rows.encodeRows(picked);
    const y = Float32Array.from(picked, (r) => this.train.y[r]!);
    return { loss: await this.trainer.step(x, y, settings.learningRate, settings.seed) };
  }

  /**
   * Loss, r and ρ on the held-out rows (with validationDropLast, those of this epoch's full batches), predicted
   * by the inference graph with the current weights.
   */
  async validate(context: ValidationContext): Promise<Validation> {
    const subset = validationSubset(this.validation, context, { dropLast: this.options.validationDropLast ?? false, batchSize: this.options.batchSize ?? 256 });
    if (subset.index.length < 2) return { loss: NaN };
    const predicted = await predictSubset(subset, (x) => this.trainer.predict(x));
    return scoreValidation(subset, predicted, this.options.loss, { huberDelta: this.options.huberDelta });
  }

  weights(): NamedArray[] {
    return [...this.trainer.weights()].map(([name, data]) => ({ name, shape: [...this.shapes.get(name)!], data }));
  }

  setWeights(weights: readonly NamedArray[]): void {
    this.trainer.setWeights(new Map(weights.map((a) => [a.name, a.data])));
  }

  optimizerState(): { step: number; arrays: NamedArray[] } {
    const { step, tensors } = this.trainer.optimizerState();
    const arrays = [...tensors].map(([name, data]) => ({ name, shape: [...this.shapes.get(name.slice(0, name.lastIndexOf('/')))!], data }));
    return { step, arrays };
  }

  setOptimizerState(state: { step: number; arrays: readonly NamedArray[] }): void {
    this.trainer.setOptimizerState({ step: state.step, tensors: new Map(state.arrays.map((a) => [a.name, a.data])) });
  }

  /** The same description as the tfjs run's, so a checkpoint of either engine resumes on the other. */
  describe() {
    return {
      family: 'camformer', config: this.model.config, optimizer: this.options.optimizer,
      examples: this.examples, validation: this.validation.index.length,
    };
  }

  /** Copies the trained weights (after the loop's best-epoch restore) into the tfjs model. */
  finish(): void {
    assignWeights(this.model, this.trainer.weights());
  }

  async dispose(): Promise<void> {
    this.trainer.dispose();
  }
}
