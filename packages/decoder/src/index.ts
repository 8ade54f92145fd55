export * from './common';
export * from './detect';
export * from './factory';
export * from './mbus';
