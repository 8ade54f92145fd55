export * from './obis';
export * from './units';
export * from './quantity';
export * from './medium';
export * from './manufacturers';
export * from './registry';
export * from './snapshot';
export * from './reading';
