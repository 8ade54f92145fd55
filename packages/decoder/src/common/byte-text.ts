/** Cuts text (latin1: one character per byte) out of received bytes, for the few strings needed. */
export class ByteText {
  private view: Buffer | undefined;

  constructor(readonly bytes: Uint8Array) {}

  slice(start: number, end: number): string {
    const b = this.bytes;
    const n = end - start;
    // Short texts (versions, tariffs, device types) straight from their char codes.
    if (n <= 4) {
      if (n <= 0) return '';
      const c0 = b[start] as number;
      if (n === 1) return String.fromCharCode(c0);
      const c1 = b[start + 1] as number;
      if (n === 2) return String.fromCharCode(c0, c1);
      const c2 = b[start + 2] as number;
      return n === 3 ? String.fromCharCode(c0, c1, c2) : String.fromCharCode(c0, c1, c2, b[start + 3] as number);
    }
    this.view ??= Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    return this.view.toString('latin1', start, end);
  }
}
