import type { Logger } from './log';

/**
 * A logger that replaces each secret (4 characters or more, as `createLogger`) with `***` before
 * handing the line on: for secrets that become known after the logger was made (generated
 * broker credentials).
 */
export function maskSecrets(log: Logger, secrets: readonly string[]): Logger {
  const masked = secrets.filter((s) => s.length >= 4);
  if (masked.length === 0) return log;
  const mask = (msg: string): string => {
    let text = msg;
    for (const s of masked) text = text.split(s).join('***');
    return text;
  };
  return {
    error: (m) => log.error(mask(m)),
    warn: (m) => log.warn(mask(m)),
    info: (m) => log.info(mask(m)),
    debug: (m) => log.debug(mask(m)),
    trace: (m) => log.trace(mask(m)),
  };
}
