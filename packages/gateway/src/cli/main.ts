import { Command, CommanderError, Option } from 'commander';
// Only what every command needs is imported here; each command loads its own modules when it
// runs (`smi decode` never loads the broker, the web server, serial ports or the templates).
import { PROTOCOL_CHOICES } from '../config/protocols';
import type { Config } from '../config/schema';
import type { RunningGateway } from '../gateway';
import { createLogger } from '../log';
import { VERSION } from '../version';
import { runDecode } from './decode';
import { registerDetect } from './detect';
import type { SimulateOptions } from './simulate';
import { SIMULATOR_NAMES } from '../simulators/names';
import { UsageError } from './input';
import type { ProtocolChoice } from '@smi/decoder';

/** SIGTERM/SIGINT end the process within this time even when a part does not stop (docker stop waits 10 s). */
const SHUTDOWN_DEADLINE_MS = 4000;

/** An error as one line (the first line of its message), for start-up and shutdown failures. */
function problemOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

const out = (line: string): void => void process.stdout.write(line + '\n');
const err = (line: string): void => void process.stderr.write(line + '\n');

function protocolOption(): Option {
  return new Option('--protocol <protocol>', 'protocol of the input').choices(PROTOCOL_CHOICES).default('auto');
}

async function configOrExit(path: string | undefined): Promise<{ ok: true; config: Config }> {
  const { loadConfig } = await import('../config/load');
  const r = loadConfig(path);
  if (!r.ok) {
    err(`invalid configuration${path ? ` in ${path}` : ''}:`);
    for (const p of r.problems) err(`  ${p}`);
    process.exit(2);
  }
  return r;
}

/** Add-on mode: /data/options.json + the Supervisor's MQTT service → the one configuration. */
async function addonConfigOrExit(path: string): Promise<{ ok: true; config: Config }> {
  const { addonConfigDocument, fetchSupervisorMqtt, readAddonOptions } = await import('../addon');
  const { validateConfig } = await import('../config/load');
  const options = readAddonOptions(path);
  if (!options.ok) {
    err(`invalid add-on options: ${options.problem}`);
    process.exit(2);
  }
  const token = process.env['SUPERVISOR_TOKEN'];
  const supervisor = process.env['SMI_SUPERVISOR_URL'] ?? 'http://supervisor';
  const service = token ? await fetchSupervisorMqtt(supervisor, token).catch(() => undefined) : undefined;
  if (!options.options.mqtt.server && !service) err('no MQTT service offered by the Supervisor and no mqtt.server option: starting the embedded broker');
  const r = validateConfig(addonConfigDocument(options.options, service), process.env);
  if (!r.ok) {
    err('invalid add-on options:');
    for (const p of r.problems) err(`  ${p}`);
    process.exit(2);
  }
  return r;
}

export function buildProgram(): Command {
  const program = new Command('smi')
    .description('Smart Meter Interop: decode smart-meter data and publish it to Home Assistant, openHAB and MQTT, locally.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('run the gateway (with no configuration: a simulated DSMR meter and an embedded MQTT broker)')
    .option('-c, --config <file>', 'YAML configuration file')
    .option('--addon [options-file]', 'Home Assistant add-on mode: options from the Supervisor (default /data/options.json)')
    .action(async (opts: { config?: string; addon?: string | boolean }) => {
      const { config } = opts.addon
        ? await addonConfigOrExit(typeof opts.addon === 'string' ? opts.addon : '/data/options.json')
        : await configOrExit(opts.config);
      const { startGateway } = await import('../gateway');
      const { ConfigMistake } = await import('../config/load');
      const { OutputConfigError } = await import('../mqtt/messages');
      const secrets = [
        config.mqtt.password,
        config.mqtt.tls?.passphrase,
        config.web.adminPassword,
        process.env['SMI_WEB_ADMIN_PASSWORD'],
        ...(config.mqtt.embeddedBroker.users ?? []).map((u) => u.password),
        ...config.meters.flatMap((m) => [m.key, m.authKey]),
        ...config.http.push.flatMap((t) => Object.values(t.headers)),
      ].filter((s): s is string => !!s);
      const log = createLogger(config.logLevel, secrets);
      log.info(
        `Smart Meter Interop ${VERSION} starting${opts.config ? ` with ${opts.config}` : ` with the embedded defaults (simulated meter, ${config.mqtt.url === undefined ? 'embedded broker' : 'broker from SMI_MQTT_URL'})`}`,
      );
      let gw: RunningGateway | undefined;
      let stopping = false;
      const shutdown = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        log.info(`${signal}: shutting down`);
        // Whatever hangs (a broker that never answers, a serial driver), the process ends in time.
        setTimeout(() => {
          log.warn(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting without waiting further`);
          process.exit(0);
        }, SHUTDOWN_DEADLINE_MS).unref();
        (gw ? gw.stop() : Promise.resolve()).then(
          () => process.exit(0),
          (e: unknown) => {
            log.error(`shutdown: ${problemOf(e)}`);
            process.exit(1);
          },
        );
      };
      // Registered before the start: a signal during the start ends the process too.
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      try {
        gw = await startGateway(config, log, { configFile: opts.addon ? undefined : opts.config });
      } catch (e) {
        // One line naming the problem, no stack trace; 2 for configuration mistakes.
        err(`smi: cannot start: ${problemOf(e)}`);
        process.exit(e instanceof ConfigMistake || e instanceof OutputConfigError ? 2 : 1);
      }
    });

  program
    .command('decode')
    .description('decode frames from FILE (or standard input) and print one JSON object per frame (NDJSON)')
    .argument('[file]', 'capture file, or - for standard input')
    .addOption(protocolOption())
    .option('--key <hex>', 'decryption key (DLMS, encrypted P1)')
    .option('--auth-key <hex>', 'authentication key (DLMS)')
    .option('--hex', 'input is hex text (white space and line breaks are ignored)', false)
    .option('--summary', 'print only one closing line {frames, rejected, readings, errors}', false)
    .action(async (file: string | undefined, o: { protocol: ProtocolChoice; key?: string; authKey?: string; hex: boolean; summary: boolean }) => {
      process.exitCode = await runDecode(file, o, out, err);
    });

  program
    .command('discovery')
    .description(
      'print every MQTT message the gateway would publish for the frames in FILE (Home Assistant discovery and states, or the Homie devices), as NDJSON {topic, payload, retain}',
    )
    .argument('[file]', 'capture file, or - for standard input')
    .addOption(new Option('--platform <platform>', 'discovery convention').choices(['homeassistant', 'homie']).default('homeassistant'))
    .addOption(protocolOption())
    .option('--key <hex>', 'decryption key')
    .option('--auth-key <hex>', 'authentication key')
    .option('--hex', 'input is hex text', false)
    .option('-c, --config <file>', 'configuration whose MQTT and Home Assistant settings to use')
    .action(
      async (
        file: string | undefined,
        o: { platform: 'homeassistant' | 'homie'; protocol: ProtocolChoice; key?: string; authKey?: string; hex: boolean; config?: string },
      ) => {
        const { config } = await configOrExit(o.config);
        const { runDiscovery } = await import('./discovery');
        process.exitCode = await runDiscovery(file, o, config, out, err);
      },
    );

  program
    .command('simulate')
    .description('play a simulated meter on a serial port (a real one or a socat pty), or Modbus meters as a Modbus TCP server, for demos and tests')
    .addOption(new Option('--meter <name>', 'which meter').choices(SIMULATOR_NAMES).makeOptionMandatory())
    .option('--port <path>', 'serial port to play the meter on')
    .option('--tcp-port <port>', 'Modbus only: serve Modbus TCP on this port instead (0: any free port, logged)')
    .option('--tcp-host <host>', 'address the Modbus TCP server listens on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--interval-ms <ms>', 'pause between pushed frames (push meters)', '10000')
    .option('--set <key=value>', 'simulator setting (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (o: SimulateOptions) => {
      const { runSimulate } = await import('./simulate');
      await runSimulate(o);
    });

  registerDetect(program, out, err);

  program
    .command('config-schema')
    .description('print the JSON Schema of the configuration file')
    .action(async () => {
      const { configJsonSchema } = await import('../config/json-schema');
      out(JSON.stringify(configJsonSchema(), null, 2));
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // `smi decode … | head`: a closed pipe ends the command quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes get exit code 2.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    if (e instanceof UsageError) {
      err(`smi: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}

if (require.main === module) void main(process.argv);
