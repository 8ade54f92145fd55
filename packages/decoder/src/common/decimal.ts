/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * raw × 10^exp, decimal-exact for integers: a negative exponent divides by an exact power of ten,
 * which rounds once (13 × 10^-1 = 1.3, where 13 × 0.1 = 1.3000000000000003).
 */
export function scaleDecimal(raw: number, exp: number): number {
  if (exp === 0) return raw;
  const k = exp < 0 ? -exp : exp;
  const p = POW10[k] ?? 10 ** k;
  return exp < 0 ? raw / p : raw * p;
}
