export * from './hdlc-frame';
export * from './hdlc-framer';
export * from './hdlc-reassembler';
export * from './llc';
