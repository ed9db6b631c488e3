import { describe, expect, it } from 'vitest';
import { ismLogo, pwmLogo, pwmLetterHeights, titleText } from '../../src/viz';
import { stackLetters } from '../../src/viz/logo';
import { glyphPath } from '../../src/viz/glyphs';

describe('logo letters', () => {
  it('stacks positives upward (largest on top) and negatives downward', () => {
    const letters = stackLetters([[0.2, 0.5, -0.3, -0.1]], 5);
    const byBase = Object.fromEntries(letters.map((l) => [l.letter, l]));
    expect(byBase.A).toMatchObject({ position: 5, y0: 0, y1: 0.2 });
    expect(byBase.C.y0).toBeCloseTo(0.2);
    expect(byBase.C.y1).toBeCloseTo(0.7);
    expect(byBase.T).toMatchObject({ y0: -0.1, y1: 0 });
    expect(byBase.G.y0).toBeCloseTo(-0.4);
    expect(byBase.G.y1).toBeCloseTo(-0.1);
  });

  it('gives 2 bits to a fully conserved position and 0 to a uniform one', () => {
    const h = pwmLetterHeights([[1, 0, 0, 0], [1, 1, 1, 1]]);
    expect(h[0][0]).toBeCloseTo(2);
    expect(h[1].every((v) => Math.abs(v) < 1e-12)).toBe(true);
  });

  it('stretches glyph paths vertically only', () => {
    expect(glyphPath('T', 2, 1)).toContain('M-1,-2L1,-2');
  });

  it('accepts a long table and keeps positions', () => {
    const spec = ismLogo([{ position: 10, base: 'A', value: 1 }, { position: 11, base: 'G', value: -0.5 }]);
    const values = (spec.data as { values: { position: number; base: string }[] }).values;
    expect(values.map((v) => `${v.position}${v.base}`)).toEqual(['10A', '11G']);
  });

  it('rejects malformed PWM rows with the option name', () => {
    expect(() => pwmLogo([[1, 2, 3]])).toThrow(/option 'matrix'|option 'pwm'/);
  });
});

describe('pwmLogo of a cislab motif', () => {
  it('uses the counts and names the motif', async () => {
    const { makeMotif } = await import('../../src/motifs/motif');
    const m = makeMotif('MA0001.1', [[8, 0, 0, 0], [0, 4, 4, 0]], { altId: 'TEST', isCounts: true });
    const spec = pwmLogo(m);
    expect(titleText(spec)).toBe('TEST MA0001.1');
    const values = (spec.data as { values: { position: number; base: string; value: number }[] }).values;
    expect(values.find((v) => v.position === 1)!.value).toBeCloseTo(2);
  });
});
