/**
 * `cislab scan --motifs FILE [--ids ID,...] --data FILE [--region START-END] [--thresh 1e-4] [--out FILE.tsv]`:
 * FIMO-equivalent motif scanning, written in FIMO's tsv columns. Sequences of the DREAM test set are named
 * `sequence_<idx>` as in the challenge; others by their id.
 */
import { readMotifs, selectMotifs } from '../motifs';
import { scanFimo } from '../motifs/fimo';
import { toFimoTsv } from '../motifs/fimo-tsv';
import { writeFileAtomic } from '../io/atomic';
import { numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { dataArgument, parseRegion } from './common';

const usage = 'cislab scan --motifs FILE [--ids ID,...] --data FILE [--region START-END] [--thresh 1e-4] [--out FILE.tsv] [--data-dir DIR]';

export const scanCommand: Command = {
  name: 'scan',
  usage,
  summary: "scan sequences with motifs as FIMO does (MEME suite 5.x defaults); FIMO's tsv columns",
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'scan', usage }, argv, {
      motifs: { type: 'string' }, ids: { type: 'string' }, data: { type: 'string' }, region: { type: 'string' },
      thresh: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const file = requireOption(values['motifs'] as string, 'motifs', usage);
    const data = requireOption(values['data'] as string, 'data', usage);
    let motifs = readMotifs(file);
    if (values['ids']) motifs = selectMotifs(motifs, (values['ids'] as string).split(',').map((s) => s.trim()));
    const table = await dataArgument(data, values['data-dir'] as string);
    const ids = table.array('id') as string[];
    const idx = table.columnNames().includes('idx') ? (table.array('idx') as ArrayLike<unknown>) : undefined;
    const sequences = (table.array('sequence') as string[]).map((sequence, row) => ({
      name: idx ? `sequence_${idx[row]}` : ids[row]!,
      sequence,
    }));
    const hits = scanFimo(motifs, sequences, {
      threshold: numberOption(values['thresh'] as string, 'thresh', 1e-4, { min: 0 }),
      region: parseRegion(values['region'] as string),
    });
    const tsv = toFimoTsv(hits);
    if (values['out']) {
      writeFileAtomic(values['out'] as string, tsv);
      console.log(`wrote ${hits.numRows()} hits of ${motifs.length} motifs in ${sequences.length} sequences to ${values['out']}`);
    } else {
      process.stdout.write(tsv);
    }
    return 0;
  },
};
