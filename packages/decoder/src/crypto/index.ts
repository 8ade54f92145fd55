export * from './key';
export * from './gcm';
export * from './frame-counter';
