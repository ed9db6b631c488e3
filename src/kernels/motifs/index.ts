// src/kernels/motifs: motif scanning as tensor kernels (the FIMO scan as one batched tfjs convolution).
export * from './scan-tensor';
