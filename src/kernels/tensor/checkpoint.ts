/**
 * Training checkpoints as one file: a JSON header (the loop's position, history, schedule and early-stopping
 * state, and whatever the model family adds) followed by float32 arrays (weights, optimiser moments, the best
 * weights so far). One file because a file can be replaced atomically by a rename: at every moment the
 * checkpoint name holds a complete checkpoint — the previous one until the new one is whole.
 *
 * Layout: 8 bytes magic `CISLABCK`, uint32 LE header length, the UTF-8 JSON header, zero padding to a multiple of
 * 4, then the arrays back to back in header order (float32 little-endian).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../errors';
import { writeFileAtomic } from '../../io/atomic';
import { removeStaleTemporaries, staleTemporaries } from '../../io/output-guard';

/** A named float32 array with its shape: the engine-neutral form of a weight or optimiser tensor. */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export const CHECKPOINT_FILE = 'checkpoint.bin';
const MAGIC = 'CISLABCK';

interface Header {
  format: 'cislab-checkpoint';
  version: 1;
  info: Record<string, unknown>;
  arrays: Array<{ name: string; shape: number[]; length: number }>;
}

// JSON has no NaN or ±Infinity (a history's missing validation loss, a best score not yet set): they travel as
// tagged strings and come back as numbers.
const NON_FINITE: Record<string, number> = { '\u0000NaN': NaN, '\u0000Infinity': Infinity, '\u0000-Infinity': -Infinity };
function numberReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? `\u0000${value}` : value;
}
function numberReviver(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value;
}

/** Writes `info` and `arrays` to `file`, atomically. */
export function writeCheckpointFile(file: string, info: Record<string, unknown>, arrays: readonly NamedArray[]): void {
  const header: Header = {
    format: 'cislab-checkpoint', version: 1, info,
    arrays: arrays.map((a) => ({ name: a.name, shape: a.shape, length: a.data.length })),
  };
  const json = Buffer.from(JSON.stringify(header, numberReplacer), 'utf8');
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const total = start + 4 * arrays.reduce((s, a) => s + a.data.length, 0);
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let at = start;
  for (const a of arrays) {
    Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).copy(out, at);
    at += a.data.byteLength;
  }
  writeFileAtomic(file, out);
}

/** Reads a checkpoint file; a truncated or foreign file is an InputError naming it. */
export function readCheckpointFile(file: string): { info: Record<string, unknown>; arrays: NamedArray[] } {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) throw new InputError('not a cislab checkpoint', { file });
  const length = bytes.readUInt32LE(8);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + length), numberReviver) as Header;
  } catch {
    throw new InputError('checkpoint header is unreadable (truncated file?)', { file });
  }
  let at = Math.ceil((12 + length) / 4) * 4;
  const arrays: NamedArray[] = [];
  for (const a of header.arrays) {
    if (at + 4 * a.length > bytes.length) throw new InputError(`checkpoint is truncated (array ${a.name})`, { file });
    const data = new Float32Array(a.length);
    Buffer.from(data.buffer).set(bytes.subarray(at, at + 4 * a.length));
    arrays.push({ name: a.name, shape: a.shape, data });
    at += 4 * a.length;
  }
  return { info: header.info, arrays };
}

/**
 * Before a run uses `file`: a checkpoint write killed after its temporary was complete but before the rename
 * left a newer whole checkpoint beside it — that one is renamed into place (it is read in full first); every
 * other temporary of a dead process is removed. Returns the step recovered from, if any.
 */
export function recoverCheckpoint(file: string): number | undefined {
  const stepOf = (candidate: string): number | undefined => {
    try {
      const step = (readCheckpointFile(candidate).info['loop'] as { step?: unknown } | undefined)?.step;
      return typeof step === 'number' ? step : undefined;
    } catch {
      return undefined;
    }
  };
  const current = fs.existsSync(file) ? stepOf(file) ?? -1 : -1;
  let best: { path: string; step: number } | undefined;
  for (const temporary of staleTemporaries(file)) {
    const step = stepOf(temporary);
    if (step !== undefined && step > current && (!best || step > best.step)) best = { path: temporary, step };
  }
  if (best) fs.renameSync(best.path, file);
  removeStaleTemporaries(file);
  return best?.step;
}

/** The checkpoint file of a checkpoint directory, when one is there. */
export function findCheckpoint(dir: string): string | undefined {
  const file = path.join(dir, CHECKPOINT_FILE);
  return fs.existsSync(file) ? file : undefined;
}
