/**
 * What cislab accepts as a text input, checked on the first bytes of every file read: UTF-8 (a byte-order
 * mark is skipped) with LF or CRLF line endings. UTF-16, NUL bytes and CR-only (classic Mac) line endings are
 * refused with an InputError that says which of them it is and how to convert, instead of the misleading
 * "missing column" or zero records they would otherwise give.
 */
import { InputError } from '../errors';

/** Bytes of a UTF-8 byte-order mark. */
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Checks the first bytes of a text file (after gunzipping) and returns how many leading bytes to skip (3 for a
 * UTF-8 byte-order mark, else 0). Throws an InputError naming `file` for UTF-16, NUL bytes or CR-only lines.
 *
 * @example
 * const skip = checkTextStart(firstChunk, 'train.txt'); // 0, or 3 after a BOM
 */
export function checkTextStart(bytes: Uint8Array, file: string): number {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new InputError(`is UTF-16 text (byte-order mark ${bytes[0] === 0xff ? 'FF FE' : 'FE FF'}); cislab reads UTF-8: convert it, e.g. iconv -f UTF-16 -t UTF-8`, { file });
  }
  const skip = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  const probe = Math.min(bytes.length, 1 << 16);
  let firstCr = -1;
  let firstLf = -1;
  for (let i = skip; i < probe; i++) {
    const b = bytes[i]!;
    if (b === 0) throw new InputError(`contains NUL bytes (byte ${i}): UTF-16 without a byte-order mark, or not a text file; cislab reads UTF-8 text`, { file });
    if (b === 13 && firstCr < 0) firstCr = i;
    if (b === 10 && firstLf < 0) firstLf = i;
  }
  // A CR that ends the probe may be the first half of a CRLF split across reads: judged only with a byte after it.
  if (firstCr >= 0 && firstCr + 1 < bytes.length && bytes[firstCr + 1] !== 10 && (firstLf < 0 || firstCr < firstLf)) {
    throw new InputError(`has CR-only line endings (classic Mac); cislab reads LF or CRLF: convert them, e.g. tr '\\r' '\\n' < IN > OUT`, { file, line: 1 });
  }
  return skip;
}

/** A hint for a header that did not split into the expected columns: space-separated fields, most often. */
export function separatorHint(header: readonly string[], delimiter: string): string {
  if (header.length === 1 && /\S\s+\S/.test(header[0]!) && delimiter !== ' ') {
    return `; the fields look separated by spaces, but this file is read as ${delimiter === '\t' ? 'tab' : `'${delimiter}'`}-separated (save it with tabs, or as .csv with commas)`;
  }
  return '';
}
