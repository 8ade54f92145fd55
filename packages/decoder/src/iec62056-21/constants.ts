/**
 * IEC 62056-21 ("D0") constants as data: control characters, baud-rate characters per mode,
 * option-select characters and default timings. Sources: protocol-notes §2 (libIEC62056
 * `BaudRate.java`, `ModeControlCharacter.java`, `ProtocolControlCharacter.java`).
 */

export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ACK = 0x06;
export const NAK = 0x15;
export const CR = 0x0d;
export const LF = 0x0a;
export const SLASH = 0x2f;
export const BANG = 0x21;
export const NUL = 0x00;

/** Layer name used in every error this folder returns. */
export const LAYER = 'iec62056-21';

/** Protocol modes. A–C are master/slave, D is push only, E hands over to another protocol. */
export type D0Mode = 'A' | 'B' | 'C' | 'D' | 'E';

/** Mode B baud characters (`A`–`F`; `G`–`I` reserved). */
const MODE_B_BAUD: Readonly<Record<string, number>> = {
  A: 600,
  B: 1200,
  C: 2400,
  D: 4800,
  E: 9600,
  F: 19200,
};

/** Mode C/E baud characters (`0`–`6`; `7`–`9` reserved). Mode D always sends `3`. */
const MODE_C_BAUD: Readonly<Record<string, number>> = {
  '0': 300,
  '1': 600,
  '2': 1200,
  '3': 2400,
  '4': 4800,
  '5': 9600,
  '6': 19200,
};

/** Baud rate every sign-on starts at (modes A–C, E). */
export const INITIAL_BAUD = 300;
/** Mode D push meters transmit at 2400 Bd. */
export const MODE_D_BAUD = 2400;

/** The baud rate a baud character announces, with the mode family it belongs to. */
export interface BaudInfo {
  /** `B` for letters `A`–`I`, `C` for digits `0`–`9`, `A` for anything else (no change-over). */
  readonly family: 'A' | 'B' | 'C';
  /** Undefined for reserved characters (`G`–`I`, `7`–`9`) and in mode A. */
  readonly baud?: number;
}

export function baudInfo(char: string): BaudInfo {
  if (char >= '0' && char <= '9') {
    const baud = MODE_C_BAUD[char];
    return baud === undefined ? { family: 'C' } : { family: 'C', baud };
  }
  if (char >= 'A' && char <= 'I') {
    const baud = MODE_B_BAUD[char];
    return baud === undefined ? { family: 'B' } : { family: 'B', baud };
  }
  return { family: 'A' };
}

/** Mode C/E baud character for a baud rate (undefined for rates the table lacks). */
export function modeCBaudChar(baud: number): string | undefined {
  for (const [char, rate] of Object.entries(MODE_C_BAUD)) if (rate === baud) return char;
  return undefined;
}

/** Mode B baud character for a baud rate. */
export function modeBBaudChar(baud: number): string | undefined {
  for (const [char, rate] of Object.entries(MODE_B_BAUD)) if (rate === baud) return char;
  return undefined;
}

/** Baud rates the tables know, ascending. */
export const BAUD_RATES: readonly number[] = [300, 600, 1200, 2400, 4800, 9600, 19200];

/** Option select `V`: protocol control character. */
export const PROTOCOL_CONTROL = { normal: '0', secondary: '1', hdlc: '2' } as const;
export type ProtocolControl = keyof typeof PROTOCOL_CONTROL;

/** Option select `Y`: mode control character (`6`–`9` manufacturer specific). */
export const MODE_CONTROL = { readout: '0', programming: '1', binary: '2' } as const;
export type ModeControl = keyof typeof MODE_CONTROL;

/**
 * Default timings, returned as data for the gateway to apply (this folder has no clock).
 * All from protocol-notes §2.3, marked (unverified) there (IEC 62056-21 §6.3/§6.4), except the
 * wake-up train, which follows utopius/tasmota-scripts `landis-gyr_uh50-a21c.be` (40 × NUL at
 * 300 Bd before `/?!`, no pause).
 */
export const TIMING = {
  /** Longest the meter may take to answer (tr max). */
  reactionTimeMaxMs: 1500,
  /** Shortest time the meter waits before answering (tr min). */
  reactionTimeMinMs: 200,
  /** Longest silence between two characters of one message (ta). */
  interCharacterMs: 1500,
  /** Wait after the option select has left the wire before switching baud. */
  baudSwitchDelayMs: 300,
  /** Inactivity timeout in programming mode (lower bound of 60–120 s). */
  programmingInactivityMs: 60000,
  /** NUL characters in the wake-up train for battery-powered meters. */
  wakeUpNulCount: 40,
  /** Pause between the wake-up train and the request. */
  wakeUpPauseMs: 0,
} as const;

/** Bits on the wire per character: 1 start + 7 data + 1 parity + 1 stop (7E1). */
export const BITS_PER_CHAR = 10;

/** Milliseconds `bytes` take on the wire at `baud` (7E1), rounded up. */
export function transmitMs(bytes: number, baud: number): number {
  return Math.ceil((bytes * BITS_PER_CHAR * 1000) / baud);
}

/** OBIS value group A → the meter's medium (protocol-notes §6.1). */
export const MEDIUM_BY_A = {
  1: 'electricity',
  4: 'heat_cost_allocator',
  5: 'cooling',
  6: 'heat',
  7: 'gas',
  8: 'cold_water',
  9: 'hot_water',
} as const;
