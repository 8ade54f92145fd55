/**
 * `{ [key]: value }`, or `{}` when the value is undefined: spread into an object literal to set an
 * optional property only when there is a value (exactOptionalPropertyTypes forbids `key: undefined`).
 */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
