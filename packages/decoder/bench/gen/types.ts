/** One generated frame and the values a decoder must read from it. */
export interface GeneratedFrame {
  readonly bytes: Uint8Array;
  /**
   * Changed registers: `C.D.E` of the OBIS code (M-Bus, which has none: the reading key) and the
   * value in the publishing unit (kWh, W). M-Bus and DLMS list a rising counter first.
   */
  readonly expected: readonly ExpectedValue[];
  /** The meter time written into the frame (`YYYY-MM-DDThh:mm:ss`, local), when it has one. */
  readonly time?: string;
}

export interface ExpectedValue {
  readonly cde: string;
  readonly value: number;
}

/** An endless, deterministic source of distinct frames of one meter. */
export interface FrameSource {
  readonly protocol: 'dsmr' | 'sml' | 'd0' | 'mbus' | 'dlms';
  readonly fixture: string;
  next(): GeneratedFrame;
}
