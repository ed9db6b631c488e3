// src/stats: plain arithmetic, no I/O or tensors — correlations, agreement, bootstrap, rank and t tests with p-values,
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
export { evaluatePredictions } from './agreement';
export { improvement } from './improvement';
export { bootstrap, sampleQuantile, type BootstrapOptions, type BootstrapResult } from './bootstrap';
export type { TestResult } from './p-value';
export { wilcoxonRankSum, rankSumDistribution, type RankSumResult, type RankTestOptions } from './rank-sum';
export { wilcoxonSignedRank, signedRankDistribution, type SignedRankResult } from './signed-rank';
export { oneSampleTTest, pairedTTest, studentTTest, welchTTest, type TTestOptions, type TTestResult } from './t-test';
export { fisherExact, type FisherExactResult } from './fisher-exact';
export { benjaminiHochberg, bonferroni, holm } from './multiple-testing';
export { quantileBins, stratifiedSplits, stratifiedShuffleSplit, approximateMode, type QuantileBins, type StratifiedSplits, type StratifiedSplitOptions } from './stratify';
export * from './quadrature';
