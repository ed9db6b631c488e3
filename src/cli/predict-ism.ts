/**
 * `cislab predict` and `cislab ism`, streamed: the data file is read block by block, each block encoded and
 * predicted (ISM: mutated and predicted) and its rows written at once to a temporary file, renamed over
 * `--out` at the end. Memory is one block whatever the number of rows; `--shard K/N` does the K-th contiguous
 * block of rows, for jobs spread over machines and joined with `cislab merge`.
 */
import { existsSync } from 'node:fs';
import { ModelError, OptionError } from '../errors';
import { previousBeside } from '../io/output-guard';
import { PRESETS } from '../kernels/camformer/config';
import { AtomicFileWriter } from '../io/atomic-stream';
import { blockCodes, type BlockFit, type RecordBlock } from '../data/read-stream';
import { codeRows } from '../data/store-rows';
import { encodeBatch } from '../data/rows';
import { currentBackend, initBackend } from '../kernels/tensor/backend';
import { INFERENCE_ENGINES, inferenceEngine, predict } from '../kernels/camformer/predict';
import { loadModel } from '../kernels/camformer/persistence';
import type { Model } from '../kernels/camformer/model';
import { ismDense } from '../interpret/ism-dense';
import { fastIsmDense, useFastIsm } from '../interpret/ism-fast';
import { appendTidyIsm, emptyIsmColumns, ISM_COLUMNS } from '../interpret/ism';
import { IsmStoreWriter } from '../interpret/ism-store';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { parseRegion } from './common';
import { openRecordSource } from './data-source';
import { guardOutput, progressReporter } from './outputs';
import { modelFingerprint, parseShard, partLine, shardRange, type PartInfo } from './shard';

const predictUsage = 'cislab predict --model DIR --data FILE --out FILE [--reverse-complement] [--engine auto|onnx|tfjs] [--workers N] [--shard K/N] [--force] [--data-dir DIR]';

export const predictCommand: Command = {
  name: 'predict',
  usage: predictUsage,
  summary: 'predict expression for every sequence of a file with a saved model, streamed (any number of rows); writes id (idx) and prediction as TSV; --shard K/N does the K-th of N contiguous blocks of rows (join with cislab merge)',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'predict', usage: predictUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' },
      'reverse-complement': { type: 'boolean', default: false }, workers: { type: 'string' }, 'data-dir': { type: 'string' },
      engine: { type: 'string' }, shard: { type: 'string' }, force: { type: 'boolean', default: false },
    });
    const dir = requireOption(values['model'] as string, 'model', predictUsage);
    const data = requireOption(values['data'] as string, 'data', predictUsage);
    const out = requireOption(values['out'] as string, 'out', predictUsage);
    const reverseComplement = values['reverse-complement'] as boolean;
    const workers = numberOption(values['workers'] as string, 'workers', 1, { integer: true, min: 1 });
    const engine = choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES);
    const shard = parseShard(values['shard'] as string | undefined);
    guardOutput(out, 'predict', { force: values['force'] as boolean, inputs: [data, dir] });
    await initBackend();
    const model = savedModel(dir);
    const source = await openRecordSource(data, values['data-dir'] as string);
    const { from, to } = shardRange(source.total, shard);
    const withIdx = source.columns.includes('idx');
    // Training-format files carry single-cell (integer) vs multi-cell values for the Int channel; the test set (idx) does not.
    const useExpression = !withIdx;
    const progress = progressReporter(`predict${shard ? ` shard ${shard.index}/${shard.count}` : ''}`, to - from);
    const fit = modelFit(model);

    const writer = new AtomicFileWriter(out);
    try {
      if (shard) writer.write(partLine(partInfo('predict', shard, from, to, source.total, { ...source.fingerprint, ...modelFingerprint(dir), reverseComplement })));
      writer.write(withIdx ? 'id\tidx\tprediction\n' : 'id\tprediction\n');
      let done = 0;
      for await (const block of source.blocks({ from, to, blockSize: 4096, columns: ['idx'] })) {
        const rows = codeRows(blockCodes(block, model.inputLength, source.label, `model '${model.config.name}'`, fit), model.inputLength, {
          encoding: model.encoding, expression: useExpression ? block.expression : undefined,
        });
        const predicted = await predict(model, encodeBatch(rows, rowIndices(block.count)), { reverseComplement, workers, engine });
        const idx = block.columns['idx'];
        for (let k = 0; k < block.count; k++) {
          if (!Number.isFinite(predicted[k]!)) {
            throw new ModelError(`the model predicted ${predicted[k]} for this row; a diverged or corrupt model (nothing was written)`, { file: source.label, line: block.lines[k]! });
          }
        }
        const lines: string[] = new Array(block.count);
        for (let k = 0; k < block.count; k++) lines[k] = `${block.ids![k]}${withIdx ? `\t${idx![k]}` : ''}\t${predicted[k]}`;
        writer.write(lines.join('\n') + '\n');
        done += block.count;
        progress.update(done);
      }
      writer.commit();
      progress.finish(done);
      reportFit(fit, model, 'predict');
      console.log(`wrote ${done} predictions to ${out}${shard ? ` (shard ${shard.index}/${shard.count}: rows ${from + 1}–${to} of ${source.total})` : ''}`);
    } catch (error) {
      writer.abort();
      throw error;
    }
    return 0;
  },
};

const ismUsage = 'cislab ism --model DIR --data FILE [--region 18-97] [--limit N] [--engine auto|onnx|tfjs] [--workers N] [--shard K/N] --out FILE.npz|FILE.tsv [--force] [--data-dir DIR]';

export const ismCommand: Command = {
  name: 'ism',
  usage: ismUsage,
  summary: 'in silico saturation mutagenesis, streamed: FILE.npz stores dense effects [sequence, position, A/C/G/T] (numpy.load opens it; ismStoreTable gives the tidy table), FILE.tsv one row per sequence × position × alternative base; --shard K/N as for predict',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'ism', usage: ismUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, region: { type: 'string' },
      limit: { type: 'string' }, 'data-dir': { type: 'string' }, engine: { type: 'string' }, workers: { type: 'string' }, shard: { type: 'string' },
      force: { type: 'boolean', default: false },
    });
    const dir = requireOption(values['model'] as string, 'model', ismUsage);
    const data = requireOption(values['data'] as string, 'data', ismUsage);
    const out = requireOption(values['out'] as string, 'out', ismUsage);
    const dense = /\.npz$/i.test(out);
    if (!dense && !/\.tsv$/i.test(out)) throw new OptionError(`--out must end in .npz (dense effects) or .tsv (one row per variant), got '${out}'`, { option: 'out' });
    const region = parseRegion(values['region'] as string) ?? DREAM_VARIABLE_REGION;
    const engine = choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES);
    const workers = numberOption(values['workers'] as string, 'workers', 1, { integer: true, min: 1 });
    const limit = values['limit'] === undefined ? Infinity : numberOption(values['limit'] as string, 'limit', 0, { integer: true, min: 1 });
    const shard = parseShard(values['shard'] as string | undefined);
    guardOutput(out, 'ism', { force: values['force'] as boolean, inputs: [data, dir] });
    await initBackend();
    const model = savedModel(dir);
    if (region.end > model.inputLength) throw new OptionError(`region ${region.start}–${region.end} ends beyond the model's ${model.inputLength} nt`, { option: 'region' });
    const source = await openRecordSource(data, values['data-dir'] as string);
    const total = Math.min(source.total, limit);
    const { from, to } = shardRange(total, shard);
    const fast = useFastIsm(model, engine);
    console.error(`cislab ism: ${fast ? 'fast exact ISM (windowed graph) on ONNX Runtime' : inferenceEngine(engine) === 'onnx' ? 'predicting with ONNX Runtime' : `predicting with tfjs (${currentBackend()})`}`);
    const fingerprint = { ...source.fingerprint, ...modelFingerprint(dir), region, limit: Number.isFinite(limit) ? limit : null };
    const part = shard ? partInfo('ism', shard, from, to, total, fingerprint) : undefined;
    const progress = progressReporter(`ism${shard ? ` shard ${shard.index}/${shard.count}` : ''}`, to - from);
    const started = performance.now();
    const sink = dense
      ? denseSink(out, to - from, region, { model: model.config.name, encoding: model.encoding, rows: { from, to, total }, fingerprint, ...(part ? { part } : {}) })
      : tsvSink(out, part);
    let done = 0;
    let variants = 0;
    const fit = modelFit(model);
    try {
      for await (const block of source.blocks({ from, to, blockSize: 32 })) {
        const codes = blockCodes(block, model.inputLength, source.label, `model '${model.config.name}'`, fit);
        const result = fast
          ? await fastIsmDense(model, codes, model.inputLength, { region })
          : await ismDense((batch) => predict(model, batch, { engine, workers }), codes, model.inputLength, { region, encoding: model.encoding });
        sink.append(result, block);
        done += block.count;
        variants += (result.predictions.length / 4) * 3 + countN(result.refCodes);
        progress.update(done);
      }
      sink.commit();
    } catch (error) {
      sink.abort();
      throw error;
    }
    progress.finish(done);
    reportFit(fit, model, 'ism');
    const seconds = (performance.now() - started) / 1000;
    console.log(`wrote ${variants} variants of ${done} sequences to ${out} in ${seconds.toFixed(1)} s (${Math.round(variants / seconds)} variants/s)`);
    return 0;
  },
};

interface IsmSink {
  append(result: Awaited<ReturnType<typeof ismDense>>, block: RecordBlock): void;
  commit(): void;
  abort(): void;
}

function denseSink(out: string, count: number, region: { start: number; end: number }, meta: Record<string, unknown>): IsmSink {
  const store = new IsmStoreWriter(out, { count, region, meta });
  return { append: (result, block) => store.append(result, block.ids!), commit: () => store.commit(), abort: () => store.abort() };
}

function tsvSink(out: string, part?: PartInfo): IsmSink {
  const writer = new AtomicFileWriter(out);
  if (part) writer.write(partLine(part));
  writer.write(ISM_COLUMNS.join('\t') + '\n');
  return {
    append(result, block) {
      const c = emptyIsmColumns();
      appendTidyIsm(c, result, block.ids!);
      const lines: string[] = new Array(c.id.length);
      for (let i = 0; i < c.id.length; i++) lines[i] = `${c.id[i]}\t${c.position[i]}\t${c.ref[i]}\t${c.alt[i]}\t${c.prediction[i]}\t${c.reference[i]}\t${c.effect[i]}`;
      writer.write(lines.join('\n') + '\n');
    },
    commit: () => writer.commit(),
    abort: () => writer.abort(),
  };
}

/**
 * The length rule a model was trained with (saved by `cislab train` in its preprocessing: 110 ± 3, padded with N
 * or truncated), applied to each row it predicts; undefined for a model saved without one (rows must fit exactly).
 */
function modelFit(model: Model): BlockFit | undefined {
  const { length, margin } = model.preprocessing as { length?: unknown; margin?: unknown };
  if (length !== model.inputLength || typeof margin !== 'number' || !Number.isInteger(margin) || margin < 0) return undefined;
  return { margin, padded: 0, truncated: 0 };
}

function reportFit(fit: BlockFit | undefined, model: Model, command: string): void {
  if (fit && (fit.padded || fit.truncated)) {
    console.error(`cislab ${command}: as in training, ${fit.padded} rows padded with N at the 3′ end and ${fit.truncated} truncated to ${model.inputLength} nt`);
  }
}

function countN(codes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] === 4) n++;
  return n;
}

function partInfo(command: PartInfo['command'], shard: { index: number; count: number }, from: number, to: number, total: number, fingerprint: Record<string, unknown>): PartInfo {
  return { command, shard: shard.index, shards: shard.count, from, to, total, fingerprint };
}

function rowIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** A model saved by `cislab train` (a directory with config.json and weights.bin). */
export function savedModel(dir: string): Model {
  if (!existsSync(dir) && !existsSync(previousBeside(dir))) {
    // A preset name builds an untrained model: predicting with random weights would be a silent wrong answer.
    if ((PRESETS as readonly string[]).includes(dir)) {
      throw new OptionError(`'${dir}' is a preset (an untrained architecture), not a trained model; train one first: cislab train --model ${dir} --data FILE --out DIR, then --model DIR`, { option: 'model' });
    }
    throw new OptionError(`no saved model at '${dir}' (expected a directory written by cislab train, with config.json and weights.bin)`, { option: 'model' });
  }
  return loadModel(dir);
}
