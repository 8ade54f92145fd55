import type { MeterSnapshot, Reading } from '@smi/model';
import { BUILT_IN_PRESETS, renderSnapshotTemplate, type CompiledTemplate, type TemplateEngine } from '@smi/templates';
import { influxLines } from './influx';

/** One HTTP request a push target sends. */
export interface PushRequest {
  readonly url: string;
  readonly body: string;
  readonly contentType: string;
}

export type PushFormat = 'json' | 'influx' | 'value';

export interface BodySettings {
  readonly url: string;
  readonly format: PushFormat;
  /** nunjucks template of the body (replaces format). */
  readonly body?: string | undefined;
  readonly contentType?: string | undefined;
  /** Template context values (`base_topic`, `gateway_id`) for body templates. */
  readonly baseTopic: string;
  readonly gatewayId: string;
}

/** Turns one meter snapshot into the requests to send; rendering problems are values. */
export type BodyBuilder = (snapshot: MeterSnapshot) => { ok: true; requests: PushRequest[] } | { ok: false; error: string };

const JSON_STATE_PAYLOAD = BUILT_IN_PRESETS['json-state'].messages[0]?.payload ?? '';

/** The URL of one request: `{meter}` and `{key}` replaced, URL-encoded. */
export function expandUrl(url: string, meter: string, key = ''): string {
  return url.replace(/\{(meter|key)\}/g, (_m, name: string) => encodeURIComponent(name === 'meter' ? meter : key));
}

/** The bare value as the `value` format sends it (numbers as JavaScript prints them, booleans as true/false). */
function plainValue(r: Reading): string | undefined {
  if (r.value === null) return undefined;
  return String(r.value);
}

/**
 * Compiles the body of a push target once (a template mistake is found at start, as with the MQTT
 * output templates) and returns the builder used per snapshot.
 */
export function compileBodies(engine: TemplateEngine, s: BodySettings, name: string): { ok: true; build: BodyBuilder } | { ok: false; error: string } {
  if (s.format !== 'value' && s.url.includes('{key}')) return { ok: false, error: `${name}.url: {key} is only available with format: value` };
  let template: CompiledTemplate | undefined;
  if (s.body !== undefined || s.format === 'json') {
    const source = s.body ?? JSON_STATE_PAYLOAD;
    const compiled = engine.compile(source, `${name}.body`);
    if (!compiled.ok) return { ok: false, error: compiled.error.message };
    template = compiled.value;
  }
  const render = (snapshot: MeterSnapshot, t: CompiledTemplate): ReturnType<BodyBuilder> => {
    const body = renderSnapshotTemplate(engine, t, snapshot, { baseTopic: s.baseTopic, receivedAt: snapshot.receivedAt ?? '', gatewayId: s.gatewayId });
    if (!body.ok) return { ok: false, error: body.error.message };
    const contentType = s.contentType ?? (s.body === undefined ? 'application/json' : 'text/plain; charset=utf-8');
    return { ok: true, requests: [{ url: expandUrl(s.url, snapshot.meter.id), body: body.value, contentType }] };
  };
  if (template) {
    const t = template;
    return { ok: true, build: (snapshot) => render(snapshot, t) };
  }
  const contentType = s.contentType ?? 'text/plain; charset=utf-8';
  if (s.format === 'influx') {
    return {
      ok: true,
      build: (snapshot) => {
        const lines = influxLines(snapshot);
        return { ok: true, requests: lines.length ? [{ url: expandUrl(s.url, snapshot.meter.id), body: lines.join('\n'), contentType }] : [] };
      },
    };
  }
  return {
    ok: true,
    build: (snapshot) => {
      const requests: PushRequest[] = [];
      for (const r of snapshot.readings) {
        const body = plainValue(r);
        if (body !== undefined) requests.push({ url: expandUrl(s.url, snapshot.meter.id, r.key), body, contentType });
      }
      return { ok: true, requests };
    },
  };
}
