/**
 * The DNA alphabet as cislab reads it: A, C, G, T and N (any base), upper or lower case.
 * Byte-level lookup tables keep validation and encoding free of per-base objects.
 */
import { InputError, type ErrorPlace } from '../errors';

export const BASES = ['A', 'C', 'G', 'T'] as const;
export type Base = (typeof BASES)[number];

/** Index 0–3 for A, C, G, T (either case), 4 for N/n, 255 for anything else. */
export const BASE_INDEX: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(255);
  'ACGT'.split('').forEach((b, i) => {
    table[b.charCodeAt(0)] = i;
    table[b.toLowerCase().charCodeAt(0)] = i;
  });
  table['N'.charCodeAt(0)] = 4;
  table['n'.charCodeAt(0)] = 4;
  return table;
})();

const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' };

/** Upper-cases a sequence and checks every letter is A, C, G, T or N; the error names the first bad one. */
export function normalizeSequence(sequence: string, place: ErrorPlace = {}): string {
  for (let i = 0; i < sequence.length; i++) {
    const code = sequence.charCodeAt(i);
    if (code > 255 || BASE_INDEX[code] === 255) {
      throw new InputError(
        `invalid letter '${sequence[i]}' at position ${i + 1} of the sequence; expected A, C, G, T or N`,
        place,
      );
    }
  }
  return sequence.toUpperCase();
}

/** Reverse complement of an upper-case A/C/G/T/N sequence. */
export function reverseComplement(sequence: string): string {
  let out = '';
  for (let i = sequence.length - 1; i >= 0; i--) out += COMPLEMENT[sequence[i]!] ?? 'N';
  return out;
}

/** Number of N letters in an (upper-case) sequence. */
export function countN(sequence: string): number {
  let n = 0;
  for (let i = 0; i < sequence.length; i++) if (sequence.charCodeAt(i) === 78) n++;
  return n;
}
