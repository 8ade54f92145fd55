import { z } from 'zod';

/** `http.push`: one entry per receiver; see docs/http.md. Header values are secrets (never logged or shown). */
const httpPushTargetSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, 'only letters, digits, _ and -')
      .optional()
      .describe('Label in logs, /api/status and /metrics (default push1, push2, …)'),
    url: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/i, 'must be an http:// or https:// URL')
      .describe('Receiver URL; {meter} and {key} are replaced by the meter id and reading key (URL-encoded)'),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z
      .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'), z.string())
      .default({})
      .describe('Extra request headers; values are secrets: never logged, shown as *** in /api/status'),
    format: z
      .enum(['json', 'influx', 'value'])
      .default('json')
      .describe('json: the json-state object per meter; influx: InfluxDB line protocol; value: one request per reading with the bare value'),
    body: z.string().min(1).optional().describe('nunjucks template of the request body per meter snapshot; replaces format'),
    contentType: z.string().min(1).optional().describe('Content-Type of the requests (default: by format; text/plain for body templates)'),
    mode: z
      .enum(['change', 'interval'])
      .default('change')
      .describe('change: send a meter when a value changed (beyond its deadband); interval: at most every intervalSeconds, the latest'),
    intervalSeconds: z.number().int().min(1).max(86400).default(60).describe('Spacing per meter in mode interval'),
    deadband: z
      .record(z.string().min(1), z.number().min(0))
      .default({})
      .describe('Absolute deadband per reading key (* for every numeric value) in mode change'),
    timeoutMs: z.number().int().min(100).max(120000).default(5000),
    queueSize: z
      .number()
      .int()
      .min(1)
      .max(100000)
      .default(100)
      .describe('Requests held while the receiver is unreachable; when full the oldest is dropped and counted'),
  })
  .superRefine((t, ctx) => {
    if (t.body !== undefined && t.format !== 'json')
      ctx.addIssue({ code: 'custom', path: ['body'], message: `a body template replaces format; remove format: ${t.format}` });
  });

/** The `http` block of the configuration (docs/configuration.md, docs/http.md). */
export const httpSchema = z.strictObject({
  push: z.array(httpPushTargetSchema).max(32).default([]).describe('HTTP push targets (webhooks, InfluxDB, Node-RED)'),
});
