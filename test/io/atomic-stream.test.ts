import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter, abortOpenWriters, writeAtomically } from '../../src/io/atomic-stream';
import { OutputError } from '../../src/errors';
import { tempDir } from '../helpers/paths';

describe('AtomicFileWriter', () => {
  it('writes beside the target and renames only on commit; patches written bytes in place', () => {
    const dir = tempDir('cislab-atomic-');
    const target = join(dir, 'out.bin');
    writeFileSync(target, 'old');
    const writer = new AtomicFileWriter(target);
    writer.write('header ');
    writer.write(Buffer.alloc(3 << 20, 0x61)); // larger than the 1 MiB buffer
    writer.write(' end');
    writer.writeAt(0, Buffer.from('HEADER'));
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(writer.position).toBe(7 + (3 << 20) + 4);
    expect(() => writer.writeAt(writer.position - 2, Buffer.from('xyz'))).toThrow(/outside/);
    writer.commit();
    const text = readFileSync(target, 'utf8');
    expect(text.startsWith('HEADER a')).toBe(true);
    expect(text.endsWith('a end')).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('leaves the target untouched and no temporary when aborted or when the writing throws', async () => {
    const dir = tempDir('cislab-atomic-');
    const target = join(dir, 'out.tsv');
    await expect(writeAtomically(target, (out) => { out.write('half'); throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(readdirSync(dir)).toEqual([]);
    const open = new AtomicFileWriter(join(dir, 'pending.tsv'));
    open.write('x');
    abortOpenWriters(); // what the CLI does on SIGINT/SIGTERM and at exit
    expect(readdirSync(dir)).toEqual([]);
    expect(() => open.write('y')).toThrow(/already committed or aborted/);
    await writeAtomically(target, (out) => out.write('done\n'));
    expect(existsSync(target) && readFileSync(target, 'utf8')).toBe('done\n');
  });

  it('with replace: false refuses an existing target, and one that appears while writing', () => {
    const dir = tempDir('cislab-atomic-');
    const target = join(dir, 'mine.tsv');
    writeFileSync(target, 'the user\'s');
    const refused = (() => { try { new AtomicFileWriter(target, { replace: false }); } catch (e) { return e; } })() as OutputError;
    expect(refused).toBeInstanceOf(OutputError);
    expect(refused.option).toBe('out');
    const later = join(dir, 'later.tsv');
    const writer = new AtomicFileWriter(later, { replace: false });
    writer.write('ours\n');
    writeFileSync(later, 'appeared meanwhile');
    expect(() => writer.commit()).toThrow(OutputError);
    expect(readFileSync(later, 'utf8')).toBe('appeared meanwhile');
    expect(readFileSync(target, 'utf8')).toBe('the user\'s');
    expect(readdirSync(dir).sort()).toEqual(['later.tsv', 'mine.tsv']);
  });
});
