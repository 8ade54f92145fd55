/**
 * The templates of one code, one per unit (and medium) met, as the DSMR and SML code tables keep
 * them per decoder: the first in place (a code is nearly always sent in one unit), the others in
 * `more`, replaced by a one-longer copy when one is added (an array grown by `push` keeps 17 slots:
 * one per code and meter adds up at 1,000 meters).
 */
export interface TemplateList<T> {
  first: T | undefined;
  more: readonly T[];
}

/** `more` of a list with at most one template: shared, never written. */
export const NO_MORE: readonly never[] = Object.freeze([]);

/**
 * Adds `t` to the list. Bounded: with `max` templates held it starts over with `t` alone (a noisy
 * stream without CRC could bring ever new unit texts).
 */
export function addTemplate<T>(list: TemplateList<T>, t: T, max: number): void {
  const more = list.more;
  if (list.first === undefined || more.length >= max - 1) {
    list.first = t;
    list.more = NO_MORE;
  } else list.more = more.length === 0 ? [t] : more.concat([t]);
}
