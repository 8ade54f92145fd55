import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response, Router } from 'express';
import { connectMqtt } from '../mqtt/connect-options';
import { SerialPort } from 'serialport';
import { BUILTIN_MODBUS_PROFILES } from '@smi/decoder';
import { restoreSecrets, readConfigDocument } from '../config/store';
import { meterConfig, type DetectTarget } from '../detect/config-yaml';
import { detectMeter, type DetectResult } from '../detect/detect';
import { DETECT_STEPS, formatLine, TCP_STEP } from '../detect/line-settings';
import { detectModbus, formatUnits, MODBUS_DETECT_LINES, MODBUS_DETECT_UNITS, parseUnits } from '../detect/modbus-detect';
import { modbusMeterConfigs } from '../detect/modbus-yaml';
import { serialOpener, tcpOpener } from '../detect/serial-line';
import type { Logger } from '../log';
import type { WebAuth } from './auth';
import type { UiDetectState, UiFoundMeter, UiPort } from './ui/types';

/** Where udev puts stable names of USB serial adapters. */
export const BY_ID_DIR = '/dev/serial/by-id';
/** Seconds Detect listens at each line setting (as `smi detect --listen`). */
export const DETECT_LISTEN_SECONDS = 12;
/** Progress lines a detection keeps. */
const MAX_PROGRESS = 200;

export interface SetupToolsState {
  readonly auth: WebAuth;
  readonly configFile: string | undefined;
  readonly log: Logger;
}

/** Serial ports: stable /dev/serial/by-id names first, then the devices no such name points at. */
export async function listPorts(byIdDir = BY_ID_DIR): Promise<UiPort[]> {
  const listed = await SerialPort.list().catch(() => []);
  const info = new Map(listed.map((p) => [p.path, [p.manufacturer, p.serialNumber].filter(Boolean).join(' ')]));
  let byId: UiPort[] = [];
  try {
    byId = readdirSync(byIdDir).map((name) => {
      const path = join(byIdDir, name);
      const device = realpathSync(path);
      return { path, device, description: info.get(device) ?? '' };
    });
  } catch {
    byId = [];
  }
  const named = new Set(byId.map((p) => p.device));
  const rest = listed.filter((p) => !named.has(p.path)).map((p) => ({ path: p.path, device: p.path, description: info.get(p.path) ?? '' }));
  return [...byId.sort((a, b) => a.path.localeCompare(b.path)), ...rest];
}

/** What `POST /api/ui/detect` takes: where (`port` or `tcp`), and for push meters a key, for Modbus the unit ids and framing. */
interface DetectBody {
  readonly port?: unknown;
  readonly tcp?: unknown;
  readonly key?: unknown;
  readonly listenSeconds?: unknown;
  readonly modbus?: unknown;
  readonly units?: unknown;
  readonly framing?: unknown;
}

/** What a finished detection shows. */
interface Outcome {
  readonly found: Record<string, unknown> | null;
  readonly meters: readonly UiFoundMeter[];
  /** Lines added to the progress at the end (what to check). */
  readonly notes: readonly string[];
  readonly summary: string;
}

interface ModbusRequest {
  readonly units: readonly number[];
  readonly framing: 'rtu' | 'tcp';
}

function detectTarget(body: DetectBody): { target: DetectTarget; text: string } | string {
  const tcp = typeof body.tcp === 'string' ? /^(.+):(\d{1,5})$/.exec(body.tcp.trim()) : null;
  if (tcp && Number(tcp[2]) >= 1 && Number(tcp[2]) <= 65535)
    return { target: { type: 'tcp', host: tcp[1] as string, port: Number(tcp[2]) }, text: (body.tcp as string).trim() };
  if (typeof body.port === 'string' && body.port.startsWith('/dev/')) return { target: { type: 'serial', port: body.port }, text: body.port };
  return 'give a serial port (/dev/…) or a TCP bridge host:port';
}

/** The unit ids (`1-10` unless given) and the framing (TCP: `tcp` unless `rtu`; a serial port always carries RTU). */
function modbusRequest(body: DetectBody, target: DetectTarget): ModbusRequest | string {
  const text = body.units === undefined ? MODBUS_DETECT_UNITS : body.units;
  const units = typeof text === 'string' ? parseUnits(text) : undefined;
  if (!units) return `units: unit ids 1-247 like '1-10' or '1,2,5', got ${JSON.stringify(text)}`;
  if (body.framing !== undefined && body.framing !== 'tcp' && body.framing !== 'rtu') return `framing: 'tcp' or 'rtu', got ${JSON.stringify(body.framing)}`;
  if (target.type === 'serial' && body.framing === 'tcp') return "framing: 'tcp' is for a TCP connection (a serial port always carries RTU)";
  return { units, framing: target.type === 'serial' ? 'rtu' : ((body.framing as 'rtu' | 'tcp' | undefined) ?? 'tcp') };
}

/** `smi detect --modbus` with the built-in profiles: the line settings in turn (serial) or the TCP connection. */
async function runModbus(target: DetectTarget, o: ModbusRequest, log: Logger): Promise<Outcome> {
  const open = target.type === 'tcp' ? tcpOpener(target.host, target.port) : serialOpener(target.port);
  const lines = target.type === 'tcp' ? [undefined] : [...MODBUS_DETECT_LINES];
  const r = await detectModbus(open, { lines, framing: o.framing, units: o.units, profiles: BUILTIN_MODBUS_PROFILES }, log);
  const meters = modbusMeterConfigs(r, target, { name: 'meter', framing: o.framing }).map((m) => ({
    label: `${m.profile}, unit${m.units.length === 1 ? '' : 's'} ${formatUnits(m.units)}${m.line ? ` at ${formatLine(m.line)}` : ''}`,
    meter: m.config,
  }));
  const unknown = r.found.filter((f) => f.identity.kind === 'unknown').map((f) => f.unitId);
  const notes = [
    ...(r.found.some((f) => f.identity.kind === 'like') ? ['note: "answers like" is a guess from a mains voltage; check the model on the meter'] : []),
    ...(unknown.length > 0
      ? [
          `note: unit${unknown.length === 1 ? ' ' : 's '}${formatUnits(unknown)} match${unknown.length === 1 ? 'es' : ''} no built-in profile: a profile file is needed (docs/modbus.md, "Profiles")`,
        ]
      : []),
    ...(r.ignoresSettings
      ? [`note: the units answered at ${formatLine(r.ignoresSettings)} as well: this line ignores its settings; check the line setting in the meters' menus`]
      : []),
  ];
  const summary =
    meters.length > 0
      ? `found ${meters.length} Modbus meter${meters.length === 1 ? '' : 's'}: ${meters.map((m) => m.label).join('; ')}`
      : r.found.length > 0
        ? 'Modbus units answer, but none matches a built-in profile'
        : 'no Modbus unit answered';
  return { found: null, meters, notes, summary };
}

function needLogin(auth: WebAuth, req: Request, res: Response): boolean {
  if (auth.isLoggedIn(req)) return false;
  res.status(401).json({ error: 'authentication required' });
  return true;
}

/** `/api/ui/ports`, `/api/ui/detect` (one detection at a time, progress by polling), `/api/ui/mqtt/test`. */
export function mountSetupTools(router: Router, state: SetupToolsState): void {
  let detection: UiDetectState = { running: false, progress: [], found: null, meters: [], summary: '' };

  router.get('/api/ui/ports', async (req, res) => {
    if (needLogin(state.auth, req, res)) return;
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listPorts());
  });

  router.get('/api/ui/detect', (req, res) => {
    if (needLogin(state.auth, req, res)) return;
    res.setHeader('Cache-Control', 'no-store');
    res.json(detection);
  });

  /** Runs one detection: progress from its log lines, then its outcome (or why the line could not be opened). */
  const start = (summary: string, run: (log: Logger) => Promise<Outcome>): void => {
    const progress: string[] = [];
    const note = (line: string): void => {
      if (progress.length < MAX_PROGRESS) progress.push(line);
    };
    const log: Logger = { error: note, warn: note, info: note, debug: () => undefined, trace: () => undefined };
    detection = { running: true, progress, found: null, meters: [], summary };
    void run(log)
      .then((o) => {
        o.notes.forEach(note);
        detection = { running: false, progress, found: o.found, meters: o.meters, summary: o.summary };
      })
      .catch((e: unknown) => {
        detection = { running: false, progress, found: null, meters: [], summary: `cannot open: ${(e as Error).message}` };
      });
  };

  router.post('/api/ui/detect', (req, res) => {
    if (detection.running) return void res.status(409).json({ error: 'a detection is running' });
    const body = req.body as DetectBody;
    const where = detectTarget(body);
    if (typeof where === 'string') return void res.status(400).json({ error: where });
    const { target, text } = where;
    if (body.modbus !== undefined && typeof body.modbus !== 'boolean') return void res.status(400).json({ error: 'modbus: true or false' });
    if (body.modbus === true) {
      const o = modbusRequest(body, target);
      if (typeof o === 'string') return void res.status(400).json({ error: o });
      start(`asking Modbus units ${formatUnits(o.units)} on ${text}…`, (log) => runModbus(target, o, log));
      return void res.status(202).json(detection);
    }
    const listenSeconds =
      typeof body.listenSeconds === 'number' && body.listenSeconds > 0 && body.listenSeconds <= 60 ? body.listenSeconds : DETECT_LISTEN_SECONDS;
    const key = typeof body.key === 'string' && body.key.trim() !== '' ? body.key.trim() : undefined;
    const open = target.type === 'tcp' ? tcpOpener(target.host, target.port) : serialOpener(target.port);
    const steps = target.type === 'tcp' ? [TCP_STEP] : [...DETECT_STEPS];
    start(`detecting on ${text}…`, (log) =>
      detectMeter(open, { steps, listenMs: listenSeconds * 1000, keys: { key } }, log).then((r: DetectResult) => {
        const d = r.found;
        return {
          found: d ? meterConfig(d, target, { name: 'meter' }) : null,
          meters: [],
          notes: [],
          summary: d
            ? `found ${d.protocol}${d.encrypted ? ' (encrypted: enter its key)' : ''}${d.report.snapshot ? `, meter ${d.report.snapshot.meter.id}` : ''}`
            : 'no meter found',
        };
      }),
    );
    res.status(202).json(detection);
  });

  router.post('/api/ui/mqtt/test', async (req, res) => {
    const body = req.body as { url?: unknown; username?: unknown; password?: unknown };
    if (typeof body.url !== 'string' || !/^(mqtts?|wss?|tcp):\/\//.test(body.url))
      return void res.status(400).json({ error: 'must be a URL like mqtt://host:1883' });
    const { doc } = restoreSecrets({ password: body.password }, state.configFile ? readConfigDocument(state.configFile) : {});
    const password = (doc as { password?: unknown }).password;
    const broker = {
      url: body.url,
      ...(typeof body.username === 'string' && body.username !== '' ? { username: body.username } : {}),
      ...(typeof password === 'string' ? { password } : {}),
    };
    const client = connectMqtt(broker, { connectTimeout: 5000, reconnectPeriod: 0, clientId: `smi-ui-test-${process.pid}-${Date.now()}` });
    const result = await new Promise<{ ok: boolean; message: string }>((resolve) => {
      client.once('connect', () => resolve({ ok: true, message: 'connected' }));
      client.once('error', (e) => resolve({ ok: false, message: e.message }));
      client.once('close', () => resolve({ ok: false, message: 'connection closed (broker unreachable or refused)' }));
    });
    client.end(true);
    res.json(result);
  });
}
