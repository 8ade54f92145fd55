export * from './envelope';
export * from './stream-decoder';
