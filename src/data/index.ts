export * from './alphabet';
export * from './encode';
