/**
 * A simulated meter: the meter's side of a line, for tests (over socat pty pairs) and demo mode
 * (`smi simulate`). Pure state machines from @smi/decoder do the protocol work; the runner owns
 * the port and the clock.
 */
export type SimulatorAction =
  /** Send bytes, optionally after a pause (reaction time). */
  | { readonly send: Uint8Array; readonly afterMs?: number }
  /** Switch the line speed, optionally after a pause (IEC 62056-21 baud switch). */
  | { readonly setBaud: number; readonly afterMs?: number };

export interface MeterSimulator {
  readonly description: string;
  /** Line settings the meter starts with. */
  readonly line: { readonly baudRate: number; readonly dataBits: 7 | 8; readonly parity: 'none' | 'even' | 'odd'; readonly stopBits: 1 | 2 };
  /** Push meters: what the meter sends on its own every interval (undefined: nothing this time). */
  push?(): Uint8Array | undefined;
  /** Request/response meters: the answer to bytes the master sent. */
  receive?(bytes: Uint8Array): SimulatorAction[];
}

export interface SimulatorOptions {
  /** Simulator-specific settings from the command line (`--set key=value`) or a test. */
  readonly settings: Readonly<Record<string, string>>;
}

export type SimulatorFactory = (options: SimulatorOptions) => MeterSimulator;
