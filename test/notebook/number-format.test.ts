// One number formatter for tables: significant digits, e-notation only for p/q-values, — and n/a, plurals.
import { describe, expect, it } from 'vitest';
import { columnFormatter, formatNumber, isPValueColumn, plural } from '../../src/notebook/number-format';
import { tableHtml, tableText } from '../../src/notebook/table-html';

describe('formatNumber', () => {
  it('writes decimals, never e-notation, outside p/q-values', () => {
    expect(formatNumber(0.000003679)).toBe('0.000003679');
    expect(formatNumber(3.016e-7)).toBe('0.0000003016');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3'); // no 16-digit floats
    expect(formatNumber(-0.012345)).toBe('-0.01235');
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(12345678.9)).toBe('12345679');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0.61234, { digits: 3 })).toBe('0.612');
  });

  it('writes small p/q-values in e-notation with 3 significant digits, others as decimals', () => {
    expect(formatNumber(3.016e-7, { pValue: true })).toBe('3.02e-7');
    expect(formatNumber(0.000003679, { pValue: true })).toBe('3.68e-6');
    expect(formatNumber(1e-300, { pValue: true })).toBe('1e-300');
    expect(formatNumber(0.04123, { pValue: true })).toBe('0.0412');
    expect(formatNumber(0.5, { pValue: true })).toBe('0.5');
    expect(formatNumber(1, { pValue: true })).toBe('1');
    expect(formatNumber(0, { pValue: true })).toBe('0');
  });

  it('marks missing values — and NaN n/a', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(NaN)).toBe('n/a');
    expect(formatNumber(Infinity)).toBe('∞');
  });

  it('recognises p- and q-value columns by name', () => {
    for (const n of ['p', 'q', 'p_value', 'pvalue', 'q_top', 'fdr', 'padj', 'p_adj', 'adj_p', 'wilcoxon_p', 'q_bottom', 'qval']) expect(isPValueColumn(n), n).toBe(true);
    for (const n of ['pearson', 'position', 'expression', 'rho', 'step']) expect(isPValueColumn(n), n).toBe(false);
    expect(columnFormatter('p_value')(2e-9)).toBe('2e-9');
    expect(columnFormatter('score')(2e-9)).toBe('0.000000002');
    expect(columnFormatter('name')('text')).toBeUndefined();
  });

  it('says 1 row, 2 rows', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(plural(2, 'column')).toBe('2 columns');
  });
});

describe('table views', () => {
  const rows = [{ name: 'a', r: 0.1 + 0.2, p_value: 3.016e-7, detail: 'x'.repeat(100) }, { name: 'b', r: NaN, p_value: null, detail: 'short' }];

  it('formats every number through the one formatter and explains — and n/a', () => {
    const text = tableText(rows);
    expect(text.split('\n')[0]).toBe('2 rows × 4 columns · — missing; n/a not a number (undefined result, e.g. a correlation of a constant)');
    expect(text).toContain('0.3 ');
    expect(text).toContain('3.02e-7');
    expect(text).not.toMatch(/NaN|0\.30000/);
    expect(tableText([{ a: 1 }]).split('\n')[0]).toBe('1 row × 1 column');
    // Long text is cut in the text view, a path never (the notebook runner masks whole paths).
    const path = '/a/much/longer/path/to/the/reference/data/dream2022/native_complex.tsv.gz';
    expect(tableText([{ file: path, detail: 'y'.repeat(80) }])).toContain(path);
    expect(tableText([{ file: path, detail: 'y'.repeat(80) }])).toContain('y'.repeat(59) + '…');
  });

  it('styles HTML with a <style> block, classes and align attributes (no inline style maps), full text in cells', () => {
    const html = tableHtml(rows);
    expect(html).toMatch(/^<style>[^<]*\.cislab-table \.num \{ text-align: right;/);
    expect(html).not.toMatch(/ style="/);
    expect(html).toContain('<td class="num" align="right">0.3</td>');
    expect(html).toContain('<td class="num na" align="right">n/a</td>');
    expect(html).toContain('<td class="num na" align="right">—</td>');
    expect(html).toContain('x'.repeat(100)); // wraps in the page instead of being cut
    expect(html).toContain('<caption align="top">2 rows × 4 columns');
  });
});
