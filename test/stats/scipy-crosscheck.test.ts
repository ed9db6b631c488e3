/**
 * Randomised cross-check of every hypothesis test against scipy (bench/reference/stats_tests.py): many
 * seeded data sets of different sizes, with and without ties and zero differences, all three alternatives.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import {
  createRandom,
  fisherExact,
  pairedTTest,
  studentTTest,
  welchTTest,
  wilcoxonRankSum,
  wilcoxonSignedRank,
  type Alternative,
} from '../../src/stats';
import { HAS_SCIPY, runPython } from './python';

const SCRIPT = resolve(__dirname, '..', '..', 'bench', 'reference', 'stats_tests.py');
const ALTERNATIVES: Alternative[] = ['two-sided', 'less', 'greater'];

interface Case {
  test: string;
  x?: number[];
  y?: number[];
  table?: number[];
  alternative: Alternative;
  exact?: boolean;
  ours: { statistic: number; pValue: number };
}

function buildCases(): Case[] {
  const rng = createRandom('scipy-crosscheck');
  const cases: Case[] = [];
  for (let k = 0; k < 36; k++) {
    const alternative = ALTERNATIVES[k % 3]!;
    const nx = 3 + rng.int(k < 18 ? 20 : 80);
    const ny = 3 + rng.int(k < 18 ? 20 : 80);
    const tied = k % 4 === 1;
    const draw = (shift: number) => (tied ? Math.round(rng.normal(shift, 1.5)) : Math.round(rng.normal(shift, 1) * 1e6) / 1e6);
    const x = Array.from({ length: nx }, () => draw(0.4));
    const y = Array.from({ length: ny }, () => draw(0));
    const rs = wilcoxonRankSum(x, y, { alternative });
    cases.push({ test: 'rankSum', x, y, alternative, exact: rs.exact, ours: rs });
    const yp = x.map((v) => (tied ? Math.round(v + rng.normal(-0.3, 1.5)) : v - 0.3 + Math.round(rng.normal() * 1e6) / 1e6));
    const sr = wilcoxonSignedRank(x, yp, { alternative });
    cases.push({ test: 'signedRank', x, y: yp, alternative, exact: sr.exact, ours: sr });
    cases.push({ test: 'student', x, y, alternative, ours: studentTTest(x, y, { alternative }) });
    cases.push({ test: 'welch', x, y, alternative, ours: welchTTest(x, y, { alternative }) });
    cases.push({ test: 'paired', x, y: yp, alternative, ours: pairedTTest(x, yp, { alternative }) });
    const table = [rng.int(30), rng.int(30), rng.int(30), rng.int(k < 18 ? 30 : 3000)];
    cases.push({ test: 'fisher', table, alternative, ours: fisherExact(table[0]!, table[1]!, table[2]!, table[3]!, alternative) });
  }
  return cases;
}

describe.skipIf(!HAS_SCIPY)('hypothesis tests agree with scipy on random data', () => {
  it('statistics and p-values of 216 cases', () => {
    const cases = buildCases();
    const ref = JSON.parse(runPython([SCRIPT], JSON.stringify(cases.map(({ ours: _ours, ...c }) => c)))) as Array<{ statistic: number; pvalue: number }>;
    expect(ref.length).toBe(cases.length);
    const kinds = { exactRankSum: 0, approxRankSum: 0, exactSignedRank: 0, approxSignedRank: 0 };
    cases.forEach((c, i) => {
      const label = `${c.test} #${i} (${c.alternative}${c.exact === undefined ? '' : c.exact ? ', exact' : ', approx'})`;
      if (c.test === 'rankSum') kinds[c.exact ? 'exactRankSum' : 'approxRankSum']++;
      if (c.test === 'signedRank') kinds[c.exact ? 'exactSignedRank' : 'approxSignedRank']++;
      expect(c.ours.statistic, label).toBeCloseTo(ref[i]!.statistic, 9);
      const p = ref[i]!.pvalue;
      expect(Math.abs(c.ours.pValue - p), label).toBeLessThanOrEqual(1e-9 * Math.max(p, 1e-300) + 1e-15);
    });
    console.log(`scipy cross-check: ${cases.length} cases, branches ${JSON.stringify(kinds)}, smallest p ${Math.min(...ref.map((r) => r.pvalue)).toExponential(2)}`);
    // The random sizes must exercise both branches of both rank tests.
    Object.values(kinds).forEach((count) => expect(count).toBeGreaterThan(2));
  });
});
