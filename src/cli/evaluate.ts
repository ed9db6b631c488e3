/**
 * `cislab evaluate --predictions FILE [--column NAME] [--split private|public|all] [--json] [--data-dir DIR]`:
 * joins a predictions file (TSV or CSV with `idx` and a prediction column) on the DREAM2022 test set and
 * prints the per-subset table and the two weighted scores, or the same as JSON.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError } from '../errors';
import { readTextFile } from '../io/text-file';
import { evaluateDream, type DreamEvaluation } from '../data/dream2022/evaluate';
import { unscoredMessage } from '../data/dream2022/score';
import { choiceOption, parseCommandArgs, requireOption, type Command } from './args';

const usage = 'cislab evaluate --predictions FILE [--column NAME] [--split private|public|all] [--json] [--data-dir DIR]';

export const evaluateCommand: Command = {
  name: 'evaluate',
  usage,
  summary: 'score predictions of the DREAM2022 test set (per subset r, r², ρ and the weighted scores)',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'evaluate', usage }, argv, {
      predictions: { type: 'string' },
      column: { type: 'string' },
      split: { type: 'string' },
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    });
    const file = requireOption(values['predictions'] as string | undefined, 'predictions', usage);
    const split = choiceOption(values['split'] as string | undefined, 'split', ['private', 'public', 'all'] as const, 'private');
    const { idx, predicted } = readPredictions(file, values['column'] as string | undefined);
    const result = evaluateDream(idx, predicted, {
      split,
      dataDir: values['data-dir'] as string | undefined,
      source: file,
    });
    console.log(values['json'] ? JSON.stringify(evaluationJson(result), null, 2) : formatEvaluation(result));
    return 0;
  },
};

/** `idx` and one prediction column (named, or the only numeric column besides `idx`) of a TSV/CSV file. */
export function readPredictions(file: string, column?: string): { idx: Float64Array; predicted: Float64Array } {
  const text = readTextFile(file);
  if (!text.trim()) throw new InputError('is empty; expected a header line with idx and a prediction column, then one row per test sequence', { file });
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const delimiter = firstLine.includes('\t') ? '\t' : ',';
  const table: ColumnTable = aq.fromCSV(text, { delimiter, autoType: false });
  const names = table.columnNames();
  if (table.numRows() === 0) throw new InputError('has a header but no prediction rows', { file, line: 2 });
  if (!names.includes('idx')) throw new InputError(`missing column 'idx' (columns are: ${names.join(', ')})`, { file, line: 1 });
  const candidates = names.filter((name) => name !== 'idx');
  const chosen = column ?? (candidates.length === 1 ? candidates[0] : candidates.find((name) => name === 'prediction'));
  if (!chosen || !names.includes(chosen)) {
    throw new InputError(
      column ? `missing column '${column}' (columns are: ${names.join(', ')})` : `several columns besides idx (${candidates.join(', ')}); choose one with --column`,
      { file, line: 1, option: 'column' },
    );
  }
  const toNumbers = (name: string) =>
    Float64Array.from(table.array(name) as string[], (text, row) => {
      const value = Number(text);
      if (text === null || String(text).trim() === '' || !Number.isFinite(value)) {
        throw new InputError(`expected a number, found '${text}'`, { file, line: row + 2, field: name });
      }
      return value;
    });
  const idx = toNumbers('idx');
  // A repeated idx would count one test sequence twice and silently change the score.
  const firstRow = new Map<number, number>();
  for (let row = 0; row < idx.length; row++) {
    const seen = firstRow.get(idx[row]!);
    if (seen !== undefined) throw new InputError(`idx ${idx[row]} appears again (first on line ${seen + 2}); each test sequence must be predicted once`, { file, line: row + 2, field: 'idx' });
    firstRow.set(idx[row]!, row);
  }
  return { idx, predicted: toNumbers(chosen) };
}

/** The JSON shape of `--json`: `pearson_score`, `spearman_score`, and per subset `{n, r, r2, rho}`. */
export function evaluationJson(result: DreamEvaluation): Record<string, unknown> {
  const subsets = Object.fromEntries(result.subsets.map(({ subset, n, r, r2, rho }) => [subset, { n, r, r2, rho }]));
  // The scores are over the scored subsets; which were not, and why, travels with them.
  const unscored = (result.unscored ?? []).map(({ subset, reason }) => ({ subset, reason }));
  return { split: result.split, pearson_score: result.pearsonScore, spearman_score: result.spearmanScore, unscored, ...subsets };
}

export function formatEvaluation(result: DreamEvaluation): string {
  const header = ['subset', 'n', 'r', 'r2', 'rho', 'weight'];
  const rows = result.subsets.map((s) => [s.subset, String(s.n), fixed(s.r), fixed(s.r2), fixed(s.rho), String(s.weight)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  return [
    `DREAM2022 evaluation (${result.split} split)`,
    line(header),
    ...rows.map(line),
    `Pearson score  ${fixed(result.pearsonScore)}`,
    `Spearman score ${fixed(result.spearmanScore)}`,
    ...(result.unscored.length ? [unscoredMessage(result)] : []),
  ].join('\n');
}

const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'NaN');
