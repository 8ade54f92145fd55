import type { MeterSnapshot } from '@smi/model';

/** Same own keys in the same order with identical values (meter info: flat strings). */
function sameFlat(a: object, b: object): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || (a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  }
  return true;
}

/**
 * Whether discovery rendered from `b` is the one rendered from `a`: the same meter and the same
 * readings by key, name, quantity, unit and enabledByDefault (what `MessageFactory.discoveryMessages`
 * renders from and keys its cache by).
 */
export function sameDiscoveryInput(a: MeterSnapshot, b: MeterSnapshot): boolean {
  if (a.readings.length !== b.readings.length || !sameFlat(a.meter, b.meter)) return false;
  for (let i = 0; i < a.readings.length; i++) {
    const x = a.readings[i] as MeterSnapshot['readings'][number];
    const y = b.readings[i] as MeterSnapshot['readings'][number];
    if (x.key !== y.key || x.name !== y.name || x.quantity !== y.quantity || x.unit !== y.unit || x.enabledByDefault !== y.enabledByDefault) return false;
  }
  return true;
}

export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
