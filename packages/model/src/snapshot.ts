import type { Medium } from './medium';
import type { ObisCode } from './obis';
import type { Quantity } from './quantity';
import type { Unit } from './units';

export const PROTOCOLS = ['dsmr', 'iec62056-21', 'sml', 'dlms', 'mbus', 'modbus'] as const;
export type ProtocolId = (typeof PROTOCOLS)[number];

export type ReadingValue = number | string | boolean | null;

/** One entry of a buffer object (power-failure log, billing history, capture with time). */
export interface LogEntry {
  readonly time?: string;
  readonly value: ReadingValue;
  readonly unit?: Unit;
  /** A second time stamp some buffers carry (e.g. the moment a monthly peak happened). */
  readonly eventTime?: string;
}

export interface Reading {
  /** Canonical OBIS code (`A-B:C.D.E`, `*F` only when F ≠ 255); absent for records without one. */
  readonly obis?: ObisCode;
  /** Identifier-safe, stable key (`energy_import_total`). Unique within a snapshot. */
  readonly key: string;
  readonly name: string;
  readonly quantity: Quantity;
  /** Numbers for numeric quantities (already in `unit`), strings for text, ISO-8601 for timestamps. */
  readonly value: ReadingValue;
  readonly unit?: Unit;
  /** M-Bus channel / sub-device number when the value belongs to a sub-meter. */
  readonly channel?: number;
  /**
   * M-Bus storage number (0 = the current value, absent then): 1 is usually the value at the last
   * due date, higher numbers older stored values or a log. Also part of the key (`_storage_1`).
   */
  readonly storage?: number;
  /** M-Bus tariff number (0 = total, absent then). Also part of the key (`_tariff_1`). */
  readonly tariff?: number;
  /** M-Bus subunit (device unit) number (0 = the meter itself, absent then). Also part of the key (`_subunit_1`). */
  readonly subunit?: number;
  /** Capture time of this value when it differs from the snapshot time (ISO-8601 with offset). */
  readonly time?: string;
  /** The value exactly as the meter sent it (number text, hex id…), for diagnostics. */
  readonly raw?: string;
  /** Buffer contents (power-failure log, billing history). */
  readonly entries?: readonly LogEntry[];
  /** Announced disabled on platforms (noisy extras). */
  readonly enabledByDefault?: boolean;
}

export interface MeterInfo {
  /** Stable meter identity: serial / equipment id, or a derived id when the meter sends none. */
  readonly id: string;
  /** Three-letter FLAG / M-Bus manufacturer id as sent (`ISk`, `KFM`). */
  readonly manufacturerId?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  /** Protocol dialect or version as the meter states it (`5.0`, `eMUCS 5.0.2.17`). */
  readonly version?: string;
  readonly medium?: Medium;
  /** The identification line / server id exactly as received. */
  readonly identification?: string;
}

/** A sub-meter behind the main meter (DSMR M-Bus channel: gas, water, heat). */
export interface SubDevice {
  readonly channel: number;
  readonly medium: Medium;
  readonly id?: string;
}

/** Everything one frame said: the protocol-neutral result of every decoder. */
export interface MeterSnapshot {
  readonly protocol: ProtocolId;
  readonly meter: MeterInfo;
  /** Meter time (ISO-8601 with offset) when the frame carries one. */
  readonly time?: string;
  /** Receive time, added by the gateway (decoders have no clock). */
  readonly receivedAt?: string;
  readonly readings: readonly Reading[];
  readonly devices?: readonly SubDevice[];
}
