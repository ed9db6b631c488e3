/**
 * Sharding: `--shard K/N` gives a command the K-th of N contiguous blocks of rows in file order (1-based K),
 * so N independent jobs (a SLURM array, a Kubernetes Indexed Job) cover a file without talking to each other.
 * A shard's output is complete and written atomically; it names itself on its first line (TSV) or in its
 * metadata (.npz) with the command, K/N, its rows and a fingerprint of the inputs and options, so that
 * `cislab merge` can check that the parts belong together and cover every row exactly once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { OptionError } from '../errors';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** What a part says about itself. */
export interface PartInfo {
  command: 'predict' | 'ism' | 'scan';
  shard: number;
  shards: number;
  /** Rows [from, to) of `total`, 0-based, in file order. */
  from: number;
  to: number;
  total: number;
  /** Inputs and options the part was made with; parts merge only when these are equal. */
  fingerprint: Record<string, unknown>;
}

/** The first line of a sharded TSV output. */
export const PART_PREFIX = '#cislab-part ';

/** Parses `K/N` (1 ≤ K ≤ N); undefined when the option was not given. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new OptionError(`expected K/N with 1 ≤ K ≤ N (shard K of N, 1-based), got '${value}'`, { option: 'shard' });
  }
  return { index, count };
}

/** Rows [from, to) of shard K/N of `total` rows: contiguous, in order, sizes differing by at most one. */
export function shardRange(total: number, shard?: Shard): { from: number; to: number } {
  if (!shard) return { from: 0, to: total };
  return { from: Math.floor(((shard.index - 1) * total) / shard.count), to: Math.floor((shard.index * total) / shard.count) };
}

/** The `#cislab-part` line of a TSV part (with its newline). */
export function partLine(info: PartInfo): string {
  return PART_PREFIX + JSON.stringify(info) + '\n';
}

/** The part info of a `#cislab-part` line, or undefined for any other line. */
export function parsePartLine(line: string): PartInfo | undefined {
  if (!line.startsWith(PART_PREFIX)) return undefined;
  try {
    return JSON.parse(line.slice(PART_PREFIX.length)) as PartInfo;
  } catch {
    return undefined;
  }
}

/** Identity of a saved model for fingerprints: its name and a hash of its weights (paths differ between machines). */
export function modelFingerprint(dir: string): Record<string, unknown> {
  const weights = join(dir, 'weights.bin');
  const hash = createHash('sha256');
  if (existsSync(weights)) hash.update(readFileSync(weights));
  hash.update(existsSync(join(dir, 'config.json')) ? readFileSync(join(dir, 'config.json')) : '');
  return { model: basename(dir), weights: hash.digest('hex').slice(0, 16) };
}

/** Identity of a data file for fingerprints: name, size and record count (not the path, which differs between nodes). */
export function fileFingerprint(path: string, records: number): Record<string, unknown> {
  return { data: basename(path), bytes: statSync(path).size, records };
}

/**
 * Checks that `parts` are the shards 1…N of one run — same command, N, rows and fingerprint, each shard once —
 * and returns them in shard order. Errors name the files and what differs.
 */
export function orderParts<T extends { file: string; info: PartInfo }>(parts: readonly T[]): T[] {
  if (!parts.length) throw new OptionError('no parts to merge', { option: 'parts' });
  const [first] = parts;
  const key = (p: T) => JSON.stringify({ command: p.info.command, shards: p.info.shards, total: p.info.total, fingerprint: p.info.fingerprint });
  for (const p of parts) {
    if (key(p) !== key(first!)) {
      const fields = (['command', 'shards', 'total'] as const).filter((f) => p.info[f] !== first!.info[f]).map((f) => `${f} ${String(first!.info[f])} vs ${String(p.info[f])}`);
      const a = first!.info.fingerprint;
      const b = p.info.fingerprint;
      for (const f of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (JSON.stringify(a[f]) !== JSON.stringify(b[f])) fields.push(`${f} ${JSON.stringify(a[f])} vs ${JSON.stringify(b[f])}`);
      }
      throw new OptionError(`${first!.file} and ${p.file} are not shards of the same run (${fields.join('; ')})`, { option: 'parts' });
    }
  }
  const byShard = new Map<number, T>();
  for (const p of parts) {
    const seen = byShard.get(p.info.shard);
    if (seen) throw new OptionError(`shard ${p.info.shard}/${p.info.shards} is given twice (${seen.file}, ${p.file})`, { option: 'parts' });
    byShard.set(p.info.shard, p);
  }
  const n = first!.info.shards;
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byShard.has(k));
  if (missing.length) throw new OptionError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${n}`).join(', ')} of ${first!.info.command}`, { option: 'parts' });
  const ordered = Array.from({ length: n }, (_, i) => byShard.get(i + 1)!);
  ordered.forEach((p, i) => {
    const expected = shardRange(p.info.total, { index: i + 1, count: n });
    if (p.info.from !== expected.from || p.info.to !== expected.to) {
      throw new OptionError(`${p.file} claims rows ${p.info.from}–${p.info.to} but shard ${i + 1}/${n} of ${p.info.total} is ${expected.from}–${expected.to}`, { option: 'parts' });
    }
  });
  return ordered;
}
