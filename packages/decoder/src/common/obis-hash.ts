/**
 * Slot hash of an OBIS code's six bytes A…F taken as two 24-bit halves (A B C and D E F), for the
 * open-addressing tables in which each decoder memoises the codes it met (DSMR references, SML
 * object names). A multiplicative mix whose top 12 bits are the hash: tables of up to 4,096 slots
 * take `hash & (size - 1)`.
 */
export function obisHash(hi: number, lo: number): number {
  return Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> 20;
}
