import type { Request, Response, Router } from 'express';
import { bytesToHex, createDecoder, hexToBytes, type FrameEvent } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { PROTOCOL_CHOICES } from '../config/protocols';
import type { MeterConfig } from '../config/schema';
import { createMeterDecoder } from '../meter-decoder';
import type { WebAuth } from './auth';
import { frameText, maskIdentifiers, type FrameLog, type LoggedFrame } from './frame-log';
import type { UiDecodeResult, UiFrame, UiMeterFrames, UiReading } from './ui/types';

export interface DiagnosticsState {
  readonly auth: WebAuth;
  readonly frames: FrameLog;
  /** The configured meters by label. */
  meters(): readonly { readonly name: string; readonly config: MeterConfig }[];
}

/** Longest hex dump the paste box decodes (bytes). */
export const MAX_PASTE_BYTES = 16 * 1024;

function compact(s: MeterSnapshot): UiReading[] {
  return s.readings.map((r) => ({
    key: r.key,
    name: r.name,
    value: r.value === null || typeof r.value === 'number' || typeof r.value === 'string' ? r.value : JSON.stringify(r.value),
    ...(r.unit ? { unit: r.unit } : {}),
  }));
}

function uiFrame(f: LoggedFrame): UiFrame {
  // both are made anew at every access
  const snapshot = f.snapshot;
  const bytes = f.bytes;
  return {
    at: new Date(f.at).toISOString(),
    length: f.length,
    hex: bytesToHex(bytes),
    text: frameText(bytes),
    ok: f.decoded,
    ...(snapshot ? { meterId: snapshot.meter.id, readings: compact(snapshot) } : {}),
    ...(f.error ? { error: { kind: f.error.kind, message: f.error.message } } : {}),
  };
}

function decodeResult(events: readonly FrameEvent[]): UiDecodeResult['frames'] {
  return events.map((e) =>
    e.ok
      ? { ok: true, meterId: e.snapshot.meter.id, protocol: e.snapshot.protocol, readings: compact(e.snapshot) }
      : { ok: false, error: { kind: e.error.kind, message: e.error.message } },
  );
}

function needLogin(auth: WebAuth, req: Request, res: Response): boolean {
  if (auth.isLoggedIn(req)) return false;
  res.status(401).json({ error: 'authentication required' });
  return true;
}

/**
 * `/api/ui/frames` (the last frames per meter beside their decoding), `/api/ui/decode` (the paste
 * box: decodes a hex dump with the decoder, optionally with a configured meter's settings and
 * keys, which stay on the server) and `/api/ui/capture/:meter` (the meter's last frames as hex
 * text, identifiers masked, for bug reports: `smi decode --hex` reads it).
 */
export function mountDiagnostics(router: Router, state: DiagnosticsState): void {
  router.get('/api/ui/frames', (req, res) => {
    if (needLogin(state.auth, req, res)) return;
    res.setHeader('Cache-Control', 'no-store');
    const out: UiMeterFrames[] = state
      .meters()
      .map((m) => ({ name: m.name, protocol: m.config.protocol, frames: state.frames.recent(m.name).map(uiFrame).reverse() }));
    res.json(out);
  });

  router.post('/api/ui/decode', (req, res) => {
    const body = (req.body ?? {}) as { hex?: unknown; meter?: unknown; protocol?: unknown; key?: unknown };
    const bytes = typeof body.hex === 'string' ? hexToBytes(body.hex) : undefined;
    if (!bytes || bytes.length === 0) return void res.status(400).json({ error: 'not a hex dump (hex digits; spaces, line breaks, 0x and : are fine)' });
    if (bytes.length > MAX_PASTE_BYTES) return void res.status(400).json({ error: `at most ${MAX_PASTE_BYTES} bytes` });
    const meter = typeof body.meter === 'string' ? state.meters().find((m) => m.name === body.meter) : undefined;
    if (body.meter !== undefined && !meter) return void res.status(400).json({ error: 'unknown meter' });
    const protocol = typeof body.protocol === 'string' ? body.protocol : 'auto';
    if (!meter && !(PROTOCOL_CHOICES as readonly string[]).includes(protocol)) return void res.status(400).json({ error: 'unknown protocol' });
    const key = typeof body.key === 'string' && body.key.trim() !== '' ? body.key : undefined;
    const decoder = meter ? createMeterDecoder(meter.config) : createDecoder(protocol as (typeof PROTOCOL_CHOICES)[number], key === undefined ? {} : { key });
    if (!decoder.ok) return void res.status(400).json({ error: decoder.error });
    const events = [...decoder.value.push(bytes), ...(decoder.value.flush?.() ?? [])];
    const result: UiDecodeResult = { frames: decodeResult(events), discardedBytes: decoder.value.discardedBytes };
    res.json(result);
  });

  router.get('/api/ui/capture/:meter', (req, res) => {
    if (needLogin(state.auth, req, res)) return;
    const meter = state.meters().find((m) => m.name === req.params['meter']);
    if (!meter) return void res.status(404).json({ error: 'unknown meter' });
    const ids = state.frames.identifiersOf(meter.name);
    const lines = state.frames.recent(meter.name).map((f) => bytesToHex(maskIdentifiers(f.bytes, ids)));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', `attachment; filename="smi-capture-${meter.name.replace(/[^a-zA-Z0-9_-]/g, '_')}-${meter.config.protocol}.hex"`);
    res.type('text/plain').send(lines.map((l) => l + '\n').join(''));
  });
}
