// src/io: files and paths every layer shares — text files (plain or gzip), atomic writes (whole files and
// directories, and one streaming writer, optionally refusing to replace anything), ZIP and tar archives, and
// opening a download (http(s), file:// or a path) as a byte stream.
export * from './text-file';
export * from './atomic';
export * from './package-root';
export * from './archive';
export * from './line-reader';
export * from './atomic-stream';
export * from './npz';
export * from './output-guard';
export * from './text-encoding';
export * from './download';
