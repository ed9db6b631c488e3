// Public API of src/stats: correlations, DREAM2022 scoring, bootstrap, rank and t tests with p-values,
// Fisher's exact test, multiple-testing corrections, the distributions behind them and a seeded PRNG.
export { createRandom, deriveSeed, seedToUint32, Random, type Seed } from './random';
export { logGamma, logBeta, logChoose, regularizedGamma, regularizedBeta } from './special';
export {
  normalPdf,
  normalCdf,
  normalQuantile,
  studentTPdf,
  studentTCdf,
  studentTQuantile,
  chiSquaredCdf,
} from './distributions';
export type { Alternative, Numbers } from './input';
export { pearson, spearman, rank, rSquared, type CorrelationOptions } from './correlation';
// DREAM_PAIR_SUBSETS, DreamSubset and DreamPair are exported by src/data (same values, structurally the same
// types); re-exporting them here would make the package barrel ambiguous.
export {
  dreamScore,
  DREAM_SUBSET_WEIGHTS,
  type DreamScore,
  type DreamScoreInput,
  type DreamScoreOptions,
  type DreamSubsetScore,
} from './dream-score';
export { evaluateDream, evaluatePredictions, type DreamEvaluation, type EvaluateDreamOptions } from './evaluate';
export { improvement } from './improvement';
export { bootstrap, sampleQuantile, type BootstrapOptions, type BootstrapResult } from './bootstrap';
export type { TestResult } from './p-value';
export { wilcoxonRankSum, rankSumDistribution, type RankSumResult, type RankTestOptions } from './rank-sum';
export { wilcoxonSignedRank, signedRankDistribution, type SignedRankResult } from './signed-rank';
export { oneSampleTTest, pairedTTest, studentTTest, welchTTest, type TTestOptions, type TTestResult } from './t-test';
export { fisherExact, type FisherExactResult } from './fisher-exact';
export { benjaminiHochberg, bonferroni, holm } from './multiple-testing';
