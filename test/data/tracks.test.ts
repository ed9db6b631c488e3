import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bigWigChromosomes, readBigWigWindow } from '../../src/data/tracks/bigwig';
import { readTwoBitWindows, tssWindows, twoBitChromosomes } from '../../src/data/tracks/twobit';
import { tempDir } from '../helpers/paths';

/** Debian's python3-pybigwig writes the test bigWig (CI: apt-get install -y python3-pybigwig). */
const HAS_PYBIGWIG = spawnSync('/usr/bin/python3', ['-c', 'import pyBigWig'], { stdio: 'ignore' }).status === 0;

/** A minimal .2bit writer (UCSC format: header, index, records with N blocks and mask blocks, 2 bits per base T C A G). */
function writeTwoBit(path: string, sequences: Record<string, string>): void {
  const names = Object.keys(sequences);
  const indexSize = names.reduce((a, n) => a + 1 + n.length + 4, 0);
  const records = names.map((name) => {
    const seq = sequences[name]!;
    const nBlocks = blocks(seq, (c) => c === 'N' || c === 'n');
    const maskBlocks = blocks(seq, (c) => c === c.toLowerCase());
    const head = [seq.length, nBlocks.length, ...nBlocks.map((b) => b[0]), ...nBlocks.map((b) => b[1]),
      maskBlocks.length, ...maskBlocks.map((b) => b[0]), ...maskBlocks.map((b) => b[1]), 0];
    const packed = Buffer.alloc(Math.ceil(seq.length / 4));
    for (let i = 0; i < seq.length; i++) {
      const code = 'TCAG'.indexOf(seq[i]!.toUpperCase());
      packed[i >> 2] |= (code < 0 ? 0 : code) << (6 - 2 * (i & 3));
    }
    const headBuf = Buffer.alloc(head.length * 4);
    head.forEach((v, i) => headBuf.writeUInt32LE(v, i * 4));
    return Buffer.concat([headBuf, packed]);
  });
  const header = Buffer.alloc(16);
  header.writeUInt32LE(0x1a412743, 0);
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(names.length, 8);
  let offset = 16 + indexSize;
  const index = names.map((name, i) => {
    const entry = Buffer.alloc(1 + name.length + 4);
    entry.writeUInt8(name.length, 0);
    entry.write(name, 1, 'latin1');
    entry.writeUInt32LE(offset, 1 + name.length);
    offset += records[i]!.length;
    return entry;
  });
  writeFileSync(path, Buffer.concat([header, ...index, ...records]));
}

function blocks(seq: string, inBlock: (c: string) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < seq.length; i++) {
    if (!inBlock(seq[i]!)) continue;
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === i) last[1]++;
    else out.push([i, 1]);
  }
  return out;
}

describe('2bit genome windows', () => {
  it('reads windows (N blocks, soft-masking, minus strand, padding past the ends)', async () => {
    const file = join(tempDir(), 'genome.2bit');
    writeTwoBit(file, { chrA: 'ACGTNNacgtTTGCA', chrB: 'GATTACA' });
    expect(await twoBitChromosomes(file)).toEqual(new Map([['chrA', 15], ['chrB', 7]]));
    const table = await readTwoBitWindows(file, [
      { name: 'w1', chrom: 'chrA', start: 0, end: 15 },
      { name: 'w2', chrom: 'chrA', start: 2, end: 8, strand: '-' },
      { name: 'w3', chrom: 'chrB', start: -2, end: 9 },
    ]);
    // chrA[2, 8) = GTNNAC (its own reverse complement); chrB[0, 4) = GATT → AATC on the minus strand.
    expect(table.array('sequence')).toEqual(['ACGTNNACGTTTGCA', 'GTNNAC', 'NNGATTACANN']);
    const minus = await readTwoBitWindows(file, [{ name: 'w4', chrom: 'chrB', start: 0, end: 4, strand: '-' }]);
    expect(minus.objects()).toEqual([{ id: 'w4', chrom: 'chrB', start: 0, end: 4, strand: '-', sequence: 'AATC' }]);
    await expect(readTwoBitWindows(file, [{ name: 'x', chrom: 'chrZ', start: 0, end: 3 }])).rejects.toThrow(/genome\.2bit: window 'x': no chromosome 'chrZ'/);
  });

  it('orients TSS windows by strand', () => {
    expect(tssWindows([{ name: 'g', chrom: 'c', position: 100, strand: '+' }, { name: 'h', chrom: 'c', position: 100, strand: '-' }], 10, 5)).toEqual([
      { name: 'g', chrom: 'c', start: 90, end: 105, strand: '+' },
      { name: 'h', chrom: 'c', start: 96, end: 111, strand: '-' },
    ]);
  });
});

describe.skipIf(!HAS_PYBIGWIG)('bigWig tracks (file written by pyBigWig)', () => {
  it('reads per-base values, fills gaps, reverses minus-strand windows, lists chromosomes', async () => {
    const file = join(tempDir(), 'signal.bw');
    execFileSync('/usr/bin/python3', ['-c', `
import pyBigWig, sys
bw = pyBigWig.open(sys.argv[1], 'w')
bw.addHeader([('chr1', 1000), ('chr2', 500)])
bw.addEntries(['chr1', 'chr1', 'chr1'], [10, 20, 30], ends=[15, 25, 31], values=[1.5, 2.0, 7.25])
bw.addEntries('chr2', 100, values=[3.0, 4.0, 5.0], span=2, step=2)
bw.close()
`, file]);
    expect(await bigWigChromosomes(file)).toEqual(new Map([['chr1', 1000], ['chr2', 500]]));
    const values = await readBigWigWindow(file, 'chr1', 8, 32);
    expect(Array.from(values)).toEqual([0, 0, 1.5, 1.5, 1.5, 1.5, 1.5, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 7.25, 0]);
    expect(Array.from(await readBigWigWindow(file, 'chr2', 99, 106, { strand: '-', fill: -1 }))).toEqual([5, 5, 4, 4, 3, 3, -1]);
    await expect(readBigWigWindow(file, 'chrX', 0, 10)).rejects.toThrow(/signal\.bw: no chromosome 'chrX'/);
  });
});
