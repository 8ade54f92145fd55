/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** 10^k for k ≥ 0 (exact up to 22). */
export function pow10(k: number): number {
  return POW10[k] ?? 10 ** k;
}

/**
 * raw × 10^exp, decimal-exact for integers: a negative exponent divides by an exact power of ten,
 * which rounds once (13 × 10^-1 = 1.3, where 13 × 0.1 = 1.3000000000000003). Bigints (SML, DLMS
 * 64-bit values) are split into quotient and remainder by 10^-exp first, so no precision is lost
 * before the final conversion.
 */
export function scaleDecimal(raw: number | bigint, exp: number): number {
  if (typeof raw !== 'number') return scaleBigDecimal(raw, exp);
  if (exp === 0) return raw;
  const k = exp < 0 ? -exp : exp;
  const p = pow10(k);
  return exp < 0 ? raw / p : raw * p;
}

function scaleBigDecimal(raw: bigint, exp: number): number {
  if (exp >= 0) return Number(raw) * 10 ** exp;
  const div = 10n ** BigInt(-exp);
  const q = raw / div;
  const r = raw % div;
  return Number(q) + Number(r) / 10 ** -exp;
}
