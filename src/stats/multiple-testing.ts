/**
 * Multiple-testing corrections with R's `p.adjust` semantics: adjusted values keep the input order, are
 * capped at 1, and NaN entries (tests that could not be made) stay NaN and do not count towards the number
 * of tests.
 */
import { OptionError } from '../errors';
import type { Numbers } from './input';

function checkPValues(pValues: Numbers): void {
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i]!;
    if (!Number.isNaN(p) && !(p >= 0 && p <= 1)) {
      throw new OptionError(`p-value at index ${i} is ${p}; expected a value in [0, 1] (or NaN)`, { option: 'pValues' });
    }
  }
}

/** Indices of the non-NaN p-values, sorted by p-value ascending (stable). */
function sortedFinite(pValues: Numbers): Uint32Array {
  const idx: number[] = [];
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i]!)) idx.push(i);
  const order = Uint32Array.from(idx);
  order.sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  return order;
}

/**
 * Benjamini–Hochberg (1995) q-values: q_(i) = min over j ≥ i of m·p_(j)/j, capped at 1, where m is the
 * number of (non-NaN) tests. The running minimum from the largest p-value down makes q monotone in p.
 * @param pValues - p-values; NaN entries stay NaN and are not counted as tests.
 * @returns q-values in input order.
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.2]); // [0.04, 0.0533…, 0.0533…, 0.2]
 */
export function benjaminiHochberg(pValues: Numbers): Float64Array {
  checkPValues(pValues);
  const out = new Float64Array(pValues.length).fill(NaN);
  const order = sortedFinite(pValues);
  const m = order.length;
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k]!;
    const q = (m / (k + 1)) * pValues[i]!;
    if (q < running) running = q;
    out[i] = running;
  }
  return out;
}

/**
 * Bonferroni: min(1, m·p), m = number of non-NaN tests.
 * @param pValues - p-values; NaN entries stay NaN and are not counted as tests.
 * @returns Adjusted p-values in input order.
 * @example
 * bonferroni([0.01, 0.04, 0.3]); // [0.03, 0.12, 0.9]
 */
export function bonferroni(pValues: Numbers): Float64Array {
  checkPValues(pValues);
  let m = 0;
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i]!)) m++;
  const out = new Float64Array(pValues.length);
  for (let i = 0; i < pValues.length; i++) out[i] = Math.min(1, m * pValues[i]!);
  return out;
}

/**
 * Holm (1979) step-down: p_(i) · (m − i + 1) with a running maximum, capped at 1. Controls the family-wise
 * error like Bonferroni but is uniformly more powerful.
 * @param pValues - p-values; NaN entries stay NaN and are not counted as tests.
 * @returns Adjusted p-values in input order.
 * @example
 * holm([0.01, 0.04, 0.3]); // [0.03, 0.08, 0.3]
 */
export function holm(pValues: Numbers): Float64Array {
  checkPValues(pValues);
  const out = new Float64Array(pValues.length).fill(NaN);
  const order = sortedFinite(pValues);
  const m = order.length;
  let running = 0;
  for (let k = 0; k < m; k++) {
    const i = order[k]!;
    const v = Math.min(1, (m - k) * pValues[i]!);
    if (v > running) running = v;
    out[i] = running;
  }
  return out;
}
