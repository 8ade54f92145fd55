import type { MeterConfig } from '../config/schema';
import type { Logger } from '../log';
import { createTransport, type Transport } from '../transports';
import { AutoLineTransport } from './auto-line-transport';

/**
 * The transport of a configured meter: with `protocol: auto` on a serial port one that finds
 * the line setting by itself when nothing decodes at the configured one; otherwise the plain one.
 */
export function createMeterTransport(m: MeterConfig, log: Logger, name: string): Transport {
  if (m.protocol === 'auto' && m.transport.type === 'serial') return new AutoLineTransport(m.transport, log, name);
  return createTransport(m.transport);
}
