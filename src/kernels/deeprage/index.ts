// src/kernels/deeprage: DeepRAGE — promoter CNN + regulator expression → expression per condition; training,
// evaluation and filter read-out (motif matches, knock-outs).
export * from './model';
export * from './train';
export * from './evaluate';
export * from './recipe';
export * from './knockout';
