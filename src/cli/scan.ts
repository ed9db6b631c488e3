/**
 * `cislab scan --motifs FILE [--ids ID,...] --data FILE [--region START-END] [--thresh 1e-4] [--text] [--shard K/N] [--out FILE.tsv]`:
 * FIMO-equivalent motif scanning, written in FIMO's tsv columns. Sequences of the DREAM test set are named
 * `sequence_<idx>` as in the challenge; others by their id. By default the whole input is scanned in memory and
 * hits are sorted by p-value with q-values, as `fimo` does; `--text` (FIMO's option of that name) streams the
 * input block by block and writes hits as found, without q-values — the mode for millions of sequences and for
 * shards.
 */
import { OptionError } from '../errors';
import { readMotifs, selectMotifs } from '../motifs';
import { scanFimo } from '../motifs/fimo';
import { fimoTextScanner } from '../motifs/fimo-text';
import { toFimoTsv } from '../motifs/fimo-tsv';
import { once } from 'node:events';
import { writeFileAtomic } from '../io/atomic';
import { AtomicFileWriter } from '../io/atomic-stream';
import { numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { dataArgument, parseRegion } from './common';
import { openRecordSource } from './data-source';
import { guardOutput, progressReporter } from './outputs';
import { parseShard, partLine, shardRange } from './shard';

const usage = 'cislab scan --motifs FILE [--ids ID,...] --data FILE [--region START-END] [--thresh 1e-4] [--text] [--shard K/N] [--out FILE.tsv] [--force] [--data-dir DIR]';

export const scanCommand: Command = {
  name: 'scan',
  usage,
  summary: "scan sequences with motifs as FIMO does (MEME suite 5.x defaults); FIMO's tsv columns; --text streams hits without q-values (any input size; needed for --shard K/N)",
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'scan', usage }, argv, {
      motifs: { type: 'string' }, ids: { type: 'string' }, data: { type: 'string' }, region: { type: 'string' },
      thresh: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' }, text: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      shard: { type: 'string' },
    });
    const file = requireOption(values['motifs'] as string, 'motifs', usage);
    const data = requireOption(values['data'] as string, 'data', usage);
    const out = values['out'] as string | undefined;
    const threshold = numberOption(values['thresh'] as string, 'thresh', 1e-4, { min: 0 });
    const region = parseRegion(values['region'] as string);
    const shard = parseShard(values['shard'] as string | undefined);
    if (shard && !values['text']) {
      throw new OptionError('--shard needs --text: q-values and the p-value order depend on every sequence, so only --text output can be cut into shards and merged', { option: 'shard' });
    }
    if (out) guardOutput(out, 'scan', { force: values['force'] as boolean, inputs: [values['data'] as string | undefined, values['motifs'] as string | undefined] });
    let motifs = readMotifs(file);
    if (values['ids']) motifs = selectMotifs(motifs, (values['ids'] as string).split(',').map((s) => s.trim()));
    if (values['text']) return scanText(motifs, data, { threshold, region, shard, out, dataDir: values['data-dir'] as string | undefined, motifFile: file });

    const table = await dataArgument(data, values['data-dir'] as string);
    const ids = table.array('id') as string[];
    const idx = table.columnNames().includes('idx') ? (table.array('idx') as ArrayLike<unknown>) : undefined;
    const sequences = (table.array('sequence') as string[]).map((sequence, row) => ({
      name: idx ? `sequence_${idx[row]}` : ids[row]!,
      sequence,
    }));
    const hits = scanFimo(motifs, sequences, { threshold, region });
    const tsv = toFimoTsv(hits);
    if (out) {
      writeFileAtomic(out, tsv);
      console.log(`wrote ${hits.numRows()} hits of ${motifs.length} motifs in ${sequences.length} sequences to ${out}`);
    } else {
      process.stdout.write(tsv);
    }
    return 0;
  },
};

async function scanText(
  motifs: ReturnType<typeof readMotifs>,
  data: string,
  o: { threshold: number; region?: { start: number; end: number }; shard?: { index: number; count: number }; out?: string; dataDir?: string; motifFile: string },
): Promise<number> {
  const source = await openRecordSource(data, o.dataDir);
  const { from, to } = shardRange(source.total, o.shard);
  const scanner = fimoTextScanner(motifs, { threshold: o.threshold, region: o.region });
  const writer = o.out ? new AtomicFileWriter(o.out) : undefined;
  // Into a pipe, wait for it to drain: a slow reader must not make the hits pile up in memory.
  const write = async (text: string) => {
    if (writer) writer.write(text);
    else if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  };
  const progress = progressReporter(`scan${o.shard ? ` shard ${o.shard.index}/${o.shard.count}` : ''}`, to - from);
  let hits = 0;
  let done = 0;
  try {
    if (o.shard) {
      await write(partLine({
        command: 'scan', shard: o.shard.index, shards: o.shard.count, from, to, total: source.total,
        fingerprint: { ...source.fingerprint, motifs: motifs.map((m) => m.id), threshold: o.threshold, region: o.region ?? null },
      }));
    }
    await write(scanner.header);
    for await (const block of source.blocks({ from, to, blockSize: 4096, columns: ['idx'] })) {
      const idx = block.columns['idx'];
      const sequences = Array.from({ length: block.count }, (_, k) => ({
        name: idx ? `sequence_${idx[k]}` : block.ids![k]!,
        sequence: Buffer.from(block.letters.subarray(block.starts[k]!, block.starts[k]! + block.lengths[k]!)).toString('latin1').toUpperCase(),
      }));
      const result = scanner.scan(sequences);
      await write(result.text);
      hits += result.hits;
      done += block.count;
      progress.update(done);
    }
    writer?.commit();
  } catch (error) {
    writer?.abort();
    throw error;
  }
  progress.finish(done);
  if (o.out) console.log(`wrote ${hits} hits of ${motifs.length} motifs in ${done} sequences to ${o.out} (FIMO --text: no q-values, scan order)`);
  return 0;
}
