/**
 * cislab's public API: the fluent DSL (`promoters`, `jaspar`) plus every plain function it strings together,
 * layer by layer, so a user who prefers functions to chains can call them directly.
 */
export * from './errors';
export * from './io';
export * from './data';
export * from './simulate';
export * from './kernels';
export * from './interpret';
export * from './embed';
export * from './stats';
export * from './motifs';
export * from './viz';
export * from './notebook';
export * from './dsl';
