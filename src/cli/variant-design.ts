/**
 * `cislab variants` (variant effects from a variant file, or DREAM2022's SNV pairs with r and ρ against the
 * measured differences) and `cislab design` (greedy or evolutionary promoter design toward a target).
 */
import { readVariants } from '../data/variants';
import { readDream2022, readDream2022Pairs } from '../data/dream2022/read';
import { INFERENCE_ENGINES } from '../kernels/camformer/predict';
import { variantEffects } from '../interpret/variants';
import { dreamSnvEffects } from '../interpret/dream-variants';
import { evolveDesign, greedyDesign } from '../interpret/design';
import { OptionError } from '../errors';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { parseRegion } from './common';
import { modelArgument, predictorOf, sequencesArgument, writeNewTsv } from './interpret-common';

const variantsUsage =
  'cislab variants --model DIR (--variants FILE.tsv|FILE.vcf --data FILE | --dream-snv [--split public|private|all]) ' +
  '[--window 18-97] [--side right|left] [--reverse-complement] [--limit N] [--engine auto|onnx|tfjs] --out FILE.tsv [--data-dir DIR]';

export const variantsCommand: Command = {
  name: 'variants',
  usage: variantsUsage,
  summary: 'predicted ref, alt and effect (alt − ref) of each variant (SNVs, MNVs, indels; length kept inside --window); --dream-snv scores DREAM2022\'s SNV pairs (r and ρ of predicted vs measured differences)',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'variants', usage: variantsUsage }, argv, {
      model: { type: 'string' }, variants: { type: 'string' }, data: { type: 'string' }, 'dream-snv': { type: 'boolean', default: false },
      split: { type: 'string' }, window: { type: 'string' }, side: { type: 'string' }, 'reverse-complement': { type: 'boolean', default: false },
      limit: { type: 'string' }, engine: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const model = await modelArgument(requireOption(values['model'] as string, 'model', variantsUsage));
    const out = requireOption(values['out'] as string, 'out', variantsUsage);
    const engine = choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES);
    const predict = predictorOf(model, engine);
    const reverseComplement = values['reverse-complement'] as boolean;
    const dataDir = values['data-dir'] as string | undefined;
    if (values['dream-snv']) {
      const split = choiceOption(values['split'] as string | undefined, 'split', ['public', 'private', 'all'] as const, 'all');
      const limit = values['limit'] === undefined ? Infinity : numberOption(values['limit'] as string, 'limit', 0, { integer: true, min: 3 });
      const result = await dreamSnvEffects(predict, readDream2022('test', { dataDir }), readDream2022Pairs({ dataDir }), { split, limit, encoding: model.encoding, reverseComplement });
      await writeNewTsv(result.table, out);
      console.log(`DREAM2022 SNV pairs (${split}): n ${result.n}, Pearson r ${result.r.toFixed(4)}, Spearman ρ ${result.rho.toFixed(4)} of predicted vs measured alt − ref; wrote ${out}`);
      return 0;
    }
    const file = requireOption(values['variants'] as string, 'variants', variantsUsage);
    const data = requireOption(values['data'] as string, 'data', variantsUsage);
    const { ids, sequences } = await sequencesArgument(data, undefined, dataDir);
    let variants = readVariants(file);
    if (values['limit'] !== undefined) variants = variants.slice(0, numberOption(values['limit'] as string, 'limit', 0, { integer: true, min: 1 }));
    const side = choiceOption(values['side'] as string | undefined, 'side', ['left', 'right'] as const, 'right');
    const table = await variantEffects(predict, variants, new Map(ids.map((id, i) => [id, sequences[i]!])), {
      encoding: model.encoding, reverseComplement, side, ...(values['window'] !== undefined ? { window: parseRegion(values['window'] as string, 'window') } : {}),
    });
    await writeNewTsv(table, out);
    console.log(`wrote ${table.numRows()} variant effects to ${out}`);
    return 0;
  },
};

const designUsage =
  'cislab design --model DIR --method greedy|evolve [--target X] [--data FILE --limit N] [--iterations 20] [--population 1000] ' +
  '[--generations 10] [--seed 1] [--region 18-97] [--engine auto|onnx|tfjs] --out FILE.tsv [--designs FILE.tsv] [--data-dir DIR]';

export const designCommand: Command = {
  name: 'design',
  usage: designUsage,
  summary: 'design promoters toward --target (or maximal expression) in the variable region: greedy single-base steps from the --data sequences, or Vaishnav et al.\'s genetic algorithm; writes the trajectory (and with evolve the best designs to --designs)',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'design', usage: designUsage }, argv, {
      model: { type: 'string' }, method: { type: 'string' }, target: { type: 'string' }, data: { type: 'string' }, limit: { type: 'string' },
      iterations: { type: 'string' }, population: { type: 'string' }, generations: { type: 'string' }, seed: { type: 'string' },
      region: { type: 'string' }, engine: { type: 'string' }, out: { type: 'string' }, designs: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const model = await modelArgument(requireOption(values['model'] as string, 'model', designUsage));
    const out = requireOption(values['out'] as string, 'out', designUsage);
    const method = choiceOption(values['method'] as string | undefined, 'method', ['greedy', 'evolve'] as const, 'greedy');
    const predict = predictorOf(model, choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES));
    const common = {
      encoding: model.encoding,
      ...(values['target'] !== undefined ? { target: numberOption(values['target'] as string, 'target', 0) } : {}),
      ...(values['region'] !== undefined ? { region: parseRegion(values['region'] as string) } : {}),
    };
    if (method === 'greedy') {
      if (values['data'] === undefined) throw new OptionError(`--method greedy starts from the --data sequences (cislab design --help)`, { option: 'data' });
      const { ids, sequences } = await sequencesArgument(values['data'] as string, (values['limit'] as string | undefined) ?? '1', values['data-dir'] as string | undefined);
      const path = await greedyDesign(predict, sequences, { ...common, ids, maxIterations: numberOption(values['iterations'] as string, 'iterations', 20, { integer: true, min: 0 }) });
      await writeNewTsv(path, out);
      console.log(`greedy design of ${sequences.length} sequence(s): wrote ${path.numRows()} steps to ${out}`);
      return 0;
    }
    const result = await evolveDesign(predict, {
      ...common,
      population: numberOption(values['population'] as string, 'population', 1000, { integer: true, min: 2 }),
      generations: numberOption(values['generations'] as string, 'generations', 10, { integer: true, min: 0 }),
      seed: numberOption(values['seed'] as string, 'seed', 1, { integer: true }),
    });
    await writeNewTsv(result.trajectory, out);
    if (values['designs']) await writeNewTsv(result.designs, values['designs'] as string);
    const best = result.trajectory.array('best') as number[];
    console.log(`evolved ${best.length - 1} generations: best prediction ${best[0]!.toFixed(3)} → ${best.at(-1)!.toFixed(3)}; wrote ${out}${values['designs'] ? ` and ${values['designs']}` : ''}`);
    return 0;
  },
};
