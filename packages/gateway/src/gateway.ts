import type { MeterSnapshot } from '@smi/model';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker';
import type { Config, MeterConfig } from './config/schema';
import { redactUrl, type Logger } from './log';
import { maskSecrets } from './mask-secrets';
import { MessageFactory } from './mqtt/messages';
import { HomiePublisher } from './mqtt/homie';
import { MqttPublisher } from './mqtt/publisher';
import { loadMqttTls } from './mqtt/connect-options';
import { createMeterDecoder } from './meter-decoder';
import { createPushTargets, type PushTargets } from './http/push';
import { MeterPipeline } from './pipeline';
import { MeterSet } from './meter-set';
import { mergePlausibility, PlausibilityGuard } from './plausibility';

/**
 * A listening M-Bus line silent this long ends a readout whose last telegram announced more
 * records (DIF 1F): what was collected is published rather than held forever.
 */
const MBUS_IDLE_FLUSH_MS = 2000;
import { FrameStats } from './stats';
import { createMeterTransport } from './detect/meter-transport';
import { resolveStateDir } from './state-dir';
import { VERSION } from './version';
import { startWebServer } from './web/server';
import { WebAuth } from './web/auth';
import { FrameLog } from './web/frame-log';
import { meterInfo, mountUi } from './web/ui-routes';
import { SnapshotEvents } from './web/api-v1';
import { healthFamilies, meterFamilies, type MetricFamily } from './web/metrics';

export interface RunningGateway {
  readonly mqttUrl: string;
  readonly webPort: number | undefined;
  latest(): MeterSnapshot[];
  stop(): Promise<void>;
}

/** The web UI's login: ingress trusts the proxy; standalone uses the administrator password. */
function openWebAuth(config: Config): Promise<WebAuth> {
  return WebAuth.open({
    mode: config.web.allowedClients.length ? 'ingress' : 'password',
    stateDir: resolveStateDir(config.stateDir),
    adminPassword: config.web.adminPassword ?? process.env['SMI_WEB_ADMIN_PASSWORD'],
    readOnlyOpen: config.web.readOnlyOpen,
  });
}

/** Starts everything a configuration describes; errors in one meter never stop the others. */
export interface GatewayOptions {
  /** The file the configuration came from: the web UI's Setup saves there. */
  readonly configFile?: string | undefined;
}

export async function startGateway(config: Config, log: Logger, options: GatewayOptions = {}): Promise<RunningGateway> {
  // Templates first: a bad one is a configuration mistake found before anything listens.
  const messages = new MessageFactory(config, VERSION);
  const push = createPushTargets(config, log, messages.installId);
  let broker: EmbeddedBroker | undefined;
  let mqttUrl = config.mqtt.url;
  if (mqttUrl === undefined) {
    const { host, port, users } = config.mqtt.embeddedBroker;
    broker = await startEmbeddedBroker({ host, port, users, stateDir: resolveStateDir(config.stateDir), statusTopic: config.homeassistant.statusTopic }, log);
    mqttUrl = broker.url;
  }
  try {
    // From here on the broker's passwords are masked in every log line.
    return await startParts(config, broker ? maskSecrets(log, broker.secrets) : log, messages, mqttUrl, broker, push, options);
  } catch (e) {
    await broker?.close();
    throw e;
  }
}

async function startParts(
  config: Config,
  log: Logger,
  messages: MessageFactory,
  mqttUrl: string,
  broker: EmbeddedBroker | undefined,
  push: PushTargets,
  options: GatewayOptions,
): Promise<RunningGateway> {
  const { installId, topics } = messages;
  // The gateway's own clients publish to its embedded broker with the broker's credentials.
  const { username, password } = broker ? broker.credentials : config.mqtt;
  // TLS files are read (and checked) before anything connects or listens: a mistake is one line, exit code 2.
  const tls = loadMqttTls(config.mqtt.tls, log);
  const publisher = new MqttPublisher(
    {
      url: mqttUrl,
      username,
      password,
      tls,
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
        { url: mqttUrl, username, password, tls, clientIdPrefix: `smi-${installId}`, reconnectMs: config.mqtt.reconnectMs, root: config.homie.root },
        log,
      )
    : undefined;
  const latest = new Map<string, MeterSnapshot>();
  const events = new SnapshotEvents();
  const frames = new FrameLog();
  const publishStats = (): void => {
    publisher.publish({ topic: topics.gatewayStats, payload: JSON.stringify(totals()), retain: true, qos: 0 });
  };
  const totals = (): ReturnType<FrameStats['toJSON']> => {
    const sum = new FrameStats();
    for (const p of meters.pipelines) sum.add(p.stats);
    return sum.toJSON();
  };

  const createPipeline = (m: MeterConfig, name: string): MeterPipeline | undefined => {
    const decoder = createMeterDecoder(m);
    if (!decoder.ok) {
      log.error(`${name}: ${decoder.error}`);
      return undefined;
    }
    return new MeterPipeline({
      name,
      transport: createMeterTransport(m, log, name),
      decoder: frames.wrap(name, decoder.value),
      sink: {
        snapshot: (s) => {
          latest.set(s.meter.id, s);
          publisher.publishSnapshot(s);
          homie?.publishSnapshot(s);
          push.offer(s);
          events.publish(s);
        },
        // called at most once per 10 s per meter: the stats message is rate limited with it
        rejected: () => publishStats(),
        silent: (ids) => ids.forEach((id) => publisher.setMeterOffline(id)),
      },
      log,
      staleAfterMs: m.staleAfterSeconds * 1000,
      timeZone: config.timezone,
      meterId: m.id,
      plausibility: new PlausibilityGuard(mergePlausibility(config.plausibility, m.plausibility)),
      idleFlushMs: m.protocol === 'mbus' ? MBUS_IDLE_FLUSH_MS : undefined,
      reserve: m.reserve,
    });
  };
  // A meter removed or changed in the web UI: its old values leave the API, its entities go offline.
  const meters = new MeterSet(createPipeline, (ids) =>
    ids.forEach((id) => {
      latest.delete(id);
      publisher.setMeterOffline(id);
    }),
  );
  meters.load(config.meters);
  let running = config;

  const status = (): object => ({
    version: VERSION,
    mqtt: {
      url: redactUrl(mqttUrl),
      connected: publisher.connected,
      embeddedBroker: broker !== undefined,
      ...(broker ? { refusedPublishes: broker.refusedPublishes() } : {}),
    },
    totals: totals(),
    sources: meters.pipelines.map((p) => ({ name: p.name, meters: [...p.meterIds], ...p.stats.toJSON(), lastError: p.stats.lastError ?? null })),
    push: push.status(),
  });
  const metrics = (): MetricFamily[] => [
    ...meterFamilies([...latest.values()]),
    ...healthFamilies({
      sources: meters.pipelines.map((p) => ({ name: p.name, ...p.stats.toJSON() })),
      mqttConnected: publisher.connected,
      push: push.status(),
    }),
  ];
  // The web port is checked before anything connects: a busy port stops the start cleanly.
  const auth = config.web.enabled ? await openWebAuth(config) : undefined;
  const web = auth
    ? await startWebServer({ meters: () => [...latest.values()], status }, config.web.host, config.web.port, log, config.web.allowedClients, {
        authenticate: auth.authenticate,
        readGuard: auth.readGuard,
        routes: (router) =>
          mountUi(router, {
            auth,
            frames,
            meters: () => meters.configured(),
            configFile: options.configFile,
            config: () => running,
            apply: async (next) => {
              const changes = await meters.apply(next.meters);
              // everything but the meters is read once at start
              const restartNeeded = Object.keys(next).filter(
                (k) => k !== 'meters' && JSON.stringify(next[k as keyof Config]) !== JSON.stringify(config[k as keyof Config]),
              );
              running = { ...running, meters: next.meters };
              return { changes, restartNeeded };
            },
            latest: () => [...latest.values()],
            log,
            version: VERSION,
            info: () => ({ version: VERSION, meters: meters.configured().map((m) => meterInfo(m.config, m.name, meters.pipeline(m.name)?.meterIds ?? [])) }),
          }),
        apiV1: {
          meters: () => [...latest.values()],
          status,
          metrics,
          events,
          version: VERSION,
        },
      })
    : undefined;

  publisher.start();
  meters.start();
  publishStats(); // at start (held until the broker is reachable), then every 60 s
  const statsTimer = setInterval(publishStats, 60000);
  statsTimer.unref();

  return {
    mqttUrl,
    webPort: web?.port,
    latest: () => [...latest.values()],
    stop: async () => {
      clearInterval(statsTimer);
      await meters.stop();
      await push.stop();
      events.close();
      await homie?.stop();
      await publisher.stop();
      await web?.close();
      await broker?.close();
    },
  };
}
