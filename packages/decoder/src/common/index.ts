export * from './errors';
export * from './crc';
export * from './hex';
export * from './dlms-units';
export * from './stream';
export * from './bytes';
export * from './byte-queue';
export * from './decimal';
