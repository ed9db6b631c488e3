/**
 * Trained weights from wherever a user has them, as cislab models: a cislab model directory (config.json +
 * weights.bin), a PyTorch checkpoint, or a tar bundle of checkpoints (every checkpoint in it: a bundle with one
 * folder per seed, as the authors' training_results layout allows, makes a seed ensemble). Behind the notebooks'
 * `CISLAB_CAMFORMER_WEIGHTS` (several entries separated by the platform's path delimiter, ':' on Linux).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, OptionError } from '../../../errors';
import type { Model } from '../model';
import { loadModel } from '../persistence';
import { importTorch, isTarBundle, listTarCheckpoints, type ImportReport, type ImportTorchOptions } from './import-torch';

export interface LoadedWeights {
  model: Model;
  /** Where it came from: the directory, file, or `bundle:member`. */
  source: string;
  /** The import report for PyTorch checkpoints (absent for cislab model directories). */
  report?: ImportReport;
}

/**
 * Every model named by `spec`: one or more paths joined by `path.delimiter`. A directory is loaded as a cislab
 * model; a file is imported with `importTorch` (`options` apply: preset, config, encoding); a tar bundle gives
 * one model per checkpoint inside.
 *
 * @example
 * const members = await loadWeights(process.env.CISLAB_CAMFORMER_WEIGHTS!, { preset: 'camformer' });
 * const predictor = ensemble(members.map((m) => m.model));
 * @param spec - One or more paths joined by the path delimiter (':' on Linux).
 * @param options - As {@link importTorch}'s (without `member`): `preset`, `config`, `encoding`.
 * @returns One entry per model: `model`, `source`, and `report` for PyTorch checkpoints.
 */
export async function loadWeights(spec: string, options: Omit<ImportTorchOptions, 'member'> = {}): Promise<LoadedWeights[]> {
  const entries = spec.split(path.delimiter).map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new OptionError('no weights given (expected a model directory or a PyTorch file)', { option: 'weights' });
  const out: LoadedWeights[] = [];
  for (const entry of entries) {
    if (!fs.existsSync(entry)) throw new InputError('no such file or directory', { file: entry, option: 'weights' });
    if (fs.statSync(entry).isDirectory()) {
      out.push({ model: loadModel(entry), source: entry });
    } else if (isTarBundle(entry)) {
      const members = await listTarCheckpoints(entry);
      if (members.length === 0) throw new InputError('the bundle holds no checkpoint (.pt, .pth)', { file: entry, option: 'weights' });
      for (const member of members) {
        const { model, report } = await importTorch(entry, { ...options, member });
        out.push({ model, source: `${entry}:${member}`, report });
      }
    } else {
      const { model, report } = await importTorch(entry, options);
      out.push({ model, source: entry, report });
    }
  }
  return out;
}
