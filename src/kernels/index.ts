// src/kernels: tensor compute — the shared tfjs engine and the three model families.
export * from './tensor';
export * from './camformer';
export * from './deeprage';
export * from './seq2exp';
export * from './motifs';
