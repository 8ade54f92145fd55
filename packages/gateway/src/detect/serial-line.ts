import { Socket } from 'node:net';
import { SerialPort } from 'serialport';
import type { LineOpener, ProbeLine } from './detect';
import { DETECT_STEPS } from './line-settings';

const DEFAULT_LINE = DETECT_STEPS[0]?.line ?? { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 };

/** Opens a serial port at each step's setting (closed again after the step). */
export function serialOpener(path: string): LineOpener {
  return async (step, onData) => {
    const l = step.line ?? DEFAULT_LINE;
    const port = new SerialPort({ path, baudRate: l.baudRate, dataBits: l.dataBits, parity: l.parity, stopBits: l.stopBits, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => onData(chunk));
    const line: ProbeLine = {
      write: (bytes) => new Promise<void>((resolve, reject) => port.write(Buffer.from(bytes), (err) => (err ? reject(err) : port.drain(() => resolve())))),
      setBaudRate: (baudRate) => new Promise<void>((resolve, reject) => port.update({ baudRate }, (err) => (err ? reject(err) : resolve()))),
      close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
    };
    return line;
  };
}

/** Connects to a TCP serial bridge (one connection per step). */
export function tcpOpener(host: string, port: number): LineOpener {
  return async (_step, onData) => {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
      socket.connect(port, host);
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => onData(chunk));
    const line: ProbeLine = {
      write: (bytes) => new Promise<void>((resolve, reject) => socket.write(bytes, (err) => (err ? reject(err) : resolve()))),
      setBaudRate: undefined,
      close: async () => {
        socket.destroy();
      },
    };
    return line;
  };
}
