/** LLC header of a server → client (response / push) APDU. */
export const LLC_RESPONSE = [0xe6, 0xe7, 0x00] as const;
/** LLC header of a client → server (command) APDU. */
export const LLC_COMMAND = [0xe6, 0xe6, 0x00] as const;

/** Whether the bytes start with an LLC header (`E6 E7 00` or `E6 E6 00`). */
export function hasLlc(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xe6 && (bytes[1] === 0xe7 || bytes[1] === 0xe6) && bytes[2] === 0x00;
}

/** The APDU without its LLC header (a view; the input is returned unchanged when it has none). */
export function stripLlc(bytes: Uint8Array): Uint8Array {
  return hasLlc(bytes) ? bytes.subarray(3) : bytes;
}
