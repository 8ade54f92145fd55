import type { MeterSnapshot } from '@smi/model';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker';
import type { Config, MeterConfig } from './config/schema';
import { redactUrl, type Logger } from './log';
import { MessageFactory } from './mqtt/messages';
import { HomiePublisher } from './mqtt/homie';
import { MqttPublisher } from './mqtt/publisher';
import { createMeterDecoder } from './meter-decoder';
import { MeterPipeline } from './pipeline';
import { FrameStats } from './stats';
import { createMeterTransport } from './detect/meter-transport';
import { VERSION } from './version';
import { startWebServer } from './web/server';

export interface RunningGateway {
  readonly mqttUrl: string;
  readonly webPort: number | undefined;
  latest(): MeterSnapshot[];
  stop(): Promise<void>;
}

function meterLabel(m: MeterConfig, i: number): string {
  return m.name ?? `meter${i + 1}`;
}

/** Starts everything a configuration describes; errors in one meter never stop the others. */
export async function startGateway(config: Config, log: Logger): Promise<RunningGateway> {
  let broker: EmbeddedBroker | undefined;
  let mqttUrl = config.mqtt.url;
  if (mqttUrl === undefined) {
    broker = await startEmbeddedBroker(config.mqtt.embeddedBroker.host, config.mqtt.embeddedBroker.port, log);
    mqttUrl = broker.url;
  }
  const messages = new MessageFactory(config, VERSION);
  const { installId, topics } = messages;
  const publisher = new MqttPublisher(
    {
      url: mqttUrl,
      username: config.mqtt.username,
      password: config.mqtt.password,
      clientId: config.mqtt.clientId ?? `smi-${installId}-${process.pid}`,
      qos: config.mqtt.qos,
      retain: config.mqtt.retain,
      reconnectMs: config.mqtt.reconnectMs,
      homeAssistant: config.homeassistant,
    },
    topics,
    messages,
    log,
  );

  const homie = config.homie.enabled
    ? new HomiePublisher(
        { url: mqttUrl, username: config.mqtt.username, password: config.mqtt.password, clientIdPrefix: `smi-${installId}`, reconnectMs: config.mqtt.reconnectMs, root: config.homie.root },
        log,
      )
    : undefined;
  const latest = new Map<string, MeterSnapshot>();
  const pipelines: MeterPipeline[] = [];
  const publishStats = (): void => {
    publisher.publish({ topic: topics.gatewayStats, payload: JSON.stringify(totals()), retain: true, qos: 0 });
  };
  const totals = (): ReturnType<FrameStats['toJSON']> => {
    const sum = new FrameStats();
    for (const p of pipelines) sum.add(p.stats);
    return sum.toJSON();
  };

  config.meters.forEach((m, i) => {
    const name = meterLabel(m, i);
    const decoder = createMeterDecoder(m);
    if (!decoder.ok) {
      log.error(`${name}: ${decoder.error}`);
      return;
    }
    const pipeline = new MeterPipeline(
      name,
      createMeterTransport(m, log, name),
      decoder.value,
      {
        snapshot: (s) => {
          latest.set(s.meter.id, s);
          publisher.publishSnapshot(s);
          homie?.publishSnapshot(s);
        },
        rejected: () => publishStats(),
        silent: (ids) => ids.forEach((id) => publisher.setMeterOffline(id)),
      },
      log,
      m.staleAfterSeconds * 1000,
      config.timezone,
      m.id,
    );
    pipelines.push(pipeline);
  });

  publisher.start();
  for (const p of pipelines) p.start();
  const statsTimer = setInterval(publishStats, 60000);
  statsTimer.unref();

  const web = config.web.enabled
    ? await startWebServer(
        {
          meters: () => [...latest.values()],
          status: () => ({
            version: VERSION,
            mqtt: { url: redactUrl(mqttUrl), connected: publisher.connected, embeddedBroker: broker !== undefined },
            totals: totals(),
            sources: pipelines.map((p) => ({ name: p.name, meters: [...p.meterIds], ...p.stats.toJSON(), lastError: p.stats.lastError ?? null })),
          }),
        },
        config.web.host,
        config.web.port,
        log,
        config.web.allowedClients,
      )
    : undefined;

  return {
    mqttUrl,
    webPort: web?.port,
    latest: () => [...latest.values()],
    stop: async () => {
      clearInterval(statsTimer);
      await Promise.all(pipelines.map((p) => p.stop()));
      await homie?.stop();
      await publisher.stop();
      await web?.close();
      await broker?.close();
    },
  };
}
