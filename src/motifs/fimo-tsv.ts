/**
 * FIMO's tsv text from a scan table, with FIMO's number formats (`%g` for scores, `%.3g` for p- and
 * q-values), so output can be diffed against `fimo.tsv` line by line.
 */
import type * as aq from 'arquero';

type Table = ReturnType<typeof aq.table>;

export const FIMO_COLUMNS = ['motif_id', 'motif_alt_id', 'sequence_name', 'start', 'stop', 'strand', 'score', 'p-value', 'q-value', 'matched_sequence'] as const;

/** C's printf `%.{precision}g`: fixed or exponent notation by the exponent, trailing zeros removed. */
export function formatG(x: number, precision = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const [mantissa, exp] = x.toExponential(precision - 1).split('e') as [string, string];
  const exponent = Number(exp);
  const trim = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exponent < -4 || exponent >= precision) {
    const sign = exponent < 0 ? '-' : '+';
    return `${trim(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trim(x.toFixed(Math.max(0, precision - 1 - exponent)));
}

/**
 * The table as FIMO's tsv (header line plus one line per match).
 * @param table - A table from {@link scanFimo}.
 * @returns The text of a FIMO tsv file (numbers formatted as FIMO prints them).
 * @example
 * writeFileSync('fimo.tsv', toFimoTsv(scanFimo(motifs, sequences)));
 */
export function toFimoTsv(table: Table): string {
  const lines = [FIMO_COLUMNS.join('\t')];
  const has = new Set(table.columnNames());
  for (const row of table.objects() as Record<string, unknown>[]) {
    lines.push(FIMO_COLUMNS.map((c) => {
      if (!has.has(c)) return '';
      const v = row[c];
      if (c === 'score') return formatG(v as number, 6);
      if (c === 'p-value' || c === 'q-value') return Number.isNaN(v) ? '' : formatG(v as number, 3);
      return String(v);
    }).join('\t'));
  }
  return lines.join('\n') + '\n';
}
