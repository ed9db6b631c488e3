/**
 * The DREAM2022 (Random Promoter DREAM Challenge; Rafi et al. 2024) weighted Pearson and Spearman scores.
 *
 * For each of nine subsets: Pearson r and Spearman ρ between measured and predicted expression. The six
 * single-sequence subsets (all, high, low, yeast, random, challenging) correlate the values themselves; the
 * three pair subsets (SNVs, motif_perturbation, motif_tiling) correlate the differences alt − ref of
 * measured and of predicted values. Then
 *   PearsonScore  = Σ w_s · r²_s / Σ w_s
 *   SpearmanScore = Σ w_s · ρ_s  / Σ w_s          (ρ, not ρ²)
 * with the weights below (Σ w = 4.65). The official leaderboard scored the private split.
 *
 * A subset that cannot be scored — fewer than two sequences or pairs in the data scored (a filtered or head()
 * test set), or constant values — is listed in `unscored` with the reason, and the two scores are the same
 * weighted means over the subsets that remain (Σ w over those: `scoredWeight`). On the whole test set nothing is
 * unscored and the scores are the challenge's.
 *
 * Pure function over plain arrays indexed by the 0-based test index; the data layer reads the test set and
 * its pairs and passes them here.
 */
import { OptionError } from '../../errors';
import { pearsonUnchecked, rankWithTies } from '../../stats/correlation';

/** The nine scored subsets with their weights, in the leaderboard's column order. */
export const DREAM_SUBSET_WEIGHTS: ReadonlyArray<{ readonly subset: DreamSubset; readonly weight: number }> = [
  { subset: 'all', weight: 1 },
  { subset: 'high', weight: 0.3 },
  { subset: 'low', weight: 0.3 },
  { subset: 'yeast', weight: 0.3 },
  { subset: 'random', weight: 0.3 },
  { subset: 'challenging', weight: 0.5 },
  { subset: 'SNVs', weight: 1.25 },
  { subset: 'motif_perturbation', weight: 0.3 },
  { subset: 'motif_tiling', weight: 0.4 },
];

/** The nine scored subsets, in the order of the DREAM score formula. */
export const DREAM_SUBSETS = [
  'all', 'high', 'low', 'yeast', 'random', 'challenging', 'SNVs', 'motif_perturbation', 'motif_tiling',
] as const;
/** One of {@link DREAM_SUBSETS}. */
export type DreamSubset = (typeof DREAM_SUBSETS)[number];

/** Subsets scored on alt − ref differences of sequence pairs. */
export const DREAM_PAIR_SUBSETS: ReadonlyArray<DreamSubset> = ['SNVs', 'motif_perturbation', 'motif_tiling'];
/** Category names a test sequence may carry (the `categories` column of test.tsv.gz). */
const KNOWN_CATEGORIES = new Set<string>(['high', 'low', 'yeast', 'random', 'challenging', ...DREAM_PAIR_SUBSETS]);
const SINGLE_SUBSETS = ['high', 'low', 'yeast', 'random', 'challenging'] as const;

/** One scored pair of test sequences (a row of test_pairs.tsv.gz). */
export interface DreamPair {
  pairType: string;
  altIdx: number;
  refIdx: number;
  /** The pair's leaderboard split; when absent, the split of its two members decides. */
  split?: string;
}

export interface DreamScoreInput {
  /** Measured expression by test index. */
  measured: ArrayLike<number>;
  /** Predicted expression by test index (any scale: only correlations are used). */
  predicted: ArrayLike<number>;
  /** Categories of each test index: an array of names, or the comma-separated text of test.tsv.gz. */
  categories: ReadonlyArray<ReadonlyArray<string> | string>;
  /** The scored pairs (test_pairs.tsv.gz). */
  pairs: ReadonlyArray<DreamPair>;
  /** Leaderboard split of each test index ('private', 'public', 'none'). Needed for `options.split`. */
  split?: ReadonlyArray<string>;
}

export interface DreamScoreOptions {
  /**
   * Which leaderboard split to score: 'private' (the official final leaderboard), 'public', or 'all'
   * (both; sequences of split 'none' are never scored). Default 'all'. Without `input.split` every index
   * counts, i.e. the caller has already filtered.
   */
  split?: 'private' | 'public' | 'all';
  /** Restrict scoring to these test indices (a pair counts when both members are included). */
  indices?: ArrayLike<number>;
}

export interface DreamSubsetScore {
  subset: DreamSubset;
  /** 'single': values correlated directly; 'pair': alt − ref differences correlated. */
  kind: 'single' | 'pair';
  weight: number;
  /** Sequences (single subsets) or pairs (pair subsets) scored. */
  n: number;
  r: number;
  r2: number;
  rho: number;
}

/** A subset left out of the weighted scores, and why. */
export interface UnscoredSubset {
  subset: DreamSubset;
  n: number;
  reason: string;
}

export interface DreamScore {
  /** The leaderboard split scored. */
  split: 'private' | 'public' | 'all';
  /** One entry per scored subset, in {@link DREAM_SUBSETS} order. */
  subsets: DreamSubsetScore[];
  /** Σ w_s r²_s / Σ w_s over the scored subsets (all nine on the whole test set). */
  pearsonScore: number;
  /** Σ w_s ρ_s / Σ w_s over the scored subsets. */
  spearmanScore: number;
  /** Subsets without a correlation (empty, one member, constant values), with the reason; [] on the whole test set. */
  unscored: UnscoredSubset[];
  /** Σ w of the scored subsets (4.65 when none is unscored). */
  scoredWeight: number;
}

/** Σ w of the subsets not in `unscored`. */
export function scoredWeight(unscored: readonly UnscoredSubset[]): number {
  const out = new Set(unscored.map((u) => u.subset));
  return DREAM_SUBSET_WEIGHTS.reduce((sum, w) => (out.has(w.subset) ? sum : sum + w.weight), 0);
}

/** One sentence naming the unscored subsets and why, or '' when every subset was scored. */
export function unscoredMessage(score: Pick<DreamScore, 'unscored'>): string {
  if (!score.unscored.length) return '';
  const list = score.unscored.map((u) => `${u.subset} (${u.reason})`).join(', ');
  const of = DREAM_SUBSET_WEIGHTS.length;
  return `DREAM scores over ${of - score.unscored.length} of ${of} subsets (weight ${scoredWeight(score.unscored).toFixed(2)} of 4.65); not scored: ${list}`;
}

function correlate(measured: Float64Array, predicted: Float64Array): { r: number; rho: number } {
  if (measured.length < 2) return { r: NaN, rho: NaN };
  return {
    r: pearsonUnchecked(measured, predicted),
    rho: pearsonUnchecked(rankWithTies(measured).ranks, rankWithTies(predicted).ranks),
  };
}

function parseCategories(entry: ReadonlyArray<string> | string, idx: number): string[] {
  const names = typeof entry === 'string' ? entry.split(',') : [...entry];
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (!KNOWN_CATEGORIES.has(name)) {
      throw new OptionError(`test index ${idx} has unknown category '${name}'; expected one of ${[...KNOWN_CATEGORIES].join(', ')}`, {
        option: 'categories',
      });
    }
    out.push(name);
  }
  return out;
}

/**
 * Scores predictions of the DREAM2022 test set: per-subset n, r, r², ρ and the two weighted scores.
 * Subsets with fewer than two members get NaN correlations (and so NaN scores) rather than an error.
 * @param input - `measured`, `predicted`, `categories` and `split` per test index, and the scored `pairs`.
 * @param options - `split` ('private', 'public' or 'all' (default)), `indices` (default: every index).
 * @returns Per-subset scores and the weighted Pearson (Σ w·r² / Σ w) and Spearman (Σ w·ρ / Σ w) scores.
 * @example
 * const score = dreamScore({ measured, predicted, categories, pairs, split }, { split: 'private' });
 */
export function dreamScore(input: DreamScoreInput, options: DreamScoreOptions = {}): DreamScore {
  const { measured, predicted, categories, pairs, split } = input;
  const n = measured.length;
  if (predicted.length !== n || categories.length !== n || (split && split.length !== n)) {
    throw new OptionError(
      `measured (${n}), predicted (${predicted.length}), categories (${categories.length})` +
        (split ? ` and split (${split.length})` : '') +
        ' must all be indexed by test index and have the same length',
      { option: 'predicted' },
    );
  }
  const which = options.split ?? 'all';
  if (which !== 'private' && which !== 'public' && which !== 'all') {
    throw new OptionError(`expected 'private', 'public' or 'all', got '${String(which)}'`, { option: 'split' });
  }
  const splitSelected = (s: string | undefined): boolean =>
    s === undefined ? true : which === 'all' ? s === 'private' || s === 'public' : s === which;

  // Two filters: the optional index subset, and the leaderboard split of single sequences.
  const inIndices = new Uint8Array(n);
  if (options.indices) {
    for (let k = 0; k < options.indices.length; k++) {
      const i = options.indices[k]!;
      if (!(Number.isInteger(i) && i >= 0 && i < n)) {
        throw new OptionError(`index ${i} is not a test index (0..${n - 1})`, { option: 'indices' });
      }
      inIndices[i] = 1;
    }
  } else inIndices.fill(1);

  const checkValue = (i: number): void => {
    if (Number.isNaN(measured[i]!)) throw new OptionError(`measured value of test index ${i} is NaN`, { option: 'measured' });
    if (Number.isNaN(predicted[i]!)) {
      throw new OptionError(`prediction for test index ${i} is missing (NaN); every scored sequence needs one`, { option: 'predicted' });
    }
  };

  // Members of each single subset, gathered in one pass over the test set.
  const members: Record<string, number[]> = { all: [] };
  for (const s of SINGLE_SUBSETS) members[s] = [];
  for (let i = 0; i < n; i++) {
    if (!inIndices[i] || (split && !splitSelected(split[i]))) continue;
    checkValue(i);
    members.all!.push(i);
    for (const c of parseCategories(categories[i]!, i)) members[c]?.push(i);
  }

  const pairMembers: Record<string, Array<[number, number]>> = {};
  for (const s of DREAM_PAIR_SUBSETS) pairMembers[s] = [];
  for (const pair of pairs) {
    const list = pairMembers[pair.pairType];
    if (!list) {
      throw new OptionError(`pair type '${pair.pairType}' is not one of ${DREAM_PAIR_SUBSETS.join(', ')}`, { option: 'pairs' });
    }
    const { altIdx, refIdx } = pair;
    for (const i of [altIdx, refIdx]) {
      if (!(Number.isInteger(i) && i >= 0 && i < n)) {
        throw new OptionError(`pair member ${i} is not a test index (0..${n - 1})`, { option: 'pairs' });
      }
    }
    // A pair carries its own split (public SNV pairs may join private members); otherwise its members decide.
    const pairSelected =
      pair.split !== undefined
        ? splitSelected(pair.split)
        : !split || (splitSelected(split[altIdx]) && splitSelected(split[refIdx]));
    if (!pairSelected || !inIndices[altIdx] || !inIndices[refIdx]) continue;
    checkValue(altIdx);
    checkValue(refIdx);
    list.push([altIdx, refIdx]);
  }

  const subsets: DreamSubsetScore[] = [];
  for (const { subset, weight } of DREAM_SUBSET_WEIGHTS) {
    let m: Float64Array;
    let p: Float64Array;
    let kind: 'single' | 'pair';
    if ((DREAM_PAIR_SUBSETS as readonly string[]).includes(subset)) {
      kind = 'pair';
      const list = pairMembers[subset]!;
      m = new Float64Array(list.length);
      p = new Float64Array(list.length);
      list.forEach(([a, b], k) => {
        m[k] = measured[a]! - measured[b]!;
        p[k] = predicted[a]! - predicted[b]!;
      });
    } else {
      kind = 'single';
      const list = members[subset]!;
      m = new Float64Array(list.length);
      p = new Float64Array(list.length);
      list.forEach((i, k) => {
        m[k] = measured[i]!;
        p[k] = predicted[i]!;
      });
    }
    const { r, rho } = correlate(m, p);
    subsets.push({ subset, kind, weight, n: m.length, r, r2: r * r, rho });
  }

  const unscored: UnscoredSubset[] = [];
  let totalWeight = 0;
  let pearsonSum = 0;
  let spearmanSum = 0;
  for (const s of subsets) {
    if (Number.isNaN(s.r) || Number.isNaN(s.rho)) {
      const what = s.kind === 'pair' ? 'pairs with both members' : 'sequences';
      const reason = s.n === 0 ? `no ${what} in the data scored` : s.n === 1 ? `only 1 of its ${what}; a correlation needs 2` : 'constant values; the correlation is undefined';
      unscored.push({ subset: s.subset, n: s.n, reason });
      continue;
    }
    totalWeight += s.weight;
    pearsonSum += s.weight * s.r2;
    spearmanSum += s.weight * s.rho;
  }
  if (totalWeight === 0) {
    throw new OptionError(`no DREAM subset can be scored: ${unscored.map((u) => `${u.subset} (${u.reason})`).join(', ')}`, { option: 'predicted' });
  }
  return { split: which, subsets, pearsonScore: pearsonSum / totalWeight, spearmanScore: spearmanSum / totalWeight, unscored, scoredWeight: totalWeight };
}
