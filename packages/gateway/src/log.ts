/** Leveled logger injected into the gateway's parts. Decoders never log. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
}

/**
 * Writes `time level message` lines to a sink (stderr by default). Known secrets are masked
 * before anything is written, so a key or password that slips into a message never reaches the log.
 */
export function createLogger(level: LogLevel, secrets: readonly string[] = [], sink: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const max = LOG_LEVELS.indexOf(level);
  const masked = secrets.filter((s) => s.length >= 4);
  const write = (lvl: LogLevel) => (msg: string) => {
    if (LOG_LEVELS.indexOf(lvl) > max) return;
    let text = msg;
    for (const s of masked) text = text.split(s).join('***');
    sink(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${text}`);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug'), trace: write('trace') };
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/** A URL with any user name and password removed, for logs and status pages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1***@');
}
