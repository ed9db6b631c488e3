/**
 * Reading text inputs: plain or gzip (detected by the magic bytes, not the name), split into lines
 * with their 1-based numbers so every reader can point at the line a problem is on.
 */
import { constants } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors';
import { checkTextStart } from './text-encoding';

/** Whole file as text, gunzipped when it starts with the gzip magic bytes. */
export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(error)})`, { file: path });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new InputError('looks gzip-compressed but cannot be decompressed (truncated or corrupt?)', { file: path });
    }
  }
  // V8 cannot hold a string this long (~512 MB); say what to do instead of failing inside toString.
  if (bytes.length > constants.MAX_STRING_LENGTH) {
    throw new InputError(`is ${Math.round(bytes.length / 1e6).toLocaleString('en')} MB of text, too large to read as one table; ` +
      'stream it instead: loadTrainingSet(path) for training, or the cislab train / predict / ism commands, which stream', { file: path });
  }
  return bytes.toString('utf8', checkTextStart(bytes, path));
}

/** Lines without their terminators (\n or \r\n); a final empty line after the last newline is dropped. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
