/**
 * What the interpretation commands share: the model and sequences they read, the predictor they call, and
 * how they write — every table through the no-overwrite atomic writer (a file that exists is refused).
 */
import type { ColumnTable } from 'arquero';
import { initBackend } from '../kernels/tensor/backend';
import type { Model } from '../kernels/camformer/model';
import { predict, type InferenceEngine } from '../kernels/camformer/predict';
import type { BatchPredictor } from '../interpret/ism';
import { writeAtomically } from '../io/atomic-stream';
import { numberOption } from './args';
import { dataArgument } from './common';
import { savedModel } from './predict-ism';

/** Loads a saved model directory after initialising the tfjs backend. */
export async function modelArgument(dir: string): Promise<Model> {
  await initBackend();
  return savedModel(dir);
}

/** Ids and sequences of a `--data` argument, the first `--limit` rows when given. */
export async function sequencesArgument(data: string, limit: string | undefined, dataDir?: string): Promise<{ ids: string[]; sequences: string[]; table: ColumnTable }> {
  let stage = dataArgument(data, dataDir);
  if (limit !== undefined) stage = stage.head(numberOption(limit, 'limit', 0, { integer: true, min: 1 }));
  const table = await stage;
  return { ids: table.array('id') as string[], sequences: table.array('sequence') as string[], table };
}

export function predictorOf(model: Model, engine?: InferenceEngine, reverseComplement = false): BatchPredictor {
  return (batch) => predict(model, batch, { engine, reverseComplement });
}

/** TSV lines of a table, numbers at full precision. */
export function tsvLines(table: ColumnTable, header = true): string {
  const names = table.columnNames();
  const columns = names.map((name) => table.array(name) as ArrayLike<unknown>);
  const lines = header ? [names.join('\t')] : [];
  for (let row = 0; row < table.numRows(); row++) lines.push(columns.map((c) => String(c[row])).join('\t'));
  return lines.join('\n') + '\n';
}

/** Writes a table as a new TSV file (refused if `path` exists), atomically. */
export async function writeNewTsv(table: ColumnTable, path: string): Promise<void> {
  await writeAtomically(path, (w) => w.write(tsvLines(table)), { replace: false });
}
