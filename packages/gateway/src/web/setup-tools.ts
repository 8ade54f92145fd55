import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response, Router } from 'express';
import mqtt from 'mqtt';
import { SerialPort } from 'serialport';
import { restoreSecrets, readConfigDocument } from '../config/store';
import { meterConfig } from '../detect/config-yaml';
import { detectMeter, type DetectResult } from '../detect/detect';
import { DETECT_STEPS, TCP_STEP } from '../detect/line-settings';
import { serialOpener, tcpOpener } from '../detect/serial-line';
import type { Logger } from '../log';
import type { WebAuth } from './auth';
import type { UiDetectState, UiPort } from './ui/types';

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

function needLogin(auth: WebAuth, req: Request, res: Response): boolean {
  if (auth.isLoggedIn(req)) return false;
  res.status(401).json({ error: 'authentication required' });
  return true;
}

/** `/api/ui/ports`, `/api/ui/detect` (one detection at a time, progress by polling), `/api/ui/mqtt/test`. */
export function mountSetupTools(router: Router, state: SetupToolsState): void {
  let detection: UiDetectState = { running: false, progress: [], found: null, summary: '' };

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

  router.post('/api/ui/detect', (req, res) => {
    if (detection.running) return void res.status(409).json({ error: 'a detection is running' });
    const body = req.body as { port?: unknown; tcp?: unknown; key?: unknown; listenSeconds?: unknown };
    const tcp = typeof body.tcp === 'string' ? /^(.+):(\d{1,5})$/.exec(body.tcp.trim()) : null;
    const port = typeof body.port === 'string' && body.port.startsWith('/dev/') ? body.port : undefined;
    if (!tcp && !port) return void res.status(400).json({ error: 'give a serial port (/dev/…) or a TCP bridge host:port' });
    const target = tcp ? ({ type: 'tcp', host: tcp[1] as string, port: Number(tcp[2]) } as const) : ({ type: 'serial', port: port as string } as const);
    const listenSeconds =
      typeof body.listenSeconds === 'number' && body.listenSeconds > 0 && body.listenSeconds <= 60 ? body.listenSeconds : DETECT_LISTEN_SECONDS;
    const key = typeof body.key === 'string' && body.key.trim() !== '' ? body.key.trim() : undefined;
    const progress: string[] = [];
    const note = (line: string): void => {
      if (progress.length < MAX_PROGRESS) progress.push(line);
    };
    const log: Logger = { error: note, warn: note, info: note, debug: () => undefined, trace: () => undefined };
    detection = { running: true, progress, found: null, summary: `detecting on ${tcp ? (body.tcp as string) : (port ?? '')}…` };
    const open = target.type === 'tcp' ? tcpOpener(target.host, target.port) : serialOpener(target.port);
    const steps = target.type === 'tcp' ? [TCP_STEP] : [...DETECT_STEPS];
    void detectMeter(open, { steps, listenMs: listenSeconds * 1000, keys: { key } }, log)
      .then((r: DetectResult) => {
        const d = r.found;
        detection = {
          running: false,
          progress,
          found: d ? meterConfig(d, target, { name: 'meter' }) : null,
          summary: d
            ? `found ${d.protocol}${d.encrypted ? ' (encrypted: enter its key)' : ''}${d.report.snapshot ? `, meter ${d.report.snapshot.meter.id}` : ''}`
            : 'no meter found',
        };
      })
      .catch((e: unknown) => {
        detection = { running: false, progress, found: null, summary: `cannot open: ${(e as Error).message}` };
      });
    res.status(202).json(detection);
  });

  router.post('/api/ui/mqtt/test', async (req, res) => {
    const body = req.body as { url?: unknown; username?: unknown; password?: unknown };
    if (typeof body.url !== 'string' || !/^(mqtts?|wss?|tcp):\/\//.test(body.url))
      return void res.status(400).json({ error: 'must be a URL like mqtt://host:1883' });
    const { doc } = restoreSecrets({ password: body.password }, state.configFile ? readConfigDocument(state.configFile) : {});
    const password = (doc as { password?: unknown }).password;
    const client = mqtt.connect(body.url, {
      ...(typeof body.username === 'string' && body.username !== '' ? { username: body.username } : {}),
      ...(typeof password === 'string' ? { password } : {}),
      connectTimeout: 5000,
      reconnectPeriod: 0,
      clientId: `smi-ui-test-${process.pid}-${Date.now()}`,
    });
    const result = await new Promise<{ ok: boolean; message: string }>((resolve) => {
      client.once('connect', () => resolve({ ok: true, message: 'connected' }));
      client.once('error', (e) => resolve({ ok: false, message: e.message }));
      client.once('close', () => resolve({ ok: false, message: 'connection closed (broker unreachable or refused)' }));
    });
    client.end(true);
    res.json(result);
  });
}
