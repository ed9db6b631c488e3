// src/kernels/seq2exp: Seq2Exp — DNA + signal tracks → expression through a learned sparse Beta mask; training,
// evaluation and region selection against peaks.
export * from './beta';
export * from './model';
export * from './train';
export * from './regions';
export * from './recipe';
