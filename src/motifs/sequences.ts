/**
 * Sequences prepared for scanning: every sequence (or its region) as base codes 0–3 (A, C, G, T) and 4
 * (N, not scorable) in one flat Uint8Array, so the scanners touch no strings in their inner loops.
 */
import { InputError, OptionError } from '../errors';
import { BASE_INDEX } from '../data/alphabet';

export interface NamedSequence {
  name: string;
  sequence: string;
}

/** 1-based inclusive region of each sequence to scan, e.g. `{ start: 18, end: 97 }` (DREAM's variable region). */
export interface Region {
  start: number;
  end: number;
}

export interface PreparedSequences {
  names: string[];
  /** Base codes of all (region-cut) sequences, concatenated. */
  codes: Uint8Array;
  /** Offset of sequence i in `codes`. */
  starts: Int32Array;
  lengths: Int32Array;
  /** True when some sequence holds an N (or another non-ACGT letter scanned as unscorable). */
  hasN: boolean;
}

/** Cuts the region, checks the letters and encodes; names a bad sequence and position in the error. */
export function prepareSequences(sequences: readonly NamedSequence[], region?: Region): PreparedSequences {
  if (region) {
    if (!Number.isInteger(region.start) || !Number.isInteger(region.end) || region.start < 1 || region.end < region.start) {
      throw new OptionError(`region must be 1-based start ≤ end, got ${region.start}–${region.end}`, { option: 'region' });
    }
  }
  const n = sequences.length;
  const starts = new Int32Array(n);
  const lengths = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s = sequences[i]!;
    if (typeof s?.sequence !== 'string' || typeof s.name !== 'string') {
      throw new OptionError(`sequence ${i + 1} must be { name, sequence } strings`, { option: 'sequences' });
    }
    const from = region ? region.start - 1 : 0;
    const to = region ? Math.min(region.end, s.sequence.length) : s.sequence.length;
    if (region && from >= s.sequence.length) {
      throw new OptionError(`sequence '${s.name}' has ${s.sequence.length} nt, shorter than the region start ${region.start}`, { option: 'region' });
    }
    starts[i] = total;
    lengths[i] = to - from;
    total += to - from;
  }
  const codes = new Uint8Array(total);
  let hasN = false;
  for (let i = 0; i < n; i++) {
    const seq = sequences[i]!.sequence;
    const from = region ? region.start - 1 : 0;
    const base = starts[i]!;
    for (let k = 0; k < lengths[i]!; k++) {
      const code = seq.charCodeAt(from + k);
      const idx = code < 256 ? BASE_INDEX[code]! : 255;
      if (idx === 255) {
        throw new InputError(`invalid letter '${seq[from + k]}' at position ${from + k + 1} of sequence '${sequences[i]!.name}'; expected A, C, G, T or N`, { field: 'sequence' });
      }
      if (idx === 4) hasN = true;
      codes[base + k] = idx;
    }
  }
  return { names: sequences.map((s) => s.name), codes, starts, lengths, hasN };
}

/** Number of scorable windows of `width` (windows holding an N are skipped, as FIMO skips them). */
export function countWindows(prepared: PreparedSequences, width: number): number {
  const { codes, starts, lengths } = prepared;
  let windows = 0;
  for (let s = 0; s < starts.length; s++) {
    if (!prepared.hasN) {
      windows += Math.max(0, lengths[s]! - width + 1);
      continue;
    }
    // Count windows inside each maximal run without N.
    let run = 0;
    for (let k = 0; k < lengths[s]!; k++) {
      if (codes[starts[s]! + k] === 4) {
        windows += Math.max(0, run - width + 1);
        run = 0;
      } else run++;
    }
    windows += Math.max(0, run - width + 1);
  }
  return windows;
}

/** Whether the window at 0-based `pos` of sequence `s` holds an N. */
export function windowHasN(prepared: PreparedSequences, s: number, pos: number, width: number): boolean {
  if (!prepared.hasN) return false;
  const from = prepared.starts[s]! + pos;
  for (let k = 0; k < width; k++) if (prepared.codes[from + k] === 4) return true;
  return false;
}

const LETTERS = 'ACGTN';
const COMPLEMENT_LETTERS = 'TGCAN';

/** The window's letters as FIMO prints them: as read on '+', reverse-complemented on '-'. */
export function windowSequence(prepared: PreparedSequences, s: number, pos: number, width: number, reverse: boolean): string {
  const from = prepared.starts[s]! + pos;
  let out = '';
  if (reverse) for (let k = width - 1; k >= 0; k--) out += COMPLEMENT_LETTERS[prepared.codes[from + k]!];
  else for (let k = 0; k < width; k++) out += LETTERS[prepared.codes[from + k]!];
  return out;
}
