export * from './alphabet';
export * from './encode';
export * from './text-file';
export * from './read';
export * from './preprocess';
export * from './data-dir';
export * from './dream2022';
export * from './simulate';
