/**
 * Turning what a user names as a model into a predictor: a preset name or a config (a new, untrained network),
 * a config `.json` file, a saved model's directory, a `Model` or an `Ensemble`. Says whether the result is
 * trained, so callers can refuse to predict with random weights.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InputError, ModelError } from '../../errors';
import { PRESETS, type CnnConfig, type PresetName } from './config';
import { buildModel, Model, type BuildOptions } from './model';
import { loadModel } from './persistence';
import type { Ensemble, Predictor } from './predict';

export type ModelSpec = PresetName | (Partial<CnnConfig> & { base?: PresetName }) | Model | Ensemble | string;

export interface ResolvedPredictor {
  predictor: Predictor;
  /** False for a network built from a preset or config: its weights are random until it is trained. */
  trained: boolean;
}

/** The predictor `spec` names (see the module header); errors name what was expected. */
export function resolvePredictor(spec: ModelSpec, options: BuildOptions = {}): ResolvedPredictor {
  if (typeof spec === 'string') {
    if ((PRESETS as readonly string[]).includes(spec)) return { predictor: buildModel(spec as PresetName, options), trained: false };
    if (spec.endsWith('.json') && existsSync(spec)) return { predictor: buildModel(readConfigFile(spec), options), trained: false };
    if (existsSync(spec)) return { predictor: loadModel(spec), trained: true };
    throw new ModelError(`'${spec}' is neither a model name (${PRESETS.join(', ')}), a config .json file nor a saved model directory`, { option: 'model' });
  }
  if (spec instanceof Model || 'kind' in spec) return { predictor: spec as Predictor, trained: true };
  return { predictor: buildModel(spec, options), trained: false };
}

/** A CNN config (JSON; a partial config may name a preset as `base`). */
function readConfigFile(file: string): Partial<CnnConfig> & { base?: PresetName } {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`not a JSON model config: ${(error as Error).message}`, { file });
  }
}
