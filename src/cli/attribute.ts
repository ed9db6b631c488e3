/**
 * `cislab attribute`: gradient attributions of a saved model for every sequence of a file, streamed to a
 * TSV chunk by chunk (bounded memory; the file appears only when complete and never replaces one that
 * exists). Columns: id, position, base, attribution, prediction, baseline_prediction.
 */
import { ATTRIBUTION_METHODS, attributionBatches, type AttributionBatch } from '../interpret/attribute';
import { differentiable } from '../interpret/differentiable';
import { BASELINES } from '../interpret/references';
import { QUADRATURE_RULES } from '../stats/quadrature';
import { writeAtomically } from '../io/atomic-stream';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { parseRegion } from './common';
import { modelArgument, sequencesArgument } from './interpret-common';

const usage =
  'cislab attribute --model DIR --data FILE --method saliency|input-gradient|integrated-gradients|deeplift-shap ' +
  '[--references 20] [--steps 50] [--integration gauss-legendre] [--baseline zeros|uniform] [--region 18-97] [--hypothetical] ' +
  '[--seed 1] [--batch-size N (default: what fits 1 GiB, ≤ 64)] [--limit N] --out FILE.tsv [--data-dir DIR]';

export const attributeCommand: Command = {
  name: 'attribute',
  usage,
  summary: 'per-base attributions (saliency, input × gradient, integrated gradients, DeepLIFT/SHAP with dinucleotide-shuffled references); one row per sequence × position (× base with --hypothetical), with prediction and baseline_prediction for the completeness check',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'attribute', usage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, method: { type: 'string' }, references: { type: 'string' }, steps: { type: 'string' },
      integration: { type: 'string' }, baseline: { type: 'string' }, region: { type: 'string' }, hypothetical: { type: 'boolean', default: false },
      seed: { type: 'string' }, 'batch-size': { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' },
    });
    const dir = requireOption(values['model'] as string, 'model', usage);
    const data = requireOption(values['data'] as string, 'data', usage);
    const out = requireOption(values['out'] as string, 'out', usage);
    const method = choiceOption(values['method'] as string | undefined, 'method', ATTRIBUTION_METHODS, 'deeplift-shap');
    const hypothetical = (values['hypothetical'] as boolean) || method === 'saliency';
    const options = {
      method,
      references: numberOption(values['references'] as string, 'references', 20, { integer: true, min: 1 }),
      steps: numberOption(values['steps'] as string, 'steps', 50, { integer: true, min: 1 }),
      integration: choiceOption(values['integration'] as string | undefined, 'integration', QUADRATURE_RULES, 'gauss-legendre'),
      baseline: choiceOption(values['baseline'] as string | undefined, 'baseline', BASELINES, 'zeros'),
      seed: numberOption(values['seed'] as string, 'seed', 1, { integer: true }),
      ...(values['batch-size'] !== undefined ? { batchSize: numberOption(values['batch-size'] as string, 'batch-size', 64, { integer: true, min: 1 }) } : {}),
      ...(values['region'] !== undefined ? { region: parseRegion(values['region'] as string) } : {}),
    };
    const model = await modelArgument(dir);
    const { ids, sequences } = await sequencesArgument(data, values['limit'] as string | undefined, values['data-dir'] as string | undefined);
    const started = performance.now();
    let rows = 0;
    let worst = 0;
    await writeAtomically(out, async (writer) => {
      writer.write('id\tposition\tbase\tattribution\tprediction\tbaseline_prediction\n');
      const records = sequences.map((sequence, i) => ({ id: ids[i]!, sequence }));
      for await (const batch of attributionBatches(differentiable(model), records, { ...options, onProgress: (done) => process.stderr.write(`\rattribute ${done}/${sequences.length}`) })) {
        rows += writeBatch(writer, batch, hypothetical);
        for (let q = 0; q < batch.ids.length; q++) if (Number.isFinite(batch.convergence[q]!)) worst = Math.max(worst, batch.convergence[q]! / Math.max(Math.abs(batch.prediction[q]! - batch.baselinePrediction[q]!), 1e-12));
      }
    }, { replace: false });
    process.stderr.write('\n');
    const seconds = (performance.now() - started) / 1000;
    const check = method === 'deeplift-shap' || method === 'integrated-gradients' ? `; worst relative completeness gap ${worst.toExponential(2)}` : '';
    console.log(`wrote ${rows} rows (${sequences.length} sequences, ${method}) to ${out} in ${seconds.toFixed(1)} s (${(sequences.length / seconds).toFixed(1)} sequences/s)${check}`);
    return 0;
  },
};

function writeBatch(writer: { write(text: string): void }, b: AttributionBatch, hypothetical: boolean): number {
  const width = b.region.end - b.region.start + 1;
  let lines = '';
  let rows = 0;
  for (let s = 0; s < b.ids.length; s++) {
    const tail = `\t${b.prediction[s]}\t${b.baselinePrediction[s]}\n`;
    for (let p = 0; p < width; p++) {
      const position = b.region.start + p;
      if (hypothetical) {
        for (let k = 0; k < 4; k++, rows++) lines += `${b.ids[s]}\t${position}\t${'ACGT'[k]}\t${b.hypothetical[(s * width + p) * 4 + k]}${tail}`;
      } else {
        lines += `${b.ids[s]}\t${position}\t${b.sequences[s]![position - 1]!.toUpperCase()}\t${b.projected[s * width + p]}${tail}`;
        rows++;
      }
    }
  }
  writer.write(lines);
  return rows;
}
