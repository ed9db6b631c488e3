// src/io: files and paths every layer shares — text files (plain or gzip) and atomic writes.
export * from './text-file';
export * from './atomic';
export * from './package-root';
export * from './line-reader';
export * from './atomic-stream';
export * from './npz';
