/**
 * Genome windows from a .2bit file (through `@gmod/twobit`) — e.g. the region around each TSS that Seq2Exp
 * reads. Windows past a chromosome end are padded with N (so every window has the asked length), minus-strand
 * windows are reverse-complemented, soft-masked (lower-case) bases are upper-cased.
 */
import { TwoBitFile } from '@gmod/twobit';
import { existsSync } from 'node:fs';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../../errors';
import { reverseComplement } from '../alphabet';

export interface GenomeWindow {
  name: string;
  chrom: string;
  /** 0-based start, end exclusive. */
  start: number;
  end: number;
  strand?: '+' | '-' | '.';
}

/** Chromosome names and lengths of a 2bit file. */
export async function twoBitChromosomes(path: string): Promise<Map<string, number>> {
  const sizes = await open(path).getSequenceSizes();
  return new Map(Object.entries(sizes));
}

/** Sequences of the windows: table `id, chrom, start, end, strand, sequence`. */
export async function readTwoBitWindows(path: string, windows: readonly GenomeWindow[]): Promise<ColumnTable> {
  const file = open(path);
  const sizes = await file.getSequenceSizes();
  const sequences: string[] = [];
  for (const w of windows) {
    if (!Number.isInteger(w.start) || !Number.isInteger(w.end) || w.end <= w.start) {
      throw new OptionError(`window '${w.name}': expected integers start < end, got ${w.start}, ${w.end}`, { option: 'windows' });
    }
    const size = sizes[w.chrom];
    if (size === undefined) throw new InputError(`window '${w.name}': no chromosome '${w.chrom}'`, { file: path });
    const lo = Math.max(0, w.start);
    const hi = Math.min(size, w.end);
    const inside = hi > lo ? ((await file.getSequence(w.chrom, lo, hi)) ?? '') : '';
    const sequence = 'N'.repeat(lo - w.start) + inside.toUpperCase() + 'N'.repeat(Math.max(0, w.end - Math.max(hi, w.start)));
    sequences.push(w.strand === '-' ? reverseComplement(sequence) : sequence);
  }
  return aq.table({
    id: windows.map((w) => w.name), chrom: windows.map((w) => w.chrom),
    start: Int32Array.from(windows, (w) => w.start), end: Int32Array.from(windows, (w) => w.end),
    strand: windows.map((w) => w.strand ?? '+'), sequence: sequences,
  });
}

/** Windows of `upstream` + `downstream` nt around each TSS (0-based position), oriented by strand. */
export function tssWindows(tss: readonly { name: string; chrom: string; position: number; strand: '+' | '-' }[], upstream: number, downstream: number): GenomeWindow[] {
  return tss.map((t) => (t.strand === '+'
    ? { name: t.name, chrom: t.chrom, start: t.position - upstream, end: t.position + downstream, strand: '+' as const }
    : { name: t.name, chrom: t.chrom, start: t.position - downstream + 1, end: t.position + upstream + 1, strand: '-' as const }));
}

function open(path: string): TwoBitFile {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  return new TwoBitFile({ path });
}
