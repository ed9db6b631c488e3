// src/embed: 2-D embeddings of activation matrices — PCA, Barnes-Hut t-SNE, UMAP.
export { embed2d, embeddingTable, quantileLabels, EMBEDDING_METHODS, type EmbedOptions, type EmbeddingMethod } from './embedding';
export { tsne, nearestNeighbours, type TsneOptions, type TsneResult } from './tsne';
export { tsneParallel, type ParallelTsneOptions } from './tsne-parallel';
export { pcaParallel, type ParallelPcaOptions } from './pca-parallel';
export { pca, symmetricEigen, type PcaOptions, type PcaResult } from './pca';
