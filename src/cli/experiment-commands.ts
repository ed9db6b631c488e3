/**
 * `cislab marginalize`, `ablate`, `space`, `pairwise` and `seqlets`: the in-silico experiments and seqlet calling
 * on the command line. Motifs are given as sequences (`TTACCCGG`) or as ids / TF names of a motif file
 * (`--motifs FILE`, whose consensus is written).
 */
import * as aq from 'arquero';
import { readMotifs } from '../motifs';
import type { Motif } from '../motifs/motif';
import { readTextFile, splitLines } from '../io/text-file';
import { InputError, OptionError } from '../errors';
import { INFERENCE_ENGINES } from '../kernels/camformer/predict';
import { ablate, marginalize, summarizeEffects } from '../interpret/experiments';
import { pairwiseInfluence } from '../interpret/pairwise';
import { ORIENTATIONS, asInserted, findMotif, spacingInShuffledBackgrounds, space, spaceSummary, type Orientation } from '../interpret/spacing';
import { callSeqlets } from '../interpret/seqlets';
import { annotatePatterns, clusterSeqlets } from '../interpret/seqlet-motifs';
import type { InsertedMotif } from '../interpret/sequence-edits';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { parseRegion } from './common';
import { modelArgument, predictorOf, sequencesArgument, writeNewTsv } from './interpret-common';

/** A motif argument: an A/C/G/T/N string, or an id or TF name in the `--motifs` file. */
function motifArgument(value: string, database: Motif[] | undefined): InsertedMotif {
  if (/^[ACGTN]+$/i.test(value)) return { name: value.toUpperCase(), sequence: value.toUpperCase() };
  if (!database) throw new OptionError(`'${value}' is not a sequence; name motifs from a file with --motifs FILE`, { option: 'motif' });
  return asInserted(findMotif(database, value));
}

const marginalizeUsage = 'cislab marginalize --model DIR --data FILE --motif SEQ|ID[,SEQ|ID...] [--motifs FILE] [--start N] [--strand +|-] [--limit N] [--engine auto|onnx|tfjs] --out FILE.tsv [--data-dir DIR]';

export const marginalizeCommand: Command = {
  name: 'marginalize',
  usage: marginalizeUsage,
  summary: 'write each motif into every background sequence (centred unless --start) and report the predicted change per background; prints the mean effect per motif',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'marginalize', usage: marginalizeUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, motif: { type: 'string' }, motifs: { type: 'string' }, start: { type: 'string' },
      strand: { type: 'string' }, limit: { type: 'string' }, engine: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const model = await modelArgument(requireOption(values['model'] as string, 'model', marginalizeUsage));
    const out = requireOption(values['out'] as string, 'out', marginalizeUsage);
    const database = values['motifs'] ? readMotifs(values['motifs'] as string) : undefined;
    const motifs = requireOption(values['motif'] as string, 'motif', marginalizeUsage).split(',').map((m) => motifArgument(m.trim(), database));
    const { ids, sequences } = await sequencesArgument(requireOption(values['data'] as string, 'data', marginalizeUsage), values['limit'] as string | undefined, values['data-dir'] as string | undefined);
    const table = await marginalize(predictorOf(model, choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES)), sequences, motifs, {
      encoding: model.encoding, ids, strand: choiceOption(values['strand'] as string | undefined, 'strand', ['+', '-'] as const, '+'),
      ...(values['start'] !== undefined ? { start: numberOption(values['start'] as string, 'start', 1, { integer: true, min: 1 }) } : {}),
    });
    await writeNewTsv(table, out);
    for (const r of summarizeEffects(table, ['motif']).objects() as Array<{ motif: string; mean: number; se: number; n: number }>) {
      console.log(`${r.motif}: mean effect ${r.mean.toFixed(4)} ± ${r.se.toFixed(4)} (n ${r.n})`);
    }
    console.log(`wrote ${table.numRows()} rows to ${out}`);
    return 0;
  },
};

const ablateUsage =
  'cislab ablate --model DIR --data FILE --region START-END [--method shuffle|dinucleotide|replace] [--replacement SEQ] [--shuffles 20] ' +
  '[--seed 1] [--limit N] [--engine auto|onnx|tfjs] --out FILE.tsv [--data-dir DIR]';

export const ablateCommand: Command = {
  name: 'ablate',
  usage: ablateUsage,
  summary: "destroy a region of every sequence (shuffled --shuffles times, tangermeme's default; dinucleotide-shuffled; or replaced) and report the predicted change per sequence and shuffle; prints the mean effect",
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'ablate', usage: ablateUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, region: { type: 'string' }, method: { type: 'string' }, replacement: { type: 'string' },
      shuffles: { type: 'string' }, seed: { type: 'string' }, limit: { type: 'string' }, engine: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const model = await modelArgument(requireOption(values['model'] as string, 'model', ablateUsage));
    const out = requireOption(values['out'] as string, 'out', ablateUsage);
    const region = parseRegion(requireOption(values['region'] as string, 'region', ablateUsage))!;
    const { ids, sequences } = await sequencesArgument(requireOption(values['data'] as string, 'data', ablateUsage), values['limit'] as string | undefined, values['data-dir'] as string | undefined);
    const table = await ablate(predictorOf(model, choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES)), sequences, {
      encoding: model.encoding, ids, start: region.start, end: region.end,
      method: choiceOption(values['method'] as string | undefined, 'method', ['shuffle', 'dinucleotide', 'replace'] as const, 'shuffle'),
      ...(values['replacement'] !== undefined ? { replacement: (values['replacement'] as string).toUpperCase() } : {}),
      ...(values['shuffles'] !== undefined ? { shuffles: numberOption(values['shuffles'] as string, 'shuffles', 20, { integer: true, min: 1 }) } : {}),
      seed: numberOption(values['seed'] as string, 'seed', 1, { integer: true }),
    });
    await writeNewTsv(table, out);
    const summary = table.rollup({ mean: aq.op.mean('effect'), sd: aq.op.stdev('effect'), n: aq.op.count() }).object() as { mean: number; sd: number; n: number };
    console.log(`ablating ${region.start}–${region.end}: mean effect ${summary.mean.toFixed(4)} ± ${(summary.sd / Math.sqrt(summary.n)).toFixed(4)} (n ${summary.n}); wrote ${table.numRows()} rows to ${out}`);
    return 0;
  },
};

const pairwiseUsage = 'cislab pairwise --model DIR --data FILE [--region 18-97] [--limit N] [--engine auto|onnx|tfjs] --out FILE.tsv [--data-dir DIR]';

export const pairwiseCommand: Command = {
  name: 'pairwise',
  usage: pairwiseUsage,
  summary: 'pairwise influence of region positions on each other (double-mutant epistasis, the scalar-output form of tangermeme\'s pisa): one row per sequence and ordered position pair with the mean ε and mean |ε| over the 9 substitution pairs',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'pairwise', usage: pairwiseUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, region: { type: 'string' }, limit: { type: 'string' }, engine: { type: 'string' },
      out: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const model = await modelArgument(requireOption(values['model'] as string, 'model', pairwiseUsage));
    const out = requireOption(values['out'] as string, 'out', pairwiseUsage);
    const { ids, sequences } = await sequencesArgument(requireOption(values['data'] as string, 'data', pairwiseUsage), values['limit'] as string | undefined, values['data-dir'] as string | undefined);
    const table = await pairwiseInfluence(predictorOf(model, choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES)), sequences, {
      encoding: model.encoding, ids,
      ...(values['region'] !== undefined ? { region: parseRegion(values['region'] as string) } : {}),
      onProgress: (done, total) => { if (process.stderr.isTTY) process.stderr.write(`\rpairwise ${done}/${total}`); },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    await writeNewTsv(table, out);
    const magnitude = table.array('magnitude') as ArrayLike<number>;
    let strongest = 0;
    for (let i = 1; i < magnitude.length; i++) if (magnitude[i]! > magnitude[strongest]!) strongest = i;
    const top = table.slice(strongest, strongest + 1).object() as { id: string; source: number; target: number; magnitude: number };
    console.log(`${sequences.length} sequences; strongest pair ${top.source}–${top.target} of ${top.id} (mean |ε| ${top.magnitude.toFixed(4)}); wrote ${table.numRows()} rows to ${out}`);
    return 0;
  },
};

const spaceUsage =
  'cislab space --model DIR --data FILE --a SEQ|ID --b SEQ|ID [--motifs FILE] [--shuffles N] [--spacings=-10,0,10] [--orientations ++,+-,-+,--] ' +
  '[--region 18-97] [--seed 1] [--limit N] [--engine auto|onnx|tfjs] --out FILE.tsv [--rows FILE.tsv] [--data-dir DIR]';

export const spaceCommand: Command = {
  name: 'space',
  usage: spaceUsage,
  summary: 'motif A fixed, motif B at every spacing and orientation: mean predictions with nothing, A, B and both, and the interaction (both − A − B + background) per spacing; with --shuffles N the --data promoters are dinucleotide-shuffled into N backgrounds each first (Camformer Fig. 8 asked causally)',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'space', usage: spaceUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' }, motifs: { type: 'string' }, shuffles: { type: 'string' },
      spacings: { type: 'string' }, orientations: { type: 'string' }, region: { type: 'string' }, seed: { type: 'string' }, limit: { type: 'string' },
      engine: { type: 'string' }, out: { type: 'string' }, rows: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const model = await modelArgument(requireOption(values['model'] as string, 'model', spaceUsage));
    const out = requireOption(values['out'] as string, 'out', spaceUsage);
    const database = values['motifs'] ? readMotifs(values['motifs'] as string) : undefined;
    const a = motifArgument(requireOption(values['a'] as string, 'a', spaceUsage), database);
    const b = motifArgument(requireOption(values['b'] as string, 'b', spaceUsage), database);
    const { ids, sequences } = await sequencesArgument(requireOption(values['data'] as string, 'data', spaceUsage), values['limit'] as string | undefined, values['data-dir'] as string | undefined);
    const orientations = values['orientations'] === undefined ? ORIENTATIONS : (values['orientations'] as string).split(',').map((o) => choiceOption(o.trim(), 'orientations', ORIENTATIONS) as Orientation);
    const options = {
      encoding: model.encoding, orientations,
      ...(values['region'] !== undefined ? { region: parseRegion(values['region'] as string) } : {}),
      ...(values['spacings'] !== undefined ? { spacings: (values['spacings'] as string).split(',').map((s) => numberOption(s.trim(), 'spacings', 0, { integer: true })) } : {}),
    };
    const predict = predictorOf(model, choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES));
    const shuffles = values['shuffles'] === undefined ? 0 : numberOption(values['shuffles'] as string, 'shuffles', 1, { integer: true, min: 1 });
    const table = shuffles
      ? (await spacingInShuffledBackgrounds(predict, sequences, a, b, { ...options, shuffles, nativeIds: ids, seed: numberOption(values['seed'] as string, 'seed', 1, { integer: true }) })).table
      : await space(predict, sequences, a, b, { ...options, ids });
    const summary = spaceSummary(table);
    await writeNewTsv(summary, out);
    if (values['rows']) await writeNewTsv(table, values['rows'] as string);
    const interaction = summary.array('interaction') as number[];
    console.log(`${a.name} × ${b.name}: ${summary.numRows()} spacing × orientation cells over ${table.numRows() / summary.numRows()} backgrounds; interaction from ${Math.min(...interaction).toFixed(3)} to ${Math.max(...interaction).toFixed(3)}; wrote ${out}`);
    return 0;
  },
};

const seqletsUsage =
  'cislab seqlets --attributions FILE.tsv [--threshold 0.01] [--sign positive|negative|both] [--min-length 4] [--max-length 25] ' +
  '[--patterns FILE.tsv] [--motifs FILE] --out FILE.tsv';

export const seqletsCommand: Command = {
  name: 'seqlets',
  usage: seqletsUsage,
  summary: "recursive seqlets (tangermeme's caller) from a `cislab attribute` table (projected rows); --patterns also clusters them into PFM patterns, annotated with --motifs when given",
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'seqlets', usage: seqletsUsage }, argv, {
      attributions: { type: 'string' }, threshold: { type: 'string' }, sign: { type: 'string' }, 'min-length': { type: 'string' }, 'max-length': { type: 'string' },
      patterns: { type: 'string' }, motifs: { type: 'string' }, out: { type: 'string' },
    });
    const file = requireOption(values['attributions'] as string, 'attributions', seqletsUsage);
    const out = requireOption(values['out'] as string, 'out', seqletsUsage);
    const { table, sequences } = readAttributionTsv(file);
    const seqlets = callSeqlets(table, {
      threshold: numberOption(values['threshold'] as string, 'threshold', 0.01, { min: 0 }),
      sign: choiceOption(values['sign'] as string | undefined, 'sign', ['positive', 'negative', 'both'] as const, 'positive'),
      minLength: numberOption(values['min-length'] as string, 'min-length', 4, { integer: true, min: 1 }),
      maxLength: numberOption(values['max-length'] as string, 'max-length', 25, { integer: true, min: 1 }),
    });
    await writeNewTsv(seqlets, out);
    console.log(`called ${seqlets.numRows()} seqlets; wrote ${out}`);
    if (values['patterns']) {
      const { motifs, patterns } = clusterSeqlets(seqlets, sequences);
      let result = patterns;
      if (values['motifs'] && motifs.length) {
        const matches = annotatePatterns(motifs, readMotifs(values['motifs'] as string)).select('query_id', 'target_id', 'target_alt_id', 'p-value', 'q-value');
        result = patterns.join_left(matches.rename({ query_id: 'pattern', target_id: 'motif_id', target_alt_id: 'motif_name' }), 'pattern');
      }
      await writeNewTsv(result, values['patterns'] as string);
      console.log(`${motifs.length} patterns; wrote ${values['patterns']}`);
    }
    return 0;
  },
};

/** Projected rows of a `cislab attribute` TSV as a table, and each sequence's bases (rebuilt from the `base` column). */
function readAttributionTsv(file: string): { table: ReturnType<typeof aq.table>; sequences: Map<string, string> } {
  const lines = splitLines(readTextFile(file));
  const header = lines[0]?.split('\t') ?? [];
  const at = ['id', 'position', 'base', 'attribution'].map((name) => {
    const k = header.indexOf(name);
    if (k < 0) throw new InputError(`missing column '${name}'; expected a cislab attribute table`, { file, line: 1 });
    return k;
  }) as [number, number, number, number];
  const id: string[] = [];
  const position: number[] = [];
  const attribution: number[] = [];
  const letters = new Map<string, string[]>();
  let first = Infinity;
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split('\t');
    const p = Number(f[at[1]]);
    const v = Number(f[at[3]]);
    if (!Number.isInteger(p) || !Number.isFinite(v)) throw new InputError('expected an integer position and a number', { file, line: i + 1 });
    id.push(f[at[0]]!);
    position.push(p);
    attribution.push(v);
    first = Math.min(first, p);
    const seq = letters.get(f[at[0]]!) ?? letters.set(f[at[0]]!, []).get(f[at[0]]!)!;
    if (seq[p] !== undefined) throw new InputError(`position ${p} of '${f[at[0]]}' appears twice; pass projected attributions (without --hypothetical)`, { file, line: i + 1 });
    seq[p] = f[at[2]]!;
  }
  // Seqlet coordinates are 1-based in the full sequence; positions before the attributed region are N.
  const sequences = new Map([...letters].map(([k, v]) => [k, Array.from({ length: v.length - 1 }, (_, j) => v[j + 1] ?? 'N').join('')] as [string, string]));
  return { table: aq.table({ id, position, attribution }), sequences };
}
