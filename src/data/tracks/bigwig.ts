/**
 * bigWig signal tracks (DNase-seq, H3K27ac, …) through `@gmod/bbi`, the maintained reader of the JBrowse
 * project. `readBigWigWindow` returns one value per base of a window (bases no interval covers get `fill`,
 * default 0), read at full resolution (scale 1: no zoom-level summaries). Windows on the minus strand can be
 * reversed so position 0 is the TSS side, matching reverse-complemented sequence windows.
 */
import { BigWig } from '@gmod/bbi';
import { existsSync } from 'node:fs';
import { InputError, OptionError } from '../../errors';

export interface BigWigWindowOptions {
  /** Value for bases without data (default 0). */
  fill?: number;
  /** '-' reverses the values (default '+'). */
  strand?: '+' | '-' | '.';
}

/** Chromosome names and lengths of a bigWig file. */
export async function bigWigChromosomes(path: string): Promise<Map<string, number>> {
  const header = await open(path).getHeader();
  const out = new Map<string, number>();
  for (const ref of Object.values(header.refsByNumber)) out.set(ref.name, ref.length);
  return out;
}

/** Per-base values over [start, end) (0-based) of `chrom`. */
export async function readBigWigWindow(path: string, chrom: string, start: number, end: number, options: BigWigWindowOptions = {}): Promise<Float32Array> {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) {
    throw new OptionError(`expected integers 0 ≤ start < end, got ${start}, ${end}`, { option: 'start' });
  }
  const file = open(path);
  const header = await file.getHeader();
  if (!(chrom in header.refsByName)) {
    throw new InputError(`no chromosome '${chrom}' (the file has ${Object.keys(header.refsByName).slice(0, 10).join(', ')}…)`, { file: path });
  }
  const out = new Float32Array(end - start).fill(options.fill ?? 0);
  const features = (await file.getFeatures(chrom, start, end, { scale: 1 })) as { start: number; end: number; score: number }[];
  for (const f of features) {
    for (let i = Math.max(f.start, start); i < Math.min(f.end, end); i++) out[i - start] = f.score;
  }
  if (options.strand === '-') out.reverse();
  return out;
}

function open(path: string): BigWig {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  return new BigWig({ path });
}
