import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ismScores, sequenceCodes, type BatchPredictor } from '../../src/interpret/ism';
import { ismDense } from '../../src/interpret/ism-dense';
import { IsmStore, IsmStoreWriter, ismStoreTable } from '../../src/interpret/ism-store';
import { encode, type Encoded } from '../../src/data/encode';
import { buildModel } from '../../src/kernels/camformer/model';
import { predict } from '../../src/kernels/camformer/predict';
import { simulatePromoters } from '../../src/simulate/promoters';
import { tempDir } from '../helpers/paths';

const python = '/usr/bin/python3';

/** ISM the way cislab computed it before the dense core: variant strings, encoded and predicted per chunk. */
async function stringIsm(predictor: BatchPredictor, sequences: string[], region: { start: number; end: number }, encoding: 'onehotWithP', perBatch: number) {
  const rows: { id: string; position: number; ref: string; alt: string; prediction: number; reference: number; effect: number }[] = [];
  for (let first = 0; first < sequences.length; first += perBatch) {
    const chunk = sequences.slice(first, first + perBatch);
    const variants: string[] = [];
    const meta: { s: number; position: number; ref: string; alt: string }[] = [];
    chunk.forEach((seq, k) => {
      variants.push(seq);
      for (let p = region.start; p <= region.end; p++) for (const alt of 'ACGT') if (alt !== seq[p - 1]) {
        variants.push(seq.slice(0, p - 1) + alt + seq.slice(p));
        meta.push({ s: first + k, position: p, ref: seq[p - 1]!, alt });
      }
    });
    const predicted = await predictor(encode(variants, encoding));
    let at = 0;
    let m = 0;
    for (const seq of chunk) {
      const reference = predicted[at++]!;
      const block = variants.length && [...seq.slice(region.start - 1, region.end)].reduce((n, b) => n + (b === 'N' ? 4 : 3), 0);
      for (let v = 0; v < block; v++, at++, m++) {
        const { s, position, ref, alt } = meta[m]!;
        rows.push({ id: `seq_${s + 1}`, position, ref, alt, prediction: predicted[at]!, reference, effect: predicted[at]! - reference });
      }
    }
  }
  return rows;
}

describe('dense ISM and its .npz store', () => {
  const dir = tempDir('cislab-ism-store-');
  const sequences = simulatePromoters({ n: 13, seed: 21 }).table.array('sequence') as string[];
  sequences[3] = sequences[3]!.slice(0, 30) + 'NN' + sequences[3]!.slice(32); // N references get four variants
  const region = { start: 18, end: 97 };
  const model = buildModel({ name: 'store-tiny', encoding: 'onehotWithP', inputLength: 110, convs: [{ channels: 6, kernel: 5, padding: 'same', dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [4] }, { seed: 4 });
  const predictor: BatchPredictor = (batch) => predict(model, batch, { engine: 'tfjs' });

  it('ismScores equals the string-built ISM exactly (same variants, same batches)', async () => {
    const expected = await stringIsm(predictor, sequences, region, 'onehotWithP', 5);
    const table = await ismScores(predictor, sequences, { region, encoding: 'onehotWithP', sequencesPerBatch: 5 });
    expect(table.objects()).toEqual(expected);
    expect(table.numRows()).toBe(13 * 240 + 2);
  });

  it('the store read back as a tidy table equals ismScores to 1e-6; Python opens it with numpy alone', async () => {
    const tidy = await ismScores(predictor, sequences, { region, encoding: 'onehotWithP', sequencesPerBatch: 5 });
    const file = join(dir, 'ism.npz');
    const writer = new IsmStoreWriter(file, { count: 13, region, meta: { model: 'store-tiny' } });
    for (let first = 0; first < 13; first += 5) {
      const chunk = sequences.slice(first, first + 5);
      writer.append(await ismDense(predictor, sequenceCodes(chunk), 110, { region, encoding: 'onehotWithP' }), chunk.map((_, k) => `seq_${first + k + 1}`));
    }
    writer.commit();
    const view = ismStoreTable(file);
    expect(view.numRows()).toBe(tidy.numRows());
    for (const name of ['id', 'position', 'ref', 'alt']) expect(view.array(name)).toEqual(tidy.array(name));
    for (const name of ['prediction', 'reference', 'effect']) {
      const a = view.array(name) as number[];
      const b = tidy.array(name) as number[];
      expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThan(1e-6);
    }
    const store = new IsmStore(file);
    expect([store.count, store.regionLength, store.meta['model']]).toEqual([13, 80, 'store-tiny']);
    expect(ismStoreTable(file, { from: 4, to: 6 }).objects()).toEqual(view.objects().slice(4 * 240 + 2, 6 * 240 + 2));
    store.close();

    if (!existsSync(python)) return;
    const out = execFileSync(python, ['-c', [
      'import json, sys, numpy as np',
      'z = np.load(sys.argv[1])',
      'e = z["effects"]; meta = json.loads(str(z["meta"]))',
      'print(json.dumps({"shape": list(e.shape), "dtype": str(e.dtype), "ids": [str(i) for i in z["ids"][:2]], "ref": z["ref"][3].decode()[10:16],',
      '  "meta": meta["format"], "e": float(e[0, 5, 2]), "r": float(z["reference"][0]), "zero": float(np.abs(e[0, 0, "ACGT".index(z["ref"][0].decode()[0])]))}))',
    ].join('\n'), file], { encoding: 'utf8' });
    const py = JSON.parse(out);
    const row = (view.objects() as { position: number; alt: string; effect: number; reference: number }[]).find((r) => r.position === 23 && r.alt === 'G');
    expect(py).toMatchObject({ shape: [13, 80, 4], dtype: 'float32', ids: ['seq_1', 'seq_2'], ref: sequences[3]!.slice(27, 33), meta: 'cislab-ism', zero: 0 });
    if (row) expect(py.e).toBeCloseTo(row.effect, 6);
    expect(py.r).toBeCloseTo(tidy.get('reference', 0) as number, 6);
  });

  it('writes ZIP64 fields that numpy reads, and refuses a short write', async () => {
    const file = join(dir, 'zip64.npz');
    const writer = new IsmStoreWriter(file, { count: 2, region: { start: 1, end: 3 }, forceZip64: true });
    const codes = sequenceCodes(['ACGTA', 'NNCGT']);
    writer.append(await ismDense(async (b: Encoded) => Float32Array.from({ length: b.shape[0] }, (_, i) => i), codes, 5, { region: { start: 1, end: 3 }, encoding: 'onehot' }), ['a', 'b']);
    writer.commit();
    // Predictions are the variant's index: sequence b's reference is variant 10, its first position (N) has variants 11–14.
    expect(Array.from(new IsmStore(file).effects(1, 2)).slice(0, 4)).toEqual([1, 2, 3, 4]);
    if (existsSync(python)) {
      const shape = execFileSync(python, ['-c', 'import numpy as np, sys; z = np.load(sys.argv[1]); print(z["effects"].shape, list(z["ids"]))', file], { encoding: 'utf8' }).trim();
      expect(shape).toBe("(2, 3, 4) ['a', 'b']");
    }
    const short = new IsmStoreWriter(join(dir, 'short.npz'), { count: 3, region: { start: 1, end: 3 } });
    expect(() => short.commit()).toThrow(/0 sequences written, 3 declared/);
    expect(existsSync(join(dir, 'short.npz'))).toBe(false);
    expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');
  });
});
