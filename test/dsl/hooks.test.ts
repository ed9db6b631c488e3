// DSL pass-throughs: ISM contributions with the authors' sign and the entropy threshold, and `.model(file)` for a
// PyTorch checkpoint (resolved by resolvePredictor through importTorch), predicting as PyTorch does.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promoters } from '../../src/dsl/promoters';
import { PYTHON, runPython } from '../stats/python';
import { tempDir } from '../helpers/paths';

const HAS_TORCH = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

const tiny = { name: 'tiny', encoding: 'onehot' as const, inputLength: 110, convs: [
  { channels: 8, kernel: 8, padding: 'same' as const, dropout: 0, pool: { kernel: 110, stride: 110 } },
], dense: [4] };

describe('IsmStage options', () => {
  it('contributions({ sign }) flips the sign; entropy({ threshold }) keeps the sequences below it, the same for either sign', async () => {
    const ism = promoters.simulate({ n: 6, seed: 2 }).model(tiny, { seed: 3, untrained: true }).ism({ region: { start: 20, end: 40 } });
    const paper = (await ism.contributions()).table.array('contribution') as ArrayLike<number>;
    const authors = (await ism.contributions({ sign: 'authors-code' })).table.array('contribution') as ArrayLike<number>;
    expect(Array.from(authors)).toEqual(Array.from(paper, (v) => -v));
    const all = (await ism.entropy()).table;
    expect(all.numRows()).toBe(6);
    const entropies = (all.array('entropy') as number[]).slice().sort((a, b) => a - b);
    const cut = (entropies[2]! + entropies[3]!) / 2;
    const below = (await ism.entropy({ threshold: cut })).table;
    expect(below.numRows()).toBe(3);
    expect((below.array('entropy') as number[]).every((e) => e < cut)).toBe(true);
    expect((await ism.entropy({ sign: 'authors-code' })).table.array('entropy')).toEqual(all.array('entropy'));
    await expect(ism.contributions({ sign: 'other' as 'paper-text' })).rejects.toMatchObject({ option: 'sign' });
  });
});

// A PyTorch network of the tiny structure (nn.Sequential of Conv1d, BatchNorm1d, …: names nothing like cislab's),
// with random weights and running statistics, saved as a state dict, with its eval-mode predictions.
const FIXTURE = `
import json, sys, torch
from torch import nn
torch.manual_seed(1)
seqs = json.load(sys.stdin)
net = nn.Sequential(nn.ConstantPad1d((3, 4), 0.0), nn.Conv1d(4, 8, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.MaxPool1d(110, 110),
                    nn.Flatten(), nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 1))
with torch.no_grad():
    net[2].running_mean.uniform_(-0.5, 0.5); net[2].running_var.uniform_(0.5, 1.5)
    net[2].weight.uniform_(0.5, 1.5); net[2].bias.uniform_(-0.2, 0.2)
net.eval()
torch.save(net.state_dict(), sys.argv[1])
x = torch.tensor([[[1.0 if b == c else 0.0 for c in 'ACGT'] for b in s] for s in seqs]).transpose(1, 2)
print(json.dumps(net(x).flatten().tolist()))
`;

describe.skipIf(!HAS_TORCH)('.model(PyTorch file)', () => {
  it('imports the checkpoint through resolvePredictor and predicts what PyTorch predicts (1e-4)', async () => {
    const data = promoters.simulate({ n: 5, seed: 8 });
    const sequences = (await data.run()).table.array('sequence') as string[];
    const file = join(tempDir('cislab-dsl-torch-'), 'tiny.pt');
    const expected = JSON.parse(runPython(['-c', FIXTURE, file], JSON.stringify(sequences))) as number[];
    const got = (await data.model(file, { torch: { config: tiny } }).predict({ engine: 'tfjs' })).table.array('prediction') as Float32Array;
    expect(got.length).toBe(5);
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-4));
    // A file that is no checkpoint is refused with the file named.
    const junk = join(tempDir(), 'junk.pt');
    writeFileSync(junk, 'not a checkpoint');
    await expect(data.model(junk, { torch: { config: tiny } }).predict()).rejects.toThrow(/junk\.pt/);
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });
});
