export * from './promoters';
export * from './model-stage';
export * from './ism-stage';
export * from './result';
export * from './deeprage-stage';
export * from './seq2exp-stage';
export * from './lazy';
