// src/simulate: simulators with a known ground truth (planted motifs, regulators, causal regions).
export * from './promoters';
export * from './motif-hits';
export * from './deeprage';
export * from './seq2exp';
