export * from './common';
export * from './detect';
export * from './factory';
export * from './mbus';
export * from './hdlc';
export * from './crypto';
export * from './dlms';
export * from './sml';
