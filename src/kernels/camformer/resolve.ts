/**
 * Turning what a user names as a model into a predictor: a preset name or a config (a new, untrained network),
 * a config `.json` file, a saved model's directory, a PyTorch checkpoint (`.pt`, `.pth`, `.ckpt`) or a tar bundle
 * of checkpoints (`.tar`, `.tar.gz`, `.tgz`: one model, or a seed ensemble when it holds several), a `Model` or an
 * `Ensemble`. Says whether the result is trained, so callers can refuse to predict with random weights.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError, ModelError } from '../../errors';
import { PRESETS, type CnnConfig, type PresetName } from './config';
import { buildModel, Model, type BuildOptions } from './model';
import { loadModel } from './persistence';
import { ensemble, type Ensemble, type Predictor } from './predict';
import { isTarBundle, type ImportTorchOptions } from './torch/import-torch';
import { loadWeights } from './torch/weights';

export type ModelSpec = PresetName | (Partial<CnnConfig> & { base?: PresetName }) | Model | Ensemble | string;

export interface ResolvedPredictor {
  predictor: Predictor;
  /** False for a network built from a preset or config: its weights are random until it is trained. */
  trained: boolean;
}

export interface ResolveOptions extends BuildOptions {
  /** For PyTorch checkpoints: the structure and encoding to import into (default: detected; see importTorch). */
  torch?: Omit<ImportTorchOptions, 'member'>;
}

const TORCH_FILE = /\.(pt|pth|ckpt)$/i;

/**
 * The predictor `spec` names (see the module header); errors name what was expected.
 *
 * @example
 * const { predictor, trained } = await resolvePredictor('Camformer_219.tar.gz', { torch: { preset: 'camformer-mini' } });
 */
export async function resolvePredictor(spec: ModelSpec, options: ResolveOptions = {}): Promise<ResolvedPredictor> {
  const { torch, ...build } = options;
  if (typeof spec === 'string') {
    if ((PRESETS as readonly string[]).includes(spec)) return { predictor: buildModel(spec as PresetName, build), trained: false };
    if (spec.endsWith('.json') && existsSync(spec)) return { predictor: buildModel(readConfigFile(spec), build), trained: false };
    if (existsSync(spec) && (TORCH_FILE.test(spec) || (isTarBundle(spec) && statSync(spec).isFile()))) {
      const members = await loadWeights(spec, torch);
      return { predictor: members.length === 1 ? members[0]!.model : ensemble(members.map((m) => m.model)), trained: true };
    }
    if (existsSync(spec)) return { predictor: loadModel(spec), trained: true };
    throw new ModelError(
      `'${spec}' is neither a model name (${PRESETS.join(', ')}), a config .json file, a saved model directory nor a PyTorch checkpoint (.pt, .pth, .ckpt, .tar.gz)`,
      { option: 'model' },
    );
  }
  if (spec instanceof Model || 'kind' in spec) return { predictor: spec as Predictor, trained: true };
  return { predictor: buildModel(spec, build), trained: false };
}

/** A CNN config (JSON; a partial config may name a preset as `base`). */
function readConfigFile(file: string): Partial<CnnConfig> & { base?: PresetName } {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`not a JSON model config: ${(error as Error).message}`, { file });
  }
}
