// src/data/dream2022: the Random Promoter DREAM Challenge 2022 data set — its files, subsets, score and evaluation.
export * from './read';
export * from './score';
export * from './evaluate';
