import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues } from './config/load';

/**
 * Home Assistant add-on ("app") mode: the Supervisor writes the user's options to
 * /data/options.json and offers the MQTT broker of the Mosquitto add-on through its services API.
 * This turns both into the gateway's one configuration document (validated by the same schema).
 */
const addonMeter = z.object({
  name: z.string().optional(),
  protocol: z.string().default('auto'),
  port: z.string().optional(),
  host: z.string().optional(),
  tcp_port: z.number().int().optional(),
  baudrate: z.number().int().optional(),
  data_bits: z.union([z.literal(7), z.literal(8), z.literal('7'), z.literal('8')]).optional(),
  parity: z.enum(['none', 'even', 'odd']).optional(),
  key: z.string().optional(),
  auth_key: z.string().optional(),
  /** Modbus: built-in profile id or `sunspec`. */
  modbus_profile: z.string().optional(),
  /** Modbus unit ids, or M-Bus primary (0–250) / secondary (16 hex digits) addresses, comma-separated. */
  addresses: z.string().optional(),
  /** Modbus and M-Bus polling: seconds between rounds. */
  poll_interval: z.number().int().optional(),
});

export const addonOptionsSchema = z.object({
  meters: z.array(addonMeter).default([]),
  mqtt: z.object({ server: z.string().optional(), user: z.string().optional(), password: z.string().optional() }).default({}),
  discovery_prefix: z.string().default('homeassistant'),
  base_topic: z.string().optional(),
  timezone: z.string().optional(),
  log_level: z.string().default('info'),
});
export type AddonOptions = z.infer<typeof addonOptionsSchema>;

/** `data` of the Supervisor's `GET /services/mqtt` answer (port may be a number or a string). */
export interface SupervisorMqtt {
  readonly host: string;
  readonly port: number | string;
  readonly ssl?: boolean;
  readonly username?: string;
  readonly password?: string;
}

/** Ingress: the add-on's web page listens here and only the Supervisor's proxy may connect. */
export const INGRESS_PORT = 8099;
export const INGRESS_PROXY = '172.30.32.2';

function meterDocument(m: AddonOptions['meters'][number], i: number): Record<string, unknown> {
  const where = m.port
    ? {
        type: 'serial',
        port: m.port,
        ...(m.baudrate ? { baudRate: m.baudrate } : {}),
        ...(m.data_bits ? { dataBits: Number(m.data_bits) } : {}),
        ...(m.parity ? { parity: m.parity } : {}),
      }
    : { type: 'tcp', host: m.host, port: m.tcp_port };
  return {
    name: m.name ?? `meter${i + 1}`,
    protocol: m.protocol,
    transport: where,
    ...(m.key ? { key: m.key } : {}),
    ...(m.auth_key ? { authKey: m.auth_key } : {}),
    ...pollingBlock(m),
  };
}

/**
 * The `modbus` block (protocol modbus) or `mbus` block (protocol mbus with addresses) of a meter.
 * Text that is not a number stays text, so the configuration schema names the field and the
 * problem (`meters.0.modbus.unitIds.1: expected number`) instead of this mapping guessing.
 */
function pollingBlock(m: AddonOptions['meters'][number]): Record<string, unknown> {
  const list = (m.addresses ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const asNumber = (t: string): number | string => (/^\d+$/.test(t) ? Number(t) : t);
  const interval = m.poll_interval === undefined ? {} : { pollIntervalSeconds: m.poll_interval };
  if (m.protocol === 'modbus') {
    const units = list.map(asNumber);
    return { modbus: { ...(units.length === 1 ? { unitId: units[0] } : { unitIds: units }), profile: m.modbus_profile ?? '', ...interval } };
  }
  if (m.protocol === 'mbus' && list.length > 0) {
    const secondary = list.filter((t) => /^[0-9a-f]{16}$/i.test(t));
    const primary = list.filter((t) => !secondary.includes(t)).map(asNumber);
    return { mbus: { primaryAddresses: primary, secondaryAddresses: secondary, ...interval } };
  }
  return {};
}

/** Where the add-on keeps state between starts (`/data` is the add-on's own persistent folder). */
export const ADDON_STATE_DIR = '/data/state';

/**
 * The configuration document for add-on mode. Broker priority (as zigbee2mqtt's add-on): the
 * user's own `mqtt.server` wins; otherwise the Supervisor's MQTT service; otherwise the embedded
 * broker.
 */
export function addonConfigDocument(options: AddonOptions, service: SupervisorMqtt | undefined): Record<string, unknown> {
  const mqtt: Record<string, unknown> = {};
  if (options.mqtt.server) {
    mqtt['url'] = options.mqtt.server;
    if (options.mqtt.user) mqtt['username'] = options.mqtt.user;
    if (options.mqtt.password) mqtt['password'] = options.mqtt.password;
  } else if (service) {
    mqtt['url'] = `${service.ssl ? 'mqtts' : 'mqtt'}://${service.host}:${Number(service.port)}`;
    if (service.username) mqtt['username'] = service.username;
    if (service.password) mqtt['password'] = service.password;
  }
  if (options.base_topic) mqtt['baseTopic'] = options.base_topic;
  return {
    ...(options.meters.length ? { meters: options.meters.map(meterDocument) } : {}),
    mqtt,
    homeassistant: { discoveryPrefix: options.discovery_prefix },
    web: { host: '0.0.0.0', port: INGRESS_PORT, allowedClients: [INGRESS_PROXY] },
    logLevel: options.log_level === 'warning' ? 'warn' : options.log_level,
    ...(options.timezone ? { timezone: options.timezone } : {}),
    // The add-on's persistent folder: the embedded broker's generated credentials survive updates.
    stateDir: ADDON_STATE_DIR,
  };
}

export function readAddonOptions(path: string): { ok: true; options: AddonOptions } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { ok: false, problem: `${path}: ${(e as Error).message}` };
  }
  const parsed = addonOptionsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: formatIssues(parsed.error.issues).join('; ') };
  return { ok: true, options: parsed.data };
}

/** Asks the Supervisor for the MQTT service; undefined when there is none (no broker add-on). */
export async function fetchSupervisorMqtt(baseUrl: string, token: string): Promise<SupervisorMqtt | undefined> {
  const res = await fetch(`${baseUrl}/services/mqtt`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) return undefined;
  const body = (await res.json()) as { result?: string; data?: SupervisorMqtt };
  return body.result === 'ok' && body.data?.host ? body.data : undefined;
}
