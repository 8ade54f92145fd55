export * from './frame';
export * from './framer';
export * from './reassembler';
export * from './llc';
