/**
 * Writes a synthetic training file in the DREAM format (`sequence \t expression`, no header) of any size, from a
 * seed: random 80-nt variable regions between the DREAM flanks (TGCATTTTTTTCACATC … GGTTACGGCTGTT), expression
 * 0–17 with a share of non-integer (multi-cell) values, and rows that preprocessing must pad, truncate or drop
 * (off-length, too many N). The file is streamed (any size, bounded memory) and written atomically.
 *
 *   npx tsx bench/make-dream.ts --rows 1000000 --out /tmp/dream-1m.txt [--seed 1] [--gzip] [--clean]
 *
 * Shares of rows (fixed, so preprocessing has work): 1 % length 104/116 (dropped), 2 % length 108/109/111/112
 * (padded or truncated), 0.5 % with 4 N (dropped), 0.5 % with 1–3 N (kept), 20 % non-integer expression.
 * `--clean` writes only 110-nt rows without N (an input for `cislab predict`, which neither pads nor drops).
 */
import { createGzip } from 'node:zlib';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { temporaryBeside } from '../src/io/atomic';
import { createRandom } from '../src/stats/random';
import { DREAM_FLANK_3, DREAM_FLANK_5 } from '../src/data/dream2022/read';

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);

/** Writes `rows` synthetic DREAM-format lines to `out`; resolves once the file is renamed into place. */
export async function makeDream(out: string, rows: number, seed = 1, gzip = false, clean = false): Promise<void> {
  const rng = createRandom(seed);
  const temporary = temporaryBeside(out);
  const file = createWriteStream(temporary);
  const sink: NodeJS.WritableStream = gzip ? createGzip({ level: 1 }) : file;
  if (gzip) (sink as NodeJS.ReadWriteStream).pipe(file);
  const done = new Promise<void>((resolve, reject) => { file.on('finish', resolve); file.on('error', reject); sink.on('error', reject); });
  const bases = 'ACGT';
  let buffer = '';
  try {
    for (let i = 0; i < rows; i++) {
      let region = '';
      for (let k = 0; k < 80; k++) region += bases[rng.int(4)];
      let sequence = DREAM_FLANK_5 + region + DREAM_FLANK_3;
      const kind = clean ? 1 : rng.float();
      if (kind < 0.01) sequence = rng.float() < 0.5 ? sequence.slice(0, 104) : sequence + 'ACGTAC';
      else if (kind < 0.03) sequence = [sequence.slice(0, 108), sequence.slice(0, 109), sequence + 'A', sequence + 'AC'][rng.int(4)]!;
      else if (kind < 0.035) sequence = sequence.slice(0, 30) + 'NNNN' + sequence.slice(34);
      else if (kind < 0.04) {
        const n = 1 + rng.int(3);
        sequence = sequence.slice(0, 40) + 'N'.repeat(n) + sequence.slice(40 + n);
      }
      const expression = rng.float() < 0.2 ? (rng.float() * 17).toFixed(6) : String(rng.int(18));
      buffer += `${sequence}\t${expression}\n`;
      if (buffer.length > 1 << 20) {
        if (!sink.write(buffer)) await new Promise((resolve) => sink.once('drain', resolve));
        buffer = '';
      }
    }
    sink.end(buffer);
    await done;
    renameSync(temporary, out);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

if (require.main === module) {
  const out = arg('out');
  const rows = Number(arg('rows', '1000000'));
  if (!out || !Number.isInteger(rows) || rows < 1) {
    console.error('usage: npx tsx bench/make-dream.ts --rows N --out FILE [--seed 1] [--gzip] [--clean]');
    process.exit(2);
  }
  const started = performance.now();
  makeDream(out, rows, Number(arg('seed', '1')), args.includes('--gzip'), args.includes('--clean')).then(() => {
    console.log(`wrote ${rows.toLocaleString()} rows to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}
