/**
 * Variant tables, VCF-like: which sequence, where (1-based), the reference allele and the alternative.
 * Read from a TSV with a header naming `id`, `position`, `ref`, `alt` (an optional `variant` names each
 * row), or from a VCF whose CHROM column holds the sequence id (POS, ID, REF, ALT as usual; several ALT
 * alleles become several rows; symbolic alleles such as <DEL> are refused). Alleles are A/C/G/T/N strings;
 * an indel is written as in VCF with its anchor base (REF `A`, ALT `AT` inserts a T after the A).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError } from '../errors';
import { readTextFile, splitLines } from '../io/text-file';

export interface Variant {
  /** Sequence id the variant applies to. */
  id: string;
  /** 1-based position of the first reference base. */
  position: number;
  ref: string;
  alt: string;
  /** Name of the variant (default `<id>:<position><ref>><alt>`). */
  variant?: string;
}

const ALLELE = /^[ACGTN]+$/;

/**
 * Reads a variant TSV or VCF (detected by a `##fileformat=VCF` or `#CHROM` line); every bad line is an InputError.
 * @example
 * const variants = readVariants('snvs.vcf'); // variant, id, position, ref, alt
 */
export function readVariants(path: string): ColumnTable {
  return parseVariants(readTextFile(path), path);
}

export function parseVariants(text: string, source: string): ColumnTable {
  const lines = splitLines(text);
  const isVcf = lines.some((l) => l.startsWith('##fileformat=VCF') || l.startsWith('#CHROM'));
  const rows: Variant[] = [];
  const allele = (value: string | undefined, line: number, field: string) => {
    const a = (value ?? '').trim().toUpperCase();
    if (!ALLELE.test(a)) throw new InputError(`expected an allele of A, C, G, T or N, found '${value ?? ''}'`, { file: source, line, field });
    return a;
  };
  const position = (value: string | undefined, line: number, field: string) => {
    const p = Number(value);
    if (!Number.isInteger(p) || p < 1) throw new InputError(`expected a 1-based position, found '${value ?? ''}'`, { file: source, line, field });
    return p;
  };
  if (isVcf) {
    lines.forEach((l, i) => {
      if (!l.trim() || l.startsWith('#')) return;
      const f = l.split('\t');
      if (f.length < 5) throw new InputError(`expected at least 5 tab-separated VCF fields (CHROM POS ID REF ALT), found ${f.length}`, { file: source, line: i + 1 });
      const ref = allele(f[3], i + 1, 'REF');
      for (const alt of f[4]!.split(',')) {
        rows.push({ id: f[0]!, position: position(f[1], i + 1, 'POS'), ref, alt: allele(alt, i + 1, 'ALT'), ...(f[2] && f[2] !== '.' ? { variant: f[2] } : {}) });
      }
    });
  } else {
    const first = lines.findIndex((l) => l.trim() !== '');
    if (first < 0) throw new InputError('no header line', { file: source });
    const header = lines[first]!.split('\t').map((h) => h.trim());
    const at = (name: string) => {
      const k = header.indexOf(name);
      if (k < 0) throw new InputError(`missing column '${name}' (expected id, position, ref, alt)`, { file: source, line: first + 1 });
      return k;
    };
    const [idAt, posAt, refAt, altAt] = ['id', 'position', 'ref', 'alt'].map(at) as [number, number, number, number];
    const nameAt = header.indexOf('variant');
    for (let i = first + 1; i < lines.length; i++) {
      if (!lines[i]!.trim()) continue;
      const f = lines[i]!.split('\t');
      if (f.length !== header.length) throw new InputError(`expected ${header.length} fields, found ${f.length}`, { file: source, line: i + 1 });
      if (!f[idAt]!.trim()) throw new InputError('empty sequence id', { file: source, line: i + 1, field: 'id' });
      rows.push({
        id: f[idAt]!.trim(), position: position(f[posAt], i + 1, 'position'), ref: allele(f[refAt], i + 1, 'ref'), alt: allele(f[altAt], i + 1, 'alt'),
        ...(nameAt >= 0 && f[nameAt]!.trim() ? { variant: f[nameAt]!.trim() } : {}),
      });
    }
  }
  return variantTable(rows);
}

/** Variants as a table with columns `variant`, `id`, `position`, `ref`, `alt` (names filled in). */
export function variantTable(variants: readonly Variant[]): ColumnTable {
  return aq.table({
    variant: variants.map((v) => v.variant ?? `${v.id}:${v.position}${v.ref}>${v.alt}`),
    id: variants.map((v) => v.id),
    position: Int32Array.from(variants, (v) => v.position),
    ref: variants.map((v) => v.ref),
    alt: variants.map((v) => v.alt),
  });
}
