/**
 * `--data` for the streaming commands: a promoter file is read as record blocks (any size, bounded memory);
 * `dream2022:…` and `simulate:N` are small in-memory tables served in the same block shape. Either way a source
 * knows its number of records (for shards and progress), its extra columns and a fingerprint for merges.
 */
import { basename } from 'node:path';
import { InputError } from '../errors';
import { readRecordBlocks, surveyRecords, tableRecordBlocks, type RecordBlock } from '../data/read-stream';
import { dataArgument } from './common';
import { fileFingerprint } from './shard';

export interface RecordSource {
  /** What to call it in messages and errors. */
  label: string;
  /** Records in the source. */
  total: number;
  /** Columns of a delimited source (e.g. `idx`); empty for DREAM txt and FASTA. */
  columns: string[];
  fingerprint: Record<string, unknown>;
  /** Records [from, to) in blocks ending at multiples of `blockSize` (so shards batch as the whole run does), with ids and the asked-for extra columns. */
  blocks(options: { from: number; to: number; blockSize: number; columns?: readonly string[] }): AsyncIterable<RecordBlock> | Iterable<RecordBlock>;
}

/** Opens a `--data` value for streaming. */
export async function openRecordSource(value: string, dataDir?: string): Promise<RecordSource> {
  const [kind] = value.split(':', 1);
  if (kind === 'dream2022' || kind === 'simulate') {
    const table = await dataArgument(value, dataDir);
    return {
      label: value, total: table.numRows(), columns: table.columnNames(),
      fingerprint: { data: value, records: table.numRows() },
      blocks: (o) => tableRecordBlocks(table, { ...o, ids: true, align: true }),
    };
  }
  const survey = await surveyRecords(value);
  if (survey.records === 0) throw new InputError('holds no records (an empty or header-only file?); expected one sequence per line', { file: value });
  return {
    label: basename(value), total: survey.records, columns: survey.columns,
    fingerprint: fileFingerprint(value, survey.records),
    blocks: (o) => readRecordBlocks(value, { ...o, ids: true, align: true }),
  };
}
