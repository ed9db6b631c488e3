import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { tempDir } from '../helpers/paths';
import { captureConsole } from '../helpers/console';

describe('cislab main --quick (the README main job, small)', () => {
  const { out } = captureConsole();

  it('trains camformer-mini, scores the DREAM test rows and writes model, metrics and figure', async () => {
    const dir = join(tempDir(), 'main');
    expect(await runCli(['main', '--quick', '--out', dir, '--workers', '1'])).toBe(0);
    for (const file of ['model/config.json', 'predictions.tsv', 'metrics.tsv', 'metrics.json', 'figure.svg', 'figure.png', 'figure.vl.json']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.split).toBe('all');
    // The first 2,000 test rows hold no motif-tiling pair: that subset is not scored (and says so), and the
    // weighted scores are over the subsets that remain.
    expect(metrics.motif_tiling.n).toBe(0);
    expect(Number.isFinite(metrics.pearson_score)).toBe(true);
    expect(metrics.unscored.map((u: { subset: string }) => u.subset)).toContain('motif_tiling');
    expect(metrics.all.n).toBeGreaterThan(1000);
    expect(Number.isFinite(metrics.all.r)).toBe(true);
    expect(Number.isFinite(metrics.SNVs.rho)).toBe(true);
    expect(out.join('\n')).toMatch(/DREAM2022 evaluation \(all split\)/);
    expect(readFileSync(join(dir, 'predictions.tsv'), 'utf8').split('\n')[0]).toBe('id\tidx\texpression\tprediction');
  });
});
