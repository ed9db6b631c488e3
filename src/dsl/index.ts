export * from './promoters';
