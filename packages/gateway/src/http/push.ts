import type { MeterSnapshot } from '@smi/model';
import { createTemplateEngine } from '@smi/templates';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import { maskSecrets } from '../mask-secrets';
import { OutputConfigError } from '../mqtt/messages';
import { compileBodies } from './bodies';
import { describeUrl, PushTarget, type PushTargetStatus } from './sender';

export type HttpPushTargetConfig = Config['http']['push'][number];

export interface PushTargets {
  readonly count: number;
  offer(snapshot: MeterSnapshot): void;
  status(): PushTargetStatus[];
  stop(): Promise<void>;
}

/** Every header value of every target: masked in all log lines. */
export function pushSecrets(config: Config): string[] {
  return config.http.push.flatMap((t) => Object.values(t.headers));
}

/**
 * Builds the configured push targets behind a logger that masks every header value. Templates
 * are compiled now: a mistake is an `OutputConfigError` (exit code 2), as for MQTT templates.
 */
export function createPushTargets(config: Config, log: Logger, gatewayId: string): PushTargets {
  const masked = maskSecrets(log, pushSecrets(config));
  const engine = createTemplateEngine();
  const targets = config.http.push.map((t, i) => {
    const name = t.name ?? `push${i + 1}`;
    const compiled = compileBodies(
      engine,
      { url: t.url, format: t.format, body: t.body, contentType: t.contentType, baseTopic: config.mqtt.baseTopic, gatewayId },
      `http.push.${i}`,
    );
    if (!compiled.ok) throw new OutputConfigError(compiled.error);
    masked.info(`push ${name}: ${t.method} ${describeUrl(t.url)} (${t.body === undefined ? t.format : 'body template'}, mode ${t.mode})`);
    return new PushTarget({
      name,
      url: t.url,
      method: t.method,
      headers: t.headers,
      timeoutMs: t.timeoutMs,
      queueSize: t.queueSize,
      shaping: { mode: t.mode, intervalMs: t.intervalSeconds * 1000, deadband: t.deadband },
      build: compiled.build,
      log: masked,
    });
  });
  return {
    count: targets.length,
    offer: (s) => targets.forEach((t) => t.offer(s)),
    status: () => targets.map((t) => t.status()),
    stop: async () => {
      await Promise.all(targets.map((t) => t.stop()));
    },
  };
}
