// DeepRAGE as the paper has it: its design (256 ReLU filters, unpooled concat, LSTM), its training recipe
// (SGD 0.01 / Adam 1e-3, halving on validation accuracy, the Table 2 class balance), knock-out by zeroing a
// filter's weights (checked against literally zeroing them), the rank-sum / Fisher target tests, and the TSS
// promoters of the simulator.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { jaspar } from '../../../src/motifs';
import { simulateDeepRage, type DeepRageSimulation } from '../../../src/simulate/deeprage';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { createDeepRageModel, deepRagePaperDesign } from '../../../src/kernels/deeprage/model';
import { deepRageClass, predictDeepRage, trainDeepRage } from '../../../src/kernels/deeprage/train';
import { deepRageRecipe, PAPER_BASELINE_SHARE } from '../../../src/kernels/deeprage/recipe';
import { filterKnockouts, targetTests } from '../../../src/kernels/deeprage/knockout';
import { fisherExact } from '../../../src/stats/fisher-exact';

let sim: DeepRageSimulation;

beforeAll(async () => {
  await initBackend();
  sim = simulateDeepRage({ motifs: jaspar('fungi'), genes: 200, conditions: 10, promoterLength: 120, regulators: 2, decoys: 2, seed: 4 });
});

describe('the paper\'s design', () => {
  it('256 ReLU filters on the forward strand, one-layer ReLU TF net, unpooled concat, LSTM or GRU', () => {
    expect(deepRagePaperDesign('concat')).toEqual({ filters: 256, convActivation: 'relu', bothStrands: false, tfHidden: 0, tfActivation: 'relu', pool: 1 });
    const concat = createDeepRageModel({ ...deepRagePaperDesign('concat'), join: 'concat', sequenceLength: 120, regulators: 4 });
    const features = tf.tidy(() => concat.sequenceFeatures(tf.zeros([2, 120, 4])).shape);
    expect(features).toEqual([2, 120, 256]); // every position, no pooling
    for (const rnnCell of ['lstm', 'gru'] as const) {
      const rnn = createDeepRageModel({ ...deepRagePaperDesign('rnn'), join: 'rnn', rnnCell, sequenceLength: 120, regulators: 4 });
      expect(tf.tidy(() => rnn.forward(tf.zeros([2, 120, 4]), tf.zeros([3, 4])).shape)).toEqual([2, 3]);
      rnn.dispose();
    }
    expect(() => createDeepRageModel({ join: 'rnn', rnnCell: 'elman' as 'gru', sequenceLength: 120, regulators: 4 })).toThrow(/rnnCell/);
    concat.dispose();
  });

  it('the recipe: SGD 0.01 for concat / tensor, Adam 1e-3 for the RNN, patience 5 on validation accuracy, the Table 2 balance', () => {
    expect(deepRageRecipe('tensor', 'classification')).toMatchObject({ optimizer: 'sgd', learningRate: 0.01, momentum: 0, patience: 5, selectBy: 'accuracy', baselineShare: 0.6608 });
    expect(deepRageRecipe('rnn', 'classification')).toMatchObject({ optimizer: 'adam', learningRate: 1e-3, epsilon: 1e-8 });
    expect(deepRageRecipe('concat', 'regression')).toMatchObject({ selectBy: 'loss', pool: 1 });
    // Table 2's row sums: 17.74 % down, 66.08 % baseline, 16.19 % up.
    expect(PAPER_BASELINE_SHARE).toBeCloseTo((3.29 + 59.77 + 3.02) / 100, 4);
  });

  it('trains with the recipe: accuracy is the validation score, the rate starts at 0.01, two thirds of the training pairs are baseline', async () => {
    const trained = await trainDeepRage(sim, { recipe: 'paper', join: 'tensor', task: 'classification', split: 'gene', epochs: 2, filters: 32, seed: 3 });
    const history = trained.history.objects() as { score: number; valAccuracy: number; learningRate: number }[];
    expect(history).toHaveLength(2);
    for (const row of history) expect(row.score).toBe(row.valAccuracy);
    expect(history[0]!.learningRate).toBe(0.01);
    expect(trained.model.config).toMatchObject({ filters: 32, convActivation: 'relu', bothStrands: false, tfHidden: 0 });
    const train = Array.from(sim.expression).filter((_, i) => trained.split[i] === 0);
    const baseline = train.filter((y) => deepRageClass(trained.model, y) === 1).length / train.length;
    expect(baseline).toBeGreaterThan(0.64);
    expect(baseline).toBeLessThan(0.68);
    await expect(trainDeepRage(sim, { selectBy: 'accuracy', epochs: 1 })).rejects.toMatchObject({ option: 'selectBy' });
    trained.model.dispose();
  });
});

describe('knock-outs', () => {
  it('mode weights equals zeroing the filter\'s weights and predicting again; it differs from zeroing the output when the bias is not 0', async () => {
    // cislab's default design (linear activation, both strands): a zeroed filter outputs its bias on both strands.
    const trained = await trainDeepRage(sim, { filters: 8, join: 'tensor', split: 'gene', epochs: 2, seed: 5 });
    const { model } = trained;
    const biases = Array.from(model.filterBiasOutputs(), Math.abs);
    const filter = biases.indexOf(Math.max(...biases));
    const byWeights = Float64Array.from(filterKnockouts(model, sim, { filters: [filter], mode: 'weights' }).array('effect') as ArrayLike<number>);
    const byOutput = Float64Array.from(filterKnockouts(model, sim, { filters: [filter] }).array('effect') as ArrayLike<number>);
    // Literally: zero the filter's column of the conv kernel, predict, and compare with the intact model.
    const base = predictDeepRage(model, sim);
    const kernel = model.filterWeights();
    const mask = tf.tensor1d(Float32Array.from({ length: 8 }, (_, f) => (f === filter ? 0 : 1)));
    model.setFilterWeights(tf.mul(kernel, mask) as tf.Tensor3D);
    const knocked = predictDeepRage(model, sim);
    model.setFilterWeights(kernel);
    const C = sim.conditions.length;
    sim.genes.forEach((_, g) => {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.abs(base[g * C + c]! - knocked[g * C + c]!);
      expect(Math.abs(byWeights[g]! - sum / C)).toBeLessThan(1e-4);
    });
    expect(model.filterBiasOutputs()[filter]).not.toBe(0);
    expect(byOutput.some((v, g) => Math.abs(v - byWeights[g]!) > 1e-4)).toBe(true);
    expect(() => filterKnockouts(model, sim, { mode: 'bias' as 'output' })).toThrow(/unknown knock-out mode/);
    tf.dispose([mask]);
    model.dispose();
  });

  it('targetTests: the rank-sum p-value and the top-5 Fisher test (3 of the top 5 are targets) as the paper computes them', () => {
    // 100 genes, 10 targets; effects put targets at ranks 1, 3, 5 and 20–26.
    const labels = Array.from({ length: 100 }, (_, g) => [0, 2, 4, 19, 20, 21, 22, 23, 24, 25].includes(g));
    const effects = Array.from({ length: 100 }, (_, g) => 100 - g);
    const { rankSumP, topTargets, fisherP } = targetTests(effects, labels, 5);
    expect(topTargets).toBe(3);
    expect(fisherP).toBeCloseTo(fisherExact(3, 2, 7, 88, 'greater').pValue, 12);
    // Hypergeometric P(X ≥ 3) with 10 targets among 100 and 5 drawn.
    const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);
    const tail = [3, 4, 5].reduce((p, x) => p + (choose(10, x) * choose(90, 5 - x)) / choose(100, 5), 0);
    expect(fisherP).toBeCloseTo(tail, 10);
    expect(rankSumP).toBeLessThan(1e-4);
    expect(targetTests([1, 2, 3], [false, false, false]).rankSumP).toBeNaN();
  });
});

describe('simulated promoters', () => {
  it('are read upstream of the TSS by default (the paper), of the ATG on request', () => {
    const atg = simulateDeepRage({ motifs: jaspar('fungi'), genes: 200, conditions: 10, promoterLength: 120, regulators: 2, decoys: 2, seed: 4, anchor: 'atg' });
    expect(sim.sequences[0]!.length).toBe(120);
    const shared = sim.genes.filter((g) => atg.genes.includes(g));
    const differ = shared.filter((g) => sim.sequences[sim.genes.indexOf(g)] !== atg.sequences[atg.genes.indexOf(g)]);
    expect(differ.length).toBeGreaterThan(0);
    expect(() => simulateDeepRage({ motifs: jaspar('fungi'), anchor: 'cds' as 'tss' })).toThrow(/anchor/);
  });
});
