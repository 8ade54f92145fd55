import { createDecoder, type DecoderOptions, type ProtocolChoice, type StreamDecoder } from '@smi/decoder';
import { PROTOCOLS } from '@smi/model';
import type { KeyCredentials } from './red';

/** What the editor stores for both nodes (strings from the editor's inputs, numbers when imported). */
export interface DecoderConfig {
  readonly protocol?: string;
}

// Modbus meters are polled (the gateway's modbus session), not listened to: not offered here.
export const PROTOCOL_CHOICES: readonly ProtocolChoice[] = ['auto', ...PROTOCOLS.filter((p) => p !== 'modbus')];

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function isProtocol(p: string): p is ProtocolChoice {
  return (PROTOCOL_CHOICES as readonly string[]).includes(p);
}

/** Empty credentials are "not set" (the editor sends empty strings for untouched password fields). */
function credential(text: string | undefined): string | undefined {
  const t = text?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/**
 * The stream decoder for a node: protocol from its configuration, keys from its credentials.
 * A bad protocol or malformed key is an error text naming the field (never the key).
 */
export function decoderFor(config: DecoderConfig, credentials: Partial<KeyCredentials> | undefined): Checked<StreamDecoder> {
  const protocol = config.protocol === undefined || config.protocol === '' ? 'auto' : config.protocol;
  if (!isProtocol(protocol)) return { ok: false, error: `unknown protocol '${protocol}' (choose one of ${PROTOCOL_CHOICES.join(', ')})` };
  const options: DecoderOptions = { key: credential(credentials?.key), authKey: credential(credentials?.authKey) };
  const created = createDecoder(protocol, options);
  if (created.ok) return created;
  // The factory names CLI flags; the node's fields are called Key and Authentication key.
  return { ok: false, error: created.error.replace('--auth-key', 'authentication key').replace('--key', 'key') };
}

export interface SerialSettings {
  readonly kind: 'serial';
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

export interface TcpSettings {
  readonly kind: 'tcp';
  readonly host: string;
  readonly port: number;
}

export type SourceSettings = SerialSettings | TcpSettings;

/** The input node's stored configuration. */
export interface SourceConfig {
  readonly source?: string;
  readonly serialPath?: string;
  readonly baudRate?: string | number;
  readonly dataBits?: string | number;
  readonly parity?: string;
  readonly stopBits?: string | number;
  readonly host?: string;
  readonly port?: string | number;
}

export const DEFAULT_BAUD_RATE = 115200;

function integer(v: string | number | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  return typeof v === 'number' ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
}

function serial(c: SourceConfig): Checked<SerialSettings> {
  const path = c.serialPath?.trim() ?? '';
  if (path === '') return { ok: false, error: 'serial port: a device path is required (e.g. /dev/ttyUSB0)' };
  const baudRate = integer(c.baudRate, DEFAULT_BAUD_RATE);
  if (!Number.isInteger(baudRate) || baudRate < 50 || baudRate > 4000000) return { ok: false, error: `baud rate: '${String(c.baudRate)}' is not a line speed` };
  const dataBits = integer(c.dataBits, 8);
  if (dataBits !== 7 && dataBits !== 8) return { ok: false, error: 'data bits: 7 or 8' };
  const parity = c.parity === undefined || c.parity === '' ? 'none' : c.parity;
  if (parity !== 'none' && parity !== 'even' && parity !== 'odd') return { ok: false, error: 'parity: none, even or odd' };
  const stopBits = integer(c.stopBits, 1);
  if (stopBits !== 1 && stopBits !== 2) return { ok: false, error: 'stop bits: 1 or 2' };
  return { ok: true, value: { kind: 'serial', path, baudRate, dataBits, parity, stopBits } };
}

function tcp(c: SourceConfig): Checked<TcpSettings> {
  const host = c.host?.trim() ?? '';
  if (host === '') return { ok: false, error: 'TCP bridge: a host is required' };
  const port = integer(c.port, Number.NaN);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, error: `TCP port: '${String(c.port)}' is not 1–65535` };
  return { ok: true, value: { kind: 'tcp', host, port } };
}

/** Where the input node reads from, checked; the error text names the field. */
export function sourceSettings(c: SourceConfig): Checked<SourceSettings> {
  const kind = c.source === undefined || c.source === '' ? 'serial' : c.source;
  if (kind === 'serial') return serial(c);
  if (kind === 'tcp') return tcp(c);
  return { ok: false, error: `source: '${kind}' is neither serial nor tcp` };
}

/** Short form for the node status and log (`/dev/ttyUSB0 115200 8N1`, `host:port`). */
export function describeSource(s: SourceSettings): string {
  if (s.kind === 'tcp') return `${s.host}:${s.port}`;
  return `${s.path} ${s.baudRate} ${s.dataBits}${s.parity[0]?.toUpperCase() ?? 'N'}${s.stopBits}`;
}
