// src/io: files and paths every layer shares — text files (plain or gzip), atomic writes, ZIP and tar archives.
export * from './text-file';
export * from './atomic';
export * from './package-root';
export * from './archive';
