import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main';
import { presetTable } from '../../src/kernels/camformer/presets';
import { OptionError } from '../../src/errors';
import { captureConsole } from '../helpers/console';

describe('presetTable and cislab models', () => {
  const { out } = captureConsole();

  it('lists every preset with its own encoding, the score boards\' parameter counts and where its structure comes from', () => {
    const rows = presetTable();
    expect(rows.map((r) => [r.name, r.encoding, r.parameters, r.structure])).toEqual([
      ['camformer', 'onehot', 16_611_073, 'published'],
      ['camformer-small', 'onehotWithP', 3_402_881, 'reconstruction'],
      ['camformer-mini', 'onehotWithP', 1_446_721, 'published'],
    ]);
    // Figure_S4 score boards: onehot 16.611073M / 3.401601M / 1.444801M; onehotWithBoth 16.621313M / 3.404161M / 1.448641M.
    expect(presetTable({ encoding: 'onehot' }).map((r) => r.parameters)).toEqual([16_611_073, 3_401_601, 1_444_801]);
    expect(presetTable({ encoding: 'onehotWithBoth' }).map((r) => r.parameters)).toEqual([16_621_313, 3_404_161, 1_448_641]);
    expect(() => presetTable({ encoding: 'onehotish' as never })).toThrow(OptionError);
  });

  it('prints the table, or JSON with --json', async () => {
    expect(await runCli(['models'])).toBe(0);
    expect(out.join('\n')).toMatch(/camformer-small\s+3,402,881\s+onehotWithP\s+5\s+reconstruction/);
    out.length = 0;
    expect(await runCli(['models', '--encoding', 'onehot', '--json'])).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { name: string; parameters: number; defaultEncoding: boolean }[];
    expect(rows.find((r) => r.name === 'camformer-small')).toMatchObject({ parameters: 3_401_601, defaultEncoding: false });
    expect(await runCli(['models', '--encoding', 'bad'])).toBe(2);
  });
});
