// src/io: files and paths every layer shares — text files (plain or gzip), atomic writes (whole files and
// directories, and a streaming writer that never replaces a file it did not create), ZIP and tar archives.
export * from './text-file';
export * from './atomic';
export * from './atomic-writer';
export * from './package-root';
export * from './archive';
export * from './line-reader';
export * from './atomic-stream';
export * from './npz';
