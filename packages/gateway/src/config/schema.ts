import { z } from 'zod';
import { LOG_LEVELS } from '../log';
import { PROTOCOL_CHOICES } from './protocols';
import { PLAUSIBILITY_DEFAULTS } from '../plausibility';
import { httpSchema } from './http-schema';

const hexKey = z
  .string()
  .transform((s) => s.replace(/0x/gi, '').replace(/[\s:-]+/g, ''))
  .refine((s) => /^[0-9a-fA-F]{32}$/.test(s), 'must be 16 bytes of hex (32 hex digits; spaces, 0x and upper/lower case are fine)');

const serialTransport = z.strictObject({
  type: z.literal('serial'),
  port: z.string().min(1).describe('Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/...'),
  baudRate: z.number().int().positive().default(115200),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});

const tcpTransport = z.strictObject({
  type: z.literal('tcp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

const fileTransport = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1),
  loop: z.boolean().default(false),
  intervalMs: z.number().int().min(0).default(1000).describe('Pause between repetitions when looping'),
  hex: z.boolean().default(false).describe('File holds hex text instead of raw bytes'),
});

const simulatorTransport = z.strictObject({
  type: z.literal('simulator'),
  telegrams: z.array(z.string().min(1)).min(1).default(['dsmr-v5-iskra', 'dsmr-fluvius']).describe('Built-in recordings to replay'),
  intervalMs: z.number().int().min(100).default(10000),
});

export const transportSchema = z.discriminatedUnion('type', [serialTransport, tcpTransport, fileTransport, simulatorTransport]);

export { PROTOCOL_CHOICES };

const iec62056Schema = z.strictObject({
  mode: z.enum(['request', 'push']).default('request').describe('request: the gateway asks (modes A, B, C); push: the meter sends on its own (mode D)'),
  address: z
    .string()
    .regex(/^[0-9A-Za-z ]{0,32}$/, 'up to 32 letters, digits or spaces')
    .default('')
    .describe('Device address for /?<address>! (empty: any meter)'),
  wakeUp: z.boolean().default(false).describe('Send a wake-up train of NUL bytes first (battery meters)'),
  readoutIntervalSeconds: z.number().int().min(5).default(60),
  maxBaudRate: z.number().int().positive().default(9600).describe('Highest baud rate to switch to after the identification'),
});

const mbusSchema = z.strictObject({
  primaryAddresses: z.array(z.number().int().min(0).max(250)).default([]).describe('Primary addresses (0-250) to read'),
  secondaryAddresses: z
    .array(z.string().regex(/^[0-9A-Fa-f]{16}$/, 'must be 16 hex digits (id, manufacturer, version, medium; F = wildcard)'))
    .default([])
    .describe('Secondary addresses to select and read'),
  pollIntervalSeconds: z.number().int().min(5).default(60),
});

const modbusSchema = z
  .strictObject({
    unitId: z.number().int().min(1).max(247).optional().describe('Unit (slave) id 1-247 of the meter'),
    unitIds: z.array(z.number().int().min(1).max(247)).min(1).max(247).optional().describe('Several meters of one profile on this line, polled in turn'),
    profile: z
      .string()
      .min(1)
      .describe('Built-in profile id (eastron-sdm630, abb-b23 … see docs/modbus.md), sunspec, or a JSON profile file in the one profile shape'),
    pollIntervalSeconds: z.number().int().min(1).max(86400).default(10),
    timeoutMs: z.number().int().min(20).max(60000).default(1000).describe('Silence after a request that counts as no answer'),
    retries: z.number().int().min(0).max(10).default(2).describe('Requests repeated after a timeout or a garbled answer'),
    framing: z
      .enum(['rtu', 'tcp'])
      .optional()
      .describe('rtu (CRC, serial lines) or tcp (MBAP header); default: rtu on serial, tcp on TCP (rtu over TCP for transparent RS-485 bridges)'),
  })
  .superRefine((t, ctx) => {
    if ((t.unitId === undefined) === (t.unitIds === undefined)) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'give either unitId or unitIds' });
    if (t.unitIds && new Set(t.unitIds).size !== t.unitIds.length) ctx.addIssue({ code: 'custom', path: ['unitIds'], message: 'lists a unit id twice' });
  });

const smlSchema = z.strictObject({
  model: z.string().min(1).optional().describe('Meter model (SML does not send one): used to match meter profiles'),
  acceptBadFileCrc: z.boolean().default(false).describe('Decode files whose file CRC fails when every message CRC holds'),
  quirks: z
    .strictObject({
      powerSignFix: z
        .enum(['dzg-int16-unsigned', 'none'])
        .optional()
        .describe("Reinterpret mis-signed power (DZG DVS74 firmware); none switches a profile's fix off"),
      ignoreMessageCrc: z.boolean().optional().describe('Accept wrong message CRCs when the file CRC holds'),
      alternativeCrc: z.enum(['kermit', 'none']).optional().describe('Also accept this CRC variant (Holley meters)'),
    })
    .optional()
    .describe('Quirks forced for this meter; they override the built-in meter profiles'),
});

const dsmrSchema = z.strictObject({
  crc: z
    .enum(['auto', 'required', 'optional'])
    .default('auto')
    .describe(
      'auto: a telegram without CRC is refused (missing-crc) unless it identifies itself as DSMR 2.2/3 or EasyMeter; required: always refuse; optional: accept telegrams without CRC (a wrong CRC is always refused)',
    ),
  maxLength: z.number().int().min(256).max(65536).default(8192).describe('Longest telegram accepted, in bytes'),
});

const rateSchema = (unit: string, dflt: number): z.ZodNumber => z.number().positive().describe(`Highest possible rate in ${unit} (default ${dflt})`);

/** Per meter every field is optional and overrides the top-level `plausibility` block. */
const plausibilityOverrideSchema = z.strictObject({
  enabled: z.boolean().optional().describe('Hold back lifetime-register values that go backwards or jump further than physically possible'),
  maxRate: z
    .strictObject({
      electricity: rateSchema('kW', PLAUSIBILITY_DEFAULTS.maxRate.electricity).optional(),
      heat: rateSchema('kW', PLAUSIBILITY_DEFAULTS.maxRate.heat).optional(),
      gas: rateSchema('m³/h', PLAUSIBILITY_DEFAULTS.maxRate.gas).optional(),
      water: rateSchema('m³/h', PLAUSIBILITY_DEFAULTS.maxRate.water).optional(),
      volume: rateSchema('m³/h', PLAUSIBILITY_DEFAULTS.maxRate.volume).optional(),
    })
    .optional(),
  toleranceSeconds: z.number().min(0).max(86400).optional().describe('Time added to the elapsed time before the rate check'),
  recoveryFrames: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Consecutive agreeing frames after which a new baseline (meter exchange, reset) is accepted'),
});

const plausibilitySchema = z
  .strictObject({
    enabled: z.boolean().default(PLAUSIBILITY_DEFAULTS.enabled),
    maxRate: z
      .strictObject({
        electricity: rateSchema('kW', PLAUSIBILITY_DEFAULTS.maxRate.electricity).default(PLAUSIBILITY_DEFAULTS.maxRate.electricity),
        heat: rateSchema('kW', PLAUSIBILITY_DEFAULTS.maxRate.heat).default(PLAUSIBILITY_DEFAULTS.maxRate.heat),
        gas: rateSchema('m³/h', PLAUSIBILITY_DEFAULTS.maxRate.gas).default(PLAUSIBILITY_DEFAULTS.maxRate.gas),
        water: rateSchema('m³/h', PLAUSIBILITY_DEFAULTS.maxRate.water).default(PLAUSIBILITY_DEFAULTS.maxRate.water),
        volume: rateSchema('m³/h', PLAUSIBILITY_DEFAULTS.maxRate.volume).default(PLAUSIBILITY_DEFAULTS.maxRate.volume),
      })
      .default({ ...PLAUSIBILITY_DEFAULTS.maxRate }),
    toleranceSeconds: z.number().min(0).max(86400).default(PLAUSIBILITY_DEFAULTS.toleranceSeconds),
    recoveryFrames: z.number().int().min(1).max(1000).default(PLAUSIBILITY_DEFAULTS.recoveryFrames),
  })
  .describe('Plausibility guard for lifetime registers (energy, volume); see docs/configuration.md');

const meterSchema = z.strictObject({
  name: z.string().min(1).optional().describe('Label used in logs'),
  id: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'only letters, digits, _ and -')
    .optional()
    .describe('Meter id to use instead of the one the frames give (meters that send none, e.g. Nordic P1); part of topics and unique ids'),
  protocol: z.enum(PROTOCOL_CHOICES).default('dsmr'),
  transport: transportSchema,
  key: hexKey.optional().describe('Decryption key (secret)'),
  authKey: hexKey.optional().describe('Authentication key (secret)'),
  profiles: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Meter profiles tried before the built-in ones: built-in ids (lg-e570-cii) or paths to JSON profile files in the one profile shape (docs/adding-a-meter.md), for DLMS, SML and IEC 62056-21 meters',
    ),
  staleAfterSeconds: z.number().int().positive().default(120).describe('Meter is reported offline when silent this long'),
  iec62056: iec62056Schema.optional().describe('IEC 62056-21 (D0) settings; protocol iec62056-21 only'),
  mbus: mbusSchema.optional().describe('Wired M-Bus polling; protocol mbus only'),
  modbus: modbusSchema.optional().describe('Modbus RTU/TCP polling; protocol modbus only (required there)'),
  sml: smlSchema.optional().describe('SML settings; protocol sml (or auto) only'),
  dsmr: dsmrSchema.optional().describe('DSMR P1 settings; protocol dsmr (or auto) only'),
  plausibility: plausibilityOverrideSchema.optional().describe('Overrides of the top-level plausibility settings for this meter'),
  reserve: z
    .strictObject({
      port: z.number().int().min(0).max(65535),
      host: z.string().min(1).default('127.0.0.1').describe('Interface; default this machine only (0.0.0.0: every interface)'),
    })
    .optional()
    .describe("Share the meter's raw bytes read-only on a TCP port (as ser2net), so another tool can read the same meter at the same time"),
});

const brokerUserSchema = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(8, 'at least 8 characters').describe('Password (secret)'),
});

const brokerSchema = z.strictObject({
  port: z.number().int().min(1).max(65535).default(1883),
  host: z
    .string()
    .default('0.0.0.0')
    .describe('Interface to listen on (0.0.0.0: every interface, so Home Assistant on another machine can connect; 127.0.0.1: this machine only)'),
  users: z
    .array(brokerUserSchema)
    .min(1)
    .optional()
    .describe(
      'Who may publish; the gateway itself uses the first. Absent: one user is generated at first start and stored in stateDir. Without credentials clients may only subscribe and publish the Home Assistant status topic',
    ),
});

/** `mqtt.tls`: files are read (and checked) at start by `loadMqttTls` (mqtt/connect-options.ts). */
const mqttTlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional().describe("PEM file with the CA certificate(s) that signed the broker's certificate; default: the system's public CAs"),
    cert: z.string().min(1).optional().describe('PEM file with the client certificate, for brokers that require one (needs key)'),
    key: z.string().min(1).optional().describe("PEM file with the client certificate's private key (its content is never logged)"),
    passphrase: z.string().min(1).optional().describe('Passphrase of an encrypted key (secret)'),
    rejectUnauthorized: z.boolean().default(true).describe("false: do not check the broker's certificate at all (unsafe; warned at every start)"),
    servername: z
      .string()
      .min(1)
      .optional()
      .describe("Host name expected in the broker's certificate (and sent as SNI) when mqtt.url names the broker otherwise"),
  })
  .superRefine((t, ctx) => {
    if ((t.cert === undefined) !== (t.key === undefined))
      ctx.addIssue({ code: 'custom', path: [t.cert === undefined ? 'cert' : 'key'], message: 'a client certificate needs both cert and key' });
    if (t.passphrase !== undefined && t.key === undefined)
      ctx.addIssue({ code: 'custom', path: ['passphrase'], message: 'is the passphrase of key, which is not set' });
  });

/** TLS settings without a TLS URL would be silently ignored: refuse them. */
function tlsNeedsSecureUrl(m: { url?: string | undefined; tls?: unknown }, ctx: z.RefinementCtx): void {
  if (m.tls === undefined || (m.url !== undefined && /^(mqtts|wss):/i.test(m.url))) return;
  ctx.addIssue({
    code: 'custom',
    path: ['tls'],
    message: `applies to an external broker with an mqtts:// or wss:// url only (mqtt.url is ${m.url === undefined ? 'not set' : m.url.split(':')[0] + '://…'})`,
  });
}

const mqttSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//, 'must be a URL like mqtt://host:1883')
    .optional()
    .describe('External broker; when absent an embedded broker is started'),
  username: z.string().optional(),
  password: z.string().optional(),
  clientId: z.string().optional(),
  baseTopic: z
    .string()
    .regex(/^[^#+]+$/, 'must not contain MQTT wildcards')
    .default('smi'),
  qos: z
    .union([z.literal(0), z.literal(1), z.literal(2)])
    .default(0)
    .describe('QoS of state messages (discovery and availability always use QoS 1); see docs/mqtt.md#qos-of-state-messages'),
  retain: z.boolean().default(true),
  reconnectMs: z.number().int().min(100).default(5000),
  tls: mqttTlsSchema.optional().describe('TLS for mqtts:// and wss:// brokers: own CA, client certificate; see docs/configuration.md'),
  embeddedBroker: brokerSchema.default({ port: 1883, host: '0.0.0.0' }),
});

const homeAssistantSchema = z.strictObject({
  enabled: z.boolean().default(true),
  discoveryPrefix: z
    .string()
    .regex(/^[a-zA-Z0-9_/-]+$/, 'must be a plain topic prefix')
    .default('homeassistant'),
  statusTopic: z.string().default('homeassistant/status'),
  birthPayload: z.string().default('online'),
  reannounceDelayMs: z.number().int().min(0).default(5000),
  expireAfterSeconds: z.number().int().positive().optional(),
  discovery: z
    .enum(['entity', 'device'])
    .default('entity')
    .describe('entity: one config per sensor (every HA, older openHAB); device: one config per meter (HA 2024.12+, openHAB after Feb 2026)'),
  history: z
    .enum(['omit', 'attributes', 'entities'])
    .default('omit')
    .describe('values of earlier billing periods (OBIS *F): omit from discovery, group as attributes of one entity, or one entity each'),
});

const homieSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Publish Homie 4.0.0 devices (openHAB Homie binding)'),
  root: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and hyphens')
    .default('homie'),
});

const outputSchema = z.strictObject({
  preset: z.string().default('json-state'),
  topic: z.string().optional().describe('Custom state topic template (nunjucks); replaces the preset'),
  payload: z.string().optional().describe('Custom state payload template (nunjucks)'),
  valueTemplate: z.string().optional().describe('HA value_template that reads one value from the custom payload; {key} stands for the reading key'),
});

const webSchema = z.strictObject({
  enabled: z.boolean().default(true),
  port: z.number().int().min(0).max(65535).default(8080),
  host: z.string().default('0.0.0.0'),
  allowedClients: z.array(z.string().min(1)).default([]).describe('When set, only these peer addresses may connect (Home Assistant ingress: 172.30.32.2)'),
  adminPassword: z
    .string()
    .min(10, 'at least 10 characters')
    .optional()
    .describe(
      'Administrator password of the web UI (secret; also SMI_WEB_ADMIN_PASSWORD); absent: set in the browser at first start. Only its scrypt hash is stored, in stateDir',
    ),
  readOnlyOpen: z
    .boolean()
    .default(true)
    .describe(
      'true: values, status and metrics can be read without a login (changes always need one); false: everything but the login page needs the administrator login',
    ),
});

/** Most meters one gateway reads; a larger list is a mistake (or an attack on memory), not a setup. */
export const MAX_METERS = 1000;

/** Two meters with one `name` or one `id` would share log lines, topics and Home Assistant entities. */
function refuseDuplicates(meters: readonly { name?: string | undefined; id?: string | undefined }[], ctx: z.RefinementCtx): void {
  for (const field of ['name', 'id'] as const) {
    const first = new Map<string, number>();
    meters.forEach((m, i) => {
      const value = m[field];
      if (value === undefined) return;
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: [i, field],
          message: `duplicate ${field} '${value}' (also meters.${earlier}.${field}); every meter needs its own`,
        });
    });
  }
}

export const configSchema = z.strictObject({
  meters: z
    .array(meterSchema)
    .max(MAX_METERS, `at most ${MAX_METERS} meters per gateway; run several gateways (with different installId) for more`)
    .superRefine(refuseDuplicates)
    .default([{ protocol: 'dsmr', transport: { type: 'simulator', telegrams: ['dsmr-v5-iskra', 'dsmr-fluvius'], intervalMs: 10000 }, staleAfterSeconds: 120 }]),
  mqtt: mqttSchema.superRefine(tlsNeedsSecureUrl).default(mqttSchema.parse({})),
  homeassistant: homeAssistantSchema.default(homeAssistantSchema.parse({})),
  homie: homieSchema.default(homieSchema.parse({})),
  output: outputSchema.default(outputSchema.parse({})),
  web: webSchema.default(webSchema.parse({})),
  http: httpSchema.default(httpSchema.parse({})),
  plausibility: plausibilitySchema.default(plausibilitySchema.parse({})),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  timezone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Zurich')
    .optional()
    .describe("Time zone of meter clocks that send no offset; default: the gateway machine's (TZ)"),
  installId: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'only letters, digits, _ and -')
    .optional()
    .describe('Distinguishes several gateways on one broker'),
  stateDir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Folder for state kept between starts (generated broker credentials); default: SMI_STATE_DIR, else $XDG_STATE_HOME/smart-meter-interop, else ~/.local/state/smart-meter-interop',
    ),
});

export type Config = z.infer<typeof configSchema>;
export type MeterConfig = Config['meters'][number];
export type TransportConfig = z.infer<typeof transportSchema>;
