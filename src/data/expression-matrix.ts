/**
 * The DeepRAGE data model and its real-file readers: a genes × conditions expression matrix (TSV: a header
 * of condition names, then one row per gene: name, values; empty/NA/NaN cells are missing), a regulator list
 * (one name per line, or the first column of a table; `#` comments), and the assembly of the two with
 * promoters into what the DeepRAGE model trains on: per gene a promoter, per condition the expression of the
 * regulators (rows of the same matrix, as in the paper), per pair the gene's expression. Genes or regulators
 * that cannot be matched are not dropped silently: `assembleDeepRageData` returns them in `dropped`.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../errors';
import { readTextFile, splitLines } from '../io/text-file';

export interface ExpressionMatrix {
  genes: string[];
  conditions: string[];
  /** Row-major genes × conditions; NaN where missing. */
  values: Float64Array;
}

/** What the DeepRAGE model trains on (real data assembled, or the simulator's output). */
export interface DeepRageData {
  /** Gene names (rows of `expression`). */
  genes: string[];
  /** Condition names (columns of `expression`). */
  conditions: string[];
  /** Regulator names (columns of `regulatorExpression`). */
  regulators: string[];
  /** Promoter sequence per gene (equal lengths). */
  sequences: string[];
  /** Row-major genes × conditions; NaN where missing (left out of training and scoring). */
  expression: Float32Array;
  /** Row-major conditions × regulators: the regulators' expression in each condition. */
  regulatorExpression: Float32Array;
}

const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'null', 'NULL', '-']);

/** Reads a genes × conditions TSV (plain or gzip). The first header cell names the gene column. */
export function readExpressionMatrix(path: string): ExpressionMatrix {
  return parseExpressionMatrix(readTextFile(path), path);
}

export function parseExpressionMatrix(text: string, source: string): ExpressionMatrix {
  const lines = splitLines(text);
  const headerAt = lines.findIndex((line) => line.trim() !== '' && !line.startsWith('#'));
  if (headerAt < 0) throw new InputError('file is empty', { file: source });
  const header = lines[headerAt]!.split('\t');
  const conditions = header.slice(1).map((name) => name.trim());
  if (!conditions.length) throw new InputError('expected a tab-separated header: gene, then one column per condition', { file: source, line: headerAt + 1 });
  const seen = new Set<string>();
  for (const name of conditions) {
    if (seen.has(name)) throw new InputError(`condition '${name}' appears twice in the header`, { file: source, line: headerAt + 1 });
    seen.add(name);
  }
  const genes: string[] = [];
  const rows: number[] = [];
  const geneLine = new Map<string, number>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    const place = { file: source, line: i + 1 };
    if (fields.length !== header.length) throw new InputError(`expected ${header.length} fields like the header, found ${fields.length}`, place);
    const gene = fields[0]!.trim();
    if (!gene) throw new InputError('empty gene name', place);
    if (geneLine.has(gene)) throw new InputError(`gene '${gene}' already on line ${geneLine.get(gene)}`, place);
    geneLine.set(gene, i + 1);
    genes.push(gene);
    for (let c = 1; c < fields.length; c++) {
      const cell = fields[c]!.trim();
      if (MISSING.has(cell)) { rows.push(NaN); continue; }
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new InputError(`expected a number or NA, found '${cell}'`, { ...place, field: conditions[c - 1]! });
      rows.push(value);
    }
  }
  if (!genes.length) throw new InputError('no gene rows after the header', { file: source });
  return { genes, conditions, values: Float64Array.from(rows) };
}

/** Reads a regulator list: one name per line, or the first tab-separated column; `#` lines are comments. */
export function readRegulatorList(path: string): string[] {
  const names: string[] = [];
  const seen = new Map<string, number>();
  splitLines(readTextFile(path)).forEach((line, i) => {
    const name = line.split('\t')[0]!.trim();
    if (!name || name.startsWith('#')) return;
    if (seen.has(name)) throw new InputError(`regulator '${name}' already listed on line ${seen.get(name)}`, { file: path, line: i + 1 });
    seen.set(name, i + 1);
    names.push(name);
  });
  if (!names.length) throw new InputError('no regulator names in the file', { file: path });
  return names;
}

/** A matrix as a tidy table: `gene, condition, expression` (missing cells left out). */
export function expressionMatrixTable(matrix: ExpressionMatrix): ColumnTable {
  const gene: string[] = [];
  const condition: string[] = [];
  const expression: number[] = [];
  matrix.genes.forEach((g, i) => matrix.conditions.forEach((c, j) => {
    const value = matrix.values[i * matrix.conditions.length + j]!;
    if (Number.isNaN(value)) return;
    gene.push(g), condition.push(c), expression.push(value);
  }));
  return aq.table({ gene, condition, expression: Float64Array.from(expression) });
}

export interface AssembleOptions {
  /** Promoter table columns that may name a gene (default: `id`, then `common_name` if present). */
  nameColumns?: string[];
}

/**
 * Joins a matrix, a regulator list and a promoter table (`id`, `sequence`, …) into DeepRageData. Genes
 * without a promoter and regulators absent from the matrix are reported in `dropped` (`kind, name, reason`).
 */
export function assembleDeepRageData(
  matrix: ExpressionMatrix, regulators: readonly string[], promoters: ColumnTable, options: AssembleOptions = {},
): { data: DeepRageData; dropped: ColumnTable } {
  const columns = options.nameColumns ?? ['id', ...(promoters.columnNames().includes('common_name') ? ['common_name'] : [])];
  for (const name of [...columns, 'sequence']) {
    if (!promoters.columnNames().includes(name)) throw new OptionError(`promoter table has no column '${name}'`, { option: 'nameColumns' });
  }
  const sequenceOf = new Map<string, string>();
  const seqs = promoters.array('sequence') as string[];
  for (const column of columns) (promoters.array(column) as string[]).forEach((name, i) => sequenceOf.has(name) || sequenceOf.set(name, seqs[i]!));
  const rowOf = new Map(matrix.genes.map((g, i) => [g, i]));
  const dropped = { kind: [] as string[], name: [] as string[], reason: [] as string[] };
  const keptRegulators = regulators.filter((r) => {
    if (rowOf.has(r)) return true;
    dropped.kind.push('regulator'), dropped.name.push(r), dropped.reason.push('not a row of the expression matrix');
    return false;
  });
  if (!keptRegulators.length) throw new OptionError('none of the regulators is a row of the expression matrix', { option: 'regulators' });
  const genes = matrix.genes.filter((g) => {
    if (sequenceOf.has(g)) return true;
    dropped.kind.push('gene'), dropped.name.push(g), dropped.reason.push('no promoter with that name');
    return false;
  });
  const lengths = new Set(genes.map((g) => sequenceOf.get(g)!.length));
  if (lengths.size > 1) throw new OptionError(`promoters must have one length, found ${[...lengths].join(', ')}`, { option: 'promoters' });
  const nc = matrix.conditions.length;
  const expression = new Float32Array(genes.length * nc);
  genes.forEach((g, i) => expression.set(matrix.values.subarray(rowOf.get(g)! * nc, (rowOf.get(g)! + 1) * nc), i * nc));
  const regulatorExpression = new Float32Array(nc * keptRegulators.length);
  keptRegulators.forEach((r, k) => {
    for (let c = 0; c < nc; c++) {
      const value = matrix.values[rowOf.get(r)! * nc + c]!;
      regulatorExpression[c * keptRegulators.length + k] = Number.isNaN(value) ? 0 : value; // missing → no change
    }
  });
  return {
    data: { genes, conditions: matrix.conditions, regulators: keptRegulators, sequences: genes.map((g) => sequenceOf.get(g)!), expression, regulatorExpression },
    dropped: aq.table(dropped),
  };
}
