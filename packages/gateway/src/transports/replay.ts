import { readFileSync } from 'node:fs';
import { hexToBytes } from '@smi/decoder';
import { Transport } from './transport';

/**
 * Replays recorded byte streams: each recording is delivered whole, one every `intervalMs`,
 * cycling (`loop`) or once. Used for file replay and for the built-in simulated meter.
 */
export class ReplayTransport extends Transport {
  private timer: NodeJS.Timeout | undefined;
  private index = 0;

  constructor(
    readonly description: string,
    private readonly recordings: readonly Buffer[],
    private readonly intervalMs: number,
    private readonly loop: boolean,
  ) {
    super();
  }

  start(): void {
    this.emit('state', 'open');
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    const rec = this.recordings[this.index % this.recordings.length];
    if (rec) this.emit('data', rec);
    this.index++;
    if (!this.loop && this.index >= this.recordings.length) {
      this.timer = undefined;
      this.emit('end');
      return;
    }
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** File contents as bytes; `hex` files hold hex text (white space ignored). */
export function readRecording(path: string, hex: boolean): Buffer {
  const raw = readFileSync(path);
  if (!hex) return raw;
  const bytes = hexToBytes(raw.toString('latin1'));
  if (!bytes) throw new Error(`${path}: not hex text`);
  return Buffer.from(bytes);
}
