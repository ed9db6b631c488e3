// src/io: files and paths every layer shares — text files (plain or gzip), atomic writes, and a streaming
// atomic writer that never replaces a file it did not create.
export * from './text-file';
export * from './atomic-writer';
