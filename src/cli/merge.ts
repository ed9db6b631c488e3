/**
 * `cislab merge --out FILE PART...`: joins the shard outputs of `cislab predict`, `ism` or `scan` (`--shard
 * K/N`) into exactly the output the unsharded command writes — same rows, same order, same bytes. Parts may be
 * given in any order; they must be shards 1…N of one run (same command, data, model and options), each once.
 * TSV parts are streamed; `.npz` ISM parts are copied a block of sequences at a time.
 */
import { OptionError, InputError } from '../errors';
import { AtomicFileWriter } from '../io/atomic-stream';
import { lineText, readLineBlocks } from '../io/line-reader';
import { IsmStore, IsmStoreWriter } from '../interpret/ism-store';
import { parseCommandArgs, requireOption, type Command } from './args';
import { guardOutput, isZipFile, tsvOutputKind } from './outputs';
import { orderParts, type PartInfo } from './shard';

const usage = 'cislab merge --out FILE [--force] PART...';

export const mergeCommand: Command = {
  name: 'merge',
  usage,
  summary: 'join the --shard K/N outputs of predict, ism (.tsv or .npz) or scan --text into the unsharded output, checking that every shard is there once and all come from the same run',
  async run(argv) {
    const { values, positionals } = parseCommandArgs({ name: 'merge', usage }, argv, { out: { type: 'string' }, force: { type: 'boolean', default: false } }, { positionals: true });
    const force = values['force'] as boolean;
    const out = requireOption(values['out'] as string, 'out', usage);
    if (!positionals.length) throw new OptionError(`no parts given (cislab merge --out FILE PART...)`, { option: 'parts' });
    if (positionals.some((p) => isZipFile(p)) && !positionals.every((p) => isZipFile(p))) {
      throw new OptionError('parts mix .npz and TSV files; merge the outputs of one command at a time', { option: 'parts' });
    }
    const rows = isZipFile(positionals[0]!) ? mergeIsmStores(positionals, out, force) : await mergeTsv(positionals, out, force);
    console.log(`merged ${positionals.length} parts (${rows} rows) into ${out}`);
    return 0;
  },
};

async function mergeTsv(files: readonly string[], out: string, force: boolean): Promise<number> {
  const parts = orderParts(files.map((file) => {
    const { kind, part } = tsvOutputKind(file);
    if (!part || !kind) throw new InputError(`not a shard output of cislab predict, ism or scan (its first line is no '#cislab-part' line followed by a cislab header)`, { file });
    return { file, info: part };
  }));
  guardOutput(out, parts[0]!.info.command, { force, inputs: files });
  const writer = new AtomicFileWriter(out);
  let header: string | undefined;
  let rows = 0;
  try {
    for (const { file, info } of parts) {
      let body = 0;
      for await (const block of readLineBlocks(file)) {
        for (let i = 0; i < block.count; i++) {
          const line = block.firstLine + i;
          if (line === 1) continue; // the part line
          if (line === 2) {
            const text = lineText(block, i);
            if (header === undefined) writer.write((header = text) + '\n');
            else if (text !== header) throw new InputError(`header '${text}' differs from '${header}' of the first part`, { file, line });
            continue;
          }
          writer.write(block.bytes.subarray(block.starts[i]!, block.ends[i]!));
          writer.write('\n');
          body++;
        }
      }
      if (info.command === 'predict' && body !== info.to - info.from) {
        throw new InputError(`holds ${body} predictions, but its rows ${info.from + 1}–${info.to} are ${info.to - info.from}`, { file });
      }
      rows += body;
    }
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return rows;
}

function mergeIsmStores(files: readonly string[], out: string, force: boolean): number {
  const stores = files.map((file) => new IsmStore(file));
  try {
    const parts = orderParts(stores.map((store) => {
      const part = store.meta['part'] as PartInfo | undefined;
      if (!part) throw new InputError('an ISM store but no shard output (its meta has no part; it is already a whole run)', { file: store.file });
      if (store.count !== part.to - part.from) throw new InputError(`holds ${store.count} sequences, but its rows ${part.from + 1}–${part.to} are ${part.to - part.from}`, { file: store.file });
      return { file: store.file, info: part, store };
    }));
    guardOutput(out, 'ism', { force, inputs: files });
    const total = parts[0]!.info.total;
    // The whole run's meta: a part's, without the part, rows covering everything (key order kept, so bytes match).
    const { format: _f, version: _v, bases: _b, region, count: _c, part: _p, ...meta } = parts[0]!.store.meta;
    meta['rows'] = { from: 0, to: total, total };
    const writer = new IsmStoreWriter(out, { count: total, region, meta });
    try {
      for (const { store } of parts) {
        for (let from = 0; from < store.count; from += 1024) {
          const to = Math.min(store.count, from + 1024);
          writer.appendEffects(store.effects(from, to), store.reference(from, to), store.ids(from, to), store.refLetters(from, to));
        }
      }
      writer.commit();
    } catch (error) {
      writer.abort();
      throw error;
    }
    return total;
  } finally {
    stores.forEach((s) => s.close());
  }
}
