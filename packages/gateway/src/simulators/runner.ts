import { SerialPort } from 'serialport';
import type { Logger } from '../log';
import type { MeterSimulator, SimulatorAction } from './simulator';

export interface RunningSimulator {
  stop(): Promise<void>;
}

/**
 * Plays a simulated meter on a serial port (a real one, or one end of a socat pty pair):
 * pushes every `intervalMs` (push meters) and answers requests (request/response meters),
 * switching baud rate when the meter would.
 */
export async function runSimulator(sim: MeterSimulator, path: string, intervalMs: number, log: Logger): Promise<RunningSimulator> {
  const port = new SerialPort({ path, ...sim.line, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  log.info(`simulating ${sim.description} on ${path} (${sim.line.baudRate} ${sim.line.dataBits}${sim.line.parity[0]?.toUpperCase()}${sim.line.stopBits})`);
  // Pending pauses: on stop they end at once (and the queue stops), so stopping never hangs.
  const pauses = new Map<NodeJS.Timeout, () => void>();
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  const later = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        pauses.delete(t);
        resolve();
      }, ms);
      pauses.set(t, resolve);
    });
  const write = (bytes: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => port.write(Buffer.from(bytes), (err) => (err ? reject(err) : port.drain(() => resolve()))));
  const perform = async (actions: readonly SimulatorAction[]): Promise<void> => {
    for (const a of actions) {
      if (a.afterMs) await later(a.afterMs);
      if (stopped) return;
      if ('send' in a) await write(a.send);
      else await new Promise<void>((resolve, reject) => port.update({ baudRate: a.setBaud }, (err) => (err ? reject(err) : resolve())));
    }
  };
  const enqueue = (actions: readonly SimulatorAction[]): void => {
    chain = chain.then(() => perform(actions)).catch((e: unknown) => log.warn(`simulator: ${String(e)}`));
  };
  if (sim.receive) {
    const receive = sim.receive.bind(sim);
    port.on('data', (chunk: Buffer) => enqueue(receive(chunk)));
  }
  let pushTimer: NodeJS.Timeout | undefined;
  if (sim.push) {
    const push = sim.push.bind(sim);
    const tick = (): void => {
      const bytes = push();
      if (bytes) enqueue([{ send: bytes }]);
      pushTimer = setTimeout(tick, intervalMs);
    };
    pushTimer = setTimeout(tick, 0);
  }
  return {
    stop: async () => {
      if (pushTimer) clearTimeout(pushTimer);
      stopped = true;
      for (const [t, resolve] of pauses) {
        clearTimeout(t);
        resolve();
      }
      pauses.clear();
      await chain;
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
