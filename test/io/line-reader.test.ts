import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isBlankLine, lineText, readLineBlocks } from '../../src/io/line-reader';
import { readTextFile, splitLines } from '../../src/io/text-file';
import { InputError } from '../../src/errors';
import { createRandom } from '../../src/stats/random';
import { tempDir } from '../helpers/paths';

async function collect(path: string, chunkSize: number): Promise<{ lines: string[]; numbers: number[]; blocks: number; blanks: number }> {
  const lines: string[] = [];
  const numbers: number[] = [];
  let blocks = 0;
  let blanks = 0;
  for await (const block of readLineBlocks(path, { chunkSize })) {
    blocks++;
    for (let i = 0; i < block.count; i++) {
      lines.push(lineText(block, i));
      numbers.push(block.firstLine + i);
      if (isBlankLine(block, i)) blanks++;
    }
  }
  return { lines, numbers, blocks, blanks };
}

describe('readLineBlocks', () => {
  const dir = tempDir('cislab-lines-');
  // A few MB of lines of varied length, \n and \r\n endings, blank lines and a last line without a newline.
  const rng = createRandom(5);
  const parts: string[] = [];
  for (let i = 0; i < 30000; i++) {
    const text = i % 97 === 0 ? '   ' : Array.from({ length: rng.int(200) }, () => 'ACGTN\tx'[rng.int(7)]).join('');
    parts.push(text + (i % 3 === 0 ? '\r\n' : '\n'));
  }
  const text = parts.join('') + 'last line without newline';
  const plain = join(dir, 'lines.txt');
  const gz = join(dir, 'lines.txt.gz');
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(text));
  const expected = splitLines(readTextFile(plain));

  it('gives the lines of a plain file across many small chunks, numbered from 1', async () => {
    expect(text.length).toBeGreaterThan(2_500_000);
    const { lines, numbers, blocks, blanks } = await collect(plain, 4096);
    expect(blocks).toBeGreaterThan(500); // lines really crossed chunk borders
    expect(lines).toEqual(expected);
    expect(numbers).toEqual(expected.map((_, i) => i + 1));
    expect(blanks).toBe(expected.filter((l) => l.trim() === '').length);
  });

  it('gunzips on the fly, detected by the magic bytes', async () => {
    const { lines } = await collect(gz, 4096);
    expect(lines).toEqual(expected);
  });

  it('drops a final empty line after the last newline, like splitLines', async () => {
    const file = join(dir, 'trailing.txt');
    writeFileSync(file, 'a\r\nb\n\n');
    expect((await collect(file, 2)).lines).toEqual(['a', 'b', '']);
    expect(splitLines('a\r\nb\n\n')).toEqual(['a', 'b', '']);
  });

  it('names the file when it is missing or its gzip stream is cut short', async () => {
    await expect(collect(join(dir, 'nope.txt'), 4096)).rejects.toThrow(/nope\.txt: file not found/);
    const cut = join(dir, 'cut.txt.gz');
    const whole = gzipSync(text);
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    const error = await collect(cut, 4096).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/cut\.txt\.gz: looks gzip-compressed but cannot be decompressed after line \d+/);
  });
});
