/**
 * Argument checks shared by the statistics: every function that a user calls with arrays rejects the same
 * mistakes (too short, unequal lengths, NaN) with the same kind of message, naming the argument.
 */
import { OptionError } from '../errors';

/** Numeric input accepted everywhere in src/stats: plain arrays and typed arrays. */
export type Numbers = ArrayLike<number>;

/** Throws unless `values` has at least `min` elements. */
export function requireLength(values: Numbers, min: number, option: string): void {
  if (values == null || typeof values.length !== 'number') {
    throw new OptionError(`expected an array of numbers`, { option });
  }
  if (values.length < min) {
    throw new OptionError(`needs at least ${min} values, got ${values.length}`, { option });
  }
}

/** Throws unless `x` and `y` have the same length (paired data). */
export function requireSameLength(x: Numbers, y: Numbers, xName = 'x', yName = 'y'): void {
  if (x.length !== y.length) {
    throw new OptionError(`'${xName}' has ${x.length} values but '${yName}' has ${y.length}; paired data must have equal lengths`, {
      option: yName,
    });
  }
}

/** Throws on the first NaN (or non-number) in `values`, giving its index. Infinities are allowed. */
export function requireNoNaN(values: Numbers, option: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new OptionError(`value at index ${i} is ${String(v)}; drop or impute missing values first`, { option });
    }
  }
}

/** Throws on the first value that is not a finite number. */
export function requireFinite(values: Numbers, option: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new OptionError(`value at index ${i} is ${String(v)}; expected finite numbers`, { option });
    }
  }
}

/** Copies the pairs (x[i], y[i]) where neither is NaN. */
export function dropNaNPairs(x: Numbers, y: Numbers): { x: Float64Array; y: Float64Array } {
  let kept = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) kept++;
  const ox = new Float64Array(kept);
  const oy = new Float64Array(kept);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (!Number.isNaN(a) && !Number.isNaN(b)) {
      ox[j] = a;
      oy[j] = b;
      j++;
    }
  }
  return { x: ox, y: oy };
}

/** Copies the values that are not NaN. */
export function dropNaN(values: Numbers): Float64Array {
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) kept++;
  const out = new Float64Array(kept);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) out[j++] = values[i]!;
  return out;
}

/** Probability level of a confidence interval, strictly between 0 and 1. */
export function requireLevel(level: number, option = 'level'): void {
  if (!(level > 0 && level < 1)) throw new OptionError(`expected a level strictly between 0 and 1, got ${level}`, { option });
}

/** Direction of the alternative hypothesis, as R's `alternative`. */
export type Alternative = 'two-sided' | 'less' | 'greater';

/** Validates `alternative`, accepting R's spelling 'two.sided' too. */
export function checkAlternative(alternative: string | undefined): Alternative {
  if (alternative === undefined || alternative === 'two-sided' || alternative === 'two.sided') return 'two-sided';
  if (alternative === 'less' || alternative === 'greater') return alternative;
  throw new OptionError(`expected 'two-sided', 'less' or 'greater', got '${alternative}'`, { option: 'alternative' });
}
