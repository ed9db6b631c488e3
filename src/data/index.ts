// src/data: reading and checking inputs, the paper's preprocessing, encodings, data sets, tracks and variant tables.
export * from './alphabet';
export * from './encode';
export * from './read';
export * from './preprocess';
export * from './data-dir';
export * from './dream2022';
export * from './expression-matrix';
export * from './tracks';
export * from './rows';
export * from './variants';
export * from './store';
export * from './store-rows';
export * from './read-stream';
export * from './load-store';
export * from './fetch/manifest';
export * from './fetch/fetch';
