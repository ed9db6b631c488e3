// Public API of src/motifs: motif files and databases, FIMO-equivalent scanning (JS and tfjs kernels),
// enrichment, pair logic, motif comparison, and count matrices from top activating windows.
export * from './motif';
export * from './formats';
export * from './database';
export * from './pssm';
export * from './qvalues';
export * from './sequences';
export * from './scan-kernel';
export * from './fimo';
export * from './fimo-tsv';
export * from './shuffle';
export * from './enrichment';
export * from './pairs';
export * from './compare';
export * from './top-windows';
export * from './motif-table';
export * from './fimo-text';
