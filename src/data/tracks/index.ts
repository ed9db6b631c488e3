// src/data/tracks: genomic intervals and signal tracks (BED, bigWig, 2bit) and a MACS-like peak caller over them.
export * from './bed';
export * from './bigwig';
export * from './twobit';
export * from './peaks';
