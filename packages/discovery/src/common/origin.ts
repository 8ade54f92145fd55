/** Who publishes: goes into every HA config's `origin` block (platform-conventions §1.6). */
export interface SmiOrigin {
  /** The gateway's version, e.g. `0.4.0`. */
  readonly swVersion: string;
  readonly supportUrl?: string;
}

export const SMI_NAME = 'Smart Meter Interop';

export interface HaOriginBlock {
  readonly name: string;
  readonly sw_version: string;
  readonly support_url?: string;
}

export function haOrigin(origin: SmiOrigin): HaOriginBlock {
  return origin.supportUrl === undefined
    ? { name: SMI_NAME, sw_version: origin.swVersion }
    : { name: SMI_NAME, sw_version: origin.swVersion, support_url: origin.supportUrl };
}
