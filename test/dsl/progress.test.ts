// Progress of the DSL's long calls: in a notebook each call publishes one display and updates it in place; it is
// closed on every path (a failure shows where it stopped); `progress: false` publishes nothing; a caller's own
// `onProgress` is still called; under vitest (no kernel) nothing is printed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { promoters } from '../../src/dsl/promoters';
import { deeprage } from '../../src/dsl/deeprage-stage';
import { seq2exp } from '../../src/dsl/seq2exp-stage';
import { jaspar } from '../../src/motifs/database';
import { progressMode } from '../../src/notebook/progress';
import type { ProgressEvent } from '../../src/kernels/tensor/loop';
import { fakeKernel, progressDisplays } from '../helpers/fake-kernel';

// 110-nt simulated promoters through a one-layer CNN: each call takes well under a second.
const tiny = { name: 'tiny', encoding: 'onehot' as const, inputLength: 110, convs: [
  { channels: 4, kernel: 6, padding: 'same' as const, dropout: 0, pool: { kernel: 110, stride: 110 } },
], dense: [4] };
const data = promoters.simulate({ n: 40, seed: 3 });
const untrained = data.model(tiny, { seed: 1, untrained: true });
const region = { start: 18, end: 27 };

/** One display, opened once and then only updated, whose last state is `last`. */
function expectOneDisplay(shown: ReturnType<typeof progressDisplays>, label: string): string {
  expect(shown.length).toBeGreaterThan(1);
  expect(new Set(shown.map((d) => d.id)).size).toBe(1);
  expect(shown.map((d) => d.update)).toEqual([false, ...shown.slice(1).map(() => true)]);
  for (const d of shown) expect(d.text.startsWith(`${label} `)).toBe(true);
  return shown.at(-1)!.text;
}

describe('in a notebook', () => {
  const published = fakeKernel();
  afterEach(() => vi.restoreAllMocks());

  it('is notebook mode, and training shows steps, epoch and validation, ending full', async () => {
    expect(progressMode()).toBe('notebook');
    await data.model(tiny, { seed: 1 }).fit({ epochs: 2, batchSize: 16, patience: Infinity });
    const last = expectOneDisplay(progressDisplays(published), 'training tiny');
    expect(last).toContain('100%');
    expect(last).toMatch(/epoch 2\/2 · loss [\d.]+ · val loss [\d.e+-]+ · val r -?[\d.]+/);
  });

  it('DeepRAGE and Seq2Exp training show the same display', async () => {
    // Simulated promoters instead of the yeast ones of the data folder: the test needs no data.
    const genes = (await promoters.simulate({ n: 40, seed: 8 })).select('id', 'sequence');
    await deeprage.simulate({ promoters: genes, genes: 40, conditions: 6, regulators: 3, decoys: 1, seed: 1 }).fit({ epochs: 1 }).run();
    expect(expectOneDisplay(progressDisplays(published), 'training DeepRAGE')).toMatch(/100% .* epoch 1\/1 · loss /);
    published.length = 0;
    await seq2exp.simulate({ n: 24, length: 200, seed: 1 }).fit({ epochs: 1, batchSize: 8 }).run();
    expect(expectOneDisplay(progressDisplays(published), 'training Seq2Exp')).toMatch(/100% .* epoch 1\/1 · loss /);
  });

  it('predict, evaluate, ISM, attributions, scans and pairwise each show one display', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['predicting 40 sequences', () => untrained.predict({ reverseComplement: true })],
      ['predicting 40 sequences', () => untrained.evaluate()],
      ['ISM 3 sequences', () => data.head(3).model(tiny, { seed: 1, untrained: true }).ism({ region }).run()],
      ['integrated-gradients attributions, 2 sequences', () => data.head(2).model(tiny, { seed: 1, untrained: true }).attribute({ method: 'integrated-gradients', steps: 4, region }).run()],
      ['scanning 40 sequences for 2 motifs', () => data.motifs(jaspar('fungi', { ids: ['UME6', 'REB1'] }))],
      ['pairwise influence, 1 sequence', () => data.head(1).model(tiny, { seed: 1, untrained: true }).pairwise({ region: { start: 18, end: 21 } })],
    ];
    for (const [label, call] of calls) {
      published.length = 0;
      await call();
      expect(expectOneDisplay(progressDisplays(published), label)).toContain('100%');
    }
  });

  it('the in-silico experiments, variant effects, design and Grad-CAM each show one display', async () => {
    const stage = data.head(4).model(tiny, { seed: 1, untrained: true });
    const [reb1, ume6] = [{ name: 'REB1', sequence: 'TTACCCGG' }, { name: 'UME6', sequence: 'TAGCCGCCGA' }];
    const first = await data.head(1);
    const sequence = first.get('sequence', 0) as string;
    const variants = [{ id: first.get('id', 0) as string, position: 30, ref: sequence[29]!, alt: sequence[29] === 'A' ? 'C' : 'A' }];
    const calls: [string, () => Promise<unknown>][] = [
      ['marginalize: 2 motifs × 4 sequences', () => stage.marginalize([reb1, ume6], { batchSize: 3 })],
      ['ablate 40–49 in 4 sequences', () => stage.ablate({ start: 40, end: 49, shuffles: 3 })],
      ['space REB1 and UME6 in 4 sequences', () => stage.space(reb1, ume6, { spacings: [0, 4], orientations: ['++'] })],
      ['spacing REB1 and UME6 in shuffles of 4 sequences', () => stage.spacing(reb1, ume6, { spacings: [0, 4] })],
      ['variant effects, 1 variant', () => data.model(tiny, { seed: 1, untrained: true }).variants(variants)],
      ['greedy design from 4 sequences', () => stage.design({ maxIterations: 1, region: { start: 40, end: 43 } })],
      ['evolving 20 designs over 2 generations', () => stage.design({ method: 'evolve', population: 20, generations: 2 })],
      ['Grad-CAM, 4 sequences', () => stage.gradCam({ batchSize: 2 })],
      ['retraining Seq2Exp on 3 selections', () => seq2exp.simulate({ n: 24, length: 200, seed: 1 }).retrain({ epochs: 1, batchSize: 8 })],
    ];
    for (const [label, call] of calls) {
      published.length = 0;
      await call();
      expect(expectOneDisplay(progressDisplays(published), label)).toContain('100%');
    }
  });

  it('progress: false publishes nothing; a caller\'s onProgress is called and replaces the display unless progress: true', async () => {
    await untrained.predict({ progress: false });
    await untrained.ism({ region, progress: false }).run();
    await data.model(tiny, { seed: 1 }).fit({ epochs: 1, batchSize: 20, progress: false });
    expect(progressDisplays(published)).toEqual([]);

    const seen: number[] = [];
    await untrained.predict({ onProgress: (done) => seen.push(done) });
    expect(seen.at(-1)).toBe(40);
    expect(progressDisplays(published)).toEqual([]);
    const events: ProgressEvent['type'][] = [];
    await data.model(tiny, { seed: 1 }).fit({ epochs: 1, batchSize: 20, progress: true, onProgress: (e) => events.push(e.type) });
    expect(events).toContain('epoch');
    expect(events.at(-1)).toBe('end');
    expect(expectOneDisplay(progressDisplays(published), 'training tiny')).toContain('100%');
  });

  it('closes the display where it stopped when the call fails', async () => {
    const failing = data.head(5).model(tiny, { seed: 1, untrained: true })
      .ism({ region, sequencesPerBatch: 2, progress: true, onProgress: (done) => { if (done >= 4) throw new Error('disk full'); } });
    await expect(failing.run()).rejects.toThrow('disk full');
    const last = expectOneDisplay(progressDisplays(published), 'ISM 5 sequences');
    expect(last).toContain('failed: disk full');
    expect(last).toContain('(4/5');
    expect(last).not.toContain('100%');
    expect(last).not.toContain('left'); // no time left is promised for a run that stopped
  });
});

describe('outside a notebook (vitest: silent)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints nothing', async () => {
    expect(progressMode()).toBe('silent');
    const stderr = vi.spyOn(process.stderr, 'write');
    const stdout = vi.spyOn(process.stdout, 'write');
    await untrained.predict();
    await data.head(2).model(tiny, { seed: 1, untrained: true }).ism({ region }).run();
    const written = [...stderr.mock.calls, ...stdout.mock.calls].map((c) => String(c[0]));
    expect(written.filter((w) => /predicting|ISM|█|░/.test(w))).toEqual([]);
  });
});
