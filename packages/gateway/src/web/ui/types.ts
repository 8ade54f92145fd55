/**
 * JSON the web UI's own routes answer (ui-routes.ts), shared by the gateway and the browser code.
 * Secrets never appear: a key is only `set` or `unset`.
 */
export interface UiMeterInfo {
  /** The meter's label (name, else meter1, meter2, …). */
  readonly name: string;
  readonly protocol: string;
  /** Where its bytes come from, e.g. `serial /dev/ttyUSB0` or `tcp 192.168.1.20:8088`. */
  readonly source: string;
  readonly staleAfterSeconds: number;
  /** Meter ids its frames carried so far. */
  readonly ids: readonly string[];
  readonly key: 'set' | 'unset';
  readonly authKey: 'set' | 'unset';
}

export interface UiInfo {
  readonly version: string;
  readonly meters: readonly UiMeterInfo[];
}

/** A reading as the diagnostics view shows it. */
export interface UiReading {
  readonly key: string;
  readonly name: string;
  readonly value: number | string | boolean | null;
  readonly unit?: string;
}

/** One frame a meter sent, beside its decoding (or the reason it was refused). */
export interface UiFrame {
  /** Receive time, ISO-8601 UTC (the browser shows it in its own time zone). */
  readonly at: string;
  readonly length: number;
  readonly hex: string;
  /** Printable ASCII of the frame; other bytes as `·`. */
  readonly text: string;
  readonly ok: boolean;
  /** Meter id and readings of a decoded frame; absent when only the meter's newest frame keeps them (many meters). */
  readonly meterId?: string;
  readonly readings?: readonly UiReading[];
  readonly error?: { readonly kind: string; readonly message: string };
}

export interface UiMeterFrames {
  readonly name: string;
  readonly protocol: string;
  /** Newest first. */
  readonly frames: readonly UiFrame[];
}

/** What `/api/ui/decode` answers for a pasted hex dump. */
export interface UiDecodeResult {
  readonly frames: readonly (
    | { readonly ok: true; readonly meterId: string; readonly protocol: string; readonly readings: readonly UiReading[] }
    | { readonly ok: false; readonly error: { readonly kind: string; readonly message: string } }
  )[];
  readonly discardedBytes: number;
}

/** Setup's Test of a meter: the first frame decoded or refused, or nothing within the time. */
export type UiTestResult =
  | { readonly outcome: 'invalid'; readonly message: string }
  | { readonly outcome: 'nothing'; readonly seconds: number; readonly bytes: number; readonly message: string }
  | {
      readonly outcome: 'decoded';
      readonly seconds: number;
      readonly bytes: number;
      readonly meterId: string;
      readonly protocol: string;
      readonly readings: readonly UiReading[];
    }
  | { readonly outcome: 'refused'; readonly seconds: number; readonly bytes: number; readonly error: { readonly kind: string; readonly message: string } };

/** A configuration problem at a path (`meters.0.key`), from the configuration's schema. */
export interface UiProblem {
  readonly path: string;
  readonly message: string;
}

/** `/api/ui/config`: the document with secrets as `{ $secret: path }`, and its JSON Schema. */
export interface UiConfig {
  /** The file saves go to; null when the gateway runs without one (saving is refused). */
  readonly file: string | null;
  readonly document: Record<string, unknown>;
  readonly schema: unknown;
}

/** What saving did: meters restarted by label, and sections that need a restart of the gateway. */
export interface UiSaveResult {
  readonly saved: boolean;
  readonly problems: readonly UiProblem[];
  readonly changes?: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly restarted: readonly string[];
    readonly unchanged: readonly string[];
  };
  readonly restartNeeded?: readonly string[];
}

/** A serial port as Setup lists it. */
export interface UiPort {
  /** The name to configure: /dev/serial/by-id/… when udev gives one. */
  readonly path: string;
  /** The device it points at (/dev/ttyUSB0). */
  readonly device: string;
  readonly description: string;
}

/** A meter a Modbus detection proposes: what it is (profile, unit ids, line setting) and its configuration entry. */
export interface UiFoundMeter {
  readonly label: string;
  readonly meter: Record<string, unknown>;
}

/** Detect's state: progress lines while running, then what it found. */
export interface UiDetectState {
  readonly running: boolean;
  readonly progress: readonly string[];
  /** Push and D0 meters: the meter entry found (or null). */
  readonly found: Record<string, unknown> | null;
  /** Modbus: one meter per line setting and profile, with the unit ids that play it (empty when none, or for push meters). */
  readonly meters: readonly UiFoundMeter[];
  readonly summary: string;
}
