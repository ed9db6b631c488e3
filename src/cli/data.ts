/**
 * `cislab data fetch`: downloads the DREAM2022 and Vaishnav et al. 2022 files into the data folder cislab reads
 * (or `--to DIR`), each checked against the manifest's size and SHA-256; `--list` shows the files, sizes and
 * sources without downloading. Progress goes to stderr (a bar on a terminal, a line per file otherwise); the
 * summary to stdout.
 */
import { defaultDataDir } from '../data/data-dir';
import { fetchData, type FetchedFile, type FetchProgress } from '../data/fetch/fetch';
import { DATA_SETS, dataFiles, type DataFile, type DataSetName } from '../data/fetch/manifest';
import { isUrl } from '../io/download';
import { choiceOption, parseCommandArgs, type Command, type OptionSpec } from './args';
import { resolve } from 'node:path';

const usage = 'cislab data fetch [--dataset dream2022|vaishnav|all] [--to DIR (default: the data folder cislab reads)] ' +
  '[--from URL-or-DIR (default: $CISLAB_DATA_MIRROR, else each file\'s public source)] [--force] [--list]';

const options: OptionSpec = {
  dataset: { type: 'string' }, to: { type: 'string' }, from: { type: 'string' }, force: { type: 'boolean', default: false }, list: { type: 'boolean', default: false },
};

const megabytes = (bytes: number) => (bytes < 1e3 ? `${bytes} B` : bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

function sourceOf(file: DataFile, from: string | undefined): string {
  if (from !== undefined) return `${from.replace(/\/+$/, '')}/${file.path}`;
  if (!file.source) return `mirror only (--from): ${file.origin}`;
  const note = file.source.gzip === file.path.endsWith('.gz') ? '' : file.source.gzip ? ' (decompressed)' : ' (compressed on the way)';
  return `${file.source.url}${note}`;
}

function list(files: DataFile[], to: string, from: string | undefined): void {
  console.log(`data folder: ${to}`);
  console.log(`source: ${from !== undefined ? `the mirror ${from}` : 'each file\'s public source (a mirror: --from URL-or-DIR or CISLAB_DATA_MIRROR)'}`);
  for (const dataset of DATA_SETS) {
    const of = files.filter((f) => f.dataset === dataset);
    if (!of.length) continue;
    console.log(`\n${dataset}: ${of.length} files, ${megabytes(of.reduce((sum, f) => sum + f.bytes, 0))}`);
    const width = Math.max(...of.map((f) => f.path.length));
    const sizeWidth = Math.max(...of.map((f) => f.bytes.toLocaleString('en').length));
    for (const f of of) {
      console.log(`  ${f.path.padEnd(width)}  ${f.bytes.toLocaleString('en').padStart(sizeWidth)} B  sha256 ${f.sha256}  ${sourceOf(f, from)}`);
    }
  }
}

/** A progress bar redrawn in place on a terminal; nothing in a log (the line per file says it all there). */
function terminalBar(progress: FetchProgress): void {
  if (!process.stderr.isTTY) return;
  const { file, received, total } = progress;
  const name = file.path.split('/').pop()!;
  if (total === undefined || total === 0) {
    process.stderr.write(`\r  ${name} ${megabytes(received)}   `);
    return;
  }
  const fraction = Math.min(1, received / total);
  const cells = 24;
  const filled = Math.round(fraction * cells);
  process.stderr.write(`\r  ${name} [${'#'.repeat(filled)}${'.'.repeat(cells - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${megabytes(received)} of ${megabytes(total)}   `);
}

function reportFile(result: FetchedFile): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const size = `${result.file.bytes.toLocaleString('en')} bytes`;
  if (result.status === 'fetched') process.stderr.write(`fetched ${result.file.path} (${size}, SHA-256 checked) from ${result.url}\n`);
  else if (result.status === 'present') process.stderr.write(`present ${result.file.path} (SHA-256 matches), skipped\n`);
  // A file without a public source is no error of the download: say what to do, without an error class.
  else if (result.status === 'unavailable') console.error(`cislab data: not fetched: ${result.error!.message}`);
  else console.error(`cislab data: ${result.error!.name}: ${result.error!.message}`);
}

export const dataCommand: Command = {
  name: 'data',
  usage,
  summary: 'download the DREAM2022 and Vaishnav et al. 2022 data into the data folder, each file checked by size and SHA-256 (--list shows them)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs({ name: 'data', usage }, argv, options, { positionals: true });
    if (positionals[0] !== 'fetch' || positionals.length > 1) {
      console.error(`usage: ${usage}`);
      return 2;
    }
    const dataset = choiceOption(values['dataset'] as string | undefined, 'dataset', [...DATA_SETS, 'all'] as const, 'all') as DataSetName | 'all';
    const to = resolve((values['to'] as string | undefined) ?? defaultDataDir());
    const mirror = (values['from'] as string | undefined) ?? (process.env['CISLAB_DATA_MIRROR'] || undefined);
    const from = mirror === undefined || isUrl(mirror) ? mirror : resolve(mirror);
    const files = dataFiles(dataset);
    if (values['list']) {
      list(files, to, from);
      return 0;
    }
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    process.stderr.write(`fetching ${dataset === 'all' ? DATA_SETS.join(' and ') : dataset} (${files.length} files, ${megabytes(total)}) into ${to}` +
      `${values['to'] === undefined ? ' (the data folder cislab reads; --to DIR for another)' : ''} from ${from ?? 'the public sources'}\n`);
    const results = await fetchData({ dataset, to, from, force: values['force'] as boolean, onProgress: terminalBar, onFile: reportFile });
    const count = (status: FetchedFile['status']) => results.filter((r) => r.status === status).length;
    const [fetched, present, refused, failed, unavailable] = (['fetched', 'present', 'refused', 'failed', 'unavailable'] as const).map(count);
    const problems = [refused && `${refused} refused (different checksum; --force replaces)`, failed && `${failed} failed`,
      unavailable && `${unavailable} with no public source (--from a mirror)`].filter(Boolean);
    console.log(`${to}: ${fetched} fetched, ${present} already present${problems.length ? `, ${problems.join(', ')}` : ''} of ${results.length} files`);
    // A failed download or a file without a source is a runtime failure; only refusals left is a usage matter (--force).
    if (failed || unavailable) return 1;
    return refused ? 2 : 0;
  },
};
