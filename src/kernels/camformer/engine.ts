/**
 * Which engine trains a Camformer-family model: ONNX Runtime (the compiled training step, onnx-run.ts) or tfjs
 * (the general autodiff engine, train.ts's CamformerRun). `auto` follows a fixed rule from measurements rather
 * than timing steps at start (a timed trial of camformer on tfjs alone takes minutes): ONNX Runtime whenever it
 * loads and can run the recipe, because on this project's CPU machines its training step was measured 2–3× the
 * tfjs wasm step for camformer-mini, camformer-small and camformer (README, "ONNX Runtime engine";
 * `npx tsx bench/engine.bench.ts`); tfjs when tfjs runs on its native TensorFlow backend (tfjs-node,
 * tfjs-node-gpu: not compared), when the optimiser has no compiled update (adam, sgd), when the schedule
 * cycles β₁ (OneCycle with cycleMomentum: the compiled update holds β₁ fixed), or when onnxruntime-node does
 * not load. The choice and its reason are reported, never silent.
 */
import { OptionError } from '../../errors';
import { currentBackend } from '../tensor/backend';
import type { OptimizerName } from '../tensor/optimizers';
import { INSTALL_ONNX_RUNTIME, onnxRuntime, warnMissingOnnxRuntime } from './onnx/runtime';

export const TRAINING_ENGINES = ['auto', 'onnx', 'tfjs'] as const;
export type TrainingEngine = (typeof TRAINING_ENGINES)[number];

/** The engine a training run uses and why (for a progress line or a log). */
export interface EngineChoice {
  engine: 'onnx' | 'tfjs';
  reason: string;
}

/** Optimisers the ONNX training graph compiles (onnx/optimizer-graph.ts). */
const COMPILED_OPTIMIZERS: readonly OptimizerName[] = ['adamw', 'lion'];

/**
 * The training engine for `engine` (default: `CISLAB_ENGINE`, else 'auto') and the optimiser. Throws an
 * OptionError for an unknown engine, or when 'onnx' is asked for and cannot run.
 *
 * @example
 * const { engine, reason } = chooseTrainingEngine({ engine: 'auto', optimizer: 'adamw' });
 * console.error(`training on ${engine} (${reason})`);
 */
export function chooseTrainingEngine(options: { engine?: TrainingEngine; optimizer: OptimizerName; cyclesMomentum?: boolean }): EngineChoice {
  const fromEnv = process.env.CISLAB_ENGINE as TrainingEngine | undefined;
  const wanted = options.engine ?? fromEnv ?? 'auto';
  if (!TRAINING_ENGINES.includes(wanted)) {
    throw new OptionError(`unknown training engine '${wanted}'; expected ${TRAINING_ENGINES.join(', ')}`, { option: options.engine ? 'engine' : 'CISLAB_ENGINE' });
  }
  if (wanted === 'tfjs') return { engine: 'tfjs', reason: 'asked for' };
  const blocker = !COMPILED_OPTIMIZERS.includes(options.optimizer)
    ? `optimizer '${options.optimizer}' has no compiled ONNX update (${COMPILED_OPTIMIZERS.join(', ')} have)`
    : options.cyclesMomentum ? 'the schedule cycles β₁ (OneCycle cycleMomentum) and the compiled update holds β₁ fixed'
    : onnxRuntime() === undefined ? `onnxruntime-node did not load (${INSTALL_ONNX_RUNTIME})` : undefined;
  if (wanted === 'onnx') {
    if (blocker) throw new OptionError(`engine 'onnx' cannot train this run: ${blocker}`, { option: 'engine' });
    return { engine: 'onnx', reason: 'asked for' };
  }
  if (blocker && onnxRuntime() === undefined) warnMissingOnnxRuntime();
  if (blocker) return { engine: 'tfjs', reason: `auto: ${blocker}; training on tfjs` };
  if (currentBackend() === 'tensorflow') return { engine: 'tfjs', reason: 'auto: tfjs runs on native TensorFlow, which ONNX Runtime was not measured against' };
  return { engine: 'onnx', reason: 'auto: ONNX Runtime loads; its compiled step measured faster than tfjs on CPU (bench/engine.bench.ts)' };
}
