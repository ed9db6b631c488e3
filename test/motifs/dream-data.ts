import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { NamedSequence } from '../../src/motifs';
import { DATA_DIR } from '../helpers/paths';

/** The DREAM2022 test sequences named as in the FIMO calibration run: `sequence_<idx>`. */
export function dreamTestSequences(limit = Infinity): NamedSequence[] {
  const text = gunzipSync(readFileSync(join(DATA_DIR, 'dream2022', 'test.tsv.gz'))).toString('utf8');
  const lines = text.trim().split('\n');
  const header = lines[0]!.split('\t');
  const idx = header.indexOf('idx');
  const seq = header.indexOf('sequence');
  return lines.slice(1, 1 + Math.min(limit, lines.length)).map((line) => {
    const fields = line.split('\t');
    return { name: `sequence_${fields[idx]}`, sequence: fields[seq]! };
  });
}

/** DREAM's 80-nt variable region, 1-based inclusive. */
export const VARIABLE_REGION = { start: 18, end: 97 };
