/**
 * Stratified splits of a regression data set, as the Camformer authors make them (gautammalik-git/Camformer
 * base/utils.py `make_stratified_splits`, L426–451): the targets are cut into quantile bins (`pd.qcut(y, q=10,
 * labels=False, duplicates='drop')`), a stratified share 1 − trainFraction is held out
 * (`StratifiedShuffleSplit(test_size=1 − trProp)`), and the held-out part is halved, stratified again on the same
 * bins, into validation and test (`StratifiedShuffleSplit(test_size=0.5)`).
 *
 * Exact where it can be: the bin edges and codes are pandas' (numpy's linear quantiles of qs·100 / 100, edges
 * de-duplicated, right-closed bins with the lowest edge included), the split sizes are sklearn's (n_test =
 * ⌈test_size · n⌉) and so is the per-bin allocation (`_approximate_mode`: floor of the proportional share, the rest
 * to the largest remainders). What differs is the random stream: sklearn draws with numpy's MT19937, this with
 * cislab's seeded PRNG, so which rows land where differs, and so may a bin's count by one where remainders tie.
 */
import { OptionError } from '../errors';
import { createRandom, deriveSeed, type Random, type Seed } from './random';

export interface QuantileBins {
  /** Bin of each value, 0 … edges.length − 2. */
  codes: Int32Array;
  /** The de-duplicated bin edges (numpy linear quantiles). */
  edges: Float64Array;
}

/**
 * `pd.qcut(values, q=bins, labels=False, retbins=True, duplicates='drop')`: bin codes and edges.
 * @param values - Finite values to bin.
 * @param bins - Number of quantile bins (default 10; fewer where edges coincide).
 * @returns The bin code of each value and the de-duplicated edges.
 * @example
 * quantileBins([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5).codes; // [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
 */
export function quantileBins(values: ArrayLike<number>, bins = 10): QuantileBins {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new OptionError(`expected a positive number of bins, got ${bins}`, { option: 'bins' });
  const n = values.length;
  if (n === 0) throw new OptionError('no values to bin', { option: 'y' });
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i]!)) throw new OptionError(`value ${i} is ${values[i]}; stratification needs finite targets`, { option: 'y' });
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    // np.linspace(0, 1, bins + 1) is i · (1 / bins) with the last point exactly 1; pandas passes qs · 100 to np.percentile, which divides by 100.
    const q = i === bins ? 1 : i * (1 / bins);
    const edge = linearQuantile(sorted, (q * 100) / 100);
    if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
  }
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // searchsorted(edges, x, 'left') − 1, with the lowest edge in bin 0 (include_lowest).
    const x = values[i]!;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    codes[i] = Math.max(0, Math.min(lo - 1, edges.length - 2));
  }
  return { codes, edges: Float64Array.from(edges) };
}

/** numpy's 'linear' quantile of sorted values, with its _lerp (the second form for weights ≥ 0.5). */
function linearQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  const previous = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const next = Math.min(previous + 1, n - 1);
  const gamma = virtual - Math.floor(virtual);
  const a = sorted[previous]!;
  const b = sorted[next]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/**
 * sklearn's `_approximate_mode(class_counts, n_draws)`: per class the floor of its proportional share, then one
 * more to the classes with the largest remainders (ties broken at random) until n_draws are allotted.
 */
export function approximateMode(counts: ArrayLike<number>, draws: number, random: Random): Int32Array {
  const total = Array.from(counts).reduce((a, b) => a + b, 0);
  const continuous = Array.from(counts, (c) => (c / total) * draws);
  const floored = Int32Array.from(continuous, Math.floor);
  let need = draws - floored.reduce((a, b) => a + b, 0);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]!);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const tied = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const add = Math.min(tied.length, need);
      for (const i of random.shuffle(tied).slice(0, add)) floored[i]!++;
      need -= add;
      if (need === 0) break;
    }
  }
  return floored;
}

/**
 * One stratified shuffle split of `labels` (sklearn's StratifiedShuffleSplit with one split): ⌈testFraction · n⌉
 * rows held out, each class contributing its approximate share. Indices are into `labels`, shuffled.
 */
export function stratifiedShuffleSplit(labels: ArrayLike<number>, testFraction: number, random: Random): { train: Int32Array; test: Int32Array } {
  if (!(testFraction > 0 && testFraction < 1)) throw new OptionError(`expected a held-out fraction in (0, 1), got ${testFraction}`, { option: 'testFraction' });
  const n = labels.length;
  const nTest = Math.ceil(testFraction * n);
  const nTrain = n - nTest;
  // Rows of each class in index order (np.argsort(y_indices, kind='mergesort') split by class), in one pass.
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const classOf = new Map(classes.map((c, k) => [c, k]));
  const counts = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < n; i++) counts[classOf.get(labels[i]!)!]!++;
  const members = counts.map((c) => new Int32Array(c));
  const filled = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < n; i++) {
    const k = classOf.get(labels[i]!)!;
    members[k]![filled[k]!++] = i;
  }
  const trainCounts = approximateMode(counts, nTrain, random);
  const testCounts = approximateMode(counts.map((c, i) => c - trainCounts[i]!), nTest, random);
  const train = new Int32Array(nTrain);
  const test = new Int32Array(nTest);
  let at = 0;
  let atTest = 0;
  members.forEach((rows, k) => {
    const order = random.shuffle(rows);
    train.set(order.subarray(0, trainCounts[k]), at);
    test.set(order.subarray(trainCounts[k], trainCounts[k]! + testCounts[k]!), atTest);
    at += trainCounts[k]!;
    atTest += testCounts[k]!;
  });
  return { train: random.shuffle(train), test: random.shuffle(test) };
}

/** What {@link stratifiedSplits} returns: row indices per subset. */
export interface StratifiedSplits {
  /** Indices of the training rows. */
  train: Int32Array;
  /** Indices of the validation rows. */
  validation: Int32Array;
  /** Indices of the test rows. */
  test: Int32Array;
  /** The quantile bins the split was stratified on. */
  bins: QuantileBins;
}

/** Options of {@link stratifiedSplits}. */
export interface StratifiedSplitOptions {
  /** Share kept for training (default 0.9, the authors' trProp in train_rep.py L52–54). */
  trainFraction?: number;
  /** Quantile bins of the targets (default 10). */
  bins?: number;
  /** Seed of the shuffles (default 0). */
  seed?: Seed;
}

/**
 * The Camformer authors' train / validation / test split of a regression data set (see the module header):
 * train ≈ trainFraction, validation and test ≈ (1 − trainFraction) / 2 each, every expression decile
 * represented in proportion.
 * @param y - The regression targets.
 * @param options - `trainFraction` (default 0.9), `bins` (10), `seed` (0).
 * @returns Row indices of the training, validation and test rows, and the bins.
 * @example
 * const { train, validation, test } = stratifiedSplits(expression, { trainFraction: 0.9, seed: 42 });
 */
export function stratifiedSplits(y: ArrayLike<number>, options: StratifiedSplitOptions = {}): StratifiedSplits {
  const { trainFraction = 0.9, bins: nBins = 10, seed = 0 } = options;
  if (!(trainFraction > 0 && trainFraction < 1)) throw new OptionError(`expected a training fraction in (0, 1), got ${trainFraction}`, { option: 'trainFraction' });
  const bins = quantileBins(y, nBins);
  const random = createRandom(deriveSeed(seed, 'stratified-split'));
  const first = stratifiedShuffleSplit(bins.codes, 1 - trainFraction, random);
  const heldCodes = Int32Array.from(first.test, (i) => bins.codes[i]!);
  const second = stratifiedShuffleSplit(heldCodes, 0.5, random);
  return {
    train: first.train,
    validation: Int32Array.from(second.train, (k) => first.test[k]!),
    test: Int32Array.from(second.test, (k) => first.test[k]!),
    bins,
  };
}
